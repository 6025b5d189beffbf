//! The server side of every server function: state, session, caller, and
//! the HTTP status of a failure.

use crate::auth::accounts;
use crate::auth::session::{self, SignedIn};
use crate::domain::{Membership, Role, User};
use crate::error::AppError;
use crate::http::origin::Origin;
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

/// The address the request came from (see `http::client_ip`).
pub fn client_ip(state: &AppState) -> Result<std::net::IpAddr, AppError> {
    let parts = use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("server function ran without its request");
        AppError::Internal
    })?;
    Ok(crate::http::client_ip(&parts, &state.config))
}

/// Where the request came from: address and user agent.
pub fn origin(state: &AppState) -> Result<Origin, AppError> {
    let parts = use_context::<http::request::Parts>().ok_or_else(|| {
        tracing::error!("server function ran without its request");
        AppError::Internal
    })?;
    Ok(Origin::of(&parts, &state.config))
}

/// The caller as the audit log records them: who, from which address, with
/// which user agent.
pub fn actor(state: &AppState, user: &User) -> Result<crate::store::Actor, AppError> {
    Ok(origin(state)?.user(user))
}

/// The signed-in user and their session, or `Unauthenticated`. A session
/// ended elsewhere (or whose account is gone) is signed out here.
pub async fn signed_in(state: &AppState) -> Result<SignedIn, AppError> {
    let ip = origin(state)?.ip;
    session::current(&session().await?, state, ip).await?.ok_or(AppError::Unauthenticated)
}

/// The signed-in user, or `Unauthenticated`.
pub async fn caller(state: &AppState) -> Result<User, AppError> {
    Ok(signed_in(state).await?.user)
}

/// The caller and their membership of the project at `slug`, in one lookup.
/// A project they do not belong to is `NotFound`, exactly like one that does
/// not exist; a role below `needed` is `Forbidden`, naming the role.
pub async fn member(state: &AppState, slug: &str, needed: Role) -> Result<(User, Membership), AppError> {
    let user = caller(state).await?;
    let membership = accounts::membership(&*state.store, &user.id, slug, needed).await?;
    Ok((user, membership))
}

/// `scheme://host` that the caller used, for links we hand out.
pub fn public_base(state: &AppState) -> String {
    let headers = use_context::<http::request::Parts>().map(|parts| parts.headers);
    crate::http::public_base(state, headers.as_ref())
}
