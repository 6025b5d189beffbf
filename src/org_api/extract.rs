//! Who is calling an organization endpoint, and what it asks, checked in
//! one place: the project's own access by `Authorization: Bearer <key>`
//! (and only that header), or a signed-in user of the app (the key in
//! `x-api-key` selects the project; the session cookie says who). A read
//! takes its input from the query (GET) or a JSON body (POST); a POST by a
//! user passes the origin check, as every state-changing auth API call does.

use super::error::OrgError;
use crate::actor::RequestSource;
use crate::admin::extract::ApiCaller;
use crate::admin::ApiError;
use crate::auth_api::extract::{read_json, signed_in, AppKey};
use crate::auth_api::{origin, AuthError};
use crate::services::org_access::OrgCaller;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::{Method, StatusCode};
use serde::de::DeserializeOwned;

/// A call: the caller and its input.
pub struct OrgCall<T> {
    pub caller: OrgCaller,
    pub input: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for OrgCall<T> {
    type Rejection = OrgError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, OrgError> {
        let (mut parts, body) = request.into_parts();
        let source = RequestSource::from_request_parts(&mut parts, state).await.unwrap_or_else(|never| match never {});
        let is_get = parts.method == Method::GET;
        if parts.headers.contains_key(AUTHORIZATION) {
            let ApiCaller(key) = ApiCaller::from_request_parts(&mut parts, state).await.map_err(admin_refusal)?;
            let caller = OrgCaller::Project(crate::services::Caller::api_key(source, &key));
            let (input, named) = input_of::<T>(Request::from_parts(parts, body), state, is_get).await?;
            if named.as_deref().is_some_and(|named| named != key.project_id) {
                return Err(OrgError::Auth(mismatch()));
            }
            return Ok(OrgCall { caller, input });
        }
        let key = <AppKey as FromRequestParts<AppState>>::from_request_parts(&mut parts, state).await?;
        if !is_get {
            origin::check_request(&parts.headers, key.allowed_origins())?;
        }
        let current = signed_in(state, &key, &parts.headers).await?;
        let (input, named) = input_of::<T>(Request::from_parts(parts, body), state, is_get).await?;
        key.same_project(named.as_deref())?;
        Ok(OrgCall { caller: OrgCaller::user(&key.0, current, source), input })
    }
}

/// The input from the query (GET) or the JSON body, and any project it names.
async fn input_of<T: DeserializeOwned>(
    request: Request,
    state: &AppState,
    is_get: bool,
) -> Result<(T, Option<String>), OrgError> {
    if !is_get {
        return Ok(read_json::<T>(request, state).await?);
    }
    let query = request.uri().query().unwrap_or_default();
    let input = serde_urlencoded::from_str::<T>(query)
        .map_err(|e| AuthError::bad_body(format!("The query could not be read: {e}.")))?;
    let named = form_urlencoded::parse(query.as_bytes()).find(|(n, _)| n == "projectId").map(|(_, v)| v.into_owned());
    Ok((input, named))
}

pub(crate) fn mismatch() -> AuthError {
    AuthError::new(StatusCode::FORBIDDEN, "PROJECT_MISMATCH", "The projectId sent is not the API key's project.")
}

/// The admin API's refusals of a key, in this API's shape.
pub(crate) fn admin_refusal(error: ApiError) -> OrgError {
    let status = error.status_code();
    OrgError::Auth(match error {
        ApiError::Unauthenticated => AuthError::new(
            StatusCode::UNAUTHORIZED,
            "INVALID_API_KEY",
            "A valid API key is required in Authorization: Bearer.",
        ),
        ApiError::Forbidden(message) => AuthError::new(StatusCode::FORBIDDEN, "FORBIDDEN", message),
        ApiError::RateLimited { retry_after } => AuthError {
            retry_after: Some(retry_after),
            ..AuthError::new(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", "Too many failed key checks.")
        },
        ApiError::Unavailable => AuthError::new(status, "SERVICE_UNAVAILABLE", "Try again in a moment."),
        _ => AuthError::new(status, "REQUEST_REFUSED", "The request was refused."),
    })
}
