DROP INDEX registrations_collection;
DROP INDEX registrations_block;
CREATE INDEX registrations_collection ON registrations (collection, block_height, tx_index);

DROP INDEX badge_claims_player;
DROP INDEX badge_claims_block;
CREATE INDEX badge_claims_player ON badge_claims (player, block_height DESC);

DROP INDEX nullifiers_player;
DROP INDEX nullifiers_block;
CREATE INDEX nullifiers_player ON nullifiers (player, block_height DESC);

DROP INDEX reuse_attempts_player;
DROP INDEX reuse_attempts_block;
CREATE INDEX reuse_attempts_player ON reuse_attempts (player, block_height DESC);

DROP INDEX badge_holdings_holder;
CREATE INDEX badge_holdings_holder ON badge_holdings (holder);
