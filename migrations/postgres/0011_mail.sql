-- Mail: an outbox written in the transaction that causes each mail, drained
-- by a worker, and the single-use tokens the mails' links carry.

-- When a dashboard account proved its address (a link in a mail).
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;
-- Who a project's mails to its users say they are from; NULL: the project's name.
ALTER TABLE projects ADD COLUMN auth_mail_sender_name TEXT;
-- Instances cache the settings with each key: a new one must reach them too.
DROP TRIGGER projects_notify_change ON projects;
CREATE TRIGGER projects_notify_change
    AFTER UPDATE OF name, slug, auth_sign_ups_open, auth_password_min, auth_require_email_verification,
        auth_session_days, auth_allowed_origins, auth_mail_sender_name OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION banata_notify_project_change();

-- A link's token. Only its hash is kept, and only from the moment the mail
-- that carries it is sent: the token is drawn then, so it exists nowhere but
-- in the mail (a mail retried draws a new one, and the old one never worked).
CREATE TABLE mail_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    purpose      TEXT NOT NULL CHECK (purpose IN
                     ('account_reset', 'account_verify', 'user_reset', 'user_verify', 'invitation')),
    token_hash   TEXT UNIQUE,
    -- The account, the project's user, or the invitation it is for.
    subject_id   TEXT NOT NULL,
    project_id   TEXT REFERENCES projects (id) ON DELETE CASCADE,
    -- The address it was sent to: verifying proves this one only.
    email        TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);
CREATE INDEX mail_tokens_subject_idx ON mail_tokens (subject_id, purpose, created_at);

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    -- NULL for mail to dashboard accounts that is no project's (a reset).
    project_id      TEXT REFERENCES projects (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    token_id        TEXT REFERENCES mail_tokens (id) ON DELETE CASCADE,
    -- JSON: the mail's words that are no secret (names, the link's base).
    data            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    -- A claimed mail's lease: another worker may take it after this.
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_project_idx ON outbox (project_id, created_at);
