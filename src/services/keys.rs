//! A project's API keys: the rules of creating, rolling, renaming, revoking,
//! listing and testing them, for every caller (members in the dashboard,
//! applications with a key). Each change forgets the key from this
//! instance's cache itself, whatever the store answered, so a revoked key is
//! refused from the next request even when the store failed after its
//! commit; other instances hear of it from the store's change notices.

use super::Caller;
use crate::auth::usage::{day_index, day_text};
use crate::auth::{ids, keys as key_format, rate_limit};
use crate::domain::{
    validate_name, ApiKey, CreatedKey, FieldError, KeyCheck, KeyDetail, KeyPage, KeyStatus, KeyVerdict, Permission,
    Resource, EXPIRY_WARNING_SECONDS, KNOWN_PERMISSIONS, READ_KEYS, USAGE_DAYS,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{AuditQuery, KeyQuery, NewKey, Replacement, Store, StoreError};
use std::net::IpAddr;
use std::time::Instant;
use time::{Duration, OffsetDateTime};

/// The longest a key may live: a key meant to last longer should never expire.
pub const MAX_LIFETIME: Duration = Duration::days(365 * 5);

/// The longest an old key keeps working after it was rolled.
pub const MAX_GRACE: Duration = Duration::days(7);

/// Search text longer than this is ignored rather than sent to the database.
const SEARCH_MAX: usize = 100;

/// A new key as asked for, before the rules.
pub struct NewKeyRequest {
    /// As typed; `None` when the field was not sent at all.
    pub name: Option<String>,
    /// Permission strings; empty is full access.
    pub permissions: Vec<String>,
    /// The expiry as the adapter read it from its wire format. A value it
    /// could not read is its field error, reported together with the rest.
    pub expires_at: Result<Option<OffsetDateTime>, FieldError>,
}

/// Which keys to list.
#[derive(Default)]
pub struct KeyListing {
    pub search: Option<String>,
    pub include_revoked: bool,
    /// The id of the last key of the previous page; must be a key of the project.
    pub after: Option<String>,
    /// Page size; `None` for all of them.
    pub limit: Option<u32>,
}

/// Creates a key; the answer is the only place its secret ever appears.
pub async fn create(state: &AppState, caller: &Caller, request: NewKeyRequest) -> Result<CreatedKey, AppError> {
    caller.require(Permission::ApiKeyCreate)?;
    let now = OffsetDateTime::now_utc();
    let (name, permissions, expires_at) = checked(request, now)?;
    // A bound on what one project (or one leaked key) can make.
    let most = state.config.max_active_keys;
    if state.store.keys().count_active(&caller.project_id, now).await? >= i64::from(most) {
        return Err(AppError::Conflict(format!(
            "This project has {most} active keys, the most it may have. Revoke keys you no longer use first."
        )));
    }
    let spec = KeySpec { project_id: &caller.project_id, name: name.clone(), permissions, expires_at };
    let created = issue(&*state.store, spec, &caller.actor, now).await.map_err(|e| name_taken(e, &name))?;
    tracing::info!(key = %created.key.id, project = %caller.project_id, by = %caller.actor.id, "API key created");
    Ok(created)
}

/// Replaces a working key with a new one (same name, permissions and
/// lifetime), shown once; the old key keeps working for `grace` (zero: it
/// stops at once). A key of the project that is revoked, expired or already
/// rolled is `Conflict`; any other id is `NotFound`.
pub async fn roll(state: &AppState, caller: &Caller, key_id: &str, grace: Duration) -> Result<CreatedKey, AppError> {
    caller.require(Permission::ApiKeyCreate)?;
    caller.require(Permission::ApiKeyDelete)?;
    if !(Duration::ZERO..=MAX_GRACE).contains(&grace) {
        let max = MAX_GRACE.whole_seconds();
        return Err(FieldError::new("grace", format!("Use a whole number of seconds from 0 to {max}.")).into());
    }
    let key_id = plausible(key_id)?;
    let now = OffsetDateTime::now_utc();
    let material = key_format::generate();
    let new = Replacement {
        id: ids::key_id(),
        prefix: material.prefix.clone(),
        last4: material.last4.clone(),
        key_hash: material.hash.clone(),
        created_at: now,
        old_until: now + grace,
    };
    let rolled = state.store.keys().roll(&caller.project_id, key_id, &new, &caller.actor).await;
    // Its expiry may have changed even if the answer was lost.
    state.keys.forget(key_id);
    let (_, key) = match rolled {
        Ok(keys) => keys,
        // Say why when the key is ours but past rolling; otherwise not found.
        Err(StoreError::NotFound(_)) => {
            state.store.keys().get(&caller.project_id, key_id, now).await?;
            return Err(AppError::Conflict(
                "This key cannot be rolled: it is revoked, expired or already replaced.".into(),
            ));
        }
        Err(other) => return Err(other.into()),
    };
    tracing::info!(key = %key_id, new_key = %key.id, project = %caller.project_id, by = %caller.actor.id, "API key rolled");
    Ok(CreatedKey { key, secret: material.secret, auth_url: String::new() })
}

/// Revokes an active key of the project: it stops working at once.
pub async fn revoke(state: &AppState, caller: &Caller, key_id: &str) -> Result<ApiKey, AppError> {
    caller.require(Permission::ApiKeyDelete)?;
    let key_id = plausible(key_id)?;
    let revoked = state.store.keys().revoke(&caller.project_id, key_id, &caller.actor, OffsetDateTime::now_utc()).await;
    // Before anything can fail: a revoke that committed must win over the
    // cache even if its answer was lost.
    state.keys.forget(key_id);
    let key = revoked?;
    tracing::info!(key = %key.id, project = %caller.project_id, by = %caller.actor.id, "API key revoked");
    Ok(key)
}

/// Renames an unrevoked key of the project.
pub async fn rename(state: &AppState, caller: &Caller, key_id: &str, name: &str) -> Result<(), AppError> {
    caller.require(Permission::ApiKeyUpdate)?;
    let name = validate_name("name", name)?;
    let key_id = plausible(key_id)?;
    let renamed =
        state.store.keys().rename(&caller.project_id, key_id, &name, &caller.actor, OffsetDateTime::now_utc()).await;
    // Cached keys carry their name (whoami answers with it).
    state.keys.forget(key_id);
    renamed.map_err(|e| name_taken(e, &name))
}

/// A page of the project's keys, newest first.
pub async fn list(state: &AppState, caller: &Caller, listing: KeyListing) -> Result<KeyPage, AppError> {
    let now = OffsetDateTime::now_utc();
    if let Some(cursor) = &listing.after {
        state.store.keys().get(&caller.project_id, plausible(cursor)?, now).await?;
    }
    let query = KeyQuery {
        search: listing.search.map(|s| s.trim().to_string()).filter(|s| !s.is_empty() && s.len() <= SEARCH_MAX),
        include_revoked: listing.include_revoked,
        after: listing.after,
        // One more than asked tells whether another page follows.
        limit: listing.limit.map_or(u32::MAX, |n| n.saturating_add(1)),
    };
    let mut keys = state.store.keys().list(&caller.project_id, &query, now).await?;
    let next_cursor = match listing.limit {
        Some(n) if keys.len() > n as usize => {
            keys.truncate(n as usize);
            keys.last().map(|k| k.id.clone())
        }
        _ => None,
    };
    Ok(KeyPage { keys, next_cursor })
}

/// One key with its usage chart and, for those who may read the audit log,
/// its events.
pub async fn detail(state: &AppState, caller: &Caller, key_id: &str) -> Result<KeyDetail, AppError> {
    let now = OffsetDateTime::now_utc();
    let mut key = state.store.keys().get(&caller.project_id, plausible(key_id)?, now).await?;
    add_usage(state, std::slice::from_mut(&mut key), now).await?;
    let events = if caller.holds(Permission::AuditRead) {
        let query = AuditQuery { target_id: Some(key.id.clone()), limit: 50, ..AuditQuery::default() };
        state.store.audit().events(&caller.project_id, &query).await?
    } else {
        Vec::new()
    };
    Ok(KeyDetail { key, events })
}

/// How many of the project's working keys expire within a week.
pub async fn expiring_count(state: &AppState, caller: &Caller) -> Result<i64, AppError> {
    let now = OffsetDateTime::now_utc();
    let soon = now + Duration::seconds(EXPIRY_WARNING_SECONDS);
    Ok(state.store.keys().count_expiring(&caller.project_id, now, soon).await?)
}

/// Fills each key's requests per day over the last `USAGE_DAYS` days.
pub async fn add_usage(state: &AppState, keys: &mut [ApiKey], now: OffsetDateTime) -> Result<(), AppError> {
    let first = now.date() - Duration::days(USAGE_DAYS as i64 - 1);
    let ids: Vec<String> = keys.iter().map(|k| k.id.clone()).collect();
    let rows = state.store.keys().usage(&ids, &day_text(first)).await?;
    for key in keys.iter_mut() {
        key.daily_requests = vec![0; USAGE_DAYS];
    }
    for (key_id, day, requests) in rows {
        if let (Some(key), Some(index)) = (keys.iter_mut().find(|k| k.id == key_id), day_index(first, &day)) {
            if let Some(slot) = key.daily_requests.get_mut(index) {
                *slot = requests;
            }
        }
    }
    Ok(())
}

/// "Test a key": whether a pasted key works, and which project it belongs
/// to when that is one of the member's. The key is neither logged nor
/// stored, and every answer but "valid" counts against the address's limit
/// of failed key checks, so this is no oracle for guessing.
pub async fn test(state: &AppState, caller: &Caller, ip: IpAddr, secret: &str) -> Result<KeyCheck, AppError> {
    // Those who may make keys may ask about one.
    caller.require(Permission::ApiKeyCreate)?;
    let ip = rate_limit::bucket(ip);
    state.key_failures.check(&ip, Instant::now()).map_err(AppError::RateLimited)?;
    let check = check(state, &caller.actor.id, secret.trim()).await?;
    if check.verdict != KeyVerdict::Valid {
        state.key_failures.fail(&ip, Instant::now());
    }
    Ok(check)
}

async fn check(state: &AppState, user_id: &str, secret: &str) -> Result<KeyCheck, AppError> {
    let unknown = |verdict| KeyCheck { verdict, key_id: None, key_name: None, project_name: None, project_slug: None };
    if !key_format::is_well_formed(secret) {
        return Ok(unknown(KeyVerdict::Malformed));
    }
    let Some(record) = state.store.keys().by_hash(&key_format::hash(secret)).await? else {
        return Ok(unknown(KeyVerdict::NotVisible));
    };
    let mine =
        state.store.project_members().of_account(user_id).await?.iter().any(|m| m.project_id == record.project_id);
    if !mine {
        return Ok(unknown(KeyVerdict::NotVisible));
    }
    let key = state.store.keys().get(&record.project_id, &record.id, OffsetDateTime::now_utc()).await?;
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

/// What a new key is, its rules already checked.
pub struct KeySpec<'a> {
    pub project_id: &'a str,
    pub name: String,
    pub permissions: Vec<String>,
    pub expires_at: Option<OffsetDateTime>,
}

/// Makes a key: the one place a secret is born. Only its hash is stored; the
/// secret goes back once, inside `CreatedKey`. `Conflict("name")` when an
/// active key of the project has the name. (Public for the CLI and tests,
/// which make keys without a caller.)
pub async fn issue(
    store: &dyn Store,
    spec: KeySpec<'_>,
    by: &crate::actor::Actor,
    now: OffsetDateTime,
) -> Result<CreatedKey, StoreError> {
    let material = key_format::generate();
    let new = NewKey {
        id: ids::key_id(),
        project_id: spec.project_id.to_string(),
        name: spec.name,
        prefix: material.prefix.clone(),
        last4: material.last4.clone(),
        key_hash: material.hash.clone(),
        permissions: serde_json::to_string(&spec.permissions).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_by: by.id.clone(),
        created_at: now,
        expires_at: spec.expires_at,
    };
    let key = store.keys().insert(&new, by).await?;
    Ok(CreatedKey { key, secret: material.secret, auth_url: String::new() })
}

/// Every rule of a new key at once, so a form or a request learns all its
/// problems in one answer.
fn checked(
    request: NewKeyRequest,
    now: OffsetDateTime,
) -> Result<(String, Vec<String>, Option<OffsetDateTime>), AppError> {
    let mut problems = Vec::new();
    let name = match request.name.as_deref().map(|raw| validate_name("name", raw)) {
        None => {
            problems.push(FieldError::coded("name", "required", "Give the key a name."));
            None
        }
        Some(checked) => checked.map_err(|e| problems.push(e)).ok(),
    };
    let mut permissions = Vec::new();
    for (i, permission) in request.permissions.into_iter().enumerate() {
        if !KNOWN_PERMISSIONS.contains(&permission.as_str()) {
            problems.push(FieldError::coded(
                &format!("permissions[{i}]"),
                "unknown_permission",
                format!("Unknown permission {permission:?}: use [\"{READ_KEYS}\"] for a read-only key, or [] for full access."),
            ));
        } else if !permissions.contains(&permission) {
            permissions.push(permission);
        }
    }
    let expires_at = match request.expires_at {
        Ok(Some(at)) if at <= now => Err(FieldError::new("expires_at", "Choose an expiry in the future.")),
        Ok(Some(at)) if at > now + MAX_LIFETIME => {
            Err(FieldError::new("expires_at", "Choose an expiry within five years."))
        }
        other => other,
    };
    let expires_at = expires_at.map_err(|e| problems.push(e)).ok().flatten();
    match name {
        Some(name) if problems.is_empty() => Ok((name, permissions, expires_at)),
        _ => Err(AppError::Invalid(problems)),
    }
}

/// An id that cannot be one of ours is unknown, without a query.
fn plausible(key_id: &str) -> Result<&str, AppError> {
    let id = key_id.trim();
    let plausible = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plausible {
        Ok(id)
    } else {
        Err(AppError::NotFound(Resource::Key))
    }
}

fn name_taken(error: StoreError, name: &str) -> AppError {
    match error {
        StoreError::Conflict(_) => {
            AppError::Conflict(format!("An active key is already named “{name}”. Choose another name."))
        }
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(name: Option<&str>, expires_at: Result<Option<OffsetDateTime>, FieldError>) -> NewKeyRequest {
        NewKeyRequest { name: name.map(str::to_owned), permissions: Vec::new(), expires_at }
    }

    fn fields(result: Result<(String, Vec<String>, Option<OffsetDateTime>), AppError>) -> Vec<String> {
        match result {
            Err(AppError::Invalid(problems)) => {
                problems.into_iter().map(|p| format!("{}:{}", p.field, p.code)).collect()
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_permissions_and_expiry() {
        let now = OffsetDateTime::now_utc();
        let (name, _, _) = checked(request(Some(" ci "), Ok(None)), now).unwrap();
        assert_eq!(name, "ci");
        assert_eq!(fields(checked(request(None, Ok(None)), now)), ["name:required"]);
        let unreadable = Err(FieldError::new("expires_at", "Use a date."));
        assert_eq!(fields(checked(request(Some(""), unreadable), now)), ["name:invalid", "expires_at:invalid"]);
        assert_eq!(fields(checked(request(Some(&"x".repeat(101)), Ok(None)), now)), ["name:invalid"]);
        let past = Ok(Some(now - Duration::seconds(1)));
        assert_eq!(fields(checked(request(Some("ci"), past), now)), ["expires_at:invalid"]);
        let too_far = Ok(Some(now + MAX_LIFETIME + Duration::seconds(1)));
        assert_eq!(fields(checked(request(Some("ci"), too_far), now)), ["expires_at:invalid"]);
        let next_year = now + Duration::days(365);
        assert_eq!(checked(request(Some("ci"), Ok(Some(next_year))), now).unwrap().2, Some(next_year));
        let mut unknown = request(Some("ci"), Ok(None));
        unknown.permissions = vec![READ_KEYS.into(), "keys:everything".into(), READ_KEYS.into()];
        assert_eq!(fields(checked(unknown, now)), ["permissions[1]:unknown_permission"]);
    }

    #[test]
    fn implausible_ids_are_unknown() {
        assert!(plausible("key_abc123").is_ok());
        assert_eq!(plausible(""), Err(AppError::NotFound(Resource::Key)));
        assert_eq!(plausible("key;drop"), Err(AppError::NotFound(Resource::Key)));
        assert_eq!(plausible(&"k".repeat(65)), Err(AppError::NotFound(Resource::Key)));
    }
}
