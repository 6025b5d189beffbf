//! Rows of dashboard accounts.

#[allow(unused_imports)]
use super::*;

#[derive(sqlx::FromRow)]
pub(in crate::store) struct UserRow {
    pub(in crate::store) id: String,
    pub(in crate::store) name: String,
    pub(in crate::store) email: String,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User { id: row.id, name: row.name, email: row.email }
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct CredentialsRow {
    pub(in crate::store) id: String,
    pub(in crate::store) name: String,
    pub(in crate::store) email: String,
    pub(in crate::store) password_hash: String,
}

impl From<CredentialsRow> for Credentials {
    fn from(row: CredentialsRow) -> Self {
        Credentials { user: User { id: row.id, name: row.name, email: row.email }, password_hash: row.password_hash }
    }
}
