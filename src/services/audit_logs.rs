//! The audit logs API: an app reads the project's audit log (the records
//! the dashboard shows) and writes its own records into it.

use super::events::{end_of_millis, from_millis};
use super::Caller;
use crate::domain::{FieldError, Permission};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{AuditLogQuery, AuditLogRecord, NewAuditLog};
use serde_json::Value;
use time::OffsetDateTime;

pub const LIST_MAX: u32 = 200;
pub const EXPORT_MAX: u32 = 1000;
const TEXT_MAX: usize = 200;
const JSON_MAX: usize = 32 * 1024;
const TARGETS_MAX: usize = 50;

/// A record as an app sends it (the body of `audit-logs/create`, camelCase);
/// JSON fields as text (the SDK's way) or as JSON.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RecordInput {
    pub action: Option<String>,
    pub actor_type: Option<String>,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub actor_email: Option<String>,
    pub targets: Option<Value>,
    pub changes: Option<Value>,
    pub metadata: Option<Value>,
    pub organization_id: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub idempotency_key: Option<String>,
    pub occurred_at: Option<i64>,
}

fn required(field: &str, value: Option<String>) -> Result<String, AppError> {
    let value = value.map(|v| v.trim().to_string()).unwrap_or_default();
    if value.is_empty() {
        return Err(FieldError::new(field, format!("{field} is required.")).into());
    }
    bounded(field, value)
}

fn bounded(field: &str, value: String) -> Result<String, AppError> {
    if value.chars().count() > TEXT_MAX || value.chars().any(char::is_control) {
        return Err(
            FieldError::new(field, format!("Use at most {TEXT_MAX} characters, without control characters.")).into()
        );
    }
    Ok(value)
}

fn optional(field: &str, value: Option<String>) -> Result<Option<String>, AppError> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).map(|v| bounded(field, v)).transpose()
}

/// JSON sent as text (the SDK) or as JSON, checked to be `shape`; its text.
fn json_field(field: &str, value: Option<Value>, object: bool) -> Result<Option<Value>, AppError> {
    let value = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => return Ok(None),
        Some(Value::String(text)) => serde_json::from_str::<Value>(&text)
            .map_err(|_| FieldError::new(field, format!("{field} is not valid JSON.")))?,
        Some(value) => value,
    };
    let fits = if object { value.is_object() } else { value.is_array() };
    if !fits {
        let shape = if object { "an object" } else { "an array" };
        return Err(FieldError::new(field, format!("{field} must be {shape}.")).into());
    }
    if value.to_string().len() > JSON_MAX {
        return Err(FieldError::new(field, format!("{field} is over {} KB.", JSON_MAX / 1024)).into());
    }
    Ok(Some(value))
}

pub async fn create(state: &AppState, caller: &Caller, input: RecordInput) -> Result<AuditLogRecord, AppError> {
    caller.require(Permission::AuditWrite)?;
    let action = required("action", input.action)?;
    if !action.chars().all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c)) {
        return Err(FieldError::new("action", "Use letters, digits and . _ : - (like document.shared).").into());
    }
    let targets = json_field("targets", input.targets, false)?.unwrap_or(Value::Array(vec![]));
    let list = targets.as_array().cloned().unwrap_or_default();
    if list.len() > TARGETS_MAX
        || !list
            .iter()
            .all(|t| t.get("id").is_some_and(Value::is_string) && t.get("type").is_some_and(Value::is_string))
    {
        return Err(FieldError::new(
            "targets",
            format!("Send at most {TARGETS_MAX} targets, each with a type and an id."),
        )
        .into());
    }
    let first = list.first().map_or((String::new(), String::new()), |t| {
        let text = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or_default().chars().take(TEXT_MAX).collect();
        let name: String = text("name");
        let id: String = text("id");
        (id.clone(), if name.is_empty() { id } else { name })
    });
    let now = OffsetDateTime::now_utc();
    let record = NewAuditLog {
        project_id: caller.project_id.clone(),
        action,
        actor_type: required("actorType", input.actor_type)?,
        actor_id: required("actorId", input.actor_id)?,
        actor_name: optional("actorName", input.actor_name)?.unwrap_or_default(),
        actor_email: optional("actorEmail", input.actor_email)?,
        target: first,
        targets: targets.to_string(),
        changes: json_field("changes", input.changes, true)?.map(|v| v.to_string()),
        metadata: json_field("metadata", input.metadata, true)?.map(|v| v.to_string()),
        organization_id: optional("organizationId", input.organization_id)?,
        ip: optional("ipAddress", input.ip_address)?,
        user_agent: optional("userAgent", input.user_agent)?,
        idempotency_key: optional("idempotencyKey", input.idempotency_key)?,
        occurred_at: input.occurred_at.map(|ms| from_millis("occurredAt", ms)).transpose()?.unwrap_or(now),
        at: now,
    };
    Ok(state.store.audit().create_record(&record).await?)
}

