//! A project's webhook endpoints and their deliveries: who may see and
//! change them, what a valid endpoint is (a URL we may reach, known event
//! types), and secrets made here and shown once.

use super::Caller;
use crate::auth::ids;
use crate::domain::webhooks::{
    delivery_seq, WebhookDelivery, WebhookDeliveryDetail, WebhookDetailView, WebhookEndpoint, WebhooksView,
};
use crate::domain::{EventType, FieldError, Permission, Resource};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{DeliveryQuery, EndpointChanges, NewEndpoint};
use crate::webhooks::{address, signature};
use time::OffsetDateTime;

/// Endpoints a project may have.
pub const ENDPOINTS_MAX: usize = 20;
/// How long a rotated-out secret may keep signing: up to a week.
pub const GRACE_MAX_SECONDS: i64 = 7 * 86_400;
/// A rotation's default grace: a day.
pub const GRACE_DEFAULT_SECONDS: i64 = 86_400;
pub const PAGE_MAX: u32 = 100;

/// What a create or an update sends; `None`: not sent.
#[derive(Clone, Debug, Default)]
pub struct EndpointInput {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// The endpoint and, this once, its signing secret.
pub struct WithSecret {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

impl std::fmt::Debug for WithSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithSecret").field("endpoint", &self.endpoint.id).finish_non_exhaustive()
    }
}

/// A URL the operator's rules let us send to, checked after DNS resolution.
async fn checked_url(state: &AppState, text: &str) -> Result<String, AppError> {
    let url = address::check_syntax(text).map_err(|m| FieldError::new("url", m))?;
    address::resolve_checked(&url, &state.config.webhook_allowed_networks)
        .await
        .map_err(|m| FieldError::new("url", m))?;
    Ok(url.to_string())
}

/// Known event types by their names (or Banata's aliases), deduplicated,
/// in the contract's order; empty means every event.
pub fn event_types(names: &[String]) -> Result<Vec<String>, AppError> {
    let mut types = Vec::new();
    for name in names {
        let kind = EventType::parse(name.trim())
            .filter(|k| *k != EventType::WebhookTest)
            .ok_or_else(|| FieldError::new("eventTypes", format!("{:?} is not an event type.", truncate(name))))?;
        if !types.contains(&kind) {
            types.push(kind);
        }
    }
    types.sort_by_key(|k| EventType::ALL.iter().position(|a| a == k));
    Ok(types.into_iter().map(|k| k.as_str().to_string()).collect())
}

fn truncate(text: &str) -> String {
    text.chars().take(60).collect()
}

