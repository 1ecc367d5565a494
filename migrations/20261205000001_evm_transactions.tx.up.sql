-- EVM transactions as their receipts tell them: every transaction that emitted
-- an indexed badge or verifier event and, on chains with failed_calls, every
-- call to a configured contract, reverted ones included. Entity rows like the
-- others: inserted and deleted with their block, never updated.
CREATE TABLE evm_transactions (
    chain               text NOT NULL,
    tx_hash             text NOT NULL,
    tx_index            integer NOT NULL,
    from_address        text NOT NULL,
    -- null for a contract creation
    to_address          text,
    -- a call to a configured contract found in its block's transactions
    -- (failed_calls chains): the rows success and failure rates count
    called              boolean NOT NULL,
    -- the input's first 4 bytes and the ABI's name for them; null when the
    -- input is unknown (receipt only) or shorter
    selector            text,
    function            text,
    -- null when the transaction itself was not read (receipt only)
    gas_limit           bigint,
    gas_used            bigint NOT NULL,
    effective_gas_price numeric(78, 0) NOT NULL,
    fee_wei             numeric(78, 0) NOT NULL,
    -- the receipt's status: 1 succeeded, 0 reverted
    status              smallint NOT NULL,
    error_selector      text,
    error_name          text,
    error_message       text,
    block_height        bigint NOT NULL,
    block_hash          text NOT NULL,
    block_time          timestamptz NOT NULL,
    PRIMARY KEY (chain, tx_hash)
);
CREATE INDEX evm_transactions_height ON evm_transactions (chain, block_height);
CREATE INDEX evm_transactions_time ON evm_transactions (block_time);
-- failedCalls lists reverted calls in chain order.
CREATE INDEX evm_transactions_failed ON evm_transactions (block_height, tx_index, chain) WHERE status = 0;
-- The status page's recent reorgs: REMOVED block events, few and in id
-- order, without a scan of every block event.
CREATE INDEX events_removed_blocks ON events (id) WHERE entity = 'block' AND kind = 'REMOVED';
