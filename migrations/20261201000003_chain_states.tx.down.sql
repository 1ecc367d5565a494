ALTER TABLE providers DROP COLUMN last_error_at;
DROP TABLE chain_states;
