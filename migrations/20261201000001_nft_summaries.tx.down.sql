DROP TABLE nft_summaries;
DROP INDEX registrations_nft;
CREATE INDEX registrations_nft ON registrations (inscription_id, block_height DESC, tx_index DESC);
