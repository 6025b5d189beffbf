//! SQL for a project's organization roles and its own permissions.

pub(in crate::store) const ROLES: &str = "SELECT id, slug, name, description, permissions, is_default, created_at
    FROM organization_roles WHERE project_id = $1 ORDER BY created_at, slug";

pub(in crate::store) const ROLE_BY_ID: &str = "SELECT id, slug, name, description, permissions, is_default, created_at
    FROM organization_roles WHERE project_id = $1 AND id = $2";

pub(in crate::store) const INSERT_ROLE: &str = "INSERT INTO organization_roles
    (id, project_id, slug, name, description, permissions, is_default, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";

pub(in crate::store) const UPDATE_ROLE: &str = "UPDATE organization_roles
    SET slug = $3, name = $4, description = $5, permissions = $6, updated_at = $7 WHERE project_id = $1 AND id = $2";

pub(in crate::store) const SET_ROLE_PERMISSIONS: &str =
    "UPDATE organization_roles SET permissions = $2, updated_at = $3 WHERE id = $1";

pub(in crate::store) const DELETE_ROLE: &str = "DELETE FROM organization_roles WHERE project_id = $1 AND id = $2";

pub(in crate::store) const COUNT_ROLES: &str = "SELECT COUNT(*) FROM organization_roles WHERE project_id = $1";

pub(in crate::store) const PERMISSIONS: &str = "SELECT id, slug, name, description, created_at
    FROM organization_permissions WHERE project_id = $1 ORDER BY slug";

pub(in crate::store) const PERMISSION_BY_ID: &str = "SELECT id, slug, name, description, created_at
    FROM organization_permissions WHERE project_id = $1 AND id = $2";

pub(in crate::store) const INSERT_PERMISSION: &str = "INSERT INTO organization_permissions
    (id, project_id, slug, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)";

pub(in crate::store) const UPDATE_PERMISSION: &str = "UPDATE organization_permissions
    SET slug = $3, name = $4, description = $5, updated_at = $6 WHERE project_id = $1 AND id = $2";

pub(in crate::store) const DELETE_PERMISSION: &str =
    "DELETE FROM organization_permissions WHERE project_id = $1 AND id = $2";

pub(in crate::store) const COUNT_PERMISSIONS: &str =
    "SELECT COUNT(*) FROM organization_permissions WHERE project_id = $1";

/// Members and pending invitations holding a role slug (a rename or delete
/// rewrites them).
pub(in crate::store) const MEMBERS_WITH_ROLE: &str = "SELECT id, role FROM organization_members
    WHERE project_id = $1 AND (',' || role || ',') LIKE $2";

pub(in crate::store) const SET_MEMBER_ROLE: &str =
    "UPDATE organization_members SET role = $2, updated_at = $3 WHERE id = $1";

pub(in crate::store) const INVITATIONS_WITH_ROLE: &str = "SELECT id, role FROM organization_invitations
    WHERE project_id = $1 AND status = 'pending' AND (',' || role || ',') LIKE $2";

pub(in crate::store) const SET_INVITATION_ROLE: &str =
    "UPDATE organization_invitations SET role = $2, updated_at = $3 WHERE id = $1";