pub async fn create(state: &AppState, caller: &Caller, input: EndpointInput) -> Result<WithSecret, AppError> {
    caller.require(Permission::WebhooksManage)?;
    let url = checked_url(state, input.url.as_deref().unwrap_or_default()).await?;
    let types = event_types(input.event_types.as_deref().unwrap_or_default())?;
    let existing = state.store.webhooks().endpoints(&caller.project_id, None, ENDPOINTS_MAX as u32 + 1).await?;
    if existing.len() >= ENDPOINTS_MAX {
        return Err(AppError::Conflict(format!("A project may have at most {ENDPOINTS_MAX} webhook endpoints.")));
    }
    let secret = signature::new_secret();
    let endpoint = NewEndpoint {
        id: ids::webhook_id(),
        project_id: caller.project_id.clone(),
        url,
        event_types: types,
        enabled: input.enabled.unwrap_or(true),
        secret: secret.clone(),
        at: OffsetDateTime::now_utc(),
    };
    let endpoint = state.store.webhooks().create_endpoint(&endpoint).await?;
    Ok(WithSecret { endpoint, secret })
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<WebhookEndpoint>, AppError> {
    caller.require(Permission::WebhooksRead)?;
    let after = after.filter(|a| !a.is_empty());
    Ok(state.store.webhooks().endpoints(&caller.project_id, after, limit.clamp(1, PAGE_MAX)).await?)
}

pub async fn get(state: &AppState, caller: &Caller, id: &str) -> Result<WebhookEndpoint, AppError> {
    caller.require(Permission::WebhooksRead)?;
    state.store.webhooks().endpoint(&caller.project_id, id).await?.ok_or(AppError::NotFound(Resource::Webhook))
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: EndpointInput,
) -> Result<WebhookEndpoint, AppError> {
    caller.require(Permission::WebhooksManage)?;
    let url = match input.url.as_deref() {
        Some(url) => Some(checked_url(state, url).await?),
        None => None,
    };
    let event_types = input.event_types.as_deref().map(event_types).transpose()?;
    let changes = EndpointChanges { url, event_types, enabled: input.enabled };
    Ok(state.store.webhooks().update_endpoint(&caller.project_id, id, &changes, OffsetDateTime::now_utc()).await?)
}

/// Deletes the endpoint; what was still to be sent to it never is.
pub async fn delete(state: &AppState, caller: &Caller, id: &str) -> Result<(), AppError> {
    caller.require(Permission::WebhooksManage)?;
    Ok(state.store.webhooks().delete_endpoint(&caller.project_id, id).await?)
}

/// A new secret, shown this once; the old one keeps signing for the grace.
pub async fn rotate(
    state: &AppState,
    caller: &Caller,
    id: &str,
    grace_seconds: Option<i64>,
) -> Result<WithSecret, AppError> {
    caller.require(Permission::WebhooksManage)?;
    let grace = grace_seconds.unwrap_or(GRACE_DEFAULT_SECONDS);
    if !(0..=GRACE_MAX_SECONDS).contains(&grace) {
        return Err(FieldError::new("graceSeconds", format!("Use 0 to {GRACE_MAX_SECONDS} seconds.")).into());
    }
    let secret = signature::new_secret();
    let now = OffsetDateTime::now_utc();
    let until = now + time::Duration::seconds(grace);
    let endpoint = state.store.webhooks().rotate_secret(&caller.project_id, id, &secret, until, now).await?;
    Ok(WithSecret { endpoint, secret })
}

/// Which deliveries to list, as sent.
#[derive(Clone, Debug, Default)]
pub struct DeliveryFilter {
    pub endpoint_id: Option<String>,
    pub status: Option<String>,
    pub after: Option<String>,
    pub limit: Option<u32>,
}

pub async fn deliveries(
    state: &AppState,
    caller: &Caller,
    filter: DeliveryFilter,
) -> Result<Vec<WebhookDelivery>, AppError> {
    caller.require(Permission::WebhooksRead)?;
    let status = filter.status.filter(|s| !s.is_empty());
    if status.as_deref().is_some_and(|s| !matches!(s, "pending" | "succeeded" | "failed")) {
        return Err(FieldError::new("status", "Use pending, succeeded or failed.").into());
    }
    let after = match filter.after.as_deref().filter(|a| !a.is_empty()) {
        Some(id) => Some(delivery_seq(id).ok_or_else(|| FieldError::new("after", "This is not a delivery id."))?),
        None => None,
    };
    let query = DeliveryQuery {
        endpoint_id: filter.endpoint_id.filter(|e| !e.is_empty()),
        status,
        after,
        limit: filter.limit.unwrap_or(50).clamp(1, PAGE_MAX),
    };
    Ok(state.store.webhooks().deliveries(&caller.project_id, &query).await?)
}

pub async fn delivery(state: &AppState, caller: &Caller, id: &str) -> Result<WebhookDeliveryDetail, AppError> {
    caller.require(Permission::WebhooksRead)?;
    let seq = delivery_seq(id).ok_or(AppError::NotFound(Resource::Delivery))?;
    state.store.webhooks().delivery(&caller.project_id, seq).await?.ok_or(AppError::NotFound(Resource::Delivery))
}

/// Queues the delivery again, due now (the dashboard's Resend).
pub async fn retry(state: &AppState, caller: &Caller, id: &str) -> Result<WebhookDelivery, AppError> {
    caller.require(Permission::WebhooksManage)?;
    let seq = delivery_seq(id).ok_or(AppError::NotFound(Resource::Delivery))?;
    Ok(state.store.webhooks().retry_delivery(&caller.project_id, seq, OffsetDateTime::now_utc()).await?)
}

/// Sends a `webhook.test` event to this endpoint now; its event id.
pub async fn send_test(state: &AppState, caller: &Caller, id: &str) -> Result<String, AppError> {
    caller.require(Permission::WebhooksManage)?;
    Ok(state.store.webhooks().send_test(&caller.project_id, id, OffsetDateTime::now_utc()).await?)
}

/// The dashboard's Webhooks page.
pub async fn dashboard(state: &AppState, caller: &Caller) -> Result<WebhooksView, AppError> {
    let endpoints = list(state, caller, None, ENDPOINTS_MAX as u32).await?;
    Ok(WebhooksView { endpoints, can_change: caller.holds(Permission::WebhooksManage) })
}

/// An endpoint's page: its last 50 deliveries and the one opened.
pub async fn detail(
    state: &AppState,
    caller: &Caller,
    id: &str,
    opened: Option<&str>,
) -> Result<WebhookDetailView, AppError> {
    let endpoint = get(state, caller, id).await?;
    let filter = DeliveryFilter { endpoint_id: Some(id.to_string()), limit: Some(50), ..DeliveryFilter::default() };
    let deliveries = deliveries(state, caller, filter).await?;
    let opened = match opened.filter(|o| !o.is_empty()) {
        // Only one of this endpoint's.
        Some(d) => Some(delivery(state, caller, d).await?).filter(|d| d.delivery.endpoint_id == id).map(readable),
        None => None,
    };
    Ok(WebhookDetailView { endpoint, deliveries, opened, can_change: caller.holds(Permission::WebhooksManage) })
}

/// The body as people read it: indented (what was sent is the compact form).
fn readable(mut detail: WebhookDeliveryDetail) -> WebhookDeliveryDetail {
    if let Some(pretty) =
        serde_json::from_str::<serde_json::Value>(&detail.body).ok().and_then(|v| serde_json::to_string_pretty(&v).ok())
    {
        detail.body = pretty;
    }
    detail
}
