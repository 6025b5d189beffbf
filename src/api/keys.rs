//! A project's API keys: list, create (the one response with the secret),
//! revoke. Owners and developers may change keys; viewers may only look.

use crate::domain::{CreatedKey, KeyCheck, KeyDetail, KeyPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::api::audit::AUDIT_ROLE,
    crate::auth::issue::{self, issue, KeySpec, MAX_LIFETIME},
    crate::auth::usage::day_text,
    crate::domain::{
        validate_name, ApiKey, FieldError, KeyStatus, KeyVerdict, Membership, Role, EXPIRY_WARNING_SECONDS, READ_KEYS,
        USAGE_DAYS,
    },
    crate::state::AppState,
    crate::store::{Actor, AuditQuery, KeyQuery, StoreError},
    time::{Date, Duration, OffsetDateTime, Time},
};

/// Keys per page: enough to scan, small enough to render at once.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

#[server(prefix = "/api/dashboard", endpoint = "list_keys")]
pub async fn list_keys(
    slug: String,
    search: Option<String>,
    show_revoked: Option<bool>,
    cursor: Option<String>,
) -> Result<KeyPage, AppError> {
    let state = ctx::state()?;
    let (_, project) = ctx::member(&state, &slug, Role::Viewer).await?;
    let query = KeyQuery {
        search: search.map(|s| s.trim().to_string()).filter(|s| !s.is_empty() && s.len() <= 100),
        include_revoked: show_revoked.unwrap_or(false),
        after: cursor.filter(|c| !c.is_empty()),
        limit: PAGE_SIZE + 1,
    };
    let now = OffsetDateTime::now_utc();
    let mut keys = state.store.list_keys(&project.project_id, &query, now).await?;
    let next_cursor = if keys.len() > PAGE_SIZE as usize {
        keys.truncate(PAGE_SIZE as usize);
        keys.last().map(|k| k.id.clone())
    } else {
        None
    };
    with_usage(&state, &mut keys, now).await?;
    Ok(KeyPage { keys, next_cursor })
}

/// One key with its usage chart and, for owners and developers, its audit
/// events.
#[server(prefix = "/api/dashboard", endpoint = "get_key")]
pub async fn get_key(slug: String, key_id: String) -> Result<KeyDetail, AppError> {
    let state = ctx::state()?;
    let (_, project) = ctx::member(&state, &slug, Role::Viewer).await?;
    let now = OffsetDateTime::now_utc();
    let mut key = state.store.key(&project.project_id, &key_id, now).await?;
    with_usage(&state, std::slice::from_mut(&mut key), now).await?;
    let events = if project.role.allows(AUDIT_ROLE) {
        let query = AuditQuery { target_id: Some(key.id.clone()), limit: 50, ..AuditQuery::default() };
        state.store.audit_events(&project.project_id, &query).await?
    } else {
        Vec::new()
    };
    Ok(KeyDetail { key, events })
}

#[server(prefix = "/api/dashboard", endpoint = "rename_key")]
pub async fn rename_key(slug: String, key_id: String, name: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Developer).await?;
    let name = validate_name("name", &name)?;
    let by = ctx::actor(&state, &user)?;
    state.store.rename_key(&project.project_id, &key_id, &name, &by).await.map_err(|e| match e {
        StoreError::Conflict(_) => AppError::from(FieldError::new(
            "name",
            format!("An active key is already named “{name}”. Choose another name."),
        )),
        other => other.into(),
    })?;
    // Cached keys carry their name (whoami answers with it).
    state.keys.forget(&key_id);
    leptos_axum::redirect(&format!("/projects/{}/api-keys/{key_id}", project.slug));
    Ok(())
}

/// "Test a key": whether a pasted key works, and which project it belongs to
/// when that is one of the caller's. The key is neither logged nor stored,
/// and every answer but "valid" counts against the address's limit of failed
/// key checks, so this is no oracle for guessing.
#[server(prefix = "/api/dashboard", endpoint = "test_key")]
pub async fn test_key(slug: String, key: String) -> Result<KeyCheck, AppError> {
    let state = ctx::state()?;
    let (user, _) = ctx::member(&state, &slug, Role::Developer).await?;
    test(&state, &user.id, ctx::client_ip(&state)?, &key).await
}

