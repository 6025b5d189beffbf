//! The endpoints that mail a project's user, and those their links lead to
//! (better-auth's `send-verification-email`, `verify-email`,
//! `request-password-reset`, `reset-password/:token`, `reset-password`).
//! Rules in `services::end_user_mail`.

use super::error::AuthError;
use super::extract::{AppCall, AppKey};
use super::origin;
use super::wire::{PasswordResetBody, RequestResetBody, SendVerificationBody};
use crate::actor::RequestSource;
use crate::domain::MailKind;
use crate::error::AppError;
use crate::services::end_user_mail::{self, AppLink};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
    #[serde(rename = "callbackURL")]
    callback_url: Option<String>,
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    #[serde(rename = "callbackURL")]
    callback_url: Option<String>,
}

fn invalid_token() -> AuthError {
    AuthError::new(StatusCode::BAD_REQUEST, "INVALID_TOKEN", "Invalid token")
}

/// A spent link is `INVALID_TOKEN`; mail being off says so.
fn mail_error(error: AppError) -> AuthError {
    match error {
        AppError::Gone(_) => invalid_token(),
        AppError::Conflict(message) => AuthError::new(StatusCode::BAD_REQUEST, "MAIL_NOT_CONFIGURED", message),
        other => other.into(),
    }
}

/// Where the mail's link points: the one origin the project chose for its
/// mail links (the Authentication page; by default its first allowed
/// origin), never what a request's headers say. A mail goes to someone
/// else: neither a forged `x-forwarded-host` nor the pick of the weakest
/// allowed origin (a staging host, `localhost`) may decide where their
/// link leads. An absolute callback must be an allowed origin.
pub(super) fn app_link(key: &AppKey, callback: Option<&str>) -> Result<AppLink, AuthError> {
    let allowed = key.allowed_origins();
    let callback = callback.map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
    if let Some(origin) = callback.as_deref().filter(|c| !c.starts_with('/')).and_then(crate::domain::url_origin) {
        if !allowed.contains(&origin) {
            return Err(AuthError::new(
                StatusCode::FORBIDDEN,
                "INVALID_CALLBACK_URL",
                "A callback in a mail must be a path, or on one of the project's allowed origins.",
            ));
        }
    }
    let base = key.0.auth.mail_origin().map(str::to_owned).ok_or_else(|| {
        AuthError::new(
            StatusCode::BAD_REQUEST,
            "MISSING_APP_ORIGIN",
            "Mail links go to your app: add its origin (e.g. https://app.example.com) under Allowed origins on the project's Authentication page.",
        )
    })?;
    Ok(AppLink { base, callback })
}

/// `url` with `name=value` set in its query, before any `#fragment`.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let (url, fragment) = match url.split_once('#') {
        Some((url, fragment)) => (url, format!("#{fragment}")),
        None => (url, String::new()),
    };
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{name}={}{fragment}", crate::domain::percent_encode(value))
}
fn redirect(url: &str) -> Response {
    match HeaderValue::from_str(url) {
        Ok(location) => (StatusCode::FOUND, [(LOCATION, location)]).into_response(),
        Err(_) => invalid_token().into_response(),
    }
}

pub async fn send_verification_email(
    State(state): State<AppState>,
    AppCall { key, headers, body, .. }: AppCall<SendVerificationBody>,
) -> Result<Response, AuthError> {
    origin::check_callback(body.callback_url.as_deref(), &headers, key.allowed_origins())?;
    end_user_mail::ensure_mail_on(&state, MailKind::UserVerify).map_err(mail_error)?;
    // As better-auth, the link always says where to go next (the app's home).
    let link = app_link(&key, body.callback_url.as_deref().or(Some("/")))?;
    end_user_mail::request(&state, &key.0, MailKind::UserVerify, &body.email, link).await.map_err(mail_error)?;
    Ok(Json(json!({"status": true})).into_response())
}

/// The link in a verification mail: verifies, then sends the user to the
/// callback (with `?error=INVALID_TOKEN` when the link is spent).
pub async fn verify_email(
    State(state): State<AppState>,
    key: AppKey,
    source: RequestSource,
    headers: HeaderMap,
    Query(query): Query<TokenQuery>,
) -> Result<Response, AuthError> {
    origin::check_callback(query.callback_url.as_deref(), &headers, key.allowed_origins())?;
    let callback = query.callback_url.filter(|c| !c.trim().is_empty());
    let token = query.token.unwrap_or_default();
    let verified = match token.is_empty() {
        true => Err(invalid_token()),
        false => end_user_mail::verify(&state, &key.0, &token, &source).await.map_err(mail_error),
    };
    match (verified, callback) {
        (Ok(_), Some(callback)) => Ok(redirect(&callback)),
        (Ok(_), None) => Ok(Json(json!({"status": true, "user": null})).into_response()),
        // better-auth's words for a spent verification link.
        (Err(error), Some(callback)) if error.code == "INVALID_TOKEN" => {
            Ok(redirect(&with_param(&callback, "error", "invalid_token")))
        }
        (Err(error), None) if error.code == "INVALID_TOKEN" => {
            Err(AuthError::new(StatusCode::UNAUTHORIZED, "INVALID_TOKEN", "invalid_token"))
        }
        (Err(error), _) => Err(error),
    }
}

pub async fn request_password_reset(
    State(state): State<AppState>,
    AppCall { key, headers, body, .. }: AppCall<RequestResetBody>,
) -> Result<Response, AuthError> {
    origin::check_callback(body.redirect_to.as_deref(), &headers, key.allowed_origins())?;
    end_user_mail::ensure_mail_on(&state, MailKind::UserReset).map_err(mail_error)?;
    // Without it the mail's link would lead nowhere: refused now, not then.
    if body.redirect_to.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err(AuthError::bad_body(
            "redirectTo is required: the page of your app where users choose a new password.",
        ));
    }
    let link = app_link(&key, body.redirect_to.as_deref())?;
    end_user_mail::request(&state, &key.0, MailKind::UserReset, &body.email, link).await.map_err(mail_error)?;
    Ok(Json(json!({
        "status": true,
        "message": "If this email exists in our system, check your email for the reset link",
    }))
    .into_response())
}

/// The link in a reset mail: sends the user to the app's page with the
/// token (or `?error=INVALID_TOKEN`), where they choose the new password.
pub async fn reset_password_link(
    State(state): State<AppState>,
    key: AppKey,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AuthError> {
    origin::check_callback(query.callback_url.as_deref(), &headers, key.allowed_origins())?;
    let Some(callback) = query.callback_url.filter(|c| !c.trim().is_empty()) else {
        return Err(AuthError::bad_body("callbackURL is required"));
    };
    let usable = end_user_mail::reset_token_usable(&state, &key.0, &token).await?;
    Ok(redirect(&match usable {
        true => with_param(&callback, "token", &token),
        false => with_param(&callback, "error", "INVALID_TOKEN"),
    }))
}

pub async fn reset_password(
    State(state): State<AppState>,
    Query(query): Query<TokenQuery>,
    AppCall { key, source, body, .. }: AppCall<PasswordResetBody>,
) -> Result<Response, AuthError> {
    let token = body.token.or(query.token).filter(|t| !t.is_empty()).ok_or_else(invalid_token)?;
    end_user_mail::reset(&state, &key.0, &token, &body.new_password, &source).await.map_err(mail_error)?;
    Ok(Json(json!({"status": true})).into_response())
}
