//! End users' sessions, stored by the hash of their token.

use super::*;
use crate::actor::Actor;
use async_trait::async_trait;
use time::OffsetDateTime;

/// An end user's session about to be written; only the token's hash.
#[derive(Clone, Debug)]
pub struct NewEndUserSession {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    pub token_hash: String,
    pub at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A signed-in session of an end user. `id` is a handle, not a credential.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct EndUserSession {
    pub id: String,
    pub project_id: String,
    pub user_id: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The organization it acts in, if any (better-auth's `activeOrganizationId`).
    pub active_organization_id: Option<String>,
}

#[async_trait]
pub trait EndUserSessionStore: Send + Sync {
    /// Also makes it the user's last sign-in.
    async fn insert(&self, session: &NewEndUserSession) -> Result<EndUserSession, StoreError>;

    /// The project's session with this token hash, if it is live at `now`.
    async fn live(
        &self,
        project_id: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EndUserSession>, StoreError>;

    /// Slides a session's expiry (it was used).
    async fn extend(&self, session_id: &str, at: OffsetDateTime, expires_at: OffsetDateTime) -> Result<(), StoreError>;

    /// Ends the project's session with this token hash, if there is one.
    async fn end_by_token(&self, project_id: &str, token_hash: &str, at: OffsetDateTime) -> Result<(), StoreError>;

    /// Ends the project's session with this id, whoever's it is.
    async fn end_by_id(
        &self,
        project_id: &str,
        session_id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The user's live sessions, most recently used first.
    async fn of_user(
        &self,
        project_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<EndUserSession>, StoreError>;

    /// Ends one session of the user by its id; `NotFound` if it is not theirs.
    async fn end_of_user(
        &self,
        project_id: &str,
        user_id: &str,
        session_id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Ends every session of the user but `keep`; returns how many.
    async fn end_all_of_user(
        &self,
        project_id: &str,
        user_id: &str,
        keep: Option<&str>,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError>;

    /// Deletes sessions that expired before `now`; returns how many.
    async fn sweep(&self, now: OffsetDateTime) -> Result<u64, StoreError>;
}
