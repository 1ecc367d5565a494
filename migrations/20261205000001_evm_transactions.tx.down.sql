DROP INDEX events_removed_blocks;
DROP TABLE evm_transactions;
