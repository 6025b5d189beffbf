//! `/banata/events/list`: the project's events, for an app that polls.

use super::extract::KeyCall;
use super::wire;
use crate::org_api::error::{config, OrgError};
use crate::services::events::{self, EventFilter};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub async fn list(State(state): State<AppState>, call: KeyCall<EventFilter>) -> Result<Json<Value>, OrgError> {
    let page = events::list(&state, &call.caller, call.input).await.map_err(config)?;
    let mut answer = json!({
        "data": page.events.iter().map(wire::event).collect::<Vec<_>>(),
        "hasMore": page.has_more,
    });
    if page.has_more {
        answer["cursor"] = json!(page.events.last().map(|e| e.id.clone()));
    }
    Ok(Json(answer))
}
