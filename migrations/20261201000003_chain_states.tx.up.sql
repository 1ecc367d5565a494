-- What each configured chain's indexer is doing, as it last reported it (every
-- few seconds, from start-up on): _meta and /readyz read it, since the gateway
-- reads only the database. A chain is listed here before its first block.
CREATE TABLE chain_states (
    chain             text PRIMARY KEY,
    -- starting, syncing, following, stalled or stopped (domain/chainstate.go).
    state             text NOT NULL,
    reason            text,
    -- When the chain entered its state.
    since             timestamptz NOT NULL,
    -- The head the indexer last read; null before it read one.
    head              bigint,
    blocks_per_second double precision NOT NULL,
    eta_seconds       double precision,
    -- The indexer's stall_after: a report older than that is itself a stall.
    stall_after_ms    bigint NOT NULL,
    reported_at       timestamptz NOT NULL
);

-- A provider's last error is history once the provider answers again: its
-- time tells the two apart.
ALTER TABLE providers ADD COLUMN last_error_at timestamptz;
