//! What every auth API handler needs from the request: the project (from
//! the key in `x-api-key`, never from anything the request names), and the
//! JSON body.

use super::error::AuthError;
use crate::auth::verify::VerifiedKey;
use crate::services::verified_key;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// Header a client may use to name the project it means; a name that is not
/// the key's project is refused.
const PROJECT_HEADER: &str = "x-banata-project-id";
/// Where an app's route handler puts the project's key: it selects the
/// project and grants nothing else.
const KEY_HEADER: &str = "x-api-key";

/// The key's project: the only one the request may touch.
pub struct AppKey(pub Arc<VerifiedKey>);

impl AppKey {
    pub fn project_id(&self) -> &str {
        &self.0.project_id
    }

    /// Origins the project trusts besides the app's own.
    pub fn allowed_origins(&self) -> &[String] {
        &self.0.auth.allowed_origins
    }

    /// A `projectId` the client sent (query or body) is a request, never a
    /// permission: one that is not the key's project is 403.
    pub fn same_project(&self, named: Option<&str>) -> Result<(), AuthError> {
        match named.map(str::trim).filter(|n| !n.is_empty()) {
            Some(named) if named != self.0.project_id => Err(AuthError::new(
                StatusCode::FORBIDDEN,
                "PROJECT_MISMATCH",
                "The projectId sent is not the API key's project.",
            )),
            _ => Ok(()),
        }
    }
}

/// `Option<AppKey>`: no `x-api-key` at all is `None`; one that does not
/// work is 401 all the same.
impl OptionalFromRequestParts<AppState> for AppKey {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, AuthError> {
        match parts.headers.contains_key(KEY_HEADER) {
            true => <AppKey as FromRequestParts<AppState>>::from_request_parts(parts, state).await.map(Some),
            false => Ok(None),
        }
    }
}

impl FromRequestParts<AppState> for AppKey {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AuthError> {
        let presented = parts.headers.get(KEY_HEADER).and_then(|v| v.to_str().ok()).map(str::trim);
        let ip = state.config.client_ip(&parts.headers, &parts.extensions);
        let key = verified_key(state, presented, ip).await?.ok_or_else(AuthError::unknown_key)?;
        let key = AppKey(key);
        key.same_project(parts.headers.get(PROJECT_HEADER).and_then(|v| v.to_str().ok()))?;
        Ok(key)
    }
}

/// A JSON object body of type `T`, sent as `application/json` (an empty
/// body reads as `{}`, as better-auth's client sends for sign-out). Unknown
/// fields are ignored.
///
/// Any other content type is 415, whatever the bytes: a page on another site
/// can post `text/plain` (or a form) without asking the browser's leave, and
/// must not sign its visitor into an account of its choosing.
pub struct AuthJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AuthJson<T> {
    type Rejection = AuthError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AuthError> {
        let declared_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
        let has_type = request.headers().contains_key(CONTENT_TYPE);
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AuthError::new(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", "The request body is too large.")
            } else {
                AuthError::bad_body("The request body could not be read.")
            }
        })?;
        // A body with no type and no bytes is the empty object; anything
        // with bytes, or with another declared type, must say it is JSON.
        if !declared_json && (has_type || !bytes.is_empty()) {
            return Err(AuthError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "Send the body as JSON, with Content-Type: application/json.",
            ));
        }
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}" } else { &bytes };
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(AuthError::bad_body("The body must be a JSON object."));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            let path = error.path().to_string();
            match error.inner().classify() {
                serde_json::error::Category::Data if path != "." => {
                    AuthError::bad_body(format!("{path}: wrong type or missing."))
                }
                _ => AuthError::bad_body("The body is not valid JSON."),
            }
        })?;
        deserializer.end().map_err(|_| AuthError::bad_body("The body is not valid JSON."))?;
        Ok(AuthJson(value))
    }
}
