//! A project's events, as the events API lists them. They are written by
//! the changes that cause them, in the change's own transaction (see
//! `sql_impl/events.rs`), never through this trait.

use super::*;
use crate::domain::EventType;
use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::Notify;

/// Which events of a project to list.
#[derive(Clone, Debug, Default)]
pub struct EventQuery {
    /// Empty: every type.
    pub types: Vec<EventType>,
    pub organization_id: Option<String>,
    pub range_start: Option<OffsetDateTime>,
    pub range_end: Option<OffsetDateTime>,
    /// Only events after this one in the order asked for (its id).
    pub after: Option<String>,
    pub ascending: bool,
    pub limit: u32,
}

/// One event as stored: `body` is the exact JSON its webhooks carry.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: String,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub body: String,
    pub created_at: OffsetDateTime,
}

#[async_trait]
pub trait EventStore: Send + Sync {
    /// A page of the project's events. `NotFound` when `after` names no
    /// event of this project.
    async fn list(&self, project_id: &str, query: &EventQuery) -> Result<Vec<StoredEvent>, StoreError>;

    /// Forgets events from before `before`, with their finished deliveries;
    /// an event still to be delivered stays. How many went.
    async fn sweep(&self, before: OffsetDateTime) -> Result<u64, StoreError>;
}

/// Wakes this process's webhook workers when an event was queued. Notified
/// inside the queuing transaction, so a woken worker looks again shortly
/// after (the commit follows within milliseconds); other instances find
/// the deliveries on their next look.
pub fn events_queued() -> &'static Notify {
    static QUEUED: std::sync::OnceLock<Notify> = std::sync::OnceLock::new();
    QUEUED.get_or_init(Notify::new)
}
