DROP INDEX nullifiers_hash;
CREATE INDEX nullifiers_hash ON nullifiers (nullifier);
