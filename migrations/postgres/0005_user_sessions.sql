-- Each signed-in browser, so a user can see where they are signed in and
-- end a session from elsewhere. The cookie's session record only names the
-- row; a session whose row is gone is signed out.
CREATE TABLE user_sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id, last_seen_at DESC);
