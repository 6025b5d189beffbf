-- What a project's app lets its users do, set on the dashboard's
-- Authentication page. They live on the project row so that the key lookup,
-- which already joins it, carries them: no auth API request asks for them.
ALTER TABLE projects ADD COLUMN auth_sign_ups_open BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE projects ADD COLUMN auth_password_min BIGINT NOT NULL DEFAULT 8
    CHECK (auth_password_min BETWEEN 8 AND 128);
ALTER TABLE projects ADD COLUMN auth_require_email_verification BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE projects ADD COLUMN auth_session_days BIGINT NOT NULL DEFAULT 7
    CHECK (auth_session_days BETWEEN 1 AND 365);
-- A JSON array of origins ("https://app.example.com").
ALTER TABLE projects ADD COLUMN auth_allowed_origins TEXT NOT NULL DEFAULT '[]';

-- Cached keys carry the settings, so a change of them must reach every
-- instance's key cache like a rename does.
DROP TRIGGER projects_notify_change ON projects;
CREATE TRIGGER projects_notify_change
    AFTER UPDATE OF name, slug, auth_sign_ups_open, auth_password_min, auth_require_email_verification,
        auth_session_days, auth_allowed_origins OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION banata_notify_project_change();

-- When a user last signed in, for the Users page.
ALTER TABLE end_users ADD COLUMN last_sign_in_at TIMESTAMPTZ;
-- The Users page's search by the start of an email or a name, in byte
-- order so that a prefix is one index range.
CREATE INDEX end_users_email_prefix_idx ON end_users (project_id, email COLLATE "C");
CREATE INDEX end_users_name_prefix_idx ON end_users (project_id, lower(name) COLLATE "C");

-- Sign-ins and sign-ups per project and UTC day (YYYY-MM-DD), counted in
-- memory and added here in batches, so a request never writes a counter.
CREATE TABLE end_user_activity (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    sign_ins   BIGINT NOT NULL DEFAULT 0,
    sign_ups   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, day)
);

-- The app itself (on behalf of its user, named by its key) is an actor too.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_kind_check
    CHECK (actor_kind IN ('user', 'api_key', 'app'));
