//! A project's webhook endpoints and their deliveries: what the API and the
//! dashboard change and read, and what the delivery worker claims and
//! records. Every lookup names the project, except the worker's, which
//! holds an endpoint's lease.

use super::*;
use crate::domain::webhooks::{WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint};
use async_trait::async_trait;
use time::OffsetDateTime;

pub struct NewEndpoint {
    pub id: String,
    pub project_id: String,
    pub url: String,
    /// Empty: every event.
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub secret: String,
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug, Default)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// Enabling clears the failures and the reason it was disabled.
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct DeliveryQuery {
    pub endpoint_id: Option<String>,
    pub status: Option<String>,
    /// Only deliveries older than this one (its id).
    pub after: Option<i64>,
    pub limit: u32,
}

/// An endpoint a worker holds the lease of, with what it signs with.
#[derive(Clone, sqlx::FromRow)]
pub struct LeasedEndpoint {
    pub id: String,
    pub project_id: String,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<OffsetDateTime>,
}

impl std::fmt::Debug for LeasedEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeasedEndpoint").field("id", &self.id).finish_non_exhaustive()
    }
}

/// The next of an endpoint's pending deliveries, in order.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueDelivery {
    pub seq: i64,
    pub event_id: String,
    pub body: String,
    pub attempts: i64,
    pub next_attempt_at: Option<OffsetDateTime>,
}

/// What one attempt came to.
#[derive(Clone, Debug)]
pub struct AttemptRecord {
    pub at: OffsetDateTime,
    pub http_status: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
    /// At most 10 KB of what the receiver answered.
    pub response: Option<String>,
    pub outcome: AttemptOutcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    Succeeded,
    /// Tried again at this time.
    RetryAt(OffsetDateTime),
    /// The schedule is spent.
    Failed,
    /// 410: the endpoint is disabled as gone.
    Gone,
}

#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_endpoint(&self, endpoint: &NewEndpoint) -> Result<WebhookEndpoint, StoreError>;

    /// Oldest first; `after` is the last id of the previous page.
    async fn endpoints(
        &self,
        project_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<WebhookEndpoint>, StoreError>;

    async fn endpoint(&self, project_id: &str, id: &str) -> Result<Option<WebhookEndpoint>, StoreError>;

    async fn update_endpoint(
        &self,
        project_id: &str,
        id: &str,
        changes: &EndpointChanges,
        at: OffsetDateTime,
    ) -> Result<WebhookEndpoint, StoreError>;

    /// Deletes the endpoint and its deliveries, pending ones included.
    async fn delete_endpoint(&self, project_id: &str, id: &str) -> Result<(), StoreError>;

    /// The new secret signs from now; the previous one too until `grace_until`.
    async fn rotate_secret(
        &self,
        project_id: &str,
        id: &str,
        secret: &str,
        grace_until: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<WebhookEndpoint, StoreError>;

    /// Newest first.
    async fn deliveries(&self, project_id: &str, query: &DeliveryQuery) -> Result<Vec<WebhookDelivery>, StoreError>;

    async fn delivery(&self, project_id: &str, id: i64) -> Result<Option<WebhookDeliveryDetail>, StoreError>;

    /// Queues the delivery again, due now, with a fresh attempt count.
    async fn retry_delivery(
        &self,
        project_id: &str,
        id: i64,
        at: OffsetDateTime,
    ) -> Result<WebhookDelivery, StoreError>;

    /// Writes a `webhook.test` event delivered to this endpoint only; its id.
    async fn send_test(&self, project_id: &str, id: &str, at: OffsetDateTime) -> Result<String, StoreError>;

    /// Leases up to `limit` enabled endpoints whose first pending delivery
    /// is due, until `until`: while the lease holds, no other worker sends
    /// to them, so each endpoint's deliveries go one at a time, in order.
    async fn lease_due(
        &self,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<LeasedEndpoint>, StoreError>;

    /// The leased endpoint's first `limit` pending deliveries, in order.
    async fn pending(&self, endpoint_id: &str, limit: u32) -> Result<Vec<DueDelivery>, StoreError>;

    /// Records an attempt and keeps the endpoint's counts and state;
    /// extends the lease to `lease_until`. False when the endpoint or the
    /// delivery is gone (deleted meanwhile): stop sending to it.
    async fn record_attempt(
        &self,
        endpoint_id: &str,
        delivery_seq: i64,
        attempt: &AttemptRecord,
        lease_until: OffsetDateTime,
    ) -> Result<bool, StoreError>;

    async fn release(&self, endpoint_id: &str) -> Result<(), StoreError>;
}
