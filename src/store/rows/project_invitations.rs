//! Rows of invitations to a project.

#[allow(unused_imports)]
use super::*;

#[derive(sqlx::FromRow)]
pub(in crate::store) struct PendingRow {
    pub(in crate::store) id: String,
    pub(in crate::store) email: String,
    pub(in crate::store) role: String,
    pub(in crate::store) invited_by: String,
    pub(in crate::store) expires_at: OffsetDateTime,
}

impl TryFrom<PendingRow> for PendingInvitation {
    type Error = StoreError;
    fn try_from(row: PendingRow) -> Result<Self, StoreError> {
        Ok(PendingInvitation {
            id: row.id,
            email: row.email,
            role: role_column(&row.role)?,
            invited_by: row.invited_by,
            expires_at: rfc3339(row.expires_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct InvitationRow {
    pub(in crate::store) id: String,
    pub(in crate::store) project_id: String,
    pub(in crate::store) project_name: String,
    pub(in crate::store) email: String,
    pub(in crate::store) role: String,
    pub(in crate::store) expires_at: OffsetDateTime,
    pub(in crate::store) accepted_at: Option<OffsetDateTime>,
    pub(in crate::store) revoked_at: Option<OffsetDateTime>,
}

impl TryFrom<InvitationRow> for InvitationRecord {
    type Error = StoreError;
    fn try_from(row: InvitationRow) -> Result<Self, StoreError> {
        Ok(InvitationRecord {
            id: row.id,
            project_id: row.project_id,
            project_name: row.project_name,
            email: row.email,
            role: role_column(&row.role)?,
            expires_at: row.expires_at,
            accepted: row.accepted_at.is_some(),
            revoked: row.revoked_at.is_some(),
        })
    }
}
