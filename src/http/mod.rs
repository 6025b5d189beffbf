//! The axum side: the router that serves pages, server functions, static
//! files and health checks, and the middleware every request passes.

pub mod assets;
mod audit_export;
mod csrf;
mod guard;
mod health;
mod home;
pub mod origin;
mod plain_forms;
mod plain_page;
mod request_log;
pub mod security_headers;
mod server_fn_status;

use crate::app::{shell, App};
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::limit::RequestBodyLimitLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

pub use request_log::REQUEST_ID;

/// Largest request body we read, on every route.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Name of the dashboard session cookie.
pub const SESSION_COOKIE: &str = "banata_session";

pub fn router(state: AppState) -> Router {
    let config = &state.config;
    let sessions = SessionManagerLayer::new(state.store.sessions())
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies())
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(config.session_idle_timeout));
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();

    Router::new()
        .route("/", get(home::home))
        .route("/projects/{slug}/api-keys/new", post(plain_forms::create_key))
        .route("/projects/{slug}/api-keys/roll", post(plain_forms::roll_key))
        .route("/projects/{slug}/test-key", post(plain_forms::test_key))
        .route("/projects/{slug}/members/add", post(plain_forms::add_member))
        .route("/projects/{slug}/audit-log/export", get(audit_export::export))
        .leptos_routes_with_context(&state, routes, use_request_nonce, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(use_request_nonce, shell))
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
        .layer(from_fn_with_state(security_headers::Https(config.secure_cookies()), security_headers::layer))
        .layer(from_fn(request_log::layer))
        .with_state(state)
}

/// Renders the nonce `security_headers` chose for this request (and named in
/// its Content-Security-Policy) into the page's inline scripts.
fn use_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<security_headers::CspNonce>().cloned());
    if let Some(security_headers::CspNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}

/// The client's address: the peer, or the last address in the configured
/// proxy header (the one our own proxy added, which a client cannot forge).
pub fn client_ip(parts: &axum::http::request::Parts, config: &crate::config::Config) -> std::net::IpAddr {
    client_ip_of(&parts.headers, &parts.extensions, config)
}

/// `client_ip` for a request that has not been split into parts.
pub fn client_ip_of(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    config: &crate::config::Config,
) -> std::net::IpAddr {
    use axum::extract::ConnectInfo;
    let from_header = config.client_ip_header.as_deref().and_then(|name| {
        let value = headers.get(name)?.to_str().ok()?;
        value.rsplit(',').next()?.trim().parse().ok()
    });
    from_header
        .or_else(|| extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip()))
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// `scheme://host` for links we hand out: the configured public URL, else
/// the host the request came to.
pub fn public_base(state: &AppState, headers: Option<&axum::http::HeaderMap>) -> String {
    if let Some(url) = &state.config.public_url {
        return url.clone();
    }
    let host = headers
        .and_then(|h| h.get(axum::http::header::HOST))
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| state.config.addr.to_string());
    format!("http://{host}")
}
