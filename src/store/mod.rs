//! Persistence. `Store` is the only door to the database: SQL lives in
//! `queries` and nowhere else, and one implementation (`sql_impl/`, compiled
//! once per backend) runs it on PostgreSQL and on SQLite.
//!
//! One trait per resource (`KeyStore`, `EndUserStore`, `MailStore`, …), in
//! the file of that resource beside its types, and `Store` as a facade that
//! hands each one out: `store.keys().revoke(…)`. Why a facade and not one
//! supertrait: a method's resource is in its path, so names need no prefix
//! and cannot collide (`end_user_sessions().end_of_user` beside
//! `dashboard_sessions().end`); a test double wraps the one resource it
//! means to change and hands the others through; and a new resource adds
//! one accessor here, not forty methods to a trait everyone implements.
//!
//! Audited changes take the `Actor` and write its record in the same
//! transaction; changed rows come back from inside that transaction.

mod accounts;
mod audit;
mod changes;
mod dashboard_sessions;
mod end_user_sessions;
mod end_users;
mod error;
mod events;
mod keys;
mod mail;
mod organization_invitations;
mod organization_members;
mod organization_roles;
mod organizations;
mod postgres;
mod project_invitations;
mod project_members;
mod projects;
mod queries;
mod rows;
mod secrets;
mod session_backend;
mod sqlite;
pub mod views;
mod webhooks;

pub use accounts::*;
pub use audit::*;
pub use changes::CacheChange;
pub use dashboard_sessions::*;
pub use end_user_sessions::*;
pub use end_users::*;
pub use error::StoreError;
pub use events::*;
pub use keys::*;
pub use mail::*;
pub use organization_invitations::*;
pub use organization_members::*;
pub use organization_roles::*;
pub use organizations::*;
pub use project_invitations::*;
pub use project_members::*;
pub use projects::*;
pub use secrets::*;
pub use session_backend::SessionBackend;
pub use webhooks::*;

use async_trait::async_trait;
use std::sync::Arc;

/// Every resource's store, and what concerns the database as a whole.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    fn accounts(&self) -> &dyn AccountStore;
    fn dashboard_sessions(&self) -> &dyn DashboardSessionStore;
    fn projects(&self) -> &dyn ProjectStore;
    fn project_members(&self) -> &dyn ProjectMemberStore;
    fn project_invitations(&self) -> &dyn ProjectInvitationStore;
    fn keys(&self) -> &dyn KeyStore;
    fn audit(&self) -> &dyn AuditStore;
    fn end_users(&self) -> &dyn EndUserStore;
    fn end_user_sessions(&self) -> &dyn EndUserSessionStore;
    fn mail(&self) -> &dyn MailStore;
    fn secrets(&self) -> &dyn SecretStore;
    fn organizations(&self) -> &dyn OrganizationStore;
    fn organization_members(&self) -> &dyn OrganizationMemberStore;
    fn organization_invitations(&self) -> &dyn OrganizationInvitationStore;
    fn organization_roles(&self) -> &dyn OrganizationRoleStore;
    fn events(&self) -> &dyn EventStore;
    fn webhooks(&self) -> &dyn WebhookStore;

    /// The tower-sessions store on the same database (the dashboard's
    /// cookie records).
    fn session_backend(&self) -> SessionBackend;

    /// Cheap round trip, for readiness checks.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Sends every change any instance makes that caches must hear of
    /// (revocations, deleted projects, ended sessions) to `changes`, for
    /// ever, and `CacheChange::All` whenever some may have been missed (at
    /// start and after a lost connection). A backend that only one process
    /// can use has nothing to send.
    async fn watch_changes(&self, changes: tokio::sync::mpsc::UnboundedSender<CacheChange>) {
        let _ = changes;
    }
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
