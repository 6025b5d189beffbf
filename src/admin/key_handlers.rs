//! The admin API's endpoints. Each is thin: the extractors verified the key
//! and read the body, `input` turns the contract's fields into a service
//! request, and `services::keys` decides.

use super::error::ApiError;
use super::extract::{AdminCall, ApiCaller, ApiQuery};
use super::input;
use super::key_types::{
    ApiKeyObject, CreateKeyRequest, CreatedApiKey, DeleteKeyRequest, ErrorBody, ListQuery, RollKeyRequest, Success,
    Whoami, WhoamiKey, WhoamiProject, WhoamiQuery,
};
use crate::actor::RequestSource;
use crate::error::AppError;
use crate::services::keys::{self, KeyListing};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Response header with the cursor of the next page of a paged list.
pub const NEXT_CURSOR: &str = "x-next-cursor";

/// Creates a key in the caller's project; the response is the only place
/// its secret ever appears.
#[utoipa::path(
    post,
    path = "/api/auth/api-key/create",
    tag = "API keys",
    request_body = CreateKeyRequest,
    responses(
        (status = 200, description = "The new key, with its secret", body = CreatedApiKey),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 409, description = "An active key already has this name", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<CreateKeyRequest>,
) -> Result<Json<CreatedApiKey>, ApiError> {
    let created = keys::create(&state, &caller, input::new_key(request)).await?;
    Ok(Json(created.into()))
}

/// Replaces a key of the caller's project with a new one (same name,
/// permissions and lifetime); the old key keeps working for `graceSeconds`.
/// The response is the new key with its secret, shown this once.
#[utoipa::path(
    post,
    path = "/api/auth/api-key/roll",
    tag = "API keys",
    request_body = RollKeyRequest,
    responses(
        (status = 200, description = "The new key, with its secret", body = CreatedApiKey),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No working, not yet rolled key with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing or invalid `keyId` or `graceSeconds`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn roll(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<RollKeyRequest>,
) -> Result<Json<CreatedApiKey>, ApiError> {
    let key_id = input::key_id(request.key_id.as_deref())?;
    let grace = input::grace(request.grace_seconds)?;
    let created = keys::roll(&state, &caller, key_id, grace).await.map_err(|e| match e {
        // The contract answers 404 for any key that cannot be rolled.
        AppError::NotFound(_) | AppError::Conflict(_) => ApiError::NotFound(
            "No working key with that id in this project (it may be revoked, expired or already rolled).".into(),
        ),
        other => other.into(),
    })?;
    Ok(Json(created.into()))
}

/// The project's active keys, newest first: all of them, or a page when
/// `limit` is given (the next page's cursor comes in `x-next-cursor`).
#[utoipa::path(
    get,
    path = "/api/auth/api-key/list",
    tag = "API keys",
    params(ListQuery),
    responses(
        (status = 200, description = "Keys, newest first, without secrets",
            body = Vec<ApiKeyObject>,
            headers(("x-next-cursor" = String, description = "Cursor of the next page, when there is one"))),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project", body = ErrorBody),
        (status = 404, description = "`cursor` is not a key of this project", body = ErrorBody),
        (status = 422, description = "Invalid `limit`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    source: RequestSource,
    key: ApiCaller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Response, ApiError> {
    let caller = key.acting_from(source);
    let limit = input::limit(query.limit.as_deref())?;
    let listing = KeyListing { after: query.cursor, limit, ..KeyListing::default() };
    let page = keys::list(&state, &caller, listing).await?;
    let body: Vec<ApiKeyObject> = page.keys.into_iter().map(ApiKeyObject::from).collect();
    let mut response = Json(body).into_response();
    if let Some(cursor) = page.next_cursor.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(NEXT_CURSOR, cursor);
    }
    Ok(response)
}

/// Revokes a key of the caller's project: it stops working at once.
#[utoipa::path(
    post,
    path = "/api/auth/api-key/delete",
    tag = "API keys",
    request_body = DeleteKeyRequest,
    responses(
        (status = 200, description = "Revoked", body = Success),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No active key with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing or invalid `keyId`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn delete(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<DeleteKeyRequest>,
) -> Result<Json<Success>, ApiError> {
    let key_id = input::key_id(request.key_id.as_deref())?;
    keys::revoke(&state, &caller, key_id).await?;
    Ok(Json(Success { success: true }))
}

/// Which project and key this request acts as: the first thing to check
/// when requests return another project's data.
#[utoipa::path(
    get,
    path = "/api/auth/api-key/whoami",
    tag = "Troubleshooting",
    params(WhoamiQuery),
    responses(
        (status = 200, description = "The key's project and the key", body = Whoami),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn whoami(ApiCaller(key): ApiCaller) -> Result<Json<Whoami>, ApiError> {
    Ok(Json(Whoami {
        project: WhoamiProject {
            id: key.project_id.clone(),
            name: key.project_name.clone(),
            slug: key.project_slug.clone(),
        },
        key: WhoamiKey { id: key.id.clone(), name: key.name.clone(), prefix: key.prefix.clone() },
    }))
}

/// Any other path under `/api/auth/`.
pub async fn unknown() -> ApiError {
    ApiError::NotFound("No such endpoint.".into())
}
