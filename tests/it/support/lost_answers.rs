//! A store whose answer to a key change can be lost once after the change
//! committed, as when a pool timeout or a dropped connection hits between a
//! commit and its reply: the change is made, the caller hears an error.

use banata::actor::Actor;
use banata::domain::*;
use banata::store::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use time::OffsetDateTime;

pub struct LostAnswers {
    inner: Arc<dyn Store>,
    lose_next: AtomicBool,
}

impl LostAnswers {
    pub fn new(inner: Arc<dyn Store>) -> Arc<LostAnswers> {
        Arc::new(LostAnswers { inner, lose_next: AtomicBool::new(false) })
    }

    /// The next revoke or roll commits and then answers with an outage.
    pub fn lose_next_answer(&self) {
        self.lose_next.store(true, Ordering::SeqCst);
    }

    fn lose_answer(&self) -> Result<(), StoreError> {
        if self.lose_next.swap(false, Ordering::SeqCst) {
            return Err(StoreError::Unavailable(sqlx::Error::PoolTimedOut));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Store for LostAnswers {
    fn sessions(&self) -> SessionBackend {
        self.inner.sessions()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError> {
        self.inner.insert_user(user).await
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        self.inner.user_by_id(id).await
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        self.inner.credentials_by_email(email).await
    }

    async fn insert_project(&self, project: &NewProject) -> Result<Membership, StoreError> {
        self.inner.insert_project(project).await
    }

    async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StoreError> {
        self.inner.memberships(user_id).await
    }

    async fn membership(&self, user_id: &str, slug: &str) -> Result<Option<Membership>, StoreError> {
        self.inner.membership(user_id, slug).await
    }

    async fn project_summaries(&self, user_id: &str) -> Result<Vec<ProjectSummary>, StoreError> {
        self.inner.project_summaries(user_id).await
    }

    async fn rename_project(&self, project_id: &str, name: &str, by: &Actor) -> Result<(), StoreError> {
        self.inner.rename_project(project_id, name, by).await
    }

    async fn change_slug(&self, project_id: &str, slug: &str, by: &Actor) -> Result<(), StoreError> {
        self.inner.change_slug(project_id, slug, by).await
    }

    async fn delete_project(&self, project_id: &str, by: &Actor) -> Result<(), StoreError> {
        self.inner.delete_project(project_id, by).await
    }

    async fn find_project(&self, slug_or_id: &str) -> Result<Option<ProjectRef>, StoreError> {
        self.inner.find_project(slug_or_id).await
    }

    async fn set_last_project(&self, user_id: &str, project_id: &str) -> Result<(), StoreError> {
        self.inner.set_last_project(user_id, project_id).await
    }

    async fn last_project(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        self.inner.last_project(user_id).await
    }

    async fn members(&self, project_id: &str) -> Result<Vec<Member>, StoreError> {
        self.inner.members(project_id).await
    }

    async fn change_role(&self, project_id: &str, user_id: &str, role: Role, by: &Actor) -> Result<(), StoreError> {
        self.inner.change_role(project_id, user_id, role, by).await
    }

    async fn remove_member(&self, project_id: &str, user_id: &str, by: &Actor) -> Result<(), StoreError> {
        self.inner.remove_member(project_id, user_id, by).await
    }

    async fn insert_invitation(&self, invitation: &NewInvitation, by: &Actor) -> Result<(), StoreError> {
        self.inner.insert_invitation(invitation, by).await
    }

    async fn pending_invitations(
        &self,
        project_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<PendingInvitation>, StoreError> {
        self.inner.pending_invitations(project_id, now).await
    }

    async fn revoke_invitation(
        &self,
        project_id: &str,
        id: &str,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError> {
        self.inner.revoke_invitation(project_id, id, now, by).await
    }

    async fn invitation_by_token(&self, token_hash: &str) -> Result<Option<InvitationRecord>, StoreError> {
        self.inner.invitation_by_token(token_hash).await
    }

    async fn accept_invitation(&self, id: &str, by: &Actor, now: OffsetDateTime) -> Result<(), StoreError> {
        self.inner.accept_invitation(id, by, now).await
    }

    async fn insert_key(&self, key: &NewKey, by: &Actor) -> Result<ApiKey, StoreError> {
        self.inner.insert_key(key, by).await
    }

    async fn list_keys(
        &self,
        project_id: &str,
        query: &KeyQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<ApiKey>, StoreError> {
        self.inner.list_keys(project_id, query, now).await
    }

    async fn rename_key(&self, project_id: &str, key_id: &str, name: &str, by: &Actor) -> Result<(), StoreError> {
        self.inner.rename_key(project_id, key_id, name, by).await
    }

    async fn count_active_keys(&self, project_id: &str, now: OffsetDateTime) -> Result<i64, StoreError> {
        self.inner.count_active_keys(project_id, now).await
    }

    async fn count_expiring_keys(
        &self,
        project_id: &str,
        now: OffsetDateTime,
        by: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        self.inner.count_expiring_keys(project_id, now, by).await
    }

    async fn key(&self, project_id: &str, key_id: &str, now: OffsetDateTime) -> Result<ApiKey, StoreError> {
        self.inner.key(project_id, key_id, now).await
    }

    async fn key_by_hash(&self, key_hash: &str) -> Result<Option<KeyRecord>, StoreError> {
        self.inner.key_by_hash(key_hash).await
    }

    async fn record_key_use(&self, uses: &[KeyUse]) -> Result<(), StoreError> {
        self.inner.record_key_use(uses).await
    }

    async fn key_usage(&self, key_ids: &[String], since: &str) -> Result<Vec<(String, String, i64)>, StoreError> {
        self.inner.key_usage(key_ids, since).await
    }

    async fn watch_key_changes(&self, changes: tokio::sync::mpsc::UnboundedSender<CacheChange>) {
        self.inner.watch_key_changes(changes).await
    }

    async fn revoke_key(
        &self,
        project_id: &str,
        key_id: &str,
        by: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError> {
        let answer = self.inner.revoke_key(project_id, key_id, by, now).await;
        self.lose_answer()?;
        answer
    }

    async fn insert_session(&self, session: &NewSession, stale_before: OffsetDateTime) -> Result<(), StoreError> {
        self.inner.insert_session(session, stale_before).await
    }

    async fn session_user(&self, session_id: &str) -> Result<Option<User>, StoreError> {
        self.inner.session_user(session_id).await
    }

    async fn touch_session(&self, session_id: &str, at: OffsetDateTime, ip: Option<&str>) -> Result<(), StoreError> {
        self.inner.touch_session(session_id, at, ip).await
    }

    async fn user_sessions(&self, user_id: &str, seen_after: OffsetDateTime) -> Result<Vec<SessionRecord>, StoreError> {
        self.inner.user_sessions(user_id, seen_after).await
    }

    async fn sweep_sessions(
        &self,
        idle_before: OffsetDateTime,
        signed_in_before: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        self.inner.sweep_sessions(idle_before, signed_in_before).await
    }

    async fn forget_session(&self, session_id: &str) -> Result<(), StoreError> {
        self.inner.forget_session(session_id).await
    }

    async fn end_session(&self, user_id: &str, session_id: &str) -> Result<(), StoreError> {
        self.inner.end_session(user_id, session_id).await
    }

    async fn end_other_sessions(&self, user_id: &str, keep: &str) -> Result<u64, StoreError> {
        self.inner.end_other_sessions(user_id, keep).await
    }

    async fn change_password(&self, user_id: &str, password_hash: &str, keep: &str) -> Result<u64, StoreError> {
        self.inner.change_password(user_id, password_hash, keep).await
    }

    async fn roll_key(
        &self,
        project_id: &str,
        key_id: &str,
        new: &Replacement,
        by: &Actor,
    ) -> Result<(ApiKey, ApiKey), StoreError> {
        let answer = self.inner.roll_key(project_id, key_id, new, by).await;
        self.lose_answer()?;
        answer
    }

    async fn audit_events(&self, project_id: &str, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
        self.inner.audit_events(project_id, query).await
    }

    async fn audit_actors(&self, project_id: &str) -> Result<Vec<AuditActor>, StoreError> {
        self.inner.audit_actors(project_id).await
    }

    async fn insert_end_user(&self, user: &NewEndUser, by: &Actor) -> Result<EndUser, StoreError> {
        self.inner.insert_end_user(user, by).await
    }

    async fn end_user(&self, project_id: &str, user_id: &str) -> Result<Option<EndUser>, StoreError> {
        self.inner.end_user(project_id, user_id).await
    }

    async fn end_user_credentials(
        &self,
        project_id: &str,
        email: &str,
    ) -> Result<Option<EndUserCredentials>, StoreError> {
        self.inner.end_user_credentials(project_id, email).await
    }

    async fn insert_end_user_session(&self, session: &NewEndUserSession) -> Result<EndUserSession, StoreError> {
        self.inner.insert_end_user_session(session).await
    }

    async fn end_user_session(
        &self,
        project_id: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EndUserSession>, StoreError> {
        self.inner.end_user_session(project_id, token_hash, now).await
    }

    async fn extend_end_user_session(
        &self,
        session_id: &str,
        at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.inner.extend_end_user_session(session_id, at, expires_at).await
    }

    async fn delete_end_user_session(&self, project_id: &str, token_hash: &str) -> Result<(), StoreError> {
        self.inner.delete_end_user_session(project_id, token_hash).await
    }

    async fn list_end_users(
        &self,
        project_id: &str,
        search: Option<&str>,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<EndUser>, i64), StoreError> {
        self.inner.list_end_users(project_id, search, limit, offset).await
    }

    async fn delete_end_user(&self, project_id: &str, user_id: &str, by: &Actor) -> Result<(), StoreError> {
        self.inner.delete_end_user(project_id, user_id, by).await
    }

    async fn end_users_after(
        &self,
        project_id: &str,
        search: Option<&str>,
        after: Option<&EndUserCursor>,
        limit: u32,
    ) -> Result<Vec<EndUser>, StoreError> {
        self.inner.end_users_after(project_id, search, after, limit).await
    }

    async fn set_end_user_ban(
        &self,
        project_id: &str,
        user_id: &str,
        ban: &EndUserBan,
        by: &Actor,
    ) -> Result<EndUser, StoreError> {
        self.inner.set_end_user_ban(project_id, user_id, ban, by).await
    }

    async fn end_project_session(&self, project_id: &str, session_id: &str, by: &Actor) -> Result<(), StoreError> {
        self.inner.end_project_session(project_id, session_id, by).await
    }

    async fn change_end_user(
        &self,
        project_id: &str,
        user_id: &str,
        changes: &EndUserChanges,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<EndUser, StoreError> {
        self.inner.change_end_user(project_id, user_id, changes, at, by).await
    }

    async fn set_end_user_password(
        &self,
        project_id: &str,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
        at: OffsetDateTime,
        by: &Actor,
    ) -> Result<(), StoreError> {
        self.inner.set_end_user_password(project_id, user_id, password_hash, keep, at, by).await
    }

    async fn end_user_sessions(
        &self,
        project_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<EndUserSession>, StoreError> {
        self.inner.end_user_sessions(project_id, user_id, now).await
    }

    async fn end_end_user_session(
        &self,
        project_id: &str,
        user_id: &str,
        session_id: &str,
        by: &Actor,
    ) -> Result<(), StoreError> {
        self.inner.end_end_user_session(project_id, user_id, session_id, by).await
    }

    async fn end_end_user_sessions(
        &self,
        project_id: &str,
        user_id: &str,
        keep: Option<&str>,
        by: &Actor,
    ) -> Result<u64, StoreError> {
        self.inner.end_end_user_sessions(project_id, user_id, keep, by).await
    }

    async fn auth_settings(&self, project_id: &str) -> Result<AuthSettings, StoreError> {
        self.inner.auth_settings(project_id).await
    }

    async fn set_auth_settings(&self, project_id: &str, settings: &AuthSettings, by: &Actor) -> Result<(), StoreError> {
        self.inner.set_auth_settings(project_id, settings, by).await
    }

    async fn record_end_user_activity(&self, days: &[ActivityDay]) -> Result<(), StoreError> {
        self.inner.record_end_user_activity(days).await
    }

    async fn end_user_activity(&self, project_id: &str, since: &str) -> Result<Vec<ActivityDay>, StoreError> {
        self.inner.end_user_activity(project_id, since).await
    }

    async fn jwt_keys(&self, project_id: &str, since: OffsetDateTime) -> Result<Vec<JwtKey>, StoreError> {
        self.inner.jwt_keys(project_id, since).await
    }

    async fn add_jwt_key(&self, project_id: &str, key: &JwtKey, replace: bool, keep: u32) -> Result<(), StoreError> {
        self.inner.add_jwt_key(project_id, key, replace, keep).await
    }

    async fn sweep_end_user_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        self.inner.sweep_end_user_sessions(now).await
    }

    async fn load_secret(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.inner.load_secret(name).await
    }

    async fn server_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        self.inner.server_secret(name, candidate).await
    }

    async fn queue_mail(&self, mail: &QueuedMail) -> Result<(), StoreError> {
        self.inner.queue_mail(mail).await
    }

    async fn claim_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedMail>, StoreError> {
        self.inner.claim_mail(now, lease_until, limit).await
    }

    async fn arm_mail_token(&self, token_id: &str, token_hash: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        self.inner.arm_mail_token(token_id, token_hash, now).await
    }

    async fn finish_mail(
        &self,
        id: &str,
        attempt: i64,
        outcome: &MailOutcome,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.inner.finish_mail(id, attempt, outcome, at).await
    }

    async fn sweep_mail(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        self.inner.sweep_mail(before).await
    }

    async fn insert_mail_token(&self, token: &NewMailToken) -> Result<(), StoreError> {
        self.inner.insert_mail_token(token).await
    }

    async fn recent_mail(&self, project_id: &str, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        self.inner.recent_mail(project_id, limit).await
    }

    async fn mail_token(&self, token_hash: &str) -> Result<Option<MailTokenRecord>, StoreError> {
        self.inner.mail_token(token_hash).await
    }

    async fn count_mail_tokens(
        &self,
        subject_id: &str,
        purpose: MailKind,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        self.inner.count_mail_tokens(subject_id, purpose, since).await
    }

    async fn account_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.inner.account_by_email(email).await
    }

    async fn account_verified(&self, user_id: &str) -> Result<bool, StoreError> {
        self.inner.account_verified(user_id).await
    }

    async fn reset_account_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError> {
        self.inner.reset_account_password(token_hash, password_hash, now).await
    }

    async fn verify_account_email(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError> {
        self.inner.verify_account_email(token_hash, now).await
    }

    async fn use_end_user_token(
        &self,
        project_id: &str,
        purpose: MailKind,
        token_hash: &str,
        password_hash: Option<&str>,
        now: OffsetDateTime,
        by: &Actor,
    ) -> Result<Option<EndUser>, StoreError> {
        self.inner.use_end_user_token(project_id, purpose, token_hash, password_hash, now, by).await
    }

    async fn queue_mail_limited(
        &self,
        mail: &QueuedMail,
        most: i64,
        since: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.inner.queue_mail_limited(mail, most, since).await
    }
}
