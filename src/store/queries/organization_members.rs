//! SQL for the members of organizations and the organization a session acts in.

const MEMBER_COLUMNS: &str = "m.id, m.organization_id, m.user_id, m.role, m.created_at, m.updated_at";
const WITH_USER: &str = "u.name AS user_name, u.email AS user_email, u.image AS user_image";

pub(in crate::store) const INSERT: &str = "INSERT INTO organization_members
    (id, project_id, organization_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)";

pub(in crate::store) const SET_ROLE: &str =
    "UPDATE organization_members SET role = $3, updated_at = $4 WHERE organization_id = $1 AND id = $2";

pub(in crate::store) const DELETE: &str = "DELETE FROM organization_members WHERE organization_id = $1 AND id = $2";

pub(in crate::store) const COUNT: &str = "SELECT COUNT(*) FROM organization_members WHERE organization_id = $1";

/// Every member's roles, to count who holds `super_admin`.
pub(in crate::store) const ROLES_OF_ORG: &str = "SELECT id, role FROM organization_members WHERE organization_id = $1";

pub(in crate::store) const IS_MEMBER: &str =
    "SELECT id FROM organization_members WHERE organization_id = $1 AND user_id = $2";

pub(in crate::store) const OF_USER: &str = "SELECT organization_id, id AS member_id, role
    FROM organization_members WHERE project_id = $1 AND user_id = $2 ORDER BY created_at, id";

/// Sessions of the user acting in the organization act in none.
pub(in crate::store) const CLEAR_ACTIVE: &str = "UPDATE end_user_sessions SET active_organization_id = NULL
    WHERE user_id = $1 AND active_organization_id = $2";

pub(in crate::store) const SET_ACTIVE: &str =
    "UPDATE end_user_sessions SET active_organization_id = $3 WHERE project_id = $1 AND id = $2";

pub(in crate::store) fn by_id() -> String {
    format!("SELECT {MEMBER_COLUMNS} FROM organization_members m WHERE m.organization_id = $1 AND m.id = $2")
}

/// By member id, user id or (lower-cased) email, in the project's organization.
pub(in crate::store) fn with_user_by_id_or_user() -> String {
    format!(
        "SELECT {MEMBER_COLUMNS}, {WITH_USER} FROM organization_members m JOIN end_users u ON u.id = m.user_id
        WHERE m.project_id = $1 AND m.organization_id = $2 AND (m.id = $3 OR m.user_id = $3 OR u.email = $3)"
    )
}

/// The role filter matches one slug of the comma-joined list.
pub(in crate::store) fn page(role: bool, after: bool) -> String {
    let mut filters = String::new();
    let mut n = 2;
    if role {
        n += 1;
        filters.push_str(&format!(" AND (',' || m.role || ',') LIKE ${n}"));
    }
    if after {
        let (t, i) = (n + 1, n + 2);
        n += 2;
        filters.push_str(&format!(" AND (m.created_at < ${t} OR (m.created_at = ${t} AND m.id < ${i}))"));
    }
    let (limit, offset) = (n + 1, n + 2);
    format!(
        "SELECT {MEMBER_COLUMNS}, {WITH_USER} FROM organization_members m JOIN end_users u ON u.id = m.user_id
        WHERE m.project_id = $1 AND m.organization_id = $2{filters}
        ORDER BY m.created_at DESC, m.id DESC LIMIT ${limit} OFFSET ${offset}"
    )
}

pub(in crate::store) fn count(role: bool) -> String {
    let filter = if role { " AND (',' || role || ',') LIKE $3" } else { "" };
    format!("SELECT COUNT(*) FROM organization_members WHERE project_id = $1 AND organization_id = $2{filter}")
}
