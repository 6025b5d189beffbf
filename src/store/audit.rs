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

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// A page of the project's audit log, newest first.
    async fn events(&self, project_id: &str, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError>;

    /// Everyone who appears in the project's audit log, by name.
    async fn actors(&self, project_id: &str) -> Result<Vec<AuditActor>, StoreError>;
}
