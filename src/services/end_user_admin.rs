//! Managing a project's end users on behalf of a `Caller` (the admin SDK's
//! `userManagement` with a key, and the dashboard's Users page): list and
//! look for anyone with access; create, ban, unban, delete and end sessions
//! only with a key that may change things, or as an owner or developer.
//! Another project's user or session is `NotFound`, like one that does not
//! exist.

use super::end_users::{self, Profile};
use super::Caller;
use crate::auth::usage::{day_index, day_text};
use crate::domain::dates::iso_millis;
use crate::domain::organization_views::UserOrgRow;
use crate::domain::{check_end_user_password, check_image, validate_name, Resource};
use crate::domain::{
    describe_device, EndUserDetail, EndUserPage, EndUserSessionView, EndUserStatus, EndUserSummary, ACTIVITY_DAYS,
};
use crate::domain::{FieldError, Permission};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{EndUser, EndUserBan, EndUserChanges, EndUserCursor, EndUserSession, OrgPage};
use time::{Duration, OffsetDateTime};

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

/// A page of the project's users, newest first, and how many match.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    search: Option<&str>,
    limit: u32,
    offset: u32,
) -> Result<(Vec<EndUser>, i64), AppError> {
    let search = checked_search(search)?;
    Ok(state.store.end_users().list(&caller.project_id, search, limit.clamp(1, PAGE_MAX), offset).await?)
}

/// The dashboard's page: newest first, after `after`, one more than
/// `limit` to tell whether another page follows.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    search: Option<&str>,
    after: Option<&EndUserCursor>,
    limit: u32,
) -> Result<(Vec<EndUser>, Option<EndUserCursor>), AppError> {
    let search = checked_search(search)?;
    let limit = limit.clamp(1, PAGE_MAX);
    let mut users = state.store.end_users().page(&caller.project_id, search, after, limit + 1).await?;
    let next = match users.len() > limit as usize {
        true => {
            users.truncate(limit as usize);
            users.last().map(|u| EndUserCursor { created_at: u.created_at, id: u.id.clone() })
        }
        false => None,
    };
    Ok((users, next))
}

fn checked_search(search: Option<&str>) -> Result<Option<&str>, AppError> {
    let search = search.map(str::trim).filter(|s| !s.is_empty());
    if search.is_some_and(|s| s.chars().count() > 254) {
        return Err(FieldError::new("email", "Use at most 254 characters.").into());
    }
    Ok(search)
}

pub async fn get(state: &AppState, caller: &Caller, user_id: &str) -> Result<EndUser, AppError> {
    state.store.end_users().get(&caller.project_id, user_id.trim()).await?.ok_or(AppError::NotFound(Resource::User))
}

/// A new user; without a password they cannot sign in with one.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    profile: Profile<'_>,
    password: Option<&str>,
    email_verified: bool,
) -> Result<EndUser, AppError> {
    caller.require(Permission::UserManage)?;
    let settings = state.store.projects().auth_settings(&caller.project_id).await?;
    let user = end_users::create(
        state,
        (&caller.project_id, &settings),
        &profile,
        password,
        email_verified,
        &caller.actor,
        None,
    )
    .await?;
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
    caller.require(Permission::UserManage)?;
    let mut errors = Vec::new();
    let name = changes.name.map(|n| validate_name("name", n)).transpose().map_err(|e| errors.push(e)).ok().flatten();
    let image = changes.image.map(check_image).transpose().map_err(|e| errors.push(e)).ok().flatten();
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
        let settings = state.store.projects().auth_settings(&caller.project_id).await?;
        let _ = check_end_user_password(password, &settings).map_err(|e| errors.push(e));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let user = get(state, caller, user_id).await?;
    if let Some(new_password) = changes.password {
        set_password_checked(state, caller, &user, new_password).await?;
    }
    let record = EndUserChanges {
        name,
        image,
        email_verified: changes.email_verified,
        role: changes.role.map(str::to_string),
        metadata,
    };
    // A password alone is recorded as such, not also as an empty update.
    if record.fields().is_empty() {
        return get(state, caller, &user.id).await;
    }
    let updated = state
        .store
        .end_users()
        .change(&caller.project_id, &user.id, &record, OffsetDateTime::now_utc(), &caller.actor)
        .await;
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
    caller.require(Permission::UserManage)?;
    let settings = state.store.projects().auth_settings(&caller.project_id).await?;
    check_end_user_password(new_password, &settings).map_err(|e| e.renamed("password", "new_password"))?;
    let user = get(state, caller, user_id).await?;
    set_password_checked(state, caller, &user, new_password).await
}

