-- The event log's secondary indexes covered every entity, yet only two
-- readers need one: a chain's tip as of an event id (block events) and the
-- registrations still unconfirmed then (registration events). Partial
-- indexes serve both and leave the EVM indexer's thousands of events per
-- batch with the primary key alone to maintain.
DROP INDEX events_entity;
DROP INDEX events_entity_height;
CREATE INDEX events_blocks ON events (chain, id) WHERE entity = 'block';
CREATE INDEX events_registrations ON events (chain, block_height) WHERE entity = 'registration';
