//! `/banata/audit-logs/*`: the project's audit log for its app, and the
//! app's own records in it.

use super::extract::KeyCall;
use super::wire::{self, AuditListBody};
use crate::org_api::error::{config, OrgError};
use crate::services::audit_logs::{self, RecordFilter, RecordInput};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

type Answer = Result<Json<Value>, OrgError>;

pub async fn create(State(state): State<AppState>, call: KeyCall<RecordInput>) -> Answer {
    let record = audit_logs::create(&state, &call.caller, call.input).await.map_err(config)?;
    Ok(Json(wire::audit_record(&record)))
}

fn filter(b: AuditListBody) -> (RecordFilter, Option<String>) {
    let filter = RecordFilter {
        organization_id: b.organization_id,
        action: b.action,
        actor_id: b.actor_id,
        limit: b.limit,
        after: b.after,
        before: b.before,
        start: b.start_date,
        end: b.end_date,
        cursor: b.cursor,
    };
    (filter, b.format)
}

pub async fn list(State(state): State<AppState>, call: KeyCall<AuditListBody>) -> Answer {
    let (filter, _) = filter(call.input);
    let limit = filter.limit.unwrap_or(50);
    let records = audit_logs::list(&state, &call.caller, filter).await.map_err(config)?;
    Ok(Json(wire::paged(records.iter().map(wire::audit_record).collect(), limit)))
}

pub async fn export(State(state): State<AppState>, call: KeyCall<AuditListBody>) -> Answer {
    let (filter, format) = filter(call.input);
    let csv = match format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(config(crate::domain::FieldError::new("format", "Use json or csv.").into())),
    };
    let (records, next) = audit_logs::export(&state, &call.caller, filter).await.map_err(config)?;
    let data = match csv {
        true => Value::String(wire::audit_csv(&records)),
        false => Value::Array(records.iter().map(wire::audit_record).collect()),
    };
    Ok(Json(json!({"data": data, "count": records.len(), "nextCursor": next})))
}
