//! The admin API's error: the contract's status codes and `{ message, code }`
//! bodies. Messages are for the caller; internals go to the log only.

use super::key_types::{ErrorBody, FieldProblem};
use crate::domain::Resource;
use crate::error::AppError;
use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// Any key that does not work, for whatever reason: one answer for all.
    Unauthenticated,
    Forbidden(String),
    NotFound(String),
    Conflict(String),
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation(Vec<FieldProblem>),
    RateLimited {
        retry_after: u64,
    },
    /// The database is down; the SDK retries 503 with backoff.
    Unavailable,
    Internal,
}

impl ApiError {
    /// Nothing of this kind in the key's project.
    pub fn no_such(what: Resource) -> Self {
        ApiError::NotFound(format!("No {} with that id in this project.", what.noun()))
    }

    pub fn field(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldProblem::new(field, code, message)])
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "authentication_required",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::Validation(_) => "validation_error",
            ApiError::RateLimited { .. } => "rate_limit_exceeded",
            ApiError::Unavailable => "service_unavailable",
            ApiError::Internal => "internal_error",
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthenticated => {
                "A valid API key is required: send it as `Authorization: Bearer <key>`.".into()
            }
            ApiError::NotFound(message) => message.clone(),
            ApiError::Forbidden(message) | ApiError::Conflict(message) => message.clone(),
            ApiError::MethodNotAllowed => "This endpoint does not take that HTTP method.".into(),
            ApiError::PayloadTooLarge => "The request body is larger than 64 KiB.".into(),
            ApiError::UnsupportedMediaType => "Send the body as JSON with `Content-Type: application/json`.".into(),
            ApiError::Validation(errors) => match errors.as_slice() {
                [one] => one.message.clone(),
                _ => "Some fields are not valid; see `errors`.".into(),
            },
            ApiError::RateLimited { retry_after } => {
                format!("Too many failed key checks from your address. Try again in {retry_after} seconds.")
            }
            ApiError::Unavailable => "The service cannot reach its database right now. Retry shortly.".into(),
            ApiError::Internal => {
                "Something went wrong on our side. Try again; the request id helps us find it.".into()
            }
        }
    }

    /// The contract's body for a bare status some layer answered with
    /// (unknown route, wrong method, body over the limit).
    pub fn for_status(status: StatusCode) -> ApiError {
        match status {
            StatusCode::UNAUTHORIZED => ApiError::Unauthenticated,
            StatusCode::NOT_FOUND => ApiError::NotFound("No such endpoint.".into()),
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable,
            s if s.is_client_error() => ApiError::field("body", "invalid", "The request could not be read."),
            _ => ApiError::Internal,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => ApiError::no_such(what),
            StoreError::Conflict(_) => ApiError::Conflict("That conflicts with an existing record.".into()),
            StoreError::Unavailable(error) => {
                tracing::warn!(%error, "database unavailable");
                ApiError::Unavailable
            }
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::Internal
            }
        }
    }
}

/// A service's answer in the contract's terms; "not found" names what was
/// looked for.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(problems) => ApiError::Validation(
                problems.into_iter().map(|p| FieldProblem::new(wire_field(&p.field), &p.code, p.message)).collect(),
            ),
            AppError::Unauthenticated | AppError::InvalidCredentials => ApiError::Unauthenticated,
            AppError::Forbidden(message) => ApiError::Forbidden(message),
            AppError::Banned => ApiError::Forbidden("This account is banned.".into()),
            AppError::EmailNotVerified => ApiError::Forbidden("Verify your email address first.".into()),
            AppError::NotFound(what) => ApiError::no_such(what),
            AppError::Conflict(message) | AppError::Gone(message) => ApiError::Conflict(message),
            AppError::RateLimited(retry_after) => ApiError::RateLimited { retry_after },
            AppError::BadRequest(message) => ApiError::field("body", "invalid", message),
            AppError::Unavailable | AppError::Busy(_) => ApiError::Unavailable,
            AppError::SignupClosed | AppError::Internal => ApiError::Internal,
            AppError::Org(refusal) => ApiError::Conflict(refusal.message()),
        }
    }
}

/// The contract's name for a field the services name in their own words.
fn wire_field(field: &str) -> String {
    match field {
        "expires_at" => "expiresAt".into(),
        "grace" => "graceSeconds".into(),
        "new_password" => "newPassword".into(),
        other => other.into(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            ApiError::RateLimited { retry_after } => Some(*retry_after),
            ApiError::Unavailable => Some(5),
            _ => None,
        };
        let status = self.status_code();
        let body = ErrorBody {
            message: self.message(),
            code: self.code().to_string(),
            errors: match self {
                ApiError::Validation(errors) => errors,
                _ => Vec::new(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// Gives any error answer without a JSON body (from the router or a limit
/// layer) the contract's body, keeping headers such as `Allow`.
pub async fn contract_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let mut fresh = ApiError::for_status(status).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        fresh.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_field_names_become_the_contracts() {
        assert_eq!(wire_field("expires_at"), "expiresAt");
        assert_eq!(wire_field("new_password"), "newPassword");
        assert_eq!(wire_field("permissions[0]"), "permissions[0]");
        let error = ApiError::from(AppError::NotFound(Resource::User));
        assert_eq!(error.message(), "No user with that id in this project.");
    }
}
