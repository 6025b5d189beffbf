//! The mail outbox and the single-use tokens its links carry.

use super::*;
use crate::domain::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A link's token about to be written. `token_hash` is `None` for a token
/// that a mail will carry (drawn when the mail is sent), and the hash for
/// one handed out at once (`banata user reset-password`).
#[derive(Clone, Debug)]
pub struct NewMailToken {
    pub id: String,
    pub purpose: crate::domain::MailKind,
    pub token_hash: Option<String>,
    /// The account, the project's user or the invitation it is for.
    pub subject_id: String,
    pub project_id: Option<String>,
    pub email: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// A mail about to be queued, with the token its link will carry.
#[derive(Clone, Debug)]
pub struct QueuedMail {
    pub id: String,
    pub project_id: Option<String>,
    pub kind: crate::domain::MailKind,
    pub recipient: String,
    /// JSON of `mail::MailData`: no secret in it.
    pub data: String,
    pub token: Option<NewMailToken>,
    pub created_at: OffsetDateTime,
}

/// A mail a worker has claimed: it may send it until its lease ends.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ClaimedMail {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub token_id: Option<String>,
    pub data: String,
    /// Including this one.
    pub attempts: i64,
}

/// A token found by its hash, whatever its state.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MailTokenRecord {
    pub id: String,
    pub purpose: String,
    pub subject_id: String,
    pub project_id: Option<String>,
    pub email: String,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

/// How a claimed mail's try ended.
#[derive(Clone, Debug)]
pub enum MailOutcome {
    Sent,
    /// Try again at this time.
    Retry(OffsetDateTime, String),
    /// Give up.
    Failed(String),
}

#[async_trait]
pub trait MailStore: Send + Sync {
    /// Queues a mail (and the token its link will carry) on its own, for
    /// requests that change nothing else (a reset, a new verification link).
    async fn queue(&self, mail: &QueuedMail) -> Result<(), StoreError>;

    /// Queues the mail unless its token's subject already had `most` tokens
    /// of its purpose made after `since`; counted and written one request
    /// at a time per subject, on every instance. `false`: not queued.
    async fn queue_limited(&self, mail: &QueuedMail, most: i64, since: OffsetDateTime) -> Result<bool, StoreError>;

    /// Leases up to `limit` mails due at `now` until `lease_until`, counting
    /// the try; two workers never get the same mail.
    async fn claim(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedMail>, StoreError>;

    /// `false` when the token was used or ran out meanwhile.
    async fn arm_token(&self, token_id: &str, token_hash: &str, now: OffsetDateTime) -> Result<bool, StoreError>;

    /// Records how try `attempt` of a claimed mail went; nothing when the
    /// mail has been claimed again since (this worker's lease ran out).
    async fn finish(&self, id: &str, attempt: i64, outcome: &MailOutcome, at: OffsetDateTime)
        -> Result<(), StoreError>;

    /// Deletes tokens that expired before `before`, and mail queued before it
    /// that is sent or given up on; returns how many rows.
    async fn sweep(&self, before: OffsetDateTime) -> Result<u64, StoreError>;

    /// Writes a token handed out at once (its hash is set).
    async fn insert_token(&self, token: &NewMailToken) -> Result<(), StoreError>;

    /// The project's most recent mails, newest first.
    async fn recent(&self, project_id: &str, limit: u32) -> Result<Vec<Delivery>, StoreError>;

    /// The token with this hash, whatever its state.
    async fn token(&self, token_hash: &str) -> Result<Option<MailTokenRecord>, StoreError>;

    /// How many tokens for `purpose` were made for `subject_id` after `since`.
    async fn count_tokens(&self, subject_id: &str, purpose: MailKind, since: OffsetDateTime)
        -> Result<i64, StoreError>;
}
