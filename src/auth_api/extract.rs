//! What every auth API handler needs from the request, checked in one
//! place: the project (from the key in `x-api-key`, never from anything the
//! request names; a `projectId` in a header, the query or the body that is
//! not the key's project is 403), the JSON body, the page it came from, and
//! for the account endpoints the signed-in user.

use super::cookies;
use super::error::AuthError;
use super::origin;
use crate::actor::{Actor, RequestSource};
use crate::auth::verified_key::VerifiedKey;
use crate::services::end_users::{self, Current};
use crate::services::{app_actor, verified_key};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
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

    /// A `projectId` the client sent is a request, never a permission: one
    /// that is not the key's project is 403.
    pub(crate) fn same_project(&self, named: Option<&str>) -> Result<(), AuthError> {
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

/// The key, and the project named in the header or the query (if any)
/// checked against it.
impl FromRequestParts<AppState> for AppKey {
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AuthError> {
        let presented = parts.headers.get(KEY_HEADER).and_then(|v| v.to_str().ok()).map(str::trim);
        let ip = state.config.client_ip(&parts.headers, &parts.extensions);
        let key = verified_key(state, presented, ip).await?.ok_or_else(AuthError::unknown_key)?;
        let key = AppKey(key);
        key.same_project(parts.headers.get(PROJECT_HEADER).and_then(|v| v.to_str().ok()))?;
        let query = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes());
        key.same_project(query.into_iter().find(|(name, _)| name == "projectId").map(|(_, v)| v).as_deref())?;
        Ok(key)
    }
}

/// A state-changing call of the app, checked in this order: its key (and
/// any project it names), a JSON body naming no other project, and the page
/// it came from (`origin::check_request`).
pub struct AppCall<T> {
    pub key: AppKey,
    pub source: RequestSource,
    pub headers: HeaderMap,
    pub body: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for AppCall<T> {
    type Rejection = AuthError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AuthError> {
        let (mut parts, body) = request.into_parts();
        let key = <AppKey as FromRequestParts<AppState>>::from_request_parts(&mut parts, state).await?;
        let source = RequestSource::from_request_parts(&mut parts, state).await.unwrap_or_else(|never| match never {});
        let headers = parts.headers.clone();
        let (body, named) = read_json::<T>(Request::from_parts(parts, body), state).await?;
        key.same_project(named.as_deref())?;
        origin::check_request(&headers, key.allowed_origins())?;
        Ok(AppCall { key, source, headers, body })
    }
}

impl<T> AppCall<T> {
    /// The app itself acting for its user, as the audit log names it.
    pub fn actor(&self) -> Actor {
        app_actor(&self.key.0, &self.source)
    }
}

/// An `AppCall` of the account endpoints: also signed in, in the key's
/// project (else 401).
pub struct SignedInCall<T> {
    pub call: AppCall<T>,
    pub current: Current,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for SignedInCall<T> {
    type Rejection = AuthError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AuthError> {
        let call = AppCall::<T>::from_request(request, state).await?;
        let current = signed_in(state, &call.key, &call.headers).await?;
        Ok(SignedInCall { call, current })
    }
}

/// The session of this request in the key's project, or 401.
pub async fn signed_in(state: &AppState, key: &AppKey, headers: &HeaderMap) -> Result<Current, AuthError> {
    let token = cookies::session_token(headers, &state.cookies).ok_or_else(AuthError::unauthorized)?;
    end_users::current(state, &key.0, &token).await?.ok_or_else(AuthError::unauthorized)
}

/// Any JSON body's `projectId`, whatever else it holds.
#[derive(Deserialize)]
struct NamedProject {
    #[serde(rename = "projectId")]
    project_id: Option<serde_json::Value>,
}

/// A JSON object body of type `T`, sent as `application/json` (an empty
/// body reads as `{}`, as better-auth's client sends for sign-out), and the
/// project it names. Unknown fields are ignored.
///
/// Any other content type is 415, whatever the bytes: a page on another site
/// can post `text/plain` (or a form) without asking the browser's leave, and
/// must not sign its visitor into an account of its choosing.
pub(crate) async fn read_json<T: DeserializeOwned>(
    request: Request,
    state: &AppState,
) -> Result<(T, Option<String>), AuthError> {
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
    // A body with no type and no bytes is the empty object; anything with
    // bytes, or with another declared type, must say it is JSON.
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
    let named = match serde_json::from_slice::<NamedProject>(bytes).ok().and_then(|n| n.project_id) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(named)) => Some(named),
        // Not a project id at all: it names no project of ours.
        Some(other) => Some(other.to_string()),
    };
    Ok((value, named))
}
