-- Mail links go to one origin the project chooses (NULL: its first allowed
-- origin), never to whatever host a request names.
ALTER TABLE projects ADD COLUMN auth_mail_link_origin TEXT;
-- Sign-ups a project's app may make per hour: each can mail an address.
ALTER TABLE projects ADD COLUMN auth_sign_ups_per_hour INTEGER NOT NULL DEFAULT 1000
    CHECK (auth_sign_ups_per_hour BETWEEN 1 AND 1000000);

-- Each project signs its users' JWTs with keys of its own, so a token of one
-- project never verifies with another's keys, even where a verifier forgets
-- to check `aud`. The current key has no retired_at; a replaced one stays
-- published for an hour so the tokens it signed verify until they expire.
CREATE TABLE jwt_signing_keys (
    kid         TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    private_pem TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);
CREATE UNIQUE INDEX jwt_signing_keys_current_idx ON jwt_signing_keys (project_id) WHERE retired_at IS NULL;
CREATE INDEX jwt_signing_keys_project_idx ON jwt_signing_keys (project_id, created_at DESC);

-- The key all projects shared before is no longer used.
DELETE FROM server_secrets WHERE name = 'jwt_rs256_signing_key' OR name LIKE 'jwt_rs256_retired:%';
