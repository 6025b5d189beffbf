//! The axum side: the router that serves pages, server functions, static
//! files and health checks, and the middleware every request passes.

mod answer_page;
pub mod assets;
mod audit_export;
mod csrf;
mod guard;
mod health;
mod home;
mod plain_forms;
mod request_log;
pub mod security_headers;
mod server_fn_status;
mod webhook_forms;

use crate::actor::RequestSource;
use crate::app::{shell, App};
use crate::config::BODY_LIMIT;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use tower_http::limit::RequestBodyLimitLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use request_log::REQUEST_ID;

/// Name of the dashboard session cookie.
pub const SESSION_COOKIE: &str = "banata_session";

/// The app's page routes, worked out once per process. While leptos walks
/// the app to list them it stops every resource in the process from loading,
/// and a page render that starts meanwhile waits forever
/// (leptos-rs/leptos#4773): a second server started beside a serving one,
/// as the tests do, must not walk it again.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let config = &state.config;
    let sessions = SessionManagerLayer::new(state.store.session_backend())
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(config.session_idle_timeout));
    let routes = page_routes();
    let options = state.leptos_options.clone();

    let project_routes = project_routes().into_iter();
    project_routes
        .fold(Router::new(), |router, (_, path, route)| router.route(path, route))
        .route("/", get(home::home))
        .leptos_routes_with_context(&state, routes, security_headers::use_request_nonce, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            security_headers::use_request_nonce,
            shell,
        ))
        .layer(from_fn(server_fn_status::layer))
        .layer(from_fn_with_state(state.clone(), guard::layer))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), csrf::layer))
        // Static files and health checks need no session: added after its layer.
        .merge(assets::router(&config.site_root, state.leptos_options.hash_files))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        // 413 up front for a declared or streamed body over the limit.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Key-authenticated, cookie-free: outside the session and CSRF layers.
        .merge(crate::admin::router())
        .merge(crate::auth_api::router())
        .merge(crate::org_api::router())
        .merge(crate::event_api::router())
        .layer(from_fn_with_state(security_headers::Https(config.secure_cookies()), security_headers::layer))
        .layer(from_fn(request_log::layer))
        .with_state(state)
}

/// The project-scoped routes that are not pages: the form posts answered
/// with a page (`plain_forms`) and the audit log export. Each resolves the member itself.
type ProjectRoute = (&'static str, &'static str, axum::routing::MethodRouter<AppState>);

fn project_routes() -> Vec<ProjectRoute> {
    vec![
        // A GET of a form's address (a form on its answer page posted from
        // there sends the browser back to it) goes to the form's page.
        ("POST", "/projects/{slug}/api-keys/new", post(plain_forms::create_key).get(plain_forms::to_form_page)),
        ("POST", "/projects/{slug}/api-keys/roll", post(plain_forms::roll_key).get(plain_forms::to_form_page)),
        ("POST", "/projects/{slug}/test-key", post(plain_forms::test_key)),
        ("POST", "/projects/{slug}/members/add", post(plain_forms::add_member).get(plain_forms::to_form_page)),
        ("GET", "/projects/{slug}/audit-log/export", get(audit_export::export)),
        ("POST", "/projects/{slug}/webhooks/new", post(webhook_forms::create).get(plain_forms::to_form_page)),
        ("POST", "/projects/{slug}/webhooks/{id}/edit", post(webhook_forms::edit).get(plain_forms::to_form_page)),
        ("POST", "/projects/{slug}/webhooks/{id}/rotate", post(webhook_forms::rotate).get(plain_forms::to_form_page)),
    ]
}

/// The method and path of each of `project_routes`, so that tests can check
/// that their tables cover every one.
pub fn project_route_list() -> Vec<(&'static str, &'static str)> {
    project_routes().into_iter().map(|(method, path, _)| (method, path)).collect()
}

/// Where a request came from, for handlers that act on someone's behalf.
impl axum::extract::FromRequestParts<AppState> for RequestSource {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(RequestSource::of(&parts.headers, &parts.extensions, state.config.client_ip_header.as_deref()))
    }
}
