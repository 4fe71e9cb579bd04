-- Encryption at rest: the id of the key that encrypted a token row's secret fields, or NULL
-- for a row stored as plain JSON. Existing rows stay plain until they are saved again.
ALTER TABLE atom_tokens
    ADD COLUMN key_id text CHECK (key_id IS NULL OR octet_length(key_id) BETWEEN 1 AND 64);
