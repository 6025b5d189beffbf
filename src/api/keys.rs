//! A project's API keys: list, create (the one response with the secret),
//! revoke. Owners and developers may change keys; viewers may only look.

use crate::domain::{CreatedKey, KeyPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::auth::issue::{issue, KeySpec, MAX_LIFETIME},
    crate::domain::{validate_name, FieldError, Membership, Role},
    crate::state::AppState,
    crate::store::{Actor, KeyQuery, StoreError},
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
    let mut keys = state.store.list_keys(&project.project_id, &query, OffsetDateTime::now_utc()).await?;
    let next_cursor = if keys.len() > PAGE_SIZE as usize {
        keys.truncate(PAGE_SIZE as usize);
        keys.last().map(|k| k.id.clone())
    } else {
        None
    };
    Ok(KeyPage { keys, next_cursor })
}

/// Creates a key and returns it with its secret: the only time it is shown.
#[server(prefix = "/api/dashboard", endpoint = "create_key")]
pub async fn create_key(
    slug: String,
    name: String,
    expires: String,
    expires_on: Option<String>,
) -> Result<CreatedKey, AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Developer).await?;
    create(&state, &ctx::actor(&state, &user)?, &project, &name, &expires, expires_on.as_deref()).await
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

/// The rules of creating a key, shared with the plain-form handler.
#[cfg(feature = "ssr")]
pub(crate) async fn create(
    state: &AppState,
    by: &Actor,
    project: &Membership,
    name: &str,
    expires: &str,
    expires_on: Option<&str>,
) -> Result<CreatedKey, AppError> {
    let name = validate_name("name", name)?;
    let now = OffsetDateTime::now_utc();
    let expires_at = expiry(expires, expires_on, now)?;
    let spec = KeySpec {
        project_id: &project.project_id,
        name: name.clone(),
        permissions: Vec::new(),
        created_by: by,
        expires_at,
    };
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
