//! Extractors every admin API handler uses: who is calling (their key, and
//! any project the query names checked against it), the JSON body (and the
//! project it names), the query string, each failing with the contract's
//! errors. A handler with a body takes an `AdminCall`, which does all of it.

use super::error::ApiError;
use super::key_types::FieldProblem;
use crate::actor::RequestSource;
use crate::auth::app_cookies;
use crate::auth::verified_key::VerifiedKey;
use crate::services::{verified_key, Caller};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::sync::Arc;

/// The verified key of the request. Its project is the only one the request
/// may touch.
pub struct ApiCaller(pub Arc<VerifiedKey>);

impl ApiCaller {
    /// The caller the services see, acting from `source`. Built only by the
    /// handlers that call a service, so `whoami` (the hot path) allocates
    /// nothing for it.
    pub fn acting_from(&self, source: RequestSource) -> Caller {
        Caller::api_key(source, &self.0)
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(presented) = presented_key(&parts.headers) else {
            return Err(ApiError::Unauthenticated);
        };
        if let Some(mark) = browser_mark(&parts.headers) {
            return Err(ApiError::Forbidden(format!(
                "Admin requests must come from your server, not from a browser or through your app's route handler \
                 (this one carries {mark}). Call the admin API directly with `Authorization: Bearer <key>`."
            )));
        }
        let ip = state.config.client_ip(&parts.headers, &parts.extensions);
        let Some(key) = verified_key(state, Some(presented), ip).await? else {
            return Err(ApiError::Unauthenticated);
        };
        let query = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes());
        same_project(&key, query.into_iter().find(|(name, _)| name == "projectId").map(|(_, v)| v).as_deref())?;
        Ok(ApiCaller(key))
    }
}

/// The key decides the project; a `projectId` the caller sends may only
/// agree with it.
fn same_project(key: &VerifiedKey, claimed: Option<&str>) -> Result<(), ApiError> {
    match claimed {
        Some(project) if project != key.project_id => {
            Err(ApiError::Forbidden("This key belongs to another project than `projectId` names.".into()))
        }
        _ => Ok(()),
    }
}

/// A call with a JSON body: the caller the services see (the Bearer key,
/// acting from where the request came), and a body naming no project but
/// the key's.
pub struct AdminCall<T> {
    pub caller: Caller,
    pub body: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for AdminCall<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = request.into_parts();
        let ApiCaller(key) = ApiCaller::from_request_parts(&mut parts, state).await?;
        let source = RequestSource::from_request_parts(&mut parts, state).await.unwrap_or_else(|never| match never {});
        let (body, named) = read_json::<T, _>(Request::from_parts(parts, body), state).await?;
        same_project(&key, named.as_deref())?;
        let caller = Caller::api_key(source, &key);
        Ok(AdminCall { caller, body })
    }
}

/// `Authorization: Bearer <key>`, what the admin SDK sends, and nothing
/// else: `x-api-key` is what an app's route handler adds to every request a
/// browser sends through it, so it may select a project on the end-user
/// paths but never carries admin power.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    let (scheme, key) = headers.get(AUTHORIZATION)?.to_str().ok()?.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// Defence in depth: what only a browser, or an app's route handler
/// forwarding one, puts on a request. The admin SDK runs on a server and
/// sends none of these, so a Bearer key arriving with one has leaked into a
/// browser (or is being relayed by one) and is refused before it is checked.
fn browser_mark(headers: &HeaderMap) -> Option<&'static str> {
    if headers.contains_key(ORIGIN) {
        return Some("an Origin header");
    }
    if headers.contains_key("x-forwarded-host") {
        return Some("x-forwarded-host");
    }
    app_cookies::carries_session(headers).then_some("an app session cookie")
}

/// Any JSON body's `projectId`, whatever else it holds.
#[derive(Deserialize)]
struct NamedProject {
    #[serde(rename = "projectId")]
    project_id: Option<serde_json::Value>,
}

/// A JSON body: `application/json`, within the body limit, of type `T`, and
/// the project it names. Unknown fields are ignored; a wrong type names its
/// field.
async fn read_json<T: DeserializeOwned, S: Send + Sync>(
    request: Request,
    state: &S,
) -> Result<(T, Option<String>), ApiError> {
    let is_json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::field("body", "invalid", "The request body could not be read.")
        }
    })?;
    // serde would read a struct from an array too; the contract says object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
            Ok(_) => not_an_object(),
            Err(_) => not_json(),
        });
    }
    let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_problem)?;
    deserializer.end().map_err(|_| not_json())?;
    let named = match serde_json::from_slice::<NamedProject>(&bytes).ok().and_then(|n| n.project_id) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(named)) => Some(named),
        Some(other) => Some(other.to_string()),
    };
    Ok((value, named))
}

fn not_json() -> ApiError {
    ApiError::field("body", "invalid_json", "The body is not valid JSON.")
}

fn not_an_object() -> ApiError {
    ApiError::field("body", "invalid_type", "The body must be a JSON object.")
}

fn json_problem(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_json::error::Category;
    let path = error.path().to_string();
    let inner = error.into_inner();
    match inner.classify() {
        Category::Data if path != "." => {
            ApiError::field(path, "invalid_type", format!("Wrong type: {}.", without_position(&inner)))
        }
        Category::Data => not_an_object(),
        _ => not_json(),
    }
}

/// serde_json's message without " at line 1 column 9".
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// The query string as `T`, whose fields are all optional strings (their
/// rules are checked by the handler, which can name the field).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map(ApiQuery)
            .map_err(|e| ApiError::Validation(vec![FieldProblem::new("query", "invalid", e.to_string())]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap())).collect()
    }

    #[test]
    fn keys_come_from_bearer_only() {
        assert_eq!(presented_key(&headers(&[("authorization", "Bearer sk_1")])), Some("sk_1"));
        assert_eq!(presented_key(&headers(&[("authorization", "bearer  sk_1 ")])), Some("sk_1"));
        assert_eq!(presented_key(&headers(&[("x-api-key", "sk_2")])), None, "x-api-key grants nothing here");
        assert_eq!(
            presented_key(&headers(&[("authorization", "Bearer sk_1"), ("x-api-key", "sk_2")])),
            Some("sk_1"),
            "the Bearer key, whatever x-api-key says"
        );
        assert_eq!(presented_key(&headers(&[("authorization", "Basic abc")])), None);
        assert_eq!(presented_key(&headers(&[("authorization", "Bearer")])), None);
        assert_eq!(presented_key(&headers(&[("authorization", "Bearer  ")])), None);
        assert_eq!(presented_key(&headers(&[])), None);
    }

    #[test]
    fn what_a_browser_or_route_handler_adds_is_a_mark() {
        assert_eq!(browser_mark(&headers(&[("authorization", "Bearer sk_1"), ("user-agent", "node")])), None);
        assert!(browser_mark(&headers(&[("origin", "https://app.example")])).is_some());
        assert!(browser_mark(&headers(&[("x-forwarded-host", "app.example")])).is_some());
        assert!(browser_mark(&headers(&[("cookie", "a=b; better-auth.session_token=x.y")])).is_some());
        assert!(browser_mark(&headers(&[("cookie", "__Secure-better-auth.session_token=x.y")])).is_some());
        assert_eq!(browser_mark(&headers(&[("cookie", "theme=dark")])), None, "other cookies are no mark");
    }
}
