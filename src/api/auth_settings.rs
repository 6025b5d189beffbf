//! A project's Authentication settings, for the dashboard's page of that
//! name. The rules are in `services::auth_settings`.

use crate::domain::AuthSettings;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::services::auth_settings::{self, SettingsInput},
};

#[server(prefix = "/api/dashboard", endpoint = "get_auth_settings")]
pub async fn get_auth_settings(slug: String) -> Result<AuthSettings, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    auth_settings::get(&state, &caller).await
}

/// The issuer of the project's JWTs (its JWKS is `<issuer>/jwks`), for
/// whoever verifies tokens themselves.
#[server(prefix = "/api/dashboard", endpoint = "get_token_issuer")]
pub async fn get_token_issuer(slug: String) -> Result<String, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    Ok(crate::auth::jwt::issuer(&state.config.own_url(), &caller.project_id))
}

/// The form's fields; a checkbox is sent only when ticked.
#[server(prefix = "/api/dashboard", endpoint = "save_auth_settings")]
pub async fn save_auth_settings(
    slug: String,
    sign_ups_open: Option<String>,
    password_min: String,
    require_email_verification: Option<String>,
    session_days: String,
    allowed_origins: String,
    mail_sender_name: Option<String>,
    mail_link_origin: Option<String>,
    sign_ups_per_hour: Option<String>,
) -> Result<AuthSettings, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let input = SettingsInput {
        sign_ups_open: sign_ups_open.is_some(),
        password_min: &password_min,
        require_email_verification: require_email_verification.is_some(),
        session_days: &session_days,
        allowed_origins: &allowed_origins,
        mail_sender_name: mail_sender_name.as_deref().unwrap_or_default(),
        mail_link_origin: mail_link_origin.as_deref().unwrap_or_default(),
        sign_ups_per_hour: sign_ups_per_hour.as_deref().unwrap_or("1000"),
    };
    let saved = auth_settings::update(&state, &caller, input).await?;
    ctx::back_with("saved");
    Ok(saved)
}
