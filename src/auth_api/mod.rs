//! The end-user auth API a customer's app calls through its key, as
//! better-auth's browser client and Banata's Next.js route handler send it
//! (`../shared/docs/auth-api.md`): sign-up, sign-in, the session, sign-out,
//! the self-service endpoints of an app's account page (profile, password,
//! sessions), the JWT for the app's backend with its keys and discovery
//! document, and the public configuration, under `/api/auth/`. The key in `x-api-key`
//! picks the project and nothing else; who the user is comes only from the
//! session cookie. Errors are better-auth's `{code, message}`.
//!
//! Cookie-carrying, but not the dashboard's cookies: it sits outside the
//! dashboard's session and CSRF layers and checks origins itself.

mod cookies;
mod error;
pub(crate) mod extract;
mod handlers;
mod mail_handlers;
pub(crate) mod origin;
mod wire;

pub use error::AuthError;

use crate::config::BODY_LIMIT;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/sign-up/email", post(handlers::sign_up))
        .route("/api/auth/sign-in/email", post(handlers::sign_in))
        .route("/api/auth/get-session", get(handlers::get_session))
        .route("/api/auth/sign-out", post(handlers::sign_out))
        .route("/api/auth/update-user", post(handlers::update_user))
        .route("/api/auth/change-password", post(handlers::change_password))
        .route("/api/auth/list-sessions", get(handlers::list_sessions))
        .route("/api/auth/revoke-session", post(handlers::revoke_session))
        .route("/api/auth/revoke-sessions", post(handlers::revoke_sessions))
        .route("/api/auth/revoke-other-sessions", post(handlers::revoke_other_sessions))
        .route("/api/auth/send-verification-email", post(mail_handlers::send_verification_email))
        .route("/api/auth/verify-email", get(mail_handlers::verify_email))
        .route("/api/auth/request-password-reset", post(mail_handlers::request_password_reset))
        .route("/api/auth/reset-password/{token}", get(mail_handlers::reset_password_link))
        .route("/api/auth/reset-password", post(mail_handlers::reset_password))
        .route("/api/auth/convex/token", get(handlers::convex_token))
        .route("/api/auth/convex/jwks", get(handlers::jwks))
        .route("/api/auth/convex/.well-known/openid-configuration", get(handlers::openid_configuration))
        .route("/.well-known/openid-configuration", get(handlers::openid_configuration))
        .route("/api/auth/projects/{project_id}/jwks", get(handlers::project_jwks))
        .route(
            "/api/auth/projects/{project_id}/.well-known/openid-configuration",
            get(handlers::project_openid_configuration),
        )
        .route("/api/auth/banata/config/public", post(handlers::public_config).get(handlers::public_config))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
}
