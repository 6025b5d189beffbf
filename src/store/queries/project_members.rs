//! Who belongs to which project, with which role.

pub(in crate::store) const INSERT: &str =
    "INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)";

pub(in crate::store) const MEMBERSHIPS: &str = "SELECT p.id AS project_id, p.name, p.slug, m.role
    FROM project_members m JOIN projects p ON p.id = m.project_id
    WHERE m.user_id = $1
    ORDER BY m.created_at, p.name";

pub(in crate::store) const MEMBERSHIP: &str = "SELECT p.id AS project_id, p.name, p.slug, m.role
    FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
    WHERE p.slug = $2";

pub(in crate::store) const LIST: &str = "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at AS joined_at
    FROM project_members m JOIN users u ON u.id = m.user_id
    WHERE m.project_id = $1
    ORDER BY m.role = 'owner' DESC, lower(u.name), u.email";

pub(in crate::store) const INSERT_UNLESS_MEMBER: &str =
    "INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (project_id, user_id) DO NOTHING";

pub(in crate::store) const ROLE_AND_NAME: &str =
    "SELECT m.role, u.name FROM project_members m JOIN users u ON u.id = m.user_id
    WHERE m.project_id = $1 AND m.user_id = $2";

pub(in crate::store) const COUNT_OWNERS: &str =
    "SELECT count(*) FROM project_members WHERE project_id = $1 AND role = 'owner'";

pub(in crate::store) const SET_ROLE: &str =
    "UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2";

pub(in crate::store) const DELETE: &str = "DELETE FROM project_members WHERE project_id = $1 AND user_id = $2";
