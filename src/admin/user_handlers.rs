//! The admin SDK's `userManagement`: a project's end users, managed with
//! one of its keys. Each handler reads the contract's fields and calls
//! `services::end_user_admin`, which decides.

use super::error::ApiError;
use super::extract::AdminCall;
use super::key_types::{ErrorBody, Success};
use super::user_types::{
    BanUserRequest, CreateUserRequest, ListUsersRequest, SessionIdRequest, SessionList, SessionObject,
    SetPasswordRequest, SetRoleRequest, Status, UpdateUserRequest, UserEnvelope, UserIdRequest, UserList, UserObject,
};
use crate::error::AppError;
use crate::services::end_user_admin as users;
use crate::services::end_users::Profile;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use time::OffsetDateTime;

/// Users are 100 to a page unless asked.
const DEFAULT_LIMIT: u32 = 100;

fn required<'a>(raw: Option<&'a str>, field: &str, what: &str) -> Result<&'a str, ApiError> {
    match raw.map(str::trim) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(ApiError::field(field, "required", format!("Give the {what}."))),
    }
}

/// The service's field names in the contract's spelling.
fn wire_fields(error: AppError) -> AppError {
    match error {
        AppError::Invalid(problems) => AppError::Invalid(
            problems
                .into_iter()
                .map(|p| p.renamed("ban_reason", "banReason").renamed("ban_expires", "banExpires"))
                .collect(),
        ),
        other => other,
    }
}

