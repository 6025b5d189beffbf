//! A store whose answer to a key change can be lost once after the change
//! committed, as when a pool timeout or a dropped connection hits between a
//! commit and its reply: the change is made, the caller hears an error.
//! Only the keys resource is wrapped; every other one is the real store's.

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
    fn keys(&self) -> &dyn KeyStore {
        self
    }

    fn accounts(&self) -> &dyn AccountStore {
        self.inner.accounts()
    }

    fn dashboard_sessions(&self) -> &dyn DashboardSessionStore {
        self.inner.dashboard_sessions()
    }

    fn projects(&self) -> &dyn ProjectStore {
        self.inner.projects()
    }

    fn project_members(&self) -> &dyn ProjectMemberStore {
        self.inner.project_members()
    }

    fn project_invitations(&self) -> &dyn ProjectInvitationStore {
        self.inner.project_invitations()
    }

    fn audit(&self) -> &dyn AuditStore {
        self.inner.audit()
    }

    fn end_users(&self) -> &dyn EndUserStore {
        self.inner.end_users()
    }

    fn end_user_sessions(&self) -> &dyn EndUserSessionStore {
        self.inner.end_user_sessions()
    }

    fn mail(&self) -> &dyn MailStore {
        self.inner.mail()
    }

    fn secrets(&self) -> &dyn SecretStore {
        self.inner.secrets()
    }

    fn organizations(&self) -> &dyn OrganizationStore {
        self.inner.organizations()
    }

    fn organization_members(&self) -> &dyn OrganizationMemberStore {
        self.inner.organization_members()
    }

    fn organization_invitations(&self) -> &dyn OrganizationInvitationStore {
        self.inner.organization_invitations()
    }

    fn organization_roles(&self) -> &dyn OrganizationRoleStore {
        self.inner.organization_roles()
    }

    fn events(&self) -> &dyn EventStore {
        self.inner.events()
    }

    fn webhooks(&self) -> &dyn WebhookStore {
        self.inner.webhooks()
    }

    fn session_backend(&self) -> SessionBackend {
        self.inner.session_backend()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn watch_changes(&self, changes: tokio::sync::mpsc::UnboundedSender<CacheChange>) {
        self.inner.watch_changes(changes).await
    }
}

#[async_trait::async_trait]
impl KeyStore for LostAnswers {
    async fn insert(&self, key: &NewKey, by: &Actor) -> Result<ApiKey, StoreError> {
        self.inner.keys().insert(key, by).await
    }

    async fn list(&self, project_id: &str, query: &KeyQuery, now: OffsetDateTime) -> Result<Vec<ApiKey>, StoreError> {
        self.inner.keys().list(project_id, query, now).await
    }

    async fn rename(
        &self,
        project_id: &str,
        key_id: &str,
        name: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.inner.keys().rename(project_id, key_id, name, by, at).await
    }

    async fn count_active(&self, project_id: &str, now: OffsetDateTime) -> Result<i64, StoreError> {
        self.inner.keys().count_active(project_id, now).await
    }

    async fn count_expiring(
        &self,
        project_id: &str,
        now: OffsetDateTime,
        by: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        self.inner.keys().count_expiring(project_id, now, by).await
    }

    async fn get(&self, project_id: &str, key_id: &str, now: OffsetDateTime) -> Result<ApiKey, StoreError> {
        self.inner.keys().get(project_id, key_id, now).await
    }

    async fn by_hash(&self, key_hash: &str) -> Result<Option<KeyRecord>, StoreError> {
        self.inner.keys().by_hash(key_hash).await
    }

    async fn record_use(&self, uses: &[KeyUse]) -> Result<(), StoreError> {
        self.inner.keys().record_use(uses).await
    }

    async fn usage(&self, key_ids: &[String], since: &str) -> Result<Vec<(String, String, i64)>, StoreError> {
        self.inner.keys().usage(key_ids, since).await
    }

    async fn revoke(
        &self,
        project_id: &str,
        key_id: &str,
        by: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError> {
        let answer = self.inner.keys().revoke(project_id, key_id, by, now).await;
        self.lose_answer()?;
        answer
    }

    async fn roll(
        &self,
        project_id: &str,
        key_id: &str,
        new: &Replacement,
        by: &Actor,
    ) -> Result<(ApiKey, ApiKey), StoreError> {
        let answer = self.inner.keys().roll(project_id, key_id, new, by).await;
        self.lose_answer()?;
        answer
    }
}
