-- What was changed in a project, by whom, from where. Written in the same
-- transaction as the change. No foreign key to projects: the record of a
-- deleted project (and of its deletion) outlives it.
CREATE TABLE audit_events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  TEXT NOT NULL,
    action      TEXT NOT NULL,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('user', 'api_key')),
    actor_id    TEXT NOT NULL,
    actor_name  TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    target_name TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    ip          TEXT,
    user_agent  TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX audit_events_project_idx ON audit_events (project_id, seq DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (project_id, actor_id, seq DESC);
