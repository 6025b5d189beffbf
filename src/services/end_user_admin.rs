//! Managing a project's end users on behalf of a `Caller` (the admin SDK's
//! `userManagement` with a key, and the dashboard's Users page): list and
//! look for anyone with access; create, ban, unban, delete and end sessions
//! only with a key that may change things, or as an owner or developer.
//! Another project's user or session is `NotFound`, like one that does not
//! exist.

use super::end_users::{self, check_password, Profile, IMAGE_MAX};
use super::{Access, Caller};
use crate::auth::password;
use crate::domain::validate_name;
use crate::domain::{FieldError, Role};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{EndUser, EndUserBan, EndUserChanges, EndUserSession};
use time::OffsetDateTime;

/// The roles an app may give its users.
const ROLES: [&str; 2] = ["user", "admin"];
/// Largest metadata object kept, as JSON text.
const METADATA_MAX: usize = 16 * 1024;

/// What the admin API may change of a user; `None` keeps the value.
#[derive(Default)]
pub struct Changes<'a> {
    pub name: Option<&'a str>,
    /// `Some(None)` removes the image.
    pub image: Option<Option<&'a str>>,
    pub email_verified: Option<bool>,
    pub role: Option<&'a str>,
    pub metadata: Option<&'a serde_json::Value>,
    /// A new password ends every session of the user.
    pub password: Option<&'a str>,
}

/// Longest ban reason kept.
const REASON_MAX: usize = 500;
/// Most users in one page.
pub const PAGE_MAX: u32 = 200;

fn may_change(caller: &Caller) -> Result<(), AppError> {
    match caller.access {
        Access::ApiKey { read_only: true } => {
            Err(AppError::Forbidden("This key is read-only: it may list and get users, not change them.".into()))
        }
        Access::ApiKey { read_only: false } => Ok(()),
        Access::Member(_) => caller.require_role(Role::Developer),
    }
}

/// A page of the project's users, newest first, and how many match.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    search: Option<&str>,
    limit: u32,
    offset: u32,
) -> Result<(Vec<EndUser>, i64), AppError> {
    let search = search.map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > 254) {
        return Err(FieldError::new("email", "Use at most 254 characters.").into());
    }
    Ok(state.store.list_end_users(&caller.project_id, search, limit.clamp(1, PAGE_MAX), offset).await?)
}

pub async fn get(state: &AppState, caller: &Caller, user_id: &str) -> Result<EndUser, AppError> {
    state.store.end_user(&caller.project_id, user_id.trim()).await?.ok_or(AppError::NotFound)
}

/// A new user; without a password they cannot sign in with one.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    profile: Profile<'_>,
    password: Option<&str>,
    email_verified: bool,
) -> Result<EndUser, AppError> {
    may_change(caller)?;
    let user = end_users::create(state, &caller.project_id, &profile, password, email_verified).await?;
    tracing::info!(user = %user.id, project = %caller.project_id, by = %caller.actor.id, "end user created");
    Ok(user)
}

