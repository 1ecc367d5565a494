-- Nullifiers are looked up by hash only for equality, up to a thousand at a
-- time (the XP verifier's hot path). A hash index answers each probe from a
-- bucket page where the B-tree over 66-character keys descends several
-- levels: a 100-hash lookup over a million nullifiers took 1.00–1.11 ms
-- instead of 1.17–1.20 ms (store BenchmarkNullifiersByHash).
--
-- Fill factor 50, not the default 75: a hash index grows by splitting one
-- bucket at a time, so the buckets not yet split hold twice as many entries
-- as the rest, and at 75 they spill into overflow pages that every probe of
-- the bucket then reads too. Filled one insert at a time to a million
-- hashes, 838 of 3,258 buckets had overflowed at 75 and none at 50 (11
-- pages at 1.5 million, none at 2 million), for an index half again as
-- large (55 MB per million); PostgreSQL answered 20–27 % more 100-hash
-- lookups per second (pgbench, 64 different hash sets).
DROP INDEX nullifiers_hash;
CREATE INDEX nullifiers_hash ON nullifiers USING hash (nullifier) WITH (fillfactor = 50);