#[utoipa::path(
    post, path = "/api/auth/admin/list-users", tag = "Users", request_body = ListUsersRequest,
    responses(
        (status = 200, description = "A page of the project's users, newest first", body = UserList),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_users(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<ListUsersRequest>,
) -> Result<Json<UserList>, ApiError> {
    let limit = request.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=users::PAGE_MAX).contains(&limit) {
        return Err(ApiError::field("limit", "invalid", format!("Use a whole number from 1 to {}.", users::PAGE_MAX)));
    }
    let offset = request.offset.unwrap_or(0);
    let (page, total) = users::list(&state, &caller, request.email.as_deref(), limit, offset).await?;
    let listed: Vec<UserObject> = page.iter().map(UserObject::from).collect();
    Ok(Json(UserList { users: listed.clone(), data: listed, total, limit, offset }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/get-user", tag = "Users", request_body = UserIdRequest,
    responses(
        (status = 200, description = "The user", body = UserObject),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_user(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<UserIdRequest>,
) -> Result<Json<UserObject>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    let user = users::get(&state, &caller, user_id).await?;
    Ok(Json(UserObject::from(&user)))
}

#[utoipa::path(
    post, path = "/api/auth/admin/create-user", tag = "Users", request_body = CreateUserRequest,
    responses(
        (status = 200, description = "The new user", body = UserEnvelope),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields, or the email is taken", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
        (status = 503, description = "Too many password checks waiting", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_user(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<CreateUserRequest>,
) -> Result<Json<UserEnvelope>, ApiError> {
    let email = required(request.email.as_deref(), "email", "user's email")?;
    let name = required(request.name.as_deref(), "name", "user's name")?;
    let profile = Profile { name, email, image: request.image.as_deref() };
    let verified = request.email_verified.unwrap_or(false);
    let user = users::create(&state, &caller, profile, request.password.as_deref(), verified).await?;
    Ok(Json(UserEnvelope { user: UserObject::from(&user) }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/remove-user", tag = "Users", request_body = UserIdRequest,
    responses(
        (status = 200, description = "Deleted, with their sessions", body = Success),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn remove_user(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<UserIdRequest>,
) -> Result<Json<Success>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    users::delete(&state, &caller, user_id).await?;
    Ok(Json(Success { success: true }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/ban-user", tag = "Users", request_body = BanUserRequest,
    responses(
        (status = 200, description = "Banned; their sessions have ended", body = UserEnvelope),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`, or invalid fields", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn ban_user(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<BanUserRequest>,
) -> Result<Json<UserEnvelope>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    let expires = match request.ban_expires {
        Some(ms) => Some(
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                .map_err(|_| ApiError::field("banExpires", "invalid", "Use epoch milliseconds."))?,
        ),
        None => None,
    };
    let user =
        users::ban(&state, &caller, user_id, request.ban_reason.as_deref(), expires).await.map_err(wire_fields)?;
    Ok(Json(UserEnvelope { user: UserObject::from(&user) }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/unban-user", tag = "Users", request_body = UserIdRequest,
    responses(
        (status = 200, description = "No longer banned", body = UserEnvelope),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn unban_user(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<UserIdRequest>,
) -> Result<Json<UserEnvelope>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    let user = users::unban(&state, &caller, user_id).await?;
    Ok(Json(UserEnvelope { user: UserObject::from(&user) }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/list-user-sessions", tag = "Users", request_body = UserIdRequest,
    responses(
        (status = 200, description = "The user's live sessions, never their secrets", body = SessionList),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_user_sessions(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<UserIdRequest>,
) -> Result<Json<SessionList>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    let sessions = users::sessions(&state, &caller, user_id).await?;
    let listed: Vec<SessionObject> = sessions.iter().map(SessionObject::from).collect();
    Ok(Json(SessionList { sessions: listed.clone(), data: listed }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/revoke-user-session", tag = "Users", request_body = SessionIdRequest,
    responses(
        (status = 200, description = "The session has ended", body = Success),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No session with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `sessionId`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_user_session(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<SessionIdRequest>,
) -> Result<Json<Success>, ApiError> {
    let session_id = required(request.session_id.as_deref(), "sessionId", "id of the session")?;
    users::end_session(&state, &caller, session_id).await?;
    Ok(Json(Success { success: true }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/revoke-user-sessions", tag = "Users", request_body = UserIdRequest,
    responses(
        (status = 200, description = "Every session of the user has ended", body = Success),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_user_sessions(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<UserIdRequest>,
) -> Result<Json<Success>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    users::end_sessions(&state, &caller, user_id).await?;
    Ok(Json(Success { success: true }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/update-user", tag = "Users", request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The user, changed", body = UserObject),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`, or invalid fields", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
        (status = 503, description = "Too many password checks waiting", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn update_user(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<UpdateUserRequest>,
) -> Result<Json<UserObject>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    let changes = users::Changes {
        name: request.name.as_deref(),
        image: request.image.as_ref().map(|i| i.as_deref()),
        email_verified: request.email_verified,
        role: request.role.as_deref(),
        metadata: request.metadata.as_ref(),
        password: request.password.as_deref(),
    };
    let user = users::update(&state, &caller, user_id, changes).await?;
    Ok(Json(UserObject::from(&user)))
}

#[utoipa::path(
    post, path = "/api/auth/admin/set-role", tag = "Users", request_body = SetRoleRequest,
    responses(
        (status = 200, description = "The user with the role", body = UserEnvelope),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId` or `role`, or a role other than user or admin", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn set_role(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<SetRoleRequest>,
) -> Result<Json<UserEnvelope>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    let role = required(request.role.as_deref(), "role", "role: user or admin")?;
    let changes = users::Changes { role: Some(role), ..Default::default() };
    let user = users::update(&state, &caller, user_id, changes).await?;
    Ok(Json(UserEnvelope { user: UserObject::from(&user) }))
}

#[utoipa::path(
    post, path = "/api/auth/admin/set-user-password", tag = "Users", request_body = SetPasswordRequest,
    responses(
        (status = 200, description = "Set; every session of the user has ended", body = Status),
        (status = 401, description = "No working key", body = ErrorBody),
        (status = 403, description = "`projectId` names another project, or the key is read-only", body = ErrorBody),
        (status = 404, description = "No user with this id in the key's project", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not sent as JSON", body = ErrorBody),
        (status = 422, description = "Missing `userId`, or a password of the wrong length", body = ErrorBody),
        (status = 429, description = "Too many failed key checks", body = ErrorBody),
        (status = 503, description = "Too many password checks waiting", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn set_user_password(
    State(state): State<AppState>,
    AdminCall { caller, body: request }: AdminCall<SetPasswordRequest>,
) -> Result<Json<Status>, ApiError> {
    let user_id = required(request.user_id.as_deref(), "userId", "id of the user")?;
    let password = request
        .new_password
        .as_deref()
        .ok_or_else(|| ApiError::field("newPassword", "required", "Give the new password."))?;
    users::set_password(&state, &caller, user_id, password).await?;
    Ok(Json(Status { status: true }))
}
