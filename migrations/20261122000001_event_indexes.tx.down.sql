DROP INDEX events_blocks;
DROP INDEX events_registrations;
CREATE INDEX events_entity ON events (entity, chain, id);
CREATE INDEX events_entity_height ON events (entity, chain, block_height);
