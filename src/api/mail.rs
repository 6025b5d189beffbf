//! Mail from the dashboard: "Forgot password?" and its reset link, proving
//! an account's address, and a project's recent deliveries. Rules in
//! `services::account_mail`.

use crate::domain::DeliveryPage;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::auth::{accounts, session},
    crate::services::account_mail,
};

/// Whether this server sends mail (the forgot-password page says so).
#[server(prefix = "/api/dashboard", endpoint = "mail_on")]
pub async fn mail_on() -> Result<bool, AppError> {
    Ok(ctx::state()?.outbox.is_on())
}

/// Mails a reset link if an account has this email; the same answer either way.
#[server(prefix = "/api/dashboard", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let ip = ctx::client_ip(&state)?;
    account_mail::request_reset(&state, &email, ip).await?;
    ctx::back_with("sent");
    Ok(())
}

/// Whether a reset link still works (before its form is shown).
#[server(prefix = "/api/dashboard", endpoint = "check_reset_link")]
pub async fn check_reset_link(token: String) -> Result<(), AppError> {
    account_mail::check_reset(&ctx::state()?, &token).await
}

/// Sets the new password (ending every session), then signs in here.
#[server(prefix = "/api/dashboard", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let slot = state.password_slot()?;
    let user = account_mail::reset(&state, &token, &password).await?;
    drop(slot);
    let home = accounts::home_project(&*state.store, &user).await?;
    session::sign_in(&ctx::session().await?, &*state.store, &state.config, &user, ctx::source(&state)?).await?;
    leptos_axum::redirect(&format!("/projects/{}/api-keys", home.slug));
    Ok(())
}

/// Marks the account's address verified, then shows that.
#[server(prefix = "/api/dashboard", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    account_mail::verify(&ctx::state()?, &token).await?;
    leptos_axum::redirect("/verify-email?verified=1");
    Ok(())
}

/// Mails the signed-in account a new verification link.
#[server(prefix = "/api/dashboard", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::user(&state).await?;
    account_mail::resend_verification(&state, &user).await?;
    ctx::back_with("verification_sent");
    Ok(())
}

/// The project's recent mail, for every member (no link is in it).
#[server(prefix = "/api/dashboard", endpoint = "get_deliveries")]
pub async fn get_deliveries(slug: String) -> Result<DeliveryPage, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    account_mail::deliveries(&state, &caller).await
}
