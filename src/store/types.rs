//! What goes into the store and what comes out of it besides the domain
//! types: rows about to be written, queries, and change notices.

use crate::domain::{AuditAction, Role, User};
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

/// A project about to be written, with the user who becomes its owner.
#[derive(Clone, Debug)]
pub struct NewProject {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub owner_id: String,
    pub created_at: OffsetDateTime,
}

/// An invitation about to be written; `token_hash` is the SHA-256 of the token.
#[derive(Clone, Debug)]
pub struct NewInvitation {
    pub id: String,
    pub project_id: String,
    pub email: String,
    pub role: Role,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// A mail to queue in the same transaction.
    pub mail: Option<QueuedMail>,
}

/// An invitation found by its token, whatever its state.
#[derive(Clone, Debug)]
pub struct InvitationRecord {
    pub id: String,
    pub project_id: String,
    pub project_name: String,
    pub email: String,
    pub role: Role,
    pub expires_at: OffsetDateTime,
    pub accepted: bool,
    pub revoked: bool,
}

/// A key about to be written: its hash and display parts, never the secret.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub prefix: String,
    pub last4: String,
    pub key_hash: String,
    /// JSON array of permission strings; `[]` is full access.
    pub permissions: String,
    /// A user id, or the id of the API key that created it.
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
}

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

/// Which audit events of a project to list.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    pub actor_id: Option<String>,
    pub target_id: Option<String>,
    /// Only events older than this `seq` (the previous page's last).
    pub before: Option<i64>,
    pub limit: u32,
}

/// The new key of a roll: its hash and display parts. Its name, permissions
/// and lifetime are those of the key it replaces.
#[derive(Clone, Debug)]
pub struct Replacement {
    pub id: String,
    pub prefix: String,
    pub last4: String,
    pub key_hash: String,
    pub created_at: OffsetDateTime,
    /// When the old key stops working (`created_at` for at once).
    pub old_until: OffsetDateTime,
}

/// What a usage flush writes for one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUse {
    pub key_id: String,
    pub last_used: OffsetDateTime,
    /// (UTC day as `YYYY-MM-DD`, requests that day).
    pub days: Vec<(String, i64)>,
}

/// A change made anywhere that the key and session caches must hear of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheChange {
    /// The key with this SHA-256 hash was revoked, changed or deleted.
    Hash(String),
    /// The project with this id was renamed, moved or deleted: its keys
    /// carry its old name and slug, or must stop working.
    Project(String),
    /// The end-user session with this token hash ended.
    Session(String),
    /// The end user with this id changed (banned, renamed) or was deleted.
    EndUser(String),
    /// The project with this id has a new JWT signing key.
    JwtKeys(String),
    /// Anything may have changed (notices were missed).
    All,
}

/// A key as verification sees it: who it is, which project, whether it works.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyRecord {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub project_id: String,
    pub project_name: String,
    pub project_slug: String,
    /// JSON array of permission strings; `[]` is full access.
    pub permissions: String,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    /// The project's Authentication settings, carried with the key so that
    /// the auth API never asks for them.
    #[sqlx(flatten)]
    pub auth: AuthColumns,
}

/// A project's Authentication settings as their columns hold them (on the
/// project row, and joined into every key's record).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuthColumns {
    pub auth_sign_ups_open: bool,
    pub auth_password_min: i64,
    pub auth_require_email_verification: bool,
    pub auth_session_days: i64,
    /// JSON array of origins.
    pub auth_allowed_origins: String,
    pub auth_mail_sender_name: Option<String>,
    pub auth_mail_link_origin: Option<String>,
    pub auth_sign_ups_per_hour: i64,
}

impl KeyRecord {
    /// The project's Authentication settings this record carries.
    pub fn auth_settings(&self) -> Result<crate::domain::AuthSettings, super::StoreError> {
        self.auth.clone().try_into()
    }
}

/// A project by its id, name and URL name.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
    pub slug: String,
}

/// A project's JWT signing key as stored (the private key: never printed).
#[derive(Clone, sqlx::FromRow)]
pub struct JwtKey {
    pub kid: String,
    pub private_pem: String,
    pub created_at: OffsetDateTime,
    /// `None`: the key the project signs with now.
    pub retired_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKey").field("kid", &self.kid).field("retired_at", &self.retired_at).finish_non_exhaustive()
    }
}

/// Which keys of a project to list.
#[derive(Clone, Debug, Default)]
pub struct KeyQuery {
    /// Matches names containing this, ignoring case.
    pub search: Option<String>,
    pub include_revoked: bool,
    /// The id of the last key of the previous page.
    pub after: Option<String>,
    pub limit: u32,
}

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
}

/// A ban to set (or lift, with `banned: false`).
#[derive(Clone, Debug)]
pub struct EndUserBan {
    pub banned: bool,
    pub reason: Option<String>,
    pub expires: Option<OffsetDateTime>,
    pub at: OffsetDateTime,
}

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
