//! The project's audit log, as the dashboard reads it (every audited change writes its record in its own transaction).

use super::*;
use crate::domain::*;
use async_trait::async_trait;

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

/// A record as the audit logs API shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditLogRecord {
    pub seq: i64,
    pub action: String,
    pub actor_kind: String,
    /// The app's own name for its actor, on records it wrote.
    pub actor_type: Option<String>,
    pub actor_id: String,
    pub actor_name: String,
    pub actor_email: Option<String>,
    pub target_id: String,
    pub target_name: String,
    pub detail: String,
    /// JSON text, as the app sent it.
    pub targets: Option<String>,
    pub changes: Option<String>,
    pub metadata: Option<String>,
    pub organization_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub idempotency_key: Option<String>,
    pub occurred_at: Option<time::OffsetDateTime>,
    pub created_at: time::OffsetDateTime,
}

/// Which records the audit logs API lists.
#[derive(Clone, Debug, Default)]
pub struct AuditLogQuery {
    pub organization_id: Option<String>,
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub start: Option<time::OffsetDateTime>,
    pub end: Option<time::OffsetDateTime>,
    /// Keyset cursors on the record's number.
    pub older_than: Option<i64>,
    pub newer_than: Option<i64>,
    pub ascending: bool,
    pub limit: u32,
}

/// A record an app writes through the API (`auditLogs.create`).
#[derive(Clone, Debug)]
pub struct NewAuditLog {
    pub project_id: String,
    pub action: String,
    pub actor_type: String,
    pub actor_id: String,
    pub actor_name: String,
    pub actor_email: Option<String>,
    /// The first target, for the dashboard's list.
    pub target: (String, String),
    /// JSON texts.
    pub targets: String,
    pub changes: Option<String>,
    pub metadata: Option<String>,
    pub organization_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub idempotency_key: Option<String>,
    pub occurred_at: time::OffsetDateTime,
    pub at: time::OffsetDateTime,
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Writes the app's record; with an idempotency key already used in
    /// the project, returns the first record instead.
    async fn create_record(&self, record: &NewAuditLog) -> Result<AuditLogRecord, StoreError>;

    async fn records(&self, project_id: &str, query: &AuditLogQuery) -> Result<Vec<AuditLogRecord>, StoreError>;

    /// A page of the project's audit log, newest first.
    async fn events(&self, project_id: &str, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError>;

    /// Everyone who appears in the project's audit log, by name.
    async fn actors(&self, project_id: &str) -> Result<Vec<AuditActor>, StoreError>;
}