async fn set_password_checked(
    state: &AppState,
    caller: &Caller,
    user: &EndUser,
    new_password: &str,
) -> Result<(), AppError> {
    let hash = state.hash_new_password(new_password).await?;
    let now = OffsetDateTime::now_utc();
    let set = state.store.end_users().set_password(&user.project_id, &user.id, &hash, None, now, &caller.actor).await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(set?)
}

pub async fn delete(state: &AppState, caller: &Caller, user_id: &str) -> Result<(), AppError> {
    caller.require(Permission::UserManage)?;
    let deleted = state
        .store
        .end_users()
        .delete(&caller.project_id, user_id.trim(), &caller.actor, OffsetDateTime::now_utc())
        .await;
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
    caller.require(Permission::UserManage)?;
    let now = OffsetDateTime::now_utc();
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > REASON_MAX) {
        return Err(FieldError::new("ban_reason", format!("Use at most {REASON_MAX} characters.")).into());
    }
    if expires.is_some_and(|at| at <= now) {
        return Err(FieldError::new("ban_expires", "Choose an end in the future.").into());
    }
    let ban = EndUserBan { banned: true, reason: reason.map(str::to_string), expires, at: now };
    let banned = state.store.end_users().set_ban(&caller.project_id, user_id.trim(), &ban, &caller.actor).await;
    // Signed out here at once, whatever the database answered.
    state.end_user_sessions.forget_user(user_id.trim());
    Ok(banned?)
}

pub async fn unban(state: &AppState, caller: &Caller, user_id: &str) -> Result<EndUser, AppError> {
    caller.require(Permission::UserManage)?;
    let ban = EndUserBan { banned: false, reason: None, expires: None, at: OffsetDateTime::now_utc() };
    let unbanned = state.store.end_users().set_ban(&caller.project_id, user_id.trim(), &ban, &caller.actor).await;
    state.end_user_sessions.forget_user(user_id.trim());
    Ok(unbanned?)
}

/// The user's live sessions (never their secrets: the store has none).
pub async fn sessions(state: &AppState, caller: &Caller, user_id: &str) -> Result<Vec<EndUserSession>, AppError> {
    let user = get(state, caller, user_id).await?;
    Ok(state.store.end_user_sessions().of_user(&caller.project_id, &user.id, OffsetDateTime::now_utc()).await?)
}

pub async fn end_session(state: &AppState, caller: &Caller, session_id: &str) -> Result<(), AppError> {
    caller.require(Permission::UserManage)?;
    let ended = state
        .store
        .end_user_sessions()
        .end_by_id(&caller.project_id, session_id.trim(), &caller.actor, OffsetDateTime::now_utc())
        .await;
    state.end_user_sessions.forget_session_id(session_id.trim());
    Ok(ended?)
}

/// Ends one session of this user (the dashboard names both): another
/// user's session is `NotFound`.
pub async fn end_session_of(
    state: &AppState,
    caller: &Caller,
    user_id: &str,
    session_id: &str,
) -> Result<(), AppError> {
    caller.require(Permission::UserManage)?;
    let (user_id, session_id) = (user_id.trim(), session_id.trim());
    let ended = state
        .store
        .end_user_sessions()
        .end_of_user(&caller.project_id, user_id, session_id, &caller.actor, OffsetDateTime::now_utc())
        .await;
    state.end_user_sessions.forget_user(user_id);
    Ok(ended?)
}

pub async fn end_sessions(state: &AppState, caller: &Caller, user_id: &str) -> Result<u64, AppError> {
    caller.require(Permission::UserManage)?;
    let user = get(state, caller, user_id).await?;
    let ended = state
        .store
        .end_user_sessions()
        .end_all_of_user(&caller.project_id, &user.id, None, &caller.actor, OffsetDateTime::now_utc())
        .await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(ended?)
}

/// Users per page of the dashboard's list.
pub const DASHBOARD_PAGE: u32 = 50;

