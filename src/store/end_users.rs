//! A project's end users: the people who sign up to a customer's app through its key, and their counted sign-ins and sign-ups.

use super::*;
use crate::actor::Actor;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A project's end user about to be written, email lower-cased and
/// password already hashed.
#[derive(Clone, Debug)]
pub struct NewEndUser {
    pub id: String,
    pub project_id: String,
    pub email: String,
    pub name: String,
    pub image: Option<String>,
    pub password_hash: Option<String>,
    pub email_verified: bool,
    pub at: OffsetDateTime,
    /// A mail to queue in the same transaction.
    pub mail: Option<QueuedMail>,
}

/// One person who signed up to a project's app. Not a dashboard account.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct EndUser {
    pub id: String,
    pub project_id: String,
    pub email: String,
    pub name: String,
    pub image: Option<String>,
    pub email_verified: bool,
    pub banned: bool,
    pub ban_reason: Option<String>,
    pub ban_expires: Option<OffsetDateTime>,
    /// `user` or `admin`: the app's own notion, which Banata keeps for it.
    pub role: String,
    /// A JSON object the app keeps about the user.
    pub metadata: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_sign_in_at: Option<OffsetDateTime>,
}

impl EndUser {
    /// Banned, and the ban has not ended by itself.
    pub fn is_banned(&self, now: OffsetDateTime) -> bool {
        crate::domain::ban_in_force(self.banned, self.ban_expires, now)
    }
}

/// Where a page of users starts: after this (created, id), newest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndUserCursor {
    pub created_at: OffsetDateTime,
    pub id: String,
}

/// Sign-ins and sign-ups of a project on one UTC day (`YYYY-MM-DD`).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ActivityDay {
    pub project_id: String,
    pub day: String,
    pub sign_ins: i64,
    pub sign_ups: i64,
}

/// What the admin API changes of a user; `None` keeps the value.
#[derive(Clone, Debug, Default)]
pub struct EndUserChanges {
    pub name: Option<String>,
    /// `Some(None)` removes the image.
    pub image: Option<Option<String>>,
    pub email_verified: Option<bool>,
    pub role: Option<String>,
    /// A JSON object, as text.
    pub metadata: Option<String>,
}

impl EndUserChanges {
    /// The names of the fields this changes, for its audit record.
    pub fn fields(&self) -> Vec<&'static str> {
        let named = [
            ("name", self.name.is_some()),
            ("image", self.image.is_some()),
            ("email verified", self.email_verified.is_some()),
            ("role", self.role.is_some()),
            ("metadata", self.metadata.is_some()),
        ];
        named.into_iter().filter(|(_, changed)| *changed).map(|(name, _)| name).collect()
    }
}

/// What signing an end user in needs to check their password.
#[derive(Clone, Debug)]
pub struct EndUserCredentials {
    pub user: EndUser,
    /// `None` for a user made without a password (they cannot sign in with one).
    pub password_hash: Option<String>,
}

/// A ban to set (or lift, with `banned: false`).
#[derive(Clone, Debug)]
pub struct EndUserBan {
    pub banned: bool,
    pub reason: Option<String>,
    pub expires: Option<OffsetDateTime>,
    pub at: OffsetDateTime,
}

#[async_trait]
pub trait EndUserStore: Send + Sync {
    /// Writes a project's end user. Fails with `Conflict("email")` when the
    /// project already has one with this (lower-cased) email.
    /// Records `user.created` (by the app itself for a sign-up).
    async fn insert(&self, user: &NewEndUser, by: &Actor) -> Result<EndUser, StoreError>;

    /// The project's end user with this id; another project's is `None`.
    async fn get(&self, project_id: &str, user_id: &str) -> Result<Option<EndUser>, StoreError>;

    /// The project's end user with this lower-cased email, with their hash.
    async fn credentials(&self, project_id: &str, email: &str) -> Result<Option<EndUserCredentials>, StoreError>;

    /// A page of the project's users, newest first, whose email or name
    /// contains `search` (any case), and how many match in all.
    async fn list(
        &self,
        project_id: &str,
        search: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<EndUser>, i64), StoreError>;

    /// Deletes the user with their sessions; `NotFound` for another project's.
    async fn delete(&self, project_id: &str, user_id: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError>;

    /// The dashboard's page of users: newest first, after `after`, whose
    /// email or name starts with `search` (any case). No count, and every
    /// part an index range: as fast on the thousandth page as on the first.
    async fn page(
        &self,
        project_id: &str,
        search: Option<&str>,
        after: Option<&EndUserCursor>,
        limit: u32,
    ) -> Result<Vec<EndUser>, StoreError>;

    /// Bans (ending every session, in the same transaction) or unbans.
    /// `NotFound` for another project's user.
    async fn set_ban(
        &self,
        project_id: &str,
        user_id: &str,
        ban: &EndUserBan,
        by: &Actor,
    ) -> Result<EndUser, StoreError>;

    /// Changes a user (the admin API's changes, or a user's own name and
    /// image); `NotFound` for another project's.
    async fn change(
        &self,
        project_id: &str,
        user_id: &str,
        changes: &EndUserChanges,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<EndUser, StoreError>;

    /// Replaces the password and ends every session of the user but `keep`
    /// (the one making the change, if any) in the same transaction: a new
    /// password must end a stolen session.
    async fn set_password(
        &self,
        project_id: &str,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError>;

    /// Adds counted sign-ins and sign-ups per project and day, in one
    /// transaction; a deleted project's are dropped.
    async fn record_activity(&self, days: &[ActivityDay]) -> Result<(), StoreError>;

    /// days without activity are left out.
    async fn activity(&self, project_id: &str, since: &str) -> Result<Vec<ActivityDay>, StoreError>;

    /// Spends a verification link's token of this project's user and marks
    /// the address it was sent to verified (if it is still theirs).
    /// Audited. `None` for a token that is unknown, used, expired, of
    /// another purpose or of another project.
    async fn verify_email(
        &self,
        project_id: &str,
        token_hash: &str,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<Option<EndUser>, StoreError>;

    /// Spends a reset link's token of this project's user: stores
    /// `password_hash`, ends every session of the user and withdraws their
    /// other reset links, in one transaction. Audited. `None` as above.
    async fn reset_password(
        &self,
        project_id: &str,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<Option<EndUser>, StoreError>;
}
