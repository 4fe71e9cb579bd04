-- The shared rate budget of atom-store-postgres: one token bucket per (service, tenant,
-- class), updated by one INSERT .. ON CONFLICT DO UPDATE per permit, refilled by the
-- database's clock (replicas' clocks do not matter). `class` is '' for the tenant's own
-- bucket. `tokens` goes below zero when permits are reserved ahead (the caller waits until
-- its slot); `granted` is whether the last statement handed out a permit.
CREATE TABLE atom_rate_buckets (
    service     text             NOT NULL,
    tenant      text             NOT NULL,
    class       text             NOT NULL,
    tokens      double precision NOT NULL,
    updated_at  timestamptz      NOT NULL,
    granted     boolean          NOT NULL,
    PRIMARY KEY (service, tenant, class)
);
