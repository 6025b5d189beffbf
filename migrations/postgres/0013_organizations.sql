-- Organizations of a project's end users (a B2B app's customers), their
-- members and invitations, and the roles and permissions that say what a
-- member may do. Everything carries its project, and every lookup names it,
-- so one project's ids are never found from another.
CREATE TABLE organizations (
    id                    TEXT PRIMARY KEY NOT NULL,
    project_id            TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    slug                  TEXT NOT NULL,
    logo                  TEXT,
    -- A JSON object the app keeps; ours never reads it.
    metadata              TEXT,
    require_mfa           BOOLEAN NOT NULL DEFAULT FALSE,
    sso_enforced          BOOLEAN NOT NULL DEFAULT FALSE,
    -- A JSON array of domains; NULL: any.
    allowed_email_domains TEXT,
    max_members           BIGINT,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organizations_slug_key ON organizations (project_id, slug);
CREATE INDEX organizations_created_idx ON organizations (project_id, created_at DESC, id DESC);

-- role: the member's role slugs, comma-joined ("admin,billing"), as both
-- clients read it.
CREATE TABLE organization_members (
    id              TEXT PRIMARY KEY NOT NULL,
    project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES end_users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organization_members_user_key ON organization_members (organization_id, user_id);
CREATE INDEX organization_members_created_idx ON organization_members (organization_id, created_at DESC, id DESC);
CREATE INDEX organization_members_user_idx ON organization_members (user_id);

-- Emails are stored lower-cased. status is what was decided; a pending one
-- past expires_at reads as expired.
CREATE TABLE organization_invitations (
    id              TEXT PRIMARY KEY NOT NULL,
    project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    role            TEXT NOT NULL,
    inviter_id      TEXT REFERENCES end_users (id) ON DELETE SET NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'canceled')),
    expires_at      TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX organization_invitations_created_idx
    ON organization_invitations (organization_id, created_at DESC, id DESC);
CREATE INDEX organization_invitations_email_idx ON organization_invitations (project_id, email);

-- A project's roles besides super_admin (which holds every permission and
-- is not stored). permissions: a JSON array of slugs, sorted.
CREATE TABLE organization_roles (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    permissions TEXT NOT NULL,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organization_roles_slug_key ON organization_roles (project_id, slug);

-- A project's own permissions; the built-in ones are not stored.
CREATE TABLE organization_permissions (
    id          TEXT PRIMARY KEY NOT NULL,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organization_permissions_slug_key ON organization_permissions (project_id, slug);

-- The two editable roles every project starts with.
INSERT INTO organization_roles (id, project_id, slug, name, description, permissions, is_default, created_at, updated_at)
SELECT 'role_admin_' || id, id, 'admin', 'Admin', 'Runs the organization: members, invitations, settings.',
       '["api_key.read","audit.read","member.invite","member.read","member.remove","member.update_role","organization.read","organization.update","webhook.manage"]',
       FALSE, created_at, created_at FROM projects;
INSERT INTO organization_roles (id, project_id, slug, name, description, permissions, is_default, created_at, updated_at)
SELECT 'role_member_' || id, id, 'member', 'Member', 'Sees the organization and its members.',
       '["member.read","organization.read"]', TRUE, created_at, created_at FROM projects;

-- The organization a session acts in (better-auth's activeOrganizationId).
ALTER TABLE end_user_sessions ADD COLUMN active_organization_id TEXT
    REFERENCES organizations (id) ON DELETE SET NULL;

-- Whether the app's users may create organizations themselves, and where an
-- invitation mail's link goes on the app (its mail-link origin + this path,
-- `{id}` the invitation's id; NULL: /accept-invitation/{id}).
ALTER TABLE projects ADD COLUMN auth_org_creation_open BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE projects ADD COLUMN auth_org_invitation_path TEXT;

-- Instances cache the settings with each key: the new ones must reach them too.
DROP TRIGGER projects_notify_change ON projects;
CREATE TRIGGER projects_notify_change
    AFTER UPDATE OF name, slug, auth_sign_ups_open, auth_password_min, auth_require_email_verification,
        auth_session_days, auth_allowed_origins, auth_mail_sender_name, auth_mail_link_origin,
        auth_sign_ups_per_hour, auth_org_creation_open, auth_org_invitation_path OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION banata_notify_project_change();

-- Instances cache sessions with their user's memberships, and each
-- project's roles: tell them all when either changes.
CREATE FUNCTION banata_notify_membership_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('banata_key_changes', 'user:' || OLD.user_id);
    ELSE
        PERFORM pg_notify('banata_key_changes', 'user:' || NEW.user_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER organization_members_notify_change
    AFTER INSERT OR UPDATE OR DELETE ON organization_members
    FOR EACH ROW EXECUTE FUNCTION banata_notify_membership_change();

CREATE FUNCTION banata_notify_active_organization_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('banata_key_changes', 'session:' || NEW.token_hash);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER end_user_sessions_notify_active_organization
    AFTER UPDATE OF active_organization_id ON end_user_sessions
    FOR EACH ROW EXECUTE FUNCTION banata_notify_active_organization_change();

CREATE FUNCTION banata_notify_roles_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('banata_key_changes', 'roles:' || OLD.project_id);
    ELSE
        PERFORM pg_notify('banata_key_changes', 'roles:' || NEW.project_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER organization_roles_notify_change
    AFTER INSERT OR UPDATE OR DELETE ON organization_roles
    FOR EACH ROW EXECUTE FUNCTION banata_notify_roles_change();

-- A user of the app acting in their organizations is an actor too.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_actor_kind_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_kind_check
    CHECK (actor_kind IN ('user', 'api_key', 'app', 'end_user'));

-- The project's own permissions are cached with its roles.
CREATE TRIGGER organization_permissions_notify_change
    AFTER INSERT OR UPDATE OR DELETE ON organization_permissions
    FOR EACH ROW EXECUTE FUNCTION banata_notify_roles_change();
