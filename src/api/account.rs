//! The signed-in user's own account: where they are signed in, ending those
//! sessions, changing their password.

use crate::domain::SessionInfo;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::auth::{accounts, session},
    crate::domain::{describe_device, FieldError},
    std::time::Instant,
    time::OffsetDateTime,
};

/// Where the sessions page lives (the redirect after a plain form post).
#[cfg(feature = "ssr")]
const PAGE: &str = "/account/sessions";

/// The caller's live sessions, this one first, then by last activity.
#[server(prefix = "/api/dashboard", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let state = ctx::state()?;
    let me = ctx::signed_in(&state).await?;
    let seen_after = OffsetDateTime::now_utc() - state.config.session_idle_timeout;
    let format = |at: OffsetDateTime| at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let mut sessions: Vec<SessionInfo> = state
        .store
        .dashboard_sessions()
        .of_account(&me.user.id, seen_after)
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            current: s.id == me.session_id,
            device: s.user_agent.as_deref().map(describe_device).unwrap_or_else(|| "Unknown device".into()),
            id: s.id,
            ip: s.ip,
            signed_in_at: format(s.created_at),
            last_seen_at: format(s.last_seen_at),
        })
        .collect();
    sessions.sort_by_key(|s| !s.current);
    Ok(sessions)
}

/// Signs one of the caller's sessions out; their own means signing out here.
#[server(prefix = "/api/dashboard", endpoint = "end_session")]
pub async fn end_session(session_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let me = ctx::signed_in(&state).await?;
    if session_id == me.session_id {
        session::sign_out(&ctx::session().await?, &*state.store).await?;
        leptos_axum::redirect("/sign-in");
        return Ok(());
    }
    state.store.dashboard_sessions().end(&me.user.id, &session_id).await?;
    tracing::info!(user = %me.user.id, "signed out another session");
    leptos_axum::redirect(PAGE);
    Ok(())
}

/// Signs out every session of the caller but this one.
#[server(prefix = "/api/dashboard", endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    let state = ctx::state()?;
    let me = ctx::signed_in(&state).await?;
    let ended = state.store.dashboard_sessions().end_others(&me.user.id, &me.session_id).await?;
    tracing::info!(user = %me.user.id, ended, "signed out other sessions");
    leptos_axum::redirect(PAGE);
    Ok(ended)
}

/// Changes the caller's password and signs out all their other sessions.
/// Wrong current passwords count against the sign-in limits, so this form
/// is no side door for guessing.
#[server(prefix = "/api/dashboard", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<u64, AppError> {
    let state = ctx::state()?;
    let me = ctx::signed_in(&state).await?;
    let ip = ctx::client_ip(&state)?;
    let email = me.user.email.as_str();
    state.sign_in_limits.check(email, ip, Instant::now()).map_err(AppError::RateLimited)?;
    let slot = state.password_slot()?;
    let ended = match accounts::change_password(
        &*state.store,
        &me.user,
        &current_password,
        &new_password,
        &me.session_id,
    )
    .await
    {
        Err(AppError::InvalidCredentials) => {
            state.sign_in_limits.failed(email, ip, Instant::now());
            return Err(FieldError::new("current_password", "This is not your current password.").into());
        }
        other => other?,
    };
    drop(slot);
    state.sign_in_limits.succeeded(email, ip);
    // A new cookie id for this browser too: the old one may have been seen.
    ctx::session().await?.cycle_id().await.map_err(|error| {
        tracing::error!(%error, "session store failure");
        AppError::Internal
    })?;
    tracing::info!(user = %me.user.id, ended, "password changed");
    leptos_axum::redirect(&format!("{PAGE}?password=changed"));
    Ok(ended)
}
