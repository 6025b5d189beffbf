//! `/banata/webhooks/*`: a project's endpoints and their deliveries.

use super::extract::KeyCall;
use super::wire::{self, DeliveriesBody, EndpointBody, IdBody, ListBody, RetryBody, RotateBody};
use crate::org_api::error::{config, OrgError};
use crate::services::webhooks::{self, DeliveryFilter, EndpointInput, WithSecret};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

type Answer = Result<Json<Value>, OrgError>;

/// The endpoint with its secret: the only answers that carry one.
fn with_secret(created: WithSecret) -> Value {
    let mut value = wire::endpoint(&created.endpoint);
    value["secret"] = Value::String(created.secret);
    value
}

fn input(body: EndpointBody) -> (String, EndpointInput) {
    let id = body.id.unwrap_or_default();
    (id, EndpointInput { url: body.url, event_types: body.event_types, enabled: body.enabled })
}

pub async fn list(State(state): State<AppState>, call: KeyCall<ListBody>) -> Answer {
    let limit = call.input.limit.unwrap_or(50).clamp(1, i64::from(webhooks::PAGE_MAX));
    let endpoints =
        webhooks::list(&state, &call.caller, call.input.after.as_deref(), limit as u32).await.map_err(config)?;
    Ok(Json(wire::paged(endpoints.iter().map(wire::endpoint).collect(), limit)))
}

pub async fn create(State(state): State<AppState>, call: KeyCall<EndpointBody>) -> Answer {
    let (_, fields) = input(call.input);
    let created = webhooks::create(&state, &call.caller, fields).await.map_err(config)?;
    Ok(Json(with_secret(created)))
}

pub async fn update(State(state): State<AppState>, call: KeyCall<EndpointBody>) -> Answer {
    let (id, fields) = input(call.input);
    let endpoint = webhooks::update(&state, &call.caller, &id, fields).await.map_err(config)?;
    Ok(Json(wire::endpoint(&endpoint)))
}

pub async fn delete(State(state): State<AppState>, call: KeyCall<IdBody>) -> Answer {
    webhooks::delete(&state, &call.caller, call.input.id.as_deref().unwrap_or_default()).await.map_err(config)?;
    Ok(Json(json!({"success": true})))
}

pub async fn rotate_secret(State(state): State<AppState>, call: KeyCall<RotateBody>) -> Answer {
    let id = call.input.id.unwrap_or_default();
    let rotated = webhooks::rotate(&state, &call.caller, &id, call.input.grace_seconds).await.map_err(config)?;
    Ok(Json(with_secret(rotated)))
}

pub async fn send_test(State(state): State<AppState>, call: KeyCall<IdBody>) -> Answer {
    let id = call.input.id.unwrap_or_default();
    let event_id = webhooks::send_test(&state, &call.caller, &id).await.map_err(config)?;
    Ok(Json(json!({"success": true, "eventId": event_id})))
}

pub async fn deliveries(State(state): State<AppState>, call: KeyCall<DeliveriesBody>) -> Answer {
    let body = call.input;
    let limit = body.limit.unwrap_or(50).clamp(1, i64::from(webhooks::PAGE_MAX));
    let filter = DeliveryFilter {
        endpoint_id: body.endpoint_id,
        status: body.status,
        after: body.after,
        limit: Some(limit as u32),
    };
    let deliveries = webhooks::deliveries(&state, &call.caller, filter).await.map_err(config)?;
    Ok(Json(wire::paged(deliveries.iter().map(wire::delivery).collect(), limit)))
}

pub async fn retry(State(state): State<AppState>, call: KeyCall<RetryBody>) -> Answer {
    let id = call.input.delivery_id.unwrap_or_default();
    let delivery = webhooks::retry(&state, &call.caller, &id).await.map_err(config)?;
    Ok(Json(wire::delivery(&delivery)))
}
