//! Rows of a project's end users.

#[allow(unused_imports)]
use super::*;

#[derive(sqlx::FromRow)]
pub(in crate::store) struct EndUserCredentialsRow {
    #[sqlx(flatten)]
    pub(in crate::store) user: crate::store::EndUser,
    pub(in crate::store) password_hash: Option<String>,
}
