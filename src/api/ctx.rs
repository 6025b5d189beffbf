//! The server side of every server function: state, session, who is asking
//! and from where.

use crate::actor::RequestSource;
use crate::auth::session::{self, SignedIn};
use crate::domain::User;
use crate::error::AppError;
use crate::services::{self, Caller};
use crate::state::AppState;
use leptos::prelude::use_context;
use tower_sessions::Session;

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("server function ran without AppState");
        AppError::Internal
    })
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "server function ran without a session layer");
        AppError::Internal
    })
}

fn request() -> Result<http::request::Parts, AppError> {
    use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("server function ran without its request");
        AppError::Internal
    })
}

/// The address the request came from (see `actor::client_ip`).
pub fn client_ip(state: &AppState) -> Result<std::net::IpAddr, AppError> {
    let parts = request()?;
    Ok(state.config.client_ip(&parts.headers, &parts.extensions))
}

/// Where the request came from: address and user agent.
pub fn source(state: &AppState) -> Result<RequestSource, AppError> {
    let parts = request()?;
    Ok(RequestSource::of(&parts.headers, &parts.extensions, state.config.client_ip_header.as_deref()))
}

/// The signed-in user and their session, or `Unauthenticated`. A session
/// ended elsewhere (or whose account is gone) is signed out here.
pub async fn signed_in(state: &AppState) -> Result<SignedIn, AppError> {
    let ip = source(state)?.ip;
    session::current(&session().await?, &*state.store, &state.config, ip).await?.ok_or(AppError::Unauthenticated)
}

/// The signed-in user, or `Unauthenticated`.
pub async fn user(state: &AppState) -> Result<User, AppError> {
    Ok(signed_in(state).await?.user)
}

/// The signed-in member of the project at `slug` (see
/// `services::signed_in_member`).
pub async fn member(state: &AppState, slug: &str) -> Result<(User, Caller), AppError> {
    services::signed_in_member(state, &session().await?, source(state)?, slug).await
}

/// `scheme://host` that the caller used, for links we hand out.
pub fn public_base(state: &AppState) -> String {
    let headers = use_context::<http::request::Parts>().map(|parts| parts.headers);
    state.config.public_base(headers.as_ref())
}

/// After a form post that worked, sends the browser back to the page the
/// form was on with `?<flag>=1`, so the page can say so ("Saved."). Only a
/// path of this site is used: the `Referer` is the browser's to set.
pub fn back_with(flag: &str) {
    let referer = request()
        .ok()
        .and_then(|parts| parts.headers.get(http::header::REFERER).and_then(|v| v.to_str().ok()).map(String::from));
    let page = referer
        .and_then(|r| url::Url::parse(&r).ok())
        .map(|url| {
            let query: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != flag && k != "__err" && k != "__path")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let mut target = url::form_urlencoded::Serializer::new(String::new());
            target.extend_pairs(query).append_pair(flag, "1");
            format!("{}?{}", url.path(), target.finish())
        })
        .map(|target| crate::domain::safe_next(&target))
        .unwrap_or_else(|| "/".to_string());
    leptos_axum::redirect(&page);
}