/// Applies `changes` after checking every one of them: nothing is changed
/// when any is refused.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
    changes: Changes<'_>,
) -> Result<EndUser, AppError> {
    may_change(caller)?;
    let mut errors = Vec::new();
    let name = changes.name.map(|n| validate_name("name", n)).transpose().map_err(|e| errors.push(e)).ok().flatten();
    let image = changes.image.map(|i| i.map(str::trim).filter(|i| !i.is_empty()).map(str::to_string));
    if image.as_ref().and_then(|i| i.as_deref()).is_some_and(|i| i.chars().count() > IMAGE_MAX) {
        errors.push(FieldError::new("image", format!("Use at most {IMAGE_MAX} characters.")));
    }
    if let Some(role) = changes.role.filter(|r| !ROLES.contains(r)) {
        errors.push(FieldError::new("role", format!("Use user or admin, not {role:?}.")));
    }
    let metadata = match changes.metadata {
        Some(value) if !value.is_object() => {
            errors.push(FieldError::new("metadata", "Use a JSON object."));
            None
        }
        Some(value) if value.to_string().len() > METADATA_MAX => {
            errors.push(FieldError::new("metadata", format!("Keep it under {} KiB.", METADATA_MAX / 1024)));
            None
        }
        other => other.map(|v| v.to_string()),
    };
    if let Some(password) = changes.password {
        let _ = check_password(password).map_err(|e| errors.push(e));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let user = get(state, caller, user_id).await?;
    if let Some(new_password) = changes.password {
        set_password_checked(state, &user, new_password).await?;
    }
    let record = EndUserChanges {
        name,
        image,
        email_verified: changes.email_verified,
        role: changes.role.map(str::to_string),
        metadata,
    };
    let updated = state.store.change_end_user(&caller.project_id, &user.id, &record, OffsetDateTime::now_utc()).await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(updated?)
}

/// Sets a new password for the user; every session of theirs ends.
pub async fn set_password(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
    new_password: &str,
) -> Result<(), AppError> {
    may_change(caller)?;
    check_password(new_password).map_err(|e| e.renamed("password", "newPassword"))?;
    let user = get(state, caller, user_id).await?;
    set_password_checked(state, &user, new_password).await
}

async fn set_password_checked(state: &AppState, user: &EndUser, new_password: &str) -> Result<(), AppError> {
    let slot = state.password_slot()?;
    let hash = password::hash(new_password.to_string()).await.map_err(|error| {
        tracing::error!(%error, "hashing a new password");
        AppError::Internal
    })?;
    drop(slot);
    let set =
        state.store.set_end_user_password(&user.project_id, &user.id, &hash, true, OffsetDateTime::now_utc()).await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(set?)
}

pub async fn delete(state: &AppState, caller: &Caller, user_id: &str) -> Result<(), AppError> {
    may_change(caller)?;
    let deleted = state.store.delete_end_user(&caller.project_id, user_id.trim()).await;
    state.end_user_sessions.forget_user(user_id.trim());
    deleted?;
    tracing::info!(user = %user_id, project = %caller.project_id, by = %caller.actor.id, "end user deleted");
    Ok(())
}

/// Bans the user (their sessions end at once), until `expires` if given.
pub async fn ban(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
    reason: Option<&str>,
    expires: Option<OffsetDateTime>,
) -> Result<EndUser, AppError> {
    may_change(caller)?;
    let now = OffsetDateTime::now_utc();
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > REASON_MAX) {
        return Err(FieldError::new("ban_reason", format!("Use at most {REASON_MAX} characters.")).into());
    }
    if expires.is_some_and(|at| at <= now) {
        return Err(FieldError::new("ban_expires", "Choose an end in the future.").into());
    }
    let ban = EndUserBan { banned: true, reason: reason.map(str::to_string), expires, at: now };
    let banned = state.store.set_end_user_ban(&caller.project_id, user_id.trim(), &ban).await;
    // Signed out here at once, whatever the database answered.
    state.end_user_sessions.forget_user(user_id.trim());
    Ok(banned?)
}

pub async fn unban(state: &AppState, caller: &Caller, user_id: &str) -> Result<EndUser, AppError> {
    may_change(caller)?;
    let ban = EndUserBan { banned: false, reason: None, expires: None, at: OffsetDateTime::now_utc() };
    let unbanned = state.store.set_end_user_ban(&caller.project_id, user_id.trim(), &ban).await;
    state.end_user_sessions.forget_user(user_id.trim());
    Ok(unbanned?)
}

/// The user's live sessions (never their secrets: the store has none).
pub async fn sessions(state: &AppState, caller: &Caller, user_id: &str) -> Result<Vec<EndUserSession>, AppError> {
    let user = get(state, caller, user_id).await?;
    Ok(state.store.end_user_sessions(&caller.project_id, &user.id, OffsetDateTime::now_utc()).await?)
}

pub async fn end_session(state: &AppState, caller: &Caller, session_id: &str) -> Result<(), AppError> {
    may_change(caller)?;
    let ended = state.store.end_project_session(&caller.project_id, session_id.trim()).await;
    state.end_user_sessions.forget_session_id(session_id.trim());
    Ok(ended?)
}

pub async fn end_sessions(state: &AppState, caller: &Caller, user_id: &str) -> Result<u64, AppError> {
    may_change(caller)?;
    let user = get(state, caller, user_id).await?;
    let ended = state.store.end_end_user_sessions(&caller.project_id, &user.id, None).await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(ended?)
}
