//! Persistence. `Store` is the only door to the database: SQL lives in this
//! module's backend files and nowhere else.

mod audit_queries;
mod error;
mod key_queries;
mod postgres;
mod sessions;
mod sql_store;
mod sqlite;

pub use error::StoreError;
pub use sessions::SessionBackend;

use crate::domain::{
    ActorKind, ApiKey, AuditAction, AuditActor, AuditEvent, KeyStatus, Member, Membership, PendingInvitation,
    ProjectSummary, Role, User,
};
use async_trait::async_trait;
use std::sync::Arc;
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

/// Who makes a change and from where: every audited store method records it
/// with the change, in the same transaction.
#[derive(Clone, Debug)]
pub struct Actor {
    pub kind: ActorKind,
    /// A user id, or the id of the API key.
    pub id: String,
    /// The user's or the key's name at the time.
    pub name: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
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

/// A change to keys made anywhere, which the cache must hear of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyChange {
    /// The key with this hash was revoked, changed or deleted.
    Key(String),
    /// Anything may have changed (a project, or notices were missed).
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

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The tower-sessions store on the same database.
    fn sessions(&self) -> SessionBackend;

    /// Cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Fails with `Conflict("email")` when the email is taken (any case).
    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError>;

    async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError>;

    /// Looks the email up case-insensitively.
    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError>;

    /// Writes the project and its owner's membership in one transaction.
    /// Fails with `Conflict("slug")` when the slug is taken.
    async fn insert_project(&self, project: &NewProject) -> Result<Membership, StoreError>;

    /// The user's projects, oldest membership first.
    async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StoreError>;

    /// The project with this slug together with the user's role in it, in one
    /// query; `None` both when it does not exist and when they are no member.
    async fn membership(&self, user_id: &str, slug: &str) -> Result<Option<Membership>, StoreError>;

    /// The user's projects with their count of active keys, by name.
    async fn project_summaries(&self, user_id: &str) -> Result<Vec<ProjectSummary>, StoreError>;

    async fn rename_project(&self, project_id: &str, name: &str, by: &Actor) -> Result<(), StoreError>;

    /// Fails with `Conflict("slug")` when the slug is taken.
    async fn change_slug(&self, project_id: &str, slug: &str, by: &Actor) -> Result<(), StoreError>;

    /// Deletes the project with its members, invitations and keys (which
    /// therefore stop working).
    async fn delete_project(&self, project_id: &str, by: &Actor) -> Result<(), StoreError>;

    /// Remembers the project a user last opened; `None` if they have none.
    async fn set_last_project(&self, user_id: &str, project_id: &str) -> Result<(), StoreError>;
    async fn last_project(&self, user_id: &str) -> Result<Option<String>, StoreError>;

    /// Members, owners first, then by name.
    async fn members(&self, project_id: &str) -> Result<Vec<Member>, StoreError>;

    /// Fails with `Conflict("member")` when they already are one.
    async fn add_member(&self, project_id: &str, user_id: &str, role: Role, by: &Actor) -> Result<(), StoreError>;

    /// Fails with `LastOwner` rather than leave the project without an owner,
    /// and with `NotFound` when the user is no member.
    async fn change_role(&self, project_id: &str, user_id: &str, role: Role, by: &Actor) -> Result<(), StoreError>;

    /// Same rules as `change_role`.
    async fn remove_member(&self, project_id: &str, user_id: &str, by: &Actor) -> Result<(), StoreError>;

    async fn insert_invitation(&self, invitation: &NewInvitation, by: &Actor) -> Result<(), StoreError>;

