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

/// The settings form's fields, as a form posts them: text, and a checkbox
/// only when ticked.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct AuthSettingsForm {
    pub sign_ups_open: Option<String>,
    pub password_min: String,
    pub require_email_verification: Option<String>,
    pub session_days: String,
    pub allowed_origins: String,
    pub mail_sender_name: Option<String>,
    pub mail_link_origin: Option<String>,
    pub sign_ups_per_hour: Option<String>,
    pub org_creation_open: Option<String>,
    pub org_invitation_path: Option<String>,
}

#[server(prefix = "/api/dashboard", endpoint = "save_auth_settings")]
pub async fn save_auth_settings(
    slug: String,
    #[server(flatten)] form: AuthSettingsForm,
) -> Result<AuthSettings, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let input = SettingsInput {
        sign_ups_open: form.sign_ups_open.is_some(),
        password_min: &form.password_min,
        require_email_verification: form.require_email_verification.is_some(),
        session_days: &form.session_days,
        allowed_origins: &form.allowed_origins,
        mail_sender_name: form.mail_sender_name.as_deref().unwrap_or_default(),
        mail_link_origin: form.mail_link_origin.as_deref().unwrap_or_default(),
        sign_ups_per_hour: form.sign_ups_per_hour.as_deref().unwrap_or("1000"),
        org_creation_open: form.org_creation_open.is_some(),
        org_invitation_path: form.org_invitation_path.as_deref().unwrap_or_default(),
    };
    let saved = auth_settings::update(&state, &caller, input).await?;
    ctx::back_with("saved");
    Ok(saved)
}
