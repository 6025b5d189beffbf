//! The auth API's errors, in better-auth's shape: a status and
//! `{"code": "UPPER_SNAKE", "message": "…"}`, with `details.tryAgainIn` and
//! `Retry-After` when the caller must wait.

use crate::error::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, PartialEq, Eq)]
pub struct AuthError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl AuthError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after: None }
    }

    /// Missing, malformed, unknown, revoked or expired key: the same bytes
    /// whatever the reason.
    pub fn unknown_key() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "INVALID_API_KEY", "A valid API key is required.")
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Sign in first.")
    }

    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", message)
    }
}

/// A service's answer in the contract's terms.
impl From<AppError> for AuthError {
    fn from(error: AppError) -> Self {
        use StatusCode as S;
        match error {
            AppError::Invalid(problems) => {
                let Some(first) = problems.into_iter().next() else {
                    return AuthError::bad_body("Check the request.");
                };
                let code = match (first.field.as_str(), first.code.as_str()) {
                    ("email", "taken") => {
                        return AuthError::new(
                            S::UNPROCESSABLE_ENTITY,
                            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                            first.message,
                        )
                    }
                    ("email", _) => "INVALID_EMAIL",
                    ("password" | "new_password", "too_short") => "PASSWORD_TOO_SHORT",
                    ("password" | "new_password", "too_long") => "PASSWORD_TOO_LONG",
                    _ => "VALIDATION_ERROR",
                };
                let message = match code {
                    "VALIDATION_ERROR" => format!("{}: {}", first.field, first.message),
                    _ => first.message,
                };
                AuthError::new(S::BAD_REQUEST, code, message)
            }
            AppError::InvalidCredentials => {
                AuthError::new(S::UNAUTHORIZED, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password.")
            }
            AppError::Banned => AuthError::new(S::FORBIDDEN, "BANNED_USER", "This account is banned."),
            AppError::Unauthenticated => AuthError::unauthorized(),
            AppError::Forbidden(message) => AuthError::new(S::FORBIDDEN, "FORBIDDEN", message),
            AppError::EmailNotVerified => AuthError::new(S::FORBIDDEN, "EMAIL_NOT_VERIFIED", "Email not verified"),
            // better-auth's words for a closed sign-up.
            AppError::SignupClosed => AuthError::new(
                S::BAD_REQUEST,
                "EMAIL_PASSWORD_SIGN_UP_DISABLED",
                "Email and password sign up is not enabled",
            ),
            AppError::NotFound(what) => {
                AuthError::new(S::NOT_FOUND, "NOT_FOUND", format!("No {} with that id.", what.noun()))
            }
            AppError::Conflict(message) | AppError::Gone(message) => AuthError::new(S::CONFLICT, "CONFLICT", message),
            AppError::BadRequest(message) => AuthError::bad_body(message),
            AppError::RateLimited(seconds) => AuthError {
                retry_after: Some(seconds),
                ..AuthError::new(
                    S::TOO_MANY_REQUESTS,
                    "RATE_LIMITED",
                    format!("Too many attempts. Try again in {seconds} seconds."),
                )
            },
            AppError::Busy(seconds) => AuthError {
                retry_after: Some(seconds),
                ..AuthError::new(S::SERVICE_UNAVAILABLE, "SERVICE_BUSY", "The server is busy. Try again in a moment.")
            },
            AppError::Unavailable => AuthError {
                retry_after: Some(5),
                ..AuthError::new(S::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE", "Try again in a moment.")
            },
            AppError::Internal => {
                AuthError::new(S::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "Something went wrong.")
            }
            AppError::Org(refusal) => AuthError::new(
                S::from_u16(refusal.status()).unwrap_or(S::BAD_REQUEST),
                refusal.code(),
                refusal.message(),
            ),
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let body = match self.retry_after {
            Some(seconds) => json!({"code": self.code, "message": self.message, "details": {"tryAgainIn": seconds}}),
            None => json!({"code": self.code, "message": self.message}),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
