//! The dashboard's signed-in browsers, as the Sessions page lists them (the cookie records themselves are tower-sessions' store).

use super::*;
use crate::domain::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A signed-in browser about to be recorded.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub id: String,
    pub user_id: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub at: OffsetDateTime,
}

/// A signed-in browser as the sessions page lists it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[async_trait]
pub trait DashboardSessionStore: Send + Sync {
    /// Records a sign-in, and forgets the user's sessions that were last
    /// seen before `stale_before` (they have ended by timeout).
    async fn insert(&self, session: &NewSession, stale_before: OffsetDateTime) -> Result<(), StoreError>;

    /// The user of a live session; `None` once it has been ended.
    async fn account_of(&self, session_id: &str) -> Result<Option<User>, StoreError>;

    /// Moves the session's last-seen time (and address, when known) forward.
    async fn touch(&self, session_id: &str, at: OffsetDateTime, ip: Option<&str>) -> Result<(), StoreError>;

    /// The user's sessions seen since `seen_after`, most recent first.
    async fn of_account(&self, user_id: &str, seen_after: OffsetDateTime) -> Result<Vec<SessionRecord>, StoreError>;

    /// Deletes the rows of every session that has ended by timeout: last
    /// seen before `idle_before`, or signed in before `signed_in_before`.
    /// Returns how many.
    async fn sweep(&self, idle_before: OffsetDateTime, signed_in_before: OffsetDateTime) -> Result<u64, StoreError>;

    /// Deletes this browser's session row, if it is still there (sign-out).
    async fn forget(&self, session_id: &str) -> Result<(), StoreError>;

    /// Ends one of the user's sessions; `NotFound` if they have no such one.
    async fn end(&self, user_id: &str, session_id: &str) -> Result<(), StoreError>;

    /// Ends every session of the user but `keep`; returns how many ended.
    async fn end_others(&self, user_id: &str, keep: &str) -> Result<u64, StoreError>;
}
