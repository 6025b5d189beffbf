//! The `Store` trait: every operation on the database, one method each.
//! Audited changes take the `Actor` and write its event in the same
//! transaction; changed rows come back from inside that transaction.

use super::*;
use crate::actor::Actor;
use crate::domain::{
    ApiKey, AuditActor, AuditEvent, AuthSettings, Delivery, MailKind, Member, Membership, PendingInvitation,
    ProjectSummary, Role, User,
};
use async_trait::async_trait;
use time::OffsetDateTime;

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

    /// The project with this slug or id, for the command line.
    async fn find_project(&self, slug_or_id: &str) -> Result<Option<ProjectRef>, StoreError>;

    /// Remembers the project a user last opened; `None` if they have none.
    async fn set_last_project(&self, user_id: &str, project_id: &str) -> Result<(), StoreError>;
    async fn last_project(&self, user_id: &str) -> Result<Option<String>, StoreError>;

    /// Members, owners first, then by name.
    async fn members(&self, project_id: &str) -> Result<Vec<Member>, StoreError>;

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

    /// How many of the project's keys work at `now`.
    async fn count_active_keys(&self, project_id: &str, now: OffsetDateTime) -> Result<i64, StoreError>;

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
    /// projects) to `changes`, for ever, and `CacheChange::All` whenever some
    /// may have been missed (at start and after a lost connection). A
    /// backend that only one process can use has nothing to send.
    async fn watch_key_changes(&self, changes: tokio::sync::mpsc::UnboundedSender<CacheChange>) {
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

    /// Deletes the rows of every session that has ended by timeout: last
    /// seen before `idle_before`, or signed in before `signed_in_before`.
    /// Returns how many.
    async fn sweep_sessions(
        &self,
        idle_before: OffsetDateTime,
        signed_in_before: OffsetDateTime,
    ) -> Result<u64, StoreError>;

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

    /// Writes a project's end user. Fails with `Conflict("email")` when the
    /// project already has one with this (lower-cased) email.
    /// Records `user.created` (by the app itself for a sign-up).
    async fn insert_end_user(&self, user: &NewEndUser, by: &Actor) -> Result<EndUser, StoreError>;

    /// The project's end user with this id; another project's is `None`.
    async fn end_user(&self, project_id: &str, user_id: &str) -> Result<Option<EndUser>, StoreError>;

    /// The project's end user with this lower-cased email, with their hash.
    async fn end_user_credentials(
        &self,
        project_id: &str,
        email: &str,
    ) -> Result<Option<EndUserCredentials>, StoreError>;

    /// Also makes it the user's last sign-in.
    async fn insert_end_user_session(&self, session: &NewEndUserSession) -> Result<EndUserSession, StoreError>;

    /// The project's session with this token hash, if it is live at `now`.
    async fn end_user_session(
        &self,
        project_id: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EndUserSession>, StoreError>;

    /// Slides a session's expiry (it was used).
    async fn extend_end_user_session(
        &self,
        session_id: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Ends the project's session with this token hash, if there is one.
    async fn delete_end_user_session(&self, project_id: &str, token_hash: &str) -> Result<(), StoreError>;

    /// A page of the project's users, newest first, whose email or name
    /// contains `search` (any case), and how many match in all.
    async fn list_end_users(
        &self,
        project_id: &str,
        search: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<EndUser>, i64), StoreError>;

    /// Deletes the user with their sessions; `NotFound` for another project's.
    async fn delete_end_user(&self, project_id: &str, user_id: &str, by: &Actor) -> Result<(), StoreError>;

    /// The dashboard's page of users: newest first, after `after`, whose
    /// email or name starts with `search` (any case). No count, and every
    /// part an index range: as fast on the thousandth page as on the first.
    async fn end_users_after(
        &self,
        project_id: &str,
        search: Option<&str>,
        after: Option<&EndUserCursor>,
        limit: u32,
    ) -> Result<Vec<EndUser>, StoreError>;

    /// Bans (ending every session, in the same transaction) or unbans.
    /// `NotFound` for another project's user.
    async fn set_end_user_ban(
        &self,
        project_id: &str,
        user_id: &str,
        ban: &EndUserBan,
        by: &Actor,
    ) -> Result<EndUser, StoreError>;

    /// Ends the project's session with this id, whoever's it is.
    async fn end_project_session(&self, project_id: &str, session_id: &str, by: &Actor) -> Result<(), StoreError>;

    /// Changes a user (the admin API's changes, or a user's own name and
    /// image); `NotFound` for another project's.
    async fn change_end_user(
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
    async fn set_end_user_password(
        &self,
        project_id: &str,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError>;

    /// The user's live sessions, most recently used first.
    async fn end_user_sessions(
        &self,
        project_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<EndUserSession>, StoreError>;

    /// Ends one session of the user by its id; `NotFound` if it is not theirs.
    async fn end_end_user_session(
        &self,
        project_id: &str,
        user_id: &str,
        session_id: &str,
        by: &Actor,
    ) -> Result<(), StoreError>;

    /// Ends every session of the user but `keep`; returns how many.
    async fn end_end_user_sessions(
        &self,
        project_id: &str,
        user_id: &str,
        keep: Option<&str>,
        by: &Actor,
    ) -> Result<u64, StoreError>;

    /// Deletes sessions that expired before `now`; returns how many.
    async fn sweep_end_user_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError>;

    /// The project's Authentication settings; `NotFound` if it is gone.
    async fn auth_settings(&self, project_id: &str) -> Result<AuthSettings, StoreError>;

    /// Replaces them and records what changed.
    async fn set_auth_settings(&self, project_id: &str, settings: &AuthSettings, by: &Actor) -> Result<(), StoreError>;

    /// Adds counted sign-ins and sign-ups per project and day, in one
    /// transaction; a deleted project's are dropped.
    async fn record_end_user_activity(&self, days: &[ActivityDay]) -> Result<(), StoreError>;

    /// The project's days from `since` (`YYYY-MM-DD`) on, oldest first;
    /// days without activity are left out.
    async fn end_user_activity(&self, project_id: &str, since: &str) -> Result<Vec<ActivityDay>, StoreError>;

    /// The project's JWT signing keys still published: the current one and
    /// those retired at or after `since`, newest first (none yet: empty).
    /// `NotFound` for a project that does not exist.
    async fn jwt_keys(&self, project_id: &str, since: OffsetDateTime) -> Result<Vec<JwtKey>, StoreError>;

    /// Makes `key` the project's current signing key. With `replace`, the
    /// current one is retired at the new one's time (at most `keep` retired
    /// ones are kept); without it, nothing changes when the project already
    /// has one (two instances making the first key at once: the first
    /// stored wins). `NotFound` for a project that does not exist.
    async fn add_jwt_key(&self, project_id: &str, key: &JwtKey, replace: bool, keep: u32) -> Result<(), StoreError>;

    /// Queues a mail (and the token its link will carry) on its own, for
    /// requests that change nothing else (a reset, a new verification link).
    async fn queue_mail(&self, mail: &QueuedMail) -> Result<(), StoreError>;

    /// Queues the mail unless its token's subject already had `most` tokens
    /// of its purpose made after `since`; counted and written one request
    /// at a time per subject, on every instance. `false`: not queued.
    async fn queue_mail_limited(&self, mail: &QueuedMail, most: i64, since: OffsetDateTime)
        -> Result<bool, StoreError>;

    /// Leases up to `limit` mails due at `now` until `lease_until`, counting
    /// the try; two workers never get the same mail.
    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedMail>, StoreError>;

    /// Stores the hash of the token a claimed mail is about to carry;
    /// `false` when the token was used or ran out meanwhile.
    async fn arm_mail_token(&self, token_id: &str, token_hash: &str, now: OffsetDateTime) -> Result<bool, StoreError>;

    /// Records how try `attempt` of a claimed mail went; nothing when the
    /// mail has been claimed again since (this worker's lease ran out).
    async fn finish_mail(
        &self,
        id: &str,
        attempt: i64,
        outcome: &MailOutcome,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Deletes tokens that expired before `before`, and mail queued before it
    /// that is sent or given up on; returns how many rows.
    async fn sweep_mail(&self, before: OffsetDateTime) -> Result<u64, StoreError>;

    /// Writes a token handed out at once (its hash is set).
    async fn insert_mail_token(&self, token: &NewMailToken) -> Result<(), StoreError>;

    /// The project's most recent mails, newest first.
    async fn recent_mail(&self, project_id: &str, limit: u32) -> Result<Vec<Delivery>, StoreError>;

    /// The token with this hash, whatever its state.
    async fn mail_token(&self, token_hash: &str) -> Result<Option<MailTokenRecord>, StoreError>;

    /// How many tokens for `purpose` were made for `subject_id` after `since`.
    async fn count_mail_tokens(
        &self,
        subject_id: &str,
        purpose: MailKind,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError>;

    /// The dashboard account with this email (any case).
    async fn account_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;

    /// Whether the account has proved its address.
    async fn account_verified(&self, user_id: &str) -> Result<bool, StoreError>;

    /// Uses an account's reset token once: stores the new password, ends
    /// every session of the account and withdraws its other reset links, in
    /// one transaction. `None` for a token that is unknown, used or expired.
    async fn reset_account_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError>;

    /// Uses an account's verification token once and marks its address
    /// verified (if it is still the account's). `None` as above.
    async fn verify_account_email(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError>;

    /// Uses a token of this project's user once. For `UserVerify` marks the
    /// address verified; for `UserReset` stores `password_hash` and ends every
    /// session of the user. Audited. `None` for a token that is unknown,
    /// used, expired, of another purpose or of another project.
    async fn use_end_user_token(
        &self,
        project_id: &str,
        purpose: MailKind,
        token_hash: &str,
        password_hash: Option<&str>,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<Option<EndUser>, StoreError>;

    /// The shared secret `name`, if one was stored.
    async fn load_secret(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// The shared secret `name`: the stored one, or `candidate` when this is
    /// the first instance to ask (two first instances agree on one).
    async fn server_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}
