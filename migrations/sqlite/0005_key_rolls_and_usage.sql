-- Rolling a key links the old key and its replacement. The old key keeps
-- working (until its grace period ends) but no longer holds its name, so
-- the replacement can have the same one.
ALTER TABLE api_keys ADD COLUMN replaced_by TEXT;
ALTER TABLE api_keys ADD COLUMN replaces TEXT;
DROP INDEX api_keys_active_name_key;
CREATE UNIQUE INDEX api_keys_active_name_key ON api_keys (project_id, lower(name))
    WHERE revoked_at IS NULL AND replaced_by IS NULL;

-- Requests per key per day (UTC, 'YYYY-MM-DD'), added up in memory and
-- written with the last-used times, never once per request.
CREATE TABLE api_key_usage (
    key_id   TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (key_id, day)
);
