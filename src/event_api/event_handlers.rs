//! `/banata/events/list`: the project's events, for an app that polls.

use super::extract::KeyCall;
use super::wire::{self, EventsBody};
use crate::org_api::error::{config, OrgError};
use crate::services::events::{self, EventFilter};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub async fn list(State(state): State<AppState>, call: KeyCall<EventsBody>) -> Result<Json<Value>, OrgError> {
    let b = call.input;
    let filter = EventFilter {
        event_types: b.event_types,
        after: b.after,
        limit: b.limit,
        organization_id: b.organization_id,
        range_start: b.range_start,
        range_end: b.range_end,
        order: b.order,
    };
    let page = events::list(&state, &call.caller, filter).await.map_err(config)?;
    let mut answer = json!({
        "data": page.events.iter().map(wire::event).collect::<Vec<_>>(),
        "hasMore": page.has_more,
    });
    if page.has_more {
        answer["cursor"] = json!(page.events.last().map(|e| e.id.clone()));
    }
    Ok(Json(answer))
}
