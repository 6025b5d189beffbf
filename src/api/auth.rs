//! Sign-up, sign-in, sign-out, and who the dashboard is drawn for.

use crate::domain::SignedInUser;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::auth::{accounts, session},
    crate::domain::{safe_next, Membership},
    crate::services::account_mail,
    std::time::Instant,
};

/// Where a user lands after signing in: `next` when it is a page of ours,
/// else their home project's API keys.
#[cfg(feature = "ssr")]
fn landing(next: Option<&str>, home: &Membership) -> String {
    match next.map(safe_next) {
        Some(path) if path != "/" => path,
        _ => format!("/projects/{}/api-keys", home.slug),
    }
}

#[server(prefix = "/api/dashboard", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = ctx::state()?;
    let ip = ctx::client_ip(&state)?;
    state.sign_in_limits.check(&email, ip, Instant::now()).map_err(AppError::RateLimited)?;
    let slot = state.password_slot()?;
    let user = match accounts::authenticate(&*state.store, &email, &password).await {
        Ok(user) => user,
        Err(error) => {
            if error == AppError::InvalidCredentials {
                state.sign_in_limits.failed(&email, ip, Instant::now());
            }
            return Err(error);
        }
    };
    drop(slot);
    state.sign_in_limits.succeeded(&email, ip);
    let home = accounts::home_project(&*state.store, &user).await?;
    session::sign_in(&ctx::session().await?, &*state.store, &state.config, &user, ctx::source(&state)?).await?;
    tracing::info!(user = %user.id, "signed in");
    leptos_axum::redirect(&landing(next.as_deref(), &home));
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "sign_up")]
pub async fn sign_up(name: String, email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let state = ctx::state()?;
    if !state.config.allow_signup {
        return Err(AppError::SignupClosed);
    }
    // Every attempt costs a password hash: limited per address, and refused
    // at once when the hashing queue is full.
    let ip = ctx::client_ip(&state)?;
    state.sign_up_limits.attempt(ip, Instant::now()).map_err(AppError::RateLimited)?;
    let slot = state.password_slot()?;
    let compose = |id: &str, name: &str, email: &str| {
        account_mail::verification_mail(&state.outbox, &state.config, id, name, email)
    };
    let user = accounts::sign_up(&*state.store, &name, &email, &password, Some(&compose)).await?;
    if state.outbox.is_on() {
        state.outbox.queued();
    }
    drop(slot);
    let home = accounts::home_project(&*state.store, &user).await?;
    session::sign_in(&ctx::session().await?, &*state.store, &state.config, &user, ctx::source(&state)?).await?;
    tracing::info!(user = %user.id, "signed up");
    leptos_axum::redirect(&landing(next.as_deref(), &home));
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    session::sign_out(&ctx::session().await?, &*ctx::state()?.store).await?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// The signed-in user and their projects, for the dashboard shell.
#[server(prefix = "/api/dashboard", endpoint = "viewer")]
pub async fn get_viewer() -> Result<SignedInUser, AppError> {
    let state = ctx::state()?;
    let user = ctx::user(&state).await?;
    let projects = state.store.project_members().of_account(&user.id).await?;
    let needs_verification = state.outbox.is_on() && !state.store.accounts().is_verified(&user.id).await?;
    Ok(SignedInUser { user, projects, needs_verification })
}

/// Whether the sign-up page may create accounts on this server.
#[server(prefix = "/api/dashboard", endpoint = "signup_open")]
pub async fn signup_open() -> Result<bool, AppError> {
    Ok(ctx::state()?.config.allow_signup)
}
