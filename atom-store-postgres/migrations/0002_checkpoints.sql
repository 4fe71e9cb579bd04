-- Feed checkpoints of atom-store-postgres (atom-core's CheckpointStore). Run with search_path
-- set to the chosen schema, like 0001.

-- One row per (feed, consumer). `version` is the compare-and-swap version (1 for the first
-- save, increased by every save); no row means "nothing stored" (version 0 to a caller).
-- `checkpoint` is the FeedCheckpoint as JSON text, decoded by the store itself so that a
-- damaged row is reported by key.
CREATE TABLE atom_checkpoints (
    feed        text        NOT NULL,
    consumer    text        NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    checkpoint  text        NOT NULL CHECK (octet_length(checkpoint) <= 1048576),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feed, consumer)
);
