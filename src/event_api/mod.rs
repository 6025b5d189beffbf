//! The webhooks, events and audit logs endpoints (`/banata/webhooks/*`,
//! `/banata/events/list`, `/banata/audit-logs/*`; see
//! `../shared/docs/webhooks-api.md`): an application's server calls them
//! with its key in `Authorization: Bearer`, and only so. Thin: the
//! extractor says who calls and reads the body, `wire` spells the JSON,
//! the services decide.

mod audit_log_handlers;
mod event_handlers;
mod extract;
mod webhook_handlers;
mod wire;

use crate::config::BODY_LIMIT;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

const W: &str = "/api/auth/banata/webhooks";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(&format!("{W}/list"), post(webhook_handlers::list))
        .route(&format!("{W}/create"), post(webhook_handlers::create))
        .route(&format!("{W}/update"), post(webhook_handlers::update))
        .route(&format!("{W}/delete"), post(webhook_handlers::delete))
        .route(&format!("{W}/rotate-secret"), post(webhook_handlers::rotate_secret))
        .route(&format!("{W}/test"), post(webhook_handlers::send_test))
        .route(&format!("{W}/deliveries/list"), post(webhook_handlers::deliveries))
        .route(&format!("{W}/deliveries/retry"), post(webhook_handlers::retry))
        .route("/api/auth/banata/events/list", post(event_handlers::list))
        .route("/api/auth/banata/audit-logs/create", post(audit_log_handlers::create))
        .route("/api/auth/banata/audit-logs/list", post(audit_log_handlers::list))
        .route("/api/auth/banata/audit-logs/export", post(audit_log_handlers::export))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
}