/// The rules of testing a key, shared with the plain-form handler.
#[cfg(feature = "ssr")]
pub(crate) async fn test(
    state: &AppState,
    user_id: &str,
    ip: std::net::IpAddr,
    key: &str,
) -> Result<KeyCheck, AppError> {
    let ip = crate::auth::rate_limit::bucket(ip);
    state.key_failures.check(&ip, std::time::Instant::now()).map_err(AppError::RateLimited)?;
    let check = check_key(state, user_id, key.trim()).await?;
    if check.verdict != KeyVerdict::Valid {
        state.key_failures.fail(&ip, std::time::Instant::now());
    }
    Ok(check)
}

#[cfg(feature = "ssr")]
async fn check_key(state: &AppState, user_id: &str, secret: &str) -> Result<KeyCheck, AppError> {
    let unknown = |verdict| KeyCheck { verdict, key_id: None, key_name: None, project_name: None, project_slug: None };
    if !crate::auth::keys::is_well_formed(secret) {
        return Ok(unknown(KeyVerdict::Malformed));
    }
    let Some(record) = state.store.key_by_hash(&crate::auth::keys::hash(secret)).await? else {
        return Ok(unknown(KeyVerdict::NotVisible));
    };
    let mine = state.store.memberships(user_id).await?.iter().any(|m| m.project_id == record.project_id);
    if !mine {
        return Ok(unknown(KeyVerdict::NotVisible));
    }
    let now = OffsetDateTime::now_utc();
    let key = state.store.key(&record.project_id, &record.id, now).await?;
    let verdict = match key.status {
        KeyStatus::Revoked => KeyVerdict::Revoked,
        KeyStatus::Expired => KeyVerdict::Expired,
        KeyStatus::Active if key.replaced_by.is_some() => KeyVerdict::Replaced,
        KeyStatus::Active => KeyVerdict::Valid,
    };
    Ok(KeyCheck {
        verdict,
        key_id: Some(record.id),
        key_name: Some(record.name),
        project_name: Some(record.project_name),
        project_slug: Some(record.project_slug),
    })
}

/// How many of the project's working keys expire within a week, for the
/// badge beside "API Keys".
#[server(prefix = "/api/dashboard", endpoint = "expiring_keys")]
pub async fn expiring_keys(slug: String) -> Result<i64, AppError> {
    let state = ctx::state()?;
    let (_, project) = ctx::member(&state, &slug, Role::Viewer).await?;
    let now = OffsetDateTime::now_utc();
    let soon = now + Duration::seconds(EXPIRY_WARNING_SECONDS);
    Ok(state.store.count_expiring_keys(&project.project_id, now, soon).await?)
}

/// Fills each key's requests per day over the last `USAGE_DAYS` days.
#[cfg(feature = "ssr")]
pub(crate) async fn with_usage(state: &AppState, keys: &mut [ApiKey], now: OffsetDateTime) -> Result<(), AppError> {
    let first = now.date() - Duration::days(USAGE_DAYS as i64 - 1);
    let ids: Vec<String> = keys.iter().map(|k| k.id.clone()).collect();
    let rows = state.store.key_usage(&ids, &day_text(first)).await?;
    for key in keys.iter_mut() {
        key.daily_requests = vec![0; USAGE_DAYS];
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    for (key_id, day, requests) in rows {
        let Ok(day) = Date::parse(&day, &format) else { continue };
        let index = (day - first).whole_days();
        if let (Some(key), Ok(index)) = (keys.iter_mut().find(|k| k.id == key_id), usize::try_from(index)) {
            if let Some(slot) = key.daily_requests.get_mut(index) {
                *slot = requests;
            }
        }
    }
    Ok(())
}

/// Creates a key and returns it with its secret: the only time it is shown.
#[server(prefix = "/api/dashboard", endpoint = "create_key")]
pub async fn create_key(
    slug: String,
    name: String,
    expires: String,
    expires_on: Option<String>,
    access: Option<String>,
) -> Result<CreatedKey, AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Developer).await?;
    let new = NewKeyForm { name, expires, expires_on, access };
    create(&state, &ctx::actor(&state, &user)?, &project, &new).await
}

/// Revokes a key: it stops working at once.
#[server(prefix = "/api/dashboard", endpoint = "revoke_key")]
pub async fn revoke_key(slug: String, key_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Developer).await?;
    let by = ctx::actor(&state, &user)?;
    let key = state.store.revoke_key(&project.project_id, &key_id, &by, OffsetDateTime::now_utc()).await?;
    state.keys.forget(&key.id);
    tracing::info!(key = %key.id, project = %project.project_id, user = %user.id, "API key revoked");
    // Without JavaScript the form came from the confirm page: back to the list.
    leptos_axum::redirect(&format!("/projects/{}/api-keys", project.slug));
    Ok(())
}

