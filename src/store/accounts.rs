//! Dashboard accounts: the people who sign in to this dashboard (not the users of an app, which are `end_users`), their passwords and the project they last opened.

use super::*;
use crate::domain::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A user about to be written, password already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: String,
    pub name: String,
    /// Lower-cased by the caller.
    pub email: String,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
    /// A mail to queue in the same transaction.
    pub mail: Option<QueuedMail>,
}

/// What sign-in needs to check a password.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Fails with `Conflict("email")` when the email is taken (any case).
    async fn insert(&self, user: &NewUser) -> Result<User, StoreError>;

    async fn by_id(&self, id: &str) -> Result<Option<User>, StoreError>;

    /// Looks the email up case-insensitively.
    async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError>;

    /// Remembers the project a user last opened; `None` if they have none.
    async fn set_last_project(&self, user_id: &str, project_id: &str) -> Result<(), StoreError>;

    async fn last_project(&self, user_id: &str) -> Result<Option<String>, StoreError>;

    /// Stores a new password hash and ends every other session of the user,
    /// in one transaction.
    async fn change_password(&self, user_id: &str, password_hash: &str, keep: &str) -> Result<u64, StoreError>;

    /// The dashboard account with this email (any case).
    async fn by_email(&self, email: &str) -> Result<Option<User>, StoreError>;

    /// Whether the account has proved its address.
    async fn is_verified(&self, user_id: &str) -> Result<bool, StoreError>;

    /// Uses an account's reset token once: stores the new password, ends
    /// every session of the account and withdraws its other reset links, in
    /// one transaction. `None` for a token that is unknown, used or expired.
    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError>;

    /// Uses an account's verification token once and marks its address
    /// verified (if it is still the account's). `None` as above.
    async fn verify_email(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError>;
}
