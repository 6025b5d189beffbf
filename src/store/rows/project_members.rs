//! Rows of a project's team.

#[allow(unused_imports)]
use super::*;

/// Parses a role column; the CHECK constraint keeps it to known values.
pub(in crate::store) fn role_column(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown role {value:?}")))
}

/// One row of the memberships query, shared by both backends.
#[derive(sqlx::FromRow)]
pub(in crate::store) struct MembershipRow {
    pub(in crate::store) project_id: String,
    pub(in crate::store) name: String,
    pub(in crate::store) slug: String,
    pub(in crate::store) role: String,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(row: MembershipRow) -> Result<Self, StoreError> {
        Ok(Membership { project_id: row.project_id, name: row.name, slug: row.slug, role: role_column(&row.role)? })
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct MemberRow {
    pub(in crate::store) user_id: String,
    pub(in crate::store) name: String,
    pub(in crate::store) email: String,
    pub(in crate::store) role: String,
    pub(in crate::store) joined_at: OffsetDateTime,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(row: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            user_id: row.user_id,
            name: row.name,
            email: row.email,
            role: role_column(&row.role)?,
            joined_at: rfc3339(row.joined_at),
        })
    }
}