/// The create form's fields, as the server function and the plain form post
/// both receive them.
#[cfg(feature = "ssr")]
#[derive(serde::Deserialize)]
pub(crate) struct NewKeyForm {
    pub name: String,
    #[serde(default)]
    pub expires: String,
    pub expires_on: Option<String>,
    /// `full` (the default) or `read`.
    pub access: Option<String>,
}

/// Replaces a key with a new one (shown once); the old one keeps working for
/// `grace`: `now`, `1h`, `24h` or `7d`.
#[server(prefix = "/api/dashboard", endpoint = "roll_key")]
pub async fn roll_key(slug: String, key_id: String, grace: String) -> Result<CreatedKey, AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Developer).await?;
    roll(&state, &ctx::actor(&state, &user)?, &project, &key_id, &grace).await
}

/// The rules of rolling a key, shared with the plain-form handler.
#[cfg(feature = "ssr")]
pub(crate) async fn roll(
    state: &AppState,
    by: &Actor,
    project: &Membership,
    key_id: &str,
    grace: &str,
) -> Result<CreatedKey, AppError> {
    let grace = match grace {
        "now" => Duration::ZERO,
        "1h" => Duration::hours(1),
        "24h" => Duration::hours(24),
        "7d" => Duration::days(7),
        _ => return Err(FieldError::new("grace", "Choose when the old key stops working.").into()),
    };
    let now = OffsetDateTime::now_utc();
    let rolled = issue::roll(&*state.store, &project.project_id, key_id, grace, by, now).await;
    let created = match rolled {
        Ok(created) => created,
        // Say why when the key is ours but past rolling; otherwise not found.
        Err(StoreError::NotFound) => {
            state.store.key(&project.project_id, key_id, now).await?;
            return Err(AppError::Conflict(
                "This key cannot be rolled: it is revoked, expired or already replaced.".into(),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    // Its expiry changed: the cached copy must go.
    state.keys.forget(key_id);
    tracing::info!(key = %key_id, new_key = %created.key.id, project = %project.project_id, user = %by.id, "API key rolled");
    Ok(created)
}

/// The rules of creating a key, shared with the plain-form handler.
#[cfg(feature = "ssr")]
pub(crate) async fn create(
    state: &AppState,
    by: &Actor,
    project: &Membership,
    form: &NewKeyForm,
) -> Result<CreatedKey, AppError> {
    let name = validate_name("name", &form.name)?;
    let now = OffsetDateTime::now_utc();
    let expires_at = expiry(&form.expires, form.expires_on.as_deref(), now)?;
    let permissions = match form.access.as_deref() {
        None | Some("") | Some("full") => Vec::new(),
        Some("read") => vec![READ_KEYS.to_string()],
        Some(_) => return Err(FieldError::new("access", "Choose full access or read-only.").into()),
    };
    let spec = KeySpec { project_id: &project.project_id, name: name.clone(), permissions, created_by: by, expires_at };
    let created = issue(&*state.store, spec, now).await.map_err(|e| match e {
        StoreError::Conflict(_) => AppError::from(FieldError::new(
            "name",
            format!("An active key is already named “{name}”. Choose another name."),
        )),
        other => other.into(),
    })?;
    tracing::info!(key = %created.key.id, project = %project.project_id, user = %by.id, "API key created");
    Ok(created)
}

/// `never`, `30`, `90`, `365` (days) or `date` with `expires_on` as YYYY-MM-DD
/// (the key stops at the start of that day, UTC).
#[cfg(feature = "ssr")]
fn expiry(choice: &str, on: Option<&str>, now: OffsetDateTime) -> Result<Option<OffsetDateTime>, AppError> {
    let days = |n| Ok(Some(now + Duration::days(n)));
    match choice {
        "never" | "" => Ok(None),
        "30" => days(30),
        "90" => days(90),
        "365" => days(365),
        "date" => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let date = on
                .and_then(|d| Date::parse(d.trim(), &format).ok())
                .ok_or_else(|| FieldError::new("expires_on", "Enter a date like 2027-01-31."))?;
            let at = date.with_time(Time::MIDNIGHT).assume_utc();
            if at <= now {
                return Err(FieldError::new("expires_on", "Choose a date in the future.").into());
            }
            if at > now + MAX_LIFETIME {
                return Err(FieldError::new("expires_on", "Choose a date within five years.").into());
            }
            Ok(Some(at))
        }
        _ => Err(FieldError::new("expires", "Choose when the key expires.").into()),
    }
}
