-- The project a user last worked in, so sign-in returns them there.
ALTER TABLE users ADD COLUMN last_project_id TEXT REFERENCES projects (id) ON DELETE SET NULL;

-- Invitations to join a project. Only the SHA-256 of the token is stored.
CREATE TABLE invitations (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'developer', 'viewer')),
    token_hash  TEXT NOT NULL,
    invited_by  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    revoked_at  TEXT
);
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash);
CREATE INDEX invitations_project_idx ON invitations (project_id, created_at);

-- API keys. Only the SHA-256 of the full key is stored, never the key.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    last4        TEXT NOT NULL,
    key_hash     TEXT NOT NULL,
    permissions  TEXT NOT NULL DEFAULT '[]',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT,
    revoked_by   TEXT
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_project_idx ON api_keys (project_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX api_keys_active_name_key ON api_keys (project_id, lower(name)) WHERE revoked_at IS NULL;
