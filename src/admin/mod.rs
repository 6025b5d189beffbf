//! The admin API applications call with their key, as existing Banata
//! clients (the admin SDK) expect it: `/api/auth/api-key/*` (keys) and
//! `/api/auth/admin/*` (the project's end users), JSON in and out,
//! the contract's errors, and an OpenAPI document generated from this code.
//! It takes no cookies, so it sits outside the dashboard's session and CSRF
//! layers.

mod error;
pub(crate) mod extract;
mod input;
mod key_handlers;
pub mod key_types;
mod openapi;
mod user_handlers;
pub mod user_types;

pub use error::ApiError;
pub use key_handlers::NEXT_CURSOR;
pub use openapi::ApiDoc;

use crate::config::BODY_LIMIT;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::middleware::map_response;
use axum::routing::{any, get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/api-key/create", post(key_handlers::create))
        .route("/api/auth/api-key/list", get(key_handlers::list))
        .route("/api/auth/api-key/delete", post(key_handlers::delete))
        .route("/api/auth/api-key/roll", post(key_handlers::roll))
        .route("/api/auth/api-key/whoami", get(key_handlers::whoami))
        .route("/api/auth/admin/list-users", post(user_handlers::list_users))
        .route("/api/auth/admin/get-user", post(user_handlers::get_user))
        .route("/api/auth/admin/create-user", post(user_handlers::create_user))
        .route("/api/auth/admin/remove-user", post(user_handlers::remove_user))
        .route("/api/auth/admin/ban-user", post(user_handlers::ban_user))
        .route("/api/auth/admin/unban-user", post(user_handlers::unban_user))
        .route("/api/auth/admin/list-user-sessions", post(user_handlers::list_user_sessions))
        .route("/api/auth/admin/revoke-user-session", post(user_handlers::revoke_user_session))
        .route("/api/auth/admin/revoke-user-sessions", post(user_handlers::revoke_user_sessions))
        .route("/api/auth/admin/update-user", post(user_handlers::update_user))
        .route("/api/auth/admin/set-role", post(user_handlers::set_role))
        .route("/api/auth/admin/set-user-password", post(user_handlers::set_user_password))
        .route("/api/auth/{*rest}", any(key_handlers::unknown))
        .route("/api/openapi.json", get(openapi::document))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // 413 up front for a declared or streamed body over the limit.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Outermost, so that the limit's and the router's bare answers get
        // the contract's JSON body too.
        .layer(map_response(error::contract_errors))
}