/// The Users page: a page of users (newest first, after the cursor the
/// previous page gave), the 30-day chart, and whether the caller may act.
pub async fn listing(
    state: &AppState,
    caller: &Caller,
    search: Option<&str>,
    after: Option<&str>,
) -> Result<EndUserPage, AppError> {
    let after = match after.map(str::trim).filter(|a| !a.is_empty()) {
        Some(text) => Some(parse_cursor(text).ok_or_else(|| FieldError::new("after", "This page link is not valid."))?),
        None => None,
    };
    let (users, next) = page(state, caller, search, after.as_ref(), DASHBOARD_PAGE).await?;
    let now = OffsetDateTime::now_utc();
    let (sign_ins, sign_ups) = activity(state, caller, now).await?;
    Ok(EndUserPage {
        users: users.iter().map(|u| summary(u, now)).collect(),
        next_cursor: next.map(|c| format!("{}.{}", c.created_at.unix_timestamp_nanos(), c.id)),
        sign_ins,
        sign_ups,
        can_change: caller.holds(Permission::UserManage),
    })
}

/// A user's page: who they are and their live sessions.
pub async fn detail(state: &AppState, caller: &Caller, user_id: &str) -> Result<EndUserDetail, AppError> {
    let user = get(state, caller, user_id).await?;
    let now = OffsetDateTime::now_utc();
    let sessions = state.store.end_user_sessions().of_user(&caller.project_id, &user.id, now).await?;
    let memberships = state.store.organization_members().of_user(&caller.project_id, &user.id).await?;
    let page = OrgPage { member: Some(user.id.clone()), limit: 100, ..OrgPage::default() };
    let organizations = state.store.organizations().page(&caller.project_id, &page).await?;
    let organizations = organizations
        .into_iter()
        .map(|o| UserOrgRow {
            role: memberships
                .iter()
                .find(|m| m.organization_id == o.organization.id)
                .map(|m| m.role.clone())
                .unwrap_or_default(),
            organization_id: o.organization.id,
            organization_name: o.organization.name,
        })
        .collect();
    Ok(EndUserDetail {
        organizations,
        user: summary(&user, now),
        sessions: sessions
            .iter()
            .map(|s| EndUserSessionView {
                id: s.id.clone(),
                device: s.user_agent.as_deref().map(describe_device).unwrap_or_else(|| "Unknown device".into()),
                ip: s.ip.clone(),
                last_active: iso_millis(s.updated_at),
                created_at: iso_millis(s.created_at),
                expires_at: iso_millis(s.expires_at),
            })
            .collect(),
        can_change: caller.holds(Permission::UserManage),
    })
}

/// `<created, in nanoseconds>.<id>`, as `listing` hands it out.
fn parse_cursor(text: &str) -> Option<EndUserCursor> {
    let (nanos, id) = text.split_once('.')?;
    let created_at = OffsetDateTime::from_unix_timestamp_nanos(nanos.parse().ok()?).ok()?;
    let valid_id = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid_id.then(|| EndUserCursor { created_at, id: id.to_string() })
}

fn summary(user: &EndUser, now: OffsetDateTime) -> EndUserSummary {
    let status = match (user.is_banned(now), user.email_verified) {
        (true, _) => EndUserStatus::Banned { until: user.ban_expires.map(iso_millis), reason: user.ban_reason.clone() },
        (false, false) => EndUserStatus::Unverified,
        (false, true) => EndUserStatus::Active,
    };
    EndUserSummary {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role.clone(),
        email_verified: user.email_verified,
        created_at: iso_millis(user.created_at),
        last_sign_in_at: user.last_sign_in_at.map(iso_millis),
        status,
    }
}

/// Sign-ins and sign-ups per day over the last `ACTIVITY_DAYS`, oldest first.
async fn activity(state: &AppState, caller: &Caller, now: OffsetDateTime) -> Result<(Vec<i64>, Vec<i64>), AppError> {
    let first = now.date() - Duration::days(ACTIVITY_DAYS as i64 - 1);
    let days = state.store.end_users().activity(&caller.project_id, &day_text(first)).await?;
    let (mut sign_ins, mut sign_ups) = (vec![0; ACTIVITY_DAYS], vec![0; ACTIVITY_DAYS]);
    for day in days {
        if let Some(index) = day_index(first, &day.day).filter(|i| *i < ACTIVITY_DAYS) {
            sign_ins[index] = day.sign_ins;
            sign_ups[index] = day.sign_ups;
        }
    }
    Ok((sign_ins, sign_ups))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_000).unwrap();
        let text = format!("{}.{}", at.unix_timestamp_nanos(), "usr_abc");
        assert_eq!(parse_cursor(&text), Some(EndUserCursor { created_at: at, id: "usr_abc".into() }));
        for bad in ["", "123", "abc.usr_1", "1.", "1.usr 1", "1.usr';--", &format!("1.{}", "x".repeat(65))] {
            assert_eq!(parse_cursor(bad), None, "{bad}");
        }
    }
}