/// Filters of a list or an export, as sent.
#[derive(Clone, Debug, Default)]
pub struct RecordFilter {
    pub organization_id: Option<String>,
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub limit: Option<i64>,
    /// Record ids: older than `after`, newer than `before` (the list's cursors).
    pub after: Option<String>,
    pub before: Option<String>,
    /// Epoch ms (the export's range).
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// The export's cursor: the last record's number of the previous page.
    pub cursor: Option<i64>,
}

fn record_id(field: &str, id: Option<String>) -> Result<Option<i64>, AppError> {
    id.filter(|i| !i.is_empty())
        .map(|i| {
            i.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| FieldError::new(field, "This is not a record id.").into())
        })
        .transpose()
}

fn limit(value: Option<i64>, default: u32, max: u32) -> Result<u32, AppError> {
    match value {
        None => Ok(default),
        Some(n) if (1..=i64::from(max)).contains(&n) => Ok(n as u32),
        Some(_) => Err(FieldError::new("limit", format!("Use 1 to {max}.")).into()),
    }
}

fn base_query(filter: &RecordFilter) -> Result<AuditLogQuery, AppError> {
    let start = filter.start.map(|ms| from_millis("startDate", ms)).transpose()?;
    let end = filter.end.map(|ms| end_of_millis("endDate", ms)).transpose()?;
    Ok(AuditLogQuery {
        organization_id: filter.organization_id.clone().filter(|o| !o.is_empty()),
        action: filter.action.clone().filter(|a| !a.is_empty()),
        actor_id: filter.actor_id.clone().filter(|a| !a.is_empty()),
        start,
        end,
        ..AuditLogQuery::default()
    })
}

/// Newest first; a full page's last id is the next page's `after`.
pub async fn list(state: &AppState, caller: &Caller, filter: RecordFilter) -> Result<Vec<AuditLogRecord>, AppError> {
    caller.require(Permission::AuditRead)?;
    let mut query = base_query(&filter)?;
    query.limit = limit(filter.limit, 50, LIST_MAX)?;
    query.older_than = record_id("after", filter.after)?;
    query.newer_than = record_id("before", filter.before)?;
    Ok(state.store.audit().records(&caller.project_id, &query).await?)
}

/// Oldest first from `cursor` on, within the dates; the next cursor when
/// more may follow.
pub async fn export(
    state: &AppState,
    caller: &Caller,
    filter: RecordFilter,
) -> Result<(Vec<AuditLogRecord>, Option<i64>), AppError> {
    caller.require(Permission::AuditRead)?;
    let mut query = base_query(&filter)?;
    let limit = limit(filter.limit, EXPORT_MAX, EXPORT_MAX)?;
    query.limit = limit;
    query.ascending = true;
    query.newer_than = filter.cursor.filter(|c| *c > 0);
    let records = state.store.audit().records(&caller.project_id, &query).await?;
    let next = (records.len() == limit as usize).then(|| records.last().map(|r| r.seq)).flatten();
    Ok((records, next))
}
