//! `GET /projects/<slug>/audit-log/export?format=csv|ndjson&action=&actor=`:
//! the whole (filtered) audit log as a download, streamed page by page so a
//! long log costs one page of memory.

use super::guard::member;
use crate::actor::RequestSource;
use crate::domain::AuditEvent;
use crate::error::AppError;
use crate::services::audit::{self, AuditFilter};
use crate::state::AppState;
use crate::store::AuditQuery;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use tower_sessions::Session;

/// Rows fetched per database round trip.
const BATCH: u32 = 500;

#[derive(Deserialize)]
pub struct ExportParams {
    format: Option<String>,
    action: Option<String>,
    actor: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Ndjson,
}

const CSV_HEADER: &str = "time,action,actor_kind,actor_id,actor_name,target_id,target_name,detail,ip,user_agent\r\n";

pub async fn export(
    State(state): State<AppState>,
    source: RequestSource,
    session: Session,
    Path(slug): Path<String>,
    Query(params): Query<ExportParams>,
) -> Response {
    let page = format!("/projects/{slug}/audit-log");
    let (_, caller) = match member(&state, &session, source, &slug, &page).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let filter = AuditFilter { action: params.action.as_deref(), actor: params.actor.as_deref(), before: None };
    let query = match audit::query(&caller, filter, BATCH) {
        Ok(query) => query,
        Err(error) => return error.into_response(),
    };
    let format = match params.format.as_deref() {
        Some("csv") | None => Format::Csv,
        Some("ndjson") => Format::Ndjson,
        Some(_) => {
            return AppError::from(crate::domain::FieldError::new("format", "Choose csv or ndjson.")).into_response()
        }
    };
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Ndjson => ("application/x-ndjson", "ndjson"),
    };
    let day = time::OffsetDateTime::now_utc().date();
    let filename = format!("audit-log-{}-{day}.{extension}", caller.project_slug);
    let header = match format {
        Format::Csv => Some(Bytes::from_static(CSV_HEADER.as_bytes())),
        Format::Ndjson => None,
    };
    let rows = batches(state, caller.project_id, query, format);
    let body = futures_util::stream::iter(header.map(Ok::<_, AppError>)).chain(rows);
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// The log in batches of `BATCH`, newest first, each rendered as one chunk.
/// A database failure ends the stream with an error, which aborts the
/// download rather than deliver a silently shortened file.
fn batches(
    state: AppState,
    project_id: String,
    first: AuditQuery,
    format: Format,
) -> impl futures_util::Stream<Item = Result<Bytes, AppError>> {
    futures_util::stream::unfold(Some(first), move |next| {
        let state = state.clone();
        let project_id = project_id.clone();
        async move {
            let query = next?;
            match state.store.audit().events(&project_id, &query).await {
                Ok(events) if events.is_empty() => None,
                Ok(events) => {
                    let more = (events.len() == query.limit as usize)
                        .then(|| AuditQuery { before: events.last().map(|e| e.seq), ..query });
                    let mut chunk = String::new();
                    for event in &events {
                        match format {
                            Format::Csv => csv_row(&mut chunk, event),
                            Format::Ndjson => ndjson_row(&mut chunk, event),
                        }
                    }
                    Some((Ok(Bytes::from(chunk)), more))
                }
                Err(error) => {
                    tracing::error!(%error, "audit export stopped");
                    Some((Err(AppError::from(error)), None))
                }
            }
        }
    })
}

fn csv_row(out: &mut String, e: &AuditEvent) {
    let cells = [
        e.at.as_str(),
        e.action_name.as_str(),
        e.actor_kind.as_str(),
        &e.actor_id,
        &e.actor_name,
        &e.target_id,
        &e.target_name,
        &e.detail,
        e.ip.as_deref().unwrap_or(""),
        e.user_agent.as_deref().unwrap_or(""),
    ];
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// One quoted CSV cell. A cell a spreadsheet would read as a formula (it
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
/// `'`, so a key named `=HYPERLINK(…)` stays text when the file is opened.
pub fn csv_cell(out: &mut String, value: &str) {
    out.push('"');
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
    out.push_str(&value.replace('"', "\"\""));
    out.push('"');
}

fn ndjson_row(out: &mut String, e: &AuditEvent) {
    let row = serde_json::json!({
        "time": e.at,
        "action": e.action_name.as_str(),
        "actor": { "kind": e.actor_kind.as_str(), "id": e.actor_id, "name": e.actor_name },
        "target": { "id": e.target_id, "name": e.target_name },
        "detail": e.detail,
        "ip": e.ip,
        "userAgent": e.user_agent,
    });
    out.push_str(&row.to_string());
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    fn cell(value: &str) -> String {
        let mut out = String::new();
        csv_cell(&mut out, value);
        out
    }

    #[test]
    fn formulas_stay_text_and_quotes_are_doubled() {
        assert_eq!(cell("billing"), "\"billing\"");
        assert_eq!(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
        for lead in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(lead).starts_with("\"'"), "{lead:?} is escaped");
        }
        assert_eq!(cell("a,b\nc"), "\"a,b\nc\"", "separators stay inside the quotes");
    }
}