    /// Invitations neither accepted, revoked nor expired at `now`.
    async fn pending_invitations(
        &self,
        project_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<PendingInvitation>, StoreError>;

    /// `NotFound` unless a pending invitation of this project has this id.
    async fn revoke_invitation(
        &self,
        project_id: &str,
        id: &str,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError>;

    async fn invitation_by_token(&self, token_hash: &str) -> Result<Option<InvitationRecord>, StoreError>;

    /// Marks the invitation accepted and adds the member, atomically: of two
    /// concurrent accepts one wins, the other gets `NotFound`.
    /// `by` is the accepting user.
    async fn accept_invitation(&self, id: &str, by: &Actor, now: OffsetDateTime) -> Result<(), StoreError>;

    /// Fails with `Conflict("name")` when an active key of the project has
    /// this name (in any case).
    async fn insert_key(&self, key: &NewKey, by: &Actor) -> Result<ApiKey, StoreError>;

    /// A page of the project's keys, newest first; `now` decides "expired".
    async fn list_keys(
        &self,
        project_id: &str,
        query: &KeyQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<ApiKey>, StoreError>;

    /// Renames an unrevoked key of the project and records it.
    /// `Conflict("name")` when another active key has the name.
    async fn rename_key(&self, project_id: &str, key_id: &str, name: &str, by: &Actor) -> Result<(), StoreError>;

    /// How many of the project's working keys expire after `now` and by `by`.
    async fn count_expiring_keys(
        &self,
        project_id: &str,
        now: OffsetDateTime,
        by: OffsetDateTime,
    ) -> Result<i64, StoreError>;

    /// One key of the project, revoked or not; `NotFound` otherwise.
    async fn key(&self, project_id: &str, key_id: &str, now: OffsetDateTime) -> Result<ApiKey, StoreError>;

    /// The key with this hash, with its project, whatever its state: the
    /// caller decides whether it still works.
    async fn key_by_hash(&self, key_hash: &str) -> Result<Option<KeyRecord>, StoreError>;

    /// Stores when keys were last used and adds their requests per day, in
    /// one transaction. A time older than the stored one is ignored, so
    /// instances may flush in any order; uses of a deleted key are dropped.
    async fn record_key_use(&self, uses: &[KeyUse]) -> Result<(), StoreError>;

    /// A key's requests per UTC day (`YYYY-MM-DD`) from `since` on, oldest
    /// first; days without requests are left out.
    async fn key_usage(&self, key_ids: &[String], since: &str) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// Sends every key change any instance makes (revocations, deleted
    /// projects) to `changes`, for ever, and `KeyChange::All` whenever some
    /// may have been missed (at start and after a lost connection). A
    /// backend that only one process can use has nothing to send.
    async fn watch_key_changes(&self, changes: tokio::sync::mpsc::UnboundedSender<KeyChange>) {
        let _ = changes;
    }

    /// `NotFound` unless an active key of this project has this id.
    async fn revoke_key(
        &self,
        project_id: &str,
        key_id: &str,
        by: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError>;

    /// Records a sign-in, and forgets the user's sessions that were last
    /// seen before `stale_before` (they have ended by timeout).
    async fn insert_session(&self, session: &NewSession, stale_before: OffsetDateTime) -> Result<(), StoreError>;

    /// The user of a live session; `None` once it has been ended.
    async fn session_user(&self, session_id: &str) -> Result<Option<User>, StoreError>;

    /// Moves the session's last-seen time (and address, when known) forward.
    async fn touch_session(&self, session_id: &str, at: OffsetDateTime, ip: Option<&str>) -> Result<(), StoreError>;

    /// The user's sessions seen since `seen_after`, most recent first.
    async fn user_sessions(&self, user_id: &str, seen_after: OffsetDateTime) -> Result<Vec<SessionRecord>, StoreError>;

    /// Deletes this browser's session row, if it is still there (sign-out).
    async fn forget_session(&self, session_id: &str) -> Result<(), StoreError>;

    /// Ends one of the user's sessions; `NotFound` if they have no such one.
    async fn end_session(&self, user_id: &str, session_id: &str) -> Result<(), StoreError>;

    /// Ends every session of the user but `keep`; returns how many ended.
    async fn end_other_sessions(&self, user_id: &str, keep: &str) -> Result<u64, StoreError>;

    /// Stores a new password hash and ends every other session of the user,
    /// in one transaction.
    async fn change_password(&self, user_id: &str, password_hash: &str, keep: &str) -> Result<u64, StoreError>;

    /// Replaces an active key of the project: writes the new key (same name,
    /// permissions and lifetime), makes the old one stop at `old_until` (or
    /// sooner, if it would anyway), links the two, and records both in the
    /// audit log, in one transaction. Of two concurrent rolls of a key one
    /// wins; the other, like a revoked, expired or unknown key, is `NotFound`.
    /// Returns the old key as it now is, and the new one.
    async fn roll_key(
        &self,
        project_id: &str,
        key_id: &str,
        new: &Replacement,
        by: &Actor,
    ) -> Result<(ApiKey, ApiKey), StoreError>;

    /// A page of the project's audit log, newest first.
    async fn audit_events(&self, project_id: &str, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError>;

    /// Everyone who appears in the project's audit log, by name.
    async fn audit_actors(&self, project_id: &str) -> Result<Vec<AuditActor>, StoreError>;
}

/// Opens the database named by `url` (`postgres://…` or `sqlite:…`), applies
/// the migrations, and returns the store.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}

/// Parses a role column; the CHECK constraint keeps it to known values.
fn role_column(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown role {value:?}")))
}

/// One row of the memberships query, shared by both backends.
#[derive(sqlx::FromRow)]
struct MembershipRow {
    project_id: String,
    name: String,
    slug: String,
    role: String,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(row: MembershipRow) -> Result<Self, StoreError> {
        Ok(Membership { project_id: row.project_id, name: row.name, slug: row.slug, role: role_column(&row.role)? })
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    name: String,
    email: String,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User { id: row.id, name: row.name, email: row.email }
    }
}

#[derive(sqlx::FromRow)]
struct CredentialsRow {
    id: String,
    name: String,
    email: String,
    password_hash: String,
}

impl From<CredentialsRow> for Credentials {
    fn from(row: CredentialsRow) -> Self {
        Credentials { user: User { id: row.id, name: row.name, email: row.email }, password_hash: row.password_hash }
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    project_id: String,
    name: String,
    slug: String,
    role: String,
    key_count: i64,
}

impl TryFrom<SummaryRow> for ProjectSummary {
    type Error = StoreError;
    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        Ok(ProjectSummary {
            project: Membership {
                project_id: row.project_id,
                name: row.name,
                slug: row.slug,
                role: role_column(&row.role)?,
            },
            key_count: row.key_count,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: String,
    name: String,
    email: String,
    role: String,
    joined_at: OffsetDateTime,
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

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: String,
    email: String,
    role: String,
    invited_by: String,
    expires_at: OffsetDateTime,
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
struct InvitationRow {
    id: String,
    project_id: String,
    project_name: String,
    email: String,
    role: String,
    expires_at: OffsetDateTime,
    accepted_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
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

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The owner rule, checked inside the transaction that changes a membership:
/// `owners` is the project's owner count before the change.
fn keeps_an_owner(current: Role, new: Option<Role>, owners: i64) -> Result<(), StoreError> {
    let loses_owner = current == Role::Owner && new != Some(Role::Owner);
    if loses_owner && owners <= 1 {
        Err(StoreError::LastOwner)
    } else {
        Ok(())
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: String,
    name: String,
    prefix: String,
    last4: String,
    permissions: String,
    created_by: String,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    expires_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    revoked_by: Option<String>,
    replaced_by: Option<String>,
    replaces: Option<String>,
}

impl KeyRow {
    fn into_key(self, now: OffsetDateTime) -> ApiKey {
        let status = match (self.revoked_at, self.expires_at) {
            (Some(_), _) => KeyStatus::Revoked,
            (None, Some(expires)) if expires <= now => KeyStatus::Expired,
            _ => KeyStatus::Active,
        };
        ApiKey {
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            last4: self.last4,
            // Written only by us, as a JSON array; anything else reads as none.
            permissions: serde_json::from_str(&self.permissions).unwrap_or_default(),
            created_by: self.created_by,
            created_at: rfc3339(self.created_at),
            last_used_at: self.last_used_at.map(rfc3339),
            expires_at: self.expires_at.map(rfc3339),
            revoked_at: self.revoked_at.map(rfc3339),
            revoked_by: self.revoked_by,
            replaced_by: self.replaced_by,
            replaces: self.replaces,
            daily_requests: Vec::new(),
            expires_in: match (status, self.expires_at) {
                (KeyStatus::Active, Some(end)) => Some((end - now).whole_seconds()),
                _ => None,
            },
            status,
        }
    }
}

/// One audit event about to be written, inside the change's transaction.
struct AuditRecord<'a> {
    project_id: &'a str,
    action: AuditAction,
    actor: &'a Actor,
    target_id: &'a str,
    target_name: &'a str,
    detail: String,
    at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    created_at: OffsetDateTime,
    action: String,
    actor_kind: String,
    actor_id: String,
    actor_name: String,
    target_id: String,
    target_name: String,
    detail: String,
    ip: Option<String>,
    user_agent: Option<String>,
}

fn actor_kind_column(value: &str) -> Result<ActorKind, StoreError> {
    ActorKind::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown actor kind {value:?}")))
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;
    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        Ok(AuditEvent {
            seq: row.seq,
            at: rfc3339(row.created_at),
            action: AuditAction::parse(&row.action)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown audit action {:?}", row.action)))?,
            actor_kind: actor_kind_column(&row.actor_kind)?,
            actor_id: row.actor_id,
            actor_name: row.actor_name,
            target_id: row.target_id,
            target_name: row.target_name,
            detail: row.detail,
            ip: row.ip,
            user_agent: row.user_agent,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AuditActorRow {
    id: String,
    name: String,
    kind: String,
}

impl TryFrom<AuditActorRow> for AuditActor {
    type Error = StoreError;
    fn try_from(row: AuditActorRow) -> Result<Self, StoreError> {
        Ok(AuditActor { id: row.id, name: row.name, kind: actor_kind_column(&row.kind)? })
    }
}

/// A replacement lives as long as the key it replaces was meant to: a key
/// that never expired makes one that never expires.
fn replacement_expiry(
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Option<OffsetDateTime> {
    expires_at.map(|end| now + (end - created_at))
}

/// `2026-12-01 08:01 UTC`: a time as people read it in the audit log.
fn minute_text(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// How a key's expiry reads in its audit event.
fn expiry_detail(expires_at: Option<OffsetDateTime>) -> String {
    match expires_at {
        Some(at) => format!("expires {}", minute_text(at)),
        None => "never expires".to_string(),
    }
}

/// `%text%` for LIKE, with the pattern characters in `text` escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}
