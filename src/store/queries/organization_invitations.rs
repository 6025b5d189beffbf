//! SQL for invitations to organizations.

const COLUMNS: &str = "i.id, i.organization_id, i.email, i.role, i.inviter_id, i.status, i.expires_at, \
    i.created_at, i.updated_at";

pub(in crate::store) const INSERT: &str = "INSERT INTO organization_invitations
    (id, project_id, organization_id, email, role, inviter_id, status, expires_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8)";

/// A pending, unexpired invitation of the organization to this email.
pub(in crate::store) const PENDING_TO: &str = "SELECT id FROM organization_invitations
    WHERE organization_id = $1 AND email = $2 AND status = 'pending' AND expires_at > $3";

pub(in crate::store) const SET_STATUS: &str =
    "UPDATE organization_invitations SET status = $2, updated_at = $3 WHERE id = $1";

/// Whether the email is a member's of the organization.
pub(in crate::store) const EMAIL_IS_MEMBER: &str = "SELECT m.id FROM organization_members m
    JOIN end_users u ON u.id = m.user_id WHERE m.organization_id = $1 AND u.email = $2";

pub(in crate::store) fn by_id() -> String {
    format!("SELECT {COLUMNS} FROM organization_invitations i WHERE i.id = $1")
}

fn detail_select() -> String {
    format!(
        "SELECT {COLUMNS}, o.name AS organization_name, o.slug AS organization_slug, u.email AS inviter_email
        FROM organization_invitations i JOIN organizations o ON o.id = i.organization_id
        LEFT JOIN end_users u ON u.id = i.inviter_id"
    )
}

pub(in crate::store) fn detail_by_id() -> String {
    format!("{} WHERE i.project_id = $1 AND i.id = $2", detail_select())
}

pub(in crate::store) fn pending_for_email() -> String {
    format!(
        "{} WHERE i.project_id = $1 AND i.email = $2 AND i.status = 'pending' AND i.expires_at > $3
        ORDER BY i.created_at DESC, i.id DESC",
        detail_select()
    )
}

/// Binds: project, organization, now, then the status when asked for,
/// then the cursor (time, id), and the limit last. `expired` is a pending
/// one past its time; `pending` one before it.
pub(in crate::store) fn page(status: bool, after: bool) -> String {
    let mut filters = String::new();
    let mut n = 3;
    if status {
        n += 1;
        filters.push_str(&format!(
            " AND (CASE WHEN i.status = 'pending' AND i.expires_at <= $3 THEN 'expired' ELSE i.status END) = ${n}"
        ));
    }
    if after {
        let (t, i) = (n + 1, n + 2);
        n += 2;
        filters.push_str(&format!(" AND (i.created_at < ${t} OR (i.created_at = ${t} AND i.id < ${i}))"));
    }
    let limit = n + 1;
    format!(
        "SELECT {COLUMNS} FROM organization_invitations i
        WHERE i.project_id = $1 AND i.organization_id = $2 AND $3 = $3{filters}
        ORDER BY i.created_at DESC, i.id DESC LIMIT ${limit}"
    )
}
