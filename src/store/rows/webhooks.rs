//! Webhook endpoints and deliveries as read.

use super::rfc3339;
use crate::domain::webhooks::{delivery_id, WebhookDelivery, WebhookEndpoint};
use time::OffsetDateTime;

#[derive(sqlx::FromRow)]
pub(in crate::store) struct EndpointRow {
    id: String,
    url: String,
    event_types: String,
    enabled: bool,
    success_count: i64,
    failure_count: i64,
    consecutive_failures: i64,
    last_delivery_at: Option<OffsetDateTime>,
    last_delivery_status: Option<String>,
    disabled_reason: Option<String>,
    previous_secret_until: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<EndpointRow> for WebhookEndpoint {
    fn from(r: EndpointRow) -> Self {
        WebhookEndpoint {
            id: r.id,
            url: r.url,
            event_types: r.event_types.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect(),
            enabled: r.enabled,
            success_count: r.success_count,
            failure_count: r.failure_count,
            consecutive_failures: r.consecutive_failures,
            last_delivery_at: r.last_delivery_at.map(rfc3339),
            last_delivery_status: r.last_delivery_status,
            disabled_reason: r.disabled_reason,
            previous_secret_until: r.previous_secret_until.map(rfc3339),
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct WebhookDeliveryRow {
    seq: i64,
    endpoint_id: String,
    event_id: String,
    event_type: String,
    status: String,
    attempts: i64,
    last_http_status: Option<i64>,
    last_error: Option<String>,
    last_duration_ms: Option<i64>,
    next_attempt_at: Option<OffsetDateTime>,
    created_at: OffsetDateTime,
}

impl From<WebhookDeliveryRow> for WebhookDelivery {
    fn from(r: WebhookDeliveryRow) -> Self {
        WebhookDelivery {
            id: delivery_id(r.seq),
            endpoint_id: r.endpoint_id,
            event_id: r.event_id,
            event_type: r.event_type,
            // Only a pending delivery has a next attempt.
            next_attempt_at: r.next_attempt_at.filter(|_| r.status == "pending").map(rfc3339),
            status: r.status,
            attempts: r.attempts,
            last_http_status: r.last_http_status,
            last_error: r.last_error,
            last_duration_ms: r.last_duration_ms,
            created_at: rfc3339(r.created_at),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct WebhookDeliveryDetailRow {
    #[sqlx(flatten)]
    pub(in crate::store) delivery: WebhookDeliveryRow,
    pub(in crate::store) body: String,
    pub(in crate::store) last_response: Option<String>,
}
