-- herald's schema. Every entity row carries (chain, block_height): a rollback
-- deletes above a height, and as-of queries read at or below one. Entity rows are
-- never updated, only inserted and deleted; derived tables (badge_holdings,
-- player_xp) are adjusted by deltas in the same transaction.

CREATE TABLE chains (
    chain        text PRIMARY KEY,
    start_height bigint NOT NULL,
    height     bigint NOT NULL,
    hash       text NOT NULL,
    block_time timestamptz NOT NULL,
    head       bigint NOT NULL,
    finalized  bigint NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Recent block hashes: the reorg window.
CREATE TABLE blocks (
    chain  text NOT NULL,
    height bigint NOT NULL,
    hash   text NOT NULL,
    parent text NOT NULL,
    time   timestamptz NOT NULL,
    PRIMARY KEY (chain, height)
);

-- Collections as configured for the indexer; the gateway reads them here
-- because it reads nothing but the database.
CREATE TABLE collections (
    chain             text NOT NULL,
    name              text NOT NULL,
    creator           text NOT NULL,
    min_fee_sats      bigint NOT NULL,
    min_confirmations bigint NOT NULL,
    PRIMARY KEY (chain, name)
);

CREATE TABLE registrations (
    chain          text NOT NULL,
    txid           text NOT NULL,
    collection     text NOT NULL,
    tx_index       integer NOT NULL,
    inscription_id text NOT NULL,
    expiry_height  bigint NOT NULL,
    creator        text NOT NULL,
    paid_sats      bigint NOT NULL,
    min_fee_sats   bigint NOT NULL,
    status         text NOT NULL,
    block_height   bigint NOT NULL,
    block_hash     text NOT NULL,
    block_time     timestamptz NOT NULL,
    PRIMARY KEY (chain, txid, collection)
);
-- Status of an NFT: its registrations newest first.
CREATE INDEX registrations_nft ON registrations (inscription_id, block_height DESC, tx_index DESC);
CREATE INDEX registrations_height ON registrations (chain, block_height);
CREATE INDEX registrations_collection ON registrations (collection, block_height, tx_index);
CREATE INDEX registrations_time ON registrations (block_time);
CREATE INDEX registrations_txid ON registrations (txid);

CREATE TABLE registration_records (
    chain            text NOT NULL,
    inscription_id   text NOT NULL,
    tx_index         integer NOT NULL,
    envelope_parents text[],
    parent           text NOT NULL,
    paid_to          text NOT NULL,
    fee_sats         bigint NOT NULL,
    fee_txid         text NOT NULL,
    timestamp        text NOT NULL,
    unbound          boolean NOT NULL,
    body             text NOT NULL,
    block_height     bigint NOT NULL,
    block_hash       text NOT NULL,
    block_time       timestamptz NOT NULL,
    PRIMARY KEY (chain, inscription_id)
);
CREATE INDEX registration_records_parent ON registration_records (parent, block_height DESC);
CREATE INDEX registration_records_fee_txid ON registration_records (fee_txid);
CREATE INDEX registration_records_height ON registration_records (chain, block_height);

CREATE TABLE badge_claims (
    chain        text NOT NULL,
    block_height bigint NOT NULL,
    log_index    integer NOT NULL,
    tx_hash      text NOT NULL,
    contract     text NOT NULL,
    standard     text NOT NULL,
    player       text NOT NULL,
    token_id     numeric(78, 0) NOT NULL,
    xp_earned    numeric(78, 0) NOT NULL,
    season       numeric(78, 0) NOT NULL,
    run_id       numeric(78, 0),
    tier         smallint NOT NULL,
    block_hash   text NOT NULL,
    block_time   timestamptz NOT NULL,
    PRIMARY KEY (chain, block_height, log_index)
);
CREATE INDEX badge_claims_player ON badge_claims (player, block_height DESC);
CREATE INDEX badge_claims_contract ON badge_claims (contract, token_id);
CREATE INDEX badge_claims_time ON badge_claims (block_time);

CREATE TABLE badge_transfers (
    chain        text NOT NULL,
    block_height bigint NOT NULL,
    log_index    integer NOT NULL,
    batch_index  integer NOT NULL,
    tx_hash      text NOT NULL,
    contract     text NOT NULL,
    standard     text NOT NULL,
    operator     text,
    from_address text NOT NULL,
    to_address   text NOT NULL,
    token_id     numeric(78, 0) NOT NULL,
    value        numeric(78, 0) NOT NULL,
    block_hash   text NOT NULL,
    block_time   timestamptz NOT NULL,
    PRIMARY KEY (chain, block_height, log_index, batch_index)
);
-- No secondary indexes: the API reads holdings (derived), not transfers, and
-- rollback and as-of reads go by the primary key's (chain, block_height).

-- A nullifier's first use on its contract.
CREATE TABLE nullifiers (
    chain           text NOT NULL,
    contract        text NOT NULL,
    nullifier       text NOT NULL,
    log_index       integer NOT NULL,
    tx_hash         text NOT NULL,
    event           text NOT NULL,
    player          text NOT NULL,
    claimed_xp      numeric(78, 0) NOT NULL,
    threshold       numeric(78, 0),
    verified        boolean NOT NULL,
    event_timestamp numeric(78, 0),
    block_height    bigint NOT NULL,
    block_hash      text NOT NULL,
    block_time      timestamptz NOT NULL,
    PRIMARY KEY (chain, contract, nullifier)
);
-- Lookups by hash alone (any chain, any contract).
CREATE INDEX nullifiers_hash ON nullifiers (nullifier);
CREATE INDEX nullifiers_player ON nullifiers (player, block_height DESC);
CREATE INDEX nullifiers_height ON nullifiers (chain, block_height);
CREATE INDEX nullifiers_time ON nullifiers (block_time);

CREATE TABLE reuse_attempts (
    chain        text NOT NULL,
    block_height bigint NOT NULL,
    log_index    integer NOT NULL,
    tx_hash      text NOT NULL,
    contract     text NOT NULL,
    nullifier    text NOT NULL,
    player       text NOT NULL,
    kind         text NOT NULL,
    claimed_xp   numeric(78, 0),
    block_hash   text NOT NULL,
    block_time   timestamptz NOT NULL,
    PRIMARY KEY (chain, block_height, log_index)
);
CREATE INDEX reuse_attempts_nullifier ON reuse_attempts (nullifier);
CREATE INDEX reuse_attempts_player ON reuse_attempts (player, block_height DESC);
CREATE INDEX reuse_attempts_time ON reuse_attempts (block_time);

CREATE TABLE threshold_updates (
    chain         text NOT NULL,
    block_height  bigint NOT NULL,
    log_index     integer NOT NULL,
    tx_hash       text NOT NULL,
    contract      text NOT NULL,
    old_threshold numeric(78, 0) NOT NULL,
    new_threshold numeric(78, 0) NOT NULL,
    block_hash    text NOT NULL,
    block_time    timestamptz NOT NULL,
    PRIMARY KEY (chain, block_height, log_index)
);

-- Derived: balance = transfers in − transfers out, per holder and token.
-- Zero balances are deleted, so a row means "holds".
CREATE TABLE badge_holdings (
    chain    text NOT NULL,
    contract text NOT NULL,
    token_id numeric(78, 0) NOT NULL,
    holder   text NOT NULL,
    standard text NOT NULL,
    balance  numeric(78, 0) NOT NULL,
    PRIMARY KEY (chain, contract, token_id, holder)
);
CREATE INDEX badge_holdings_holder ON badge_holdings (holder);

-- Derived: XP of verified first uses per player.
CREATE TABLE player_xp (
    chain  text NOT NULL,
    player text NOT NULL,
    xp     numeric(78, 0) NOT NULL,
    uses   bigint NOT NULL,
    PRIMARY KEY (chain, player)
);
CREATE INDEX player_xp_player ON player_xp (player);

-- The append-only event log: the outbox subscriptions read in id order.
CREATE TABLE events (
    id           bigserial PRIMARY KEY,
    chain        text NOT NULL,
    kind         text NOT NULL,
    entity       text NOT NULL,
    key          text NOT NULL,
    block_height bigint NOT NULL,
    data         json NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_entity ON events (entity, chain, id);
CREATE INDEX events_entity_height ON events (entity, chain, block_height);

-- RPC provider health as the indexer last saw it, for _meta (the gateway
-- reads only the database).
CREATE TABLE providers (
    chain                text NOT NULL,
    name                 text NOT NULL,
    position             integer NOT NULL,
    breaker              text NOT NULL,
    consecutive_failures integer NOT NULL,
    requests             bigint NOT NULL,
    failures             bigint NOT NULL,
    last_error           text,
    last_success         timestamptz,
    updated_at           timestamptz NOT NULL,
    PRIMARY KEY (chain, name)
);
