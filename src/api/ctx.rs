//! The server side of every server function: state, session, caller, and
//! the HTTP status of a failure.

use crate::auth::session;
use crate::domain::User;
use crate::error::AppError;
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

/// The signed-in user, or `Unauthenticated`.
pub async fn caller(state: &AppState) -> Result<User, AppError> {
    let session = session().await?;
    let user_id = session::user_id(&session, state.config.session_absolute_timeout)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    match state.store.user_by_id(&user_id).await? {
        Some(user) => Ok(user),
        None => {
            // The account is gone: the session must not outlive it.
            session::sign_out(&session).await?;
            Err(AppError::Unauthenticated)
        }
    }
}
