//! Projects. A project's members, invitations and keys go with it when it is deleted (foreign keys cascade).

pub(in crate::store) const INSERT: &str = "INSERT INTO projects (id, name, slug, created_at) VALUES ($1, $2, $3, $4)";

pub(in crate::store) const SUMMARIES: &str = "SELECT p.id AS project_id, p.name, p.slug, m.role,
    (SELECT count(*) FROM api_keys k WHERE k.project_id = p.id AND k.revoked_at IS NULL) AS key_count
    FROM project_members m JOIN projects p ON p.id = m.project_id
    WHERE m.user_id = $1
    ORDER BY lower(p.name), p.slug";

pub(in crate::store) const RENAME: &str = "UPDATE projects SET name = $2 WHERE id = $1";

pub(in crate::store) const CHANGE_SLUG: &str = "UPDATE projects SET slug = $2 WHERE id = $1";

pub(in crate::store) const DELETE: &str = "DELETE FROM projects WHERE id = $1";

pub(in crate::store) const NAME_AND_SLUG: &str = "SELECT name, slug FROM projects WHERE id = $1";

/// The project's Authentication settings (the columns `KeyRecord` carries).
pub(in crate::store) const AUTH_SETTINGS: &str = "SELECT auth_sign_ups_open, auth_password_min,
    auth_require_email_verification, auth_session_days, auth_allowed_origins, auth_mail_sender_name,
    auth_mail_link_origin, auth_sign_ups_per_hour, auth_org_creation_open, auth_org_invitation_path
    FROM projects WHERE id = $1";

pub(in crate::store) const SET_AUTH_SETTINGS: &str = "UPDATE projects SET auth_sign_ups_open = $2,
    auth_password_min = $3, auth_require_email_verification = $4, auth_session_days = $5,
    auth_allowed_origins = $6, auth_mail_sender_name = $7, auth_mail_link_origin = $8,
    auth_sign_ups_per_hour = $9, auth_org_creation_open = $10, auth_org_invitation_path = $11 WHERE id = $1";

/// A project by its slug or its id (the command line names it either way).
pub(in crate::store) const FIND: &str = "SELECT id, name, slug FROM projects WHERE slug = $1 OR id = $1";
