//! The one implementation of every resource's store trait, one file per
//! resource, compiled once per backend: `postgres/mod.rs` and
//! `sqlite/mod.rs` each include this folder as a module (`#[path]`), with
//! `Backend` (the store type, whose `pool` is that backend's pool), `Conn`
//! and `watch_key_changes` defined beside it and the backend's differences
//! in its `dialect` module. Why not a generic implementation over `sqlx::Database`: every query
//! would need bounds for each bound and decoded type on both drivers, which
//! buries the SQL under trait plumbing; why not a macro: rustfmt and the
//! compiler's messages both stop at a macro's body. This way both backends
//! run the same text and the same Rust, and both are plain code.
//!
//! Changed rows are read back on the transaction's own connection before it
//! commits, so a caller that got `Ok` got the committed row, and an `Err`
//! after a commit can only come from the commit itself.
//!
//! Helpers that several resources' transactions share are free functions
//! taking the connection, beside the table they write: `audit::record`,
//! `mail::queue`, `projects::lock`.

mod accounts;
mod audit;
mod dashboard_sessions;
mod end_user_sessions;
mod end_users;
mod events;
mod keys;
mod mail;
mod organization_invitations;
mod organization_members;
mod organization_roles;
mod organizations;
mod project_invitations;
mod project_members;
mod projects;
mod secrets;
mod webhooks;

use super::dialect::*;
use super::{watch_key_changes, Backend, Conn, Db};
use crate::actor::Actor;
use crate::domain::audit_text;
use crate::domain::rules::{keeps_an_owner, replacement_expiry};
use crate::domain::{
    ActorKind, ApiKey, AuditAction, AuditActor, AuditEvent, AuthSettings, Delivery, MailKind, Member, Membership,
    PendingInvitation, ProjectSummary, Resource, Role, User,
};
use crate::store::queries;
use crate::store::rows::*;
use crate::store::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// The facade: each resource's store is this same backend.
#[async_trait]
impl Store for Backend {
    fn accounts(&self) -> &dyn AccountStore {
        self
    }

    fn dashboard_sessions(&self) -> &dyn DashboardSessionStore {
        self
    }

    fn projects(&self) -> &dyn ProjectStore {
        self
    }

    fn project_members(&self) -> &dyn ProjectMemberStore {
        self
    }

    fn project_invitations(&self) -> &dyn ProjectInvitationStore {
        self
    }

    fn keys(&self) -> &dyn KeyStore {
        self
    }

    fn audit(&self) -> &dyn AuditStore {
        self
    }

    fn end_users(&self) -> &dyn EndUserStore {
        self
    }

    fn end_user_sessions(&self) -> &dyn EndUserSessionStore {
        self
    }

    fn mail(&self) -> &dyn MailStore {
        self
    }

    fn secrets(&self) -> &dyn SecretStore {
        self
    }

    fn organizations(&self) -> &dyn OrganizationStore {
        self
    }

    fn organization_members(&self) -> &dyn OrganizationMemberStore {
        self
    }

    fn organization_invitations(&self) -> &dyn OrganizationInvitationStore {
        self
    }

    fn organization_roles(&self) -> &dyn OrganizationRoleStore {
        self
    }

    fn events(&self) -> &dyn EventStore {
        self
    }

    fn webhooks(&self) -> &dyn WebhookStore {
        self
    }

    fn session_backend(&self) -> SessionBackend {
        self.sessions.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query(queries::health::PING).execute(&self.pool).await?;
        Ok(())
    }

    async fn watch_changes(&self, changes: tokio::sync::mpsc::UnboundedSender<CacheChange>) {
        watch_key_changes(&self.pool, changes).await
    }
}

/// `NotFound` when a statement that must touch a row of `what` touched none.
fn found(rows: u64, what: Resource) -> Result<(), StoreError> {
    match rows {
        0 => Err(StoreError::NotFound(what)),
        _ => Ok(()),
    }
}
