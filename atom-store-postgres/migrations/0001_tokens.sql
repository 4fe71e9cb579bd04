-- Tokens and refresh leases of atom-store-postgres. The store runs this with search_path set
-- to the schema the caller chose, so the names here are unqualified on purpose.

-- One row per token key. `version` is the compare-and-swap version (increased by every save);
-- `grant_dead` marks that the provider refused this version's grant (invalid_grant).
-- `token` is the TokenSet as JSON text (text, not jsonb: the store decodes it itself and
-- reports a damaged row by key instead of failing inside the server).
CREATE TABLE atom_tokens (
    service     text        NOT NULL,
    tenant      text        NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    token       text        NOT NULL CHECK (octet_length(token) <= 1048576),
    grant_dead  boolean     NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, tenant)
);

-- "List the keys of a tenant" without a scan.
CREATE INDEX atom_tokens_tenant ON atom_tokens (tenant, service);

-- The refresh lease of a key: who holds it and until when (by the database's clock). A row
-- whose expires_at has passed is free; the holder renews it while it refreshes.
CREATE TABLE atom_token_leases (
    service     text        NOT NULL,
    tenant      text        NOT NULL,
    holder      text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (service, tenant)
);
