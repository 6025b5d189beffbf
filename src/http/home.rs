//! `/`: send a signed-in user to their last (or first) project's API keys.

use crate::auth::{accounts, session};
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Redirect;
use tower_sessions::Session;

pub async fn home(State(state): State<AppState>, session: Session) -> Result<Redirect, AppError> {
    let Some(signed_in) = session::current(&session, &*state.store, &state.config, None).await? else {
        return Ok(Redirect::to("/sign-in"));
    };
    let home = accounts::home_project(&*state.store, &signed_in.user).await?;
    Ok(Redirect::to(&format!("/projects/{}/api-keys", home.slug)))
}
