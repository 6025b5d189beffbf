-- Mail links go to one origin the project chooses (NULL: its first allowed
-- origin), never to whatever host a request names.
ALTER TABLE projects ADD COLUMN auth_mail_link_origin TEXT;
-- Sign-ups a project's app may make per hour: each can mail an address.
ALTER TABLE projects ADD COLUMN auth_sign_ups_per_hour BIGINT NOT NULL DEFAULT 1000
    CHECK (auth_sign_ups_per_hour BETWEEN 1 AND 1000000);
-- Instances cache the settings with each key: the new ones must reach them too.
DROP TRIGGER projects_notify_change ON projects;
CREATE TRIGGER projects_notify_change
    AFTER UPDATE OF name, slug, auth_sign_ups_open, auth_password_min, auth_require_email_verification,
        auth_session_days, auth_allowed_origins, auth_mail_sender_name, auth_mail_link_origin,
        auth_sign_ups_per_hour OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION banata_notify_project_change();

-- Each project signs its users' JWTs with keys of its own, so a token of one
-- project never verifies with another's keys, even where a verifier forgets
-- to check `aud`. The current key has no retired_at; a replaced one stays
-- published for an hour so the tokens it signed verify until they expire.
CREATE TABLE jwt_signing_keys (
    kid         TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    private_pem TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX jwt_signing_keys_current_idx ON jwt_signing_keys (project_id) WHERE retired_at IS NULL;
CREATE INDEX jwt_signing_keys_project_idx ON jwt_signing_keys (project_id, created_at DESC);

-- Every instance serves the keys from memory: a new key tells them all.
CREATE FUNCTION banata_notify_jwt_key_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('banata_key_changes', 'jwt:' || NEW.project_id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER jwt_signing_keys_notify_change
    AFTER INSERT OR UPDATE ON jwt_signing_keys
    FOR EACH ROW EXECUTE FUNCTION banata_notify_jwt_key_change();

-- The key all projects shared before is no longer used.
DELETE FROM server_secrets WHERE name = 'jwt_rs256_signing_key' OR name LIKE 'jwt_rs256_retired:%';
