-- What a project's app lets its users do, set on the dashboard's
-- Authentication page. They live on the project row so that the key lookup,
-- which already joins it, carries them: no auth API request asks for them.
ALTER TABLE projects ADD COLUMN auth_sign_ups_open BOOLEAN NOT NULL DEFAULT 1;
ALTER TABLE projects ADD COLUMN auth_password_min INTEGER NOT NULL DEFAULT 8
    CHECK (auth_password_min BETWEEN 8 AND 128);
ALTER TABLE projects ADD COLUMN auth_require_email_verification BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN auth_session_days INTEGER NOT NULL DEFAULT 7
    CHECK (auth_session_days BETWEEN 1 AND 365);
-- A JSON array of origins ("https://app.example.com").
ALTER TABLE projects ADD COLUMN auth_allowed_origins TEXT NOT NULL DEFAULT '[]';

-- When a user last signed in, for the Users page.
ALTER TABLE end_users ADD COLUMN last_sign_in_at TEXT;
-- The Users page's search by the start of a name (emails have their
-- unique index).
CREATE INDEX end_users_name_prefix_idx ON end_users (project_id, lower(name));

-- Sign-ins and sign-ups per project and UTC day (YYYY-MM-DD), counted in
-- memory and added here in batches, so a request never writes a counter.
CREATE TABLE end_user_activity (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    sign_ins   INTEGER NOT NULL DEFAULT 0,
    sign_ups   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, day)
);

-- The app itself (on behalf of its user, named by its key) is an actor too.
-- SQLite cannot change a CHECK in place: the table is rebuilt, keeping
-- every event and its sequence number.
CREATE TABLE audit_events_new (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'app')),
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    target_name TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    ip          TEXT,
    user_agent  TEXT,
    created_at  TEXT NOT NULL
);
INSERT INTO audit_events_new SELECT seq, project_id, action, actor_kind, actor_id, actor_name, target_id,
    target_name, detail, ip, user_agent, created_at FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;
CREATE INDEX audit_events_project_idx ON audit_events (project_id, seq DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (project_id, actor_id, seq DESC);
