-- The people who sign up to a customer's app through its key. They belong
-- to one project and are not dashboard accounts: the same email may be an
-- account, and a user in many projects, each with its own password.
-- Emails are stored lower-cased, so the unique index ignores case.
CREATE TABLE end_users (
    id             TEXT PRIMARY KEY NOT NULL,
    project_id     TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    name           TEXT NOT NULL,
    image          TEXT,
    password_hash  TEXT,
    email_verified BOOLEAN NOT NULL DEFAULT 0,
    banned         BOOLEAN NOT NULL DEFAULT 0,
    ban_reason     TEXT,
    ban_expires    TEXT,
    role           TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    -- A JSON object the app keeps about the user; ours never reads it.
    metadata       TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX end_users_email_key ON end_users (project_id, email);
CREATE INDEX end_users_created_idx ON end_users (project_id, created_at DESC, id DESC);

-- Their signed-in sessions. Only the SHA-256 of the session token is kept;
-- the id is a handle that is safe to list.
CREATE TABLE end_user_sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES end_users (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    ip          TEXT,
    user_agent  TEXT
);
CREATE UNIQUE INDEX end_user_sessions_token_key ON end_user_sessions (token_hash);
CREATE INDEX end_user_sessions_user_idx ON end_user_sessions (user_id, updated_at DESC);

-- Signing material every instance must share (the session cookie's HMAC
-- secret), made by whichever instance starts first. Never printed.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
