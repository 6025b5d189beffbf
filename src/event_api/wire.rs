//! The JSON of the webhooks, events and audit logs endpoints, as the admin
//! SDK sends and reads it: camelCase, times ISO 8601 UTC (the events API's
//! `createdAt` in epoch milliseconds, as the SDK types it).

use crate::domain::dates::iso_millis as iso;
use crate::domain::webhooks::{WebhookDelivery, WebhookEndpoint};
use crate::domain::ActorKind;
use crate::org_api::wire::lenient_i64;
pub use crate::org_api::wire::paged;
use crate::store::{AuditLogRecord, StoredEvent};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListBody {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub limit: Option<i64>,
    pub after: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointBody {
    pub id: Option<String>,
    pub url: Option<String>,
    #[serde(alias = "events")]
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// An endpoint's id, or the object Banata's docs pass the SDK's
/// `deleteEndpoint` (`{endpointId}`), which the SDK sends as `id`.
fn endpoint_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Object {
            #[serde(rename = "endpointId")]
            endpoint_id: String,
        },
    }
    Ok(Option::<Id>::deserialize(d)?.map(|id| match id {
        Id::Text(text) | Id::Object { endpoint_id: text } => text,
    }))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct IdBody {
    #[serde(default, deserialize_with = "endpoint_id")]
    pub id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RotateBody {
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub grace_seconds: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DeliveriesBody {
    pub endpoint_id: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub limit: Option<i64>,
    pub after: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RetryBody {
    pub delivery_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AuditListBody {
    pub organization_id: Option<String>,
    pub action: Option<String>,
    pub actor_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub limit: Option<i64>,
    pub after: Option<String>,
    pub before: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub start_date: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub end_date: Option<i64>,
    pub format: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub cursor: Option<i64>,
}

pub fn endpoint(e: &WebhookEndpoint) -> Value {
    json!({
        "id": e.id,
        "url": e.url,
        "eventTypes": e.event_types,
        "enabled": e.enabled,
        "successCount": e.success_count,
        "failureCount": e.failure_count,
        "consecutiveFailures": e.consecutive_failures,
        "lastDeliveryAt": e.last_delivery_at,
        "lastDeliveryStatus": e.last_delivery_status,
        "disabledReason": e.disabled_reason,
        "createdAt": e.created_at,
        "updatedAt": e.updated_at,
    })
}

pub fn delivery(d: &WebhookDelivery) -> Value {
    json!({
        "id": d.id,
        "endpointId": d.endpoint_id,
        "eventId": d.event_id,
        "eventType": d.event_type,
        "status": d.status,
        "attempts": d.attempts,
        "lastHttpStatus": d.last_http_status,
        "lastError": d.last_error,
        "lastDurationMs": d.last_duration_ms,
        "nextAttemptAt": d.next_attempt_at,
        "createdAt": d.created_at,
    })
}

/// An event as the events API lists it: its `data` is the webhook's.
pub fn event(e: &StoredEvent) -> Value {
    let data = serde_json::from_str::<Value>(&e.body).ok().and_then(|mut b| b.get_mut("data").map(Value::take));
    json!({
        "id": e.id,
        "type": e.kind,
        "createdAt": (e.created_at.unix_timestamp_nanos() / 1_000_000) as i64,
        "data": data.unwrap_or(Value::Null),
    })
}

fn parsed(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or(Value::Null)
}

/// What kind of thing one of our records changed, from its action's name.
fn target_type(action: &str) -> &str {
    match action.split('.').next().unwrap_or_default() {
        "organization" if action.contains("member") => "member",
        "organization" if action.contains("invitation") => "invitation",
        other => other,
    }
}

/// The contract's actor types for our records: a dashboard member, a key,
/// the app acting for its user (system), a user of the app.
fn actor_type(r: &AuditLogRecord) -> String {
    if let Some(own) = &r.actor_type {
        return own.clone();
    }
    match ActorKind::parse(&r.actor_kind) {
        Some(ActorKind::User) => "member",
        Some(ActorKind::ApiKey) => "api_key",
        Some(ActorKind::EndUser) => "user",
        Some(ActorKind::App) | None => "system",
    }
    .to_string()
}

pub fn audit_record(r: &AuditLogRecord) -> Value {
    let targets = match r.targets.as_deref() {
        Some(text) => parsed(Some(text)),
        None => json!([{"type": target_type(&r.action), "id": r.target_id, "name": r.target_name}]),
    };
    let metadata = match (&r.metadata, r.detail.is_empty()) {
        (Some(text), _) => parsed(Some(text)),
        (None, false) => json!({"detail": r.detail}),
        (None, true) => Value::Null,
    };
    json!({
        "id": r.seq.to_string(),
        "action": r.action,
        "version": 1,
        "actor": {
            "type": actor_type(r),
            "id": r.actor_id,
            "name": (!r.actor_name.is_empty()).then_some(&r.actor_name),
            "email": r.actor_email,
        },
        "targets": targets,
        "context": {"organizationId": r.organization_id, "ipAddress": r.ip, "userAgent": r.user_agent},
        "changes": parsed(r.changes.as_deref()),
        "idempotencyKey": r.idempotency_key,
        "metadata": metadata,
        "occurredAt": iso(r.occurred_at.unwrap_or(r.created_at)),
        "createdAt": iso(r.created_at),
    })
}

/// One CSV line per record, with a header; fields quoted where needed.
pub fn audit_csv(records: &[AuditLogRecord]) -> String {
    fn field(text: &str) -> String {
        // A leading = + - @ would run as a formula in a spreadsheet.
        let text = match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            true => format!("'{text}"),
            false => text.to_string(),
        };
        match text.contains([',', '"', '\n', '\r']) {
            true => format!("\"{}\"", text.replace('"', "\"\"")),
            false => text,
        }
    }
    let mut out =
        String::from("id,occurredAt,action,actorType,actorId,actorName,targetId,targetName,organizationId,ipAddress\n");
    for r in records {
        let row = [
            r.seq.to_string(),
            iso(r.occurred_at.unwrap_or(r.created_at)),
            r.action.clone(),
            actor_type(r),
            r.actor_id.clone(),
            r.actor_name.clone(),
            r.target_id.clone(),
            r.target_name.clone(),
            r.organization_id.clone().unwrap_or_default(),
            r.ip.clone().unwrap_or_default(),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}
