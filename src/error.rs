//! The error of the dashboard's server functions. It travels to the browser,
//! so it carries user-facing messages only; details go to the server log.

use crate::domain::{FieldError, Resource};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields are wrong; each message belongs under its field.
    #[error("{}", first_message(.0))]
    Invalid(Vec<FieldError>),
    /// Wrong password and unknown email answer the same.
    #[error("Invalid email or password.")]
    InvalidCredentials,
    #[error("Sign-up is closed on this server. Ask an administrator to create your account.")]
    SignupClosed,
    #[error("Your session has ended. Sign in to continue.")]
    Unauthenticated,
    /// An app's user whose account is banned.
    #[error("This account is banned.")]
    Banned,
    /// An app's user who must verify their email before signing in.
    #[error("Verify your email address first.")]
    EmailNotVerified,
    #[error("{0}")]
    Forbidden(String),
    /// Nothing of this kind with that id in the caller's project (another
    /// project's is "not found" too, never a hint that it exists).
    #[error("No such {}.", .0.noun())]
    NotFound(Resource),
    /// An organization rule refused the request (`OrgRefusal` has its code).
    #[error("{}", .0.message())]
    Org(crate::domain::organizations::OrgRefusal),
    /// The request clashes with the current state (a taken slug, the last owner).
    #[error("{0}")]
    Conflict(String),
    /// A link that worked once and no longer does (used, revoked, expired).
    #[error("{0}")]
    Gone(String),
    #[error("Too many attempts. Try again in {0} seconds.")]
    RateLimited(u64),
    /// The request itself could not be read (wrong encoding, missing field).
    #[error("{0}")]
    BadRequest(String),
    #[error("The service cannot reach its database right now. Try again in a moment.")]
    Unavailable,
    /// Too many requests are waiting for the password hashing threads.
    #[error("The server is busy. Try again in {0} seconds.")]
    Busy(u64),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

fn first_message(errors: &[FieldError]) -> &str {
    errors.first().map(|e| e.message.as_str()).unwrap_or("Check the highlighted fields.")
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    /// A conflict that a form shows under one of its fields (a taken name).
    pub fn conflict_as_field(self, field: &str) -> Self {
        match self {
            AppError::Conflict(message) => {
                AppError::Invalid(vec![FieldError { code: "taken".into(), ..FieldError::new(field, message) }])
            }
            other => other,
        }
    }

    /// The message to show under `field`, if any.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }

    /// Seconds a client should wait before trying again, if the error says.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::RateLimited(seconds) | AppError::Busy(seconds) => Some(*seconds),
            _ => None,
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::InvalidCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::SignupClosed | AppError::Forbidden(_) | AppError::Banned | AppError::EmailNotVerified => {
                StatusCode::FORBIDDEN
            }
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unavailable | AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Org(refusal) => StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::Invalid(vec![error])
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest("The request could not be read. Reload the page and try again.".into())
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                AppError::BadRequest("Could not reach the server. Check your connection and try again.".into())
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::store::StoreError> for AppError {
    fn from(error: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match error {
            StoreError::NotFound(what) => AppError::NotFound(what),
            StoreError::Refused(refusal) => AppError::Org(refusal),
            StoreError::LastOwner => {
                AppError::Conflict("A project needs at least one owner. Make someone else an owner first.".into())
            }
            StoreError::Unavailable(error) => {
                tracing::warn!(%error, "database unavailable");
                AppError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "store failure");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let mut response = (self.status_code(), self.to_string()).into_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
        response
    }
}
