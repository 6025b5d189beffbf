//! A project's API keys, for the dashboard. Each server function resolves
//! the member and calls `services::keys`, which holds the rules; what is
//! left here is the dashboard's own wire: form choices and field names.

use crate::domain::{CreatedKey, KeyCheck, KeyDetail, KeyPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::dates::start_of_day,
    crate::domain::{FieldError, READ_KEYS},
    crate::services::keys::{self, KeyListing, NewKeyRequest},
    time::{Duration, OffsetDateTime},
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
    let (_, caller) = ctx::member(&state, &slug).await?;
    let listing = KeyListing {
        search,
        include_revoked: show_revoked.unwrap_or(false),
        after: cursor.filter(|c| !c.is_empty()),
        limit: Some(PAGE_SIZE),
    };
    let mut page = keys::list(&state, &caller, listing).await?;
    keys::add_usage(&state, &mut page.keys, OffsetDateTime::now_utc()).await?;
    Ok(page)
}

/// One key with its usage chart and, for owners and developers, its audit
/// events.
#[server(prefix = "/api/dashboard", endpoint = "get_key")]
pub async fn get_key(slug: String, key_id: String) -> Result<KeyDetail, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    keys::detail(&state, &caller, &key_id).await
}

#[server(prefix = "/api/dashboard", endpoint = "rename_key")]
pub async fn rename_key(slug: String, key_id: String, name: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    keys::rename(&state, &caller, &key_id, &name).await.map_err(|e| e.conflict_as_field("name"))?;
    leptos_axum::redirect(&format!("/projects/{}/api-keys/{key_id}", caller.project_slug));
    Ok(())
}

/// "Test a key" (see `services::keys::test`).
#[server(prefix = "/api/dashboard", endpoint = "test_key")]
pub async fn test_key(slug: String, key: String) -> Result<KeyCheck, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    keys::test(&state, &caller, ctx::client_ip(&state)?, &key).await
}

/// How many of the project's working keys expire within a week, for the
/// badge beside "API Keys".
#[server(prefix = "/api/dashboard", endpoint = "expiring_keys")]
pub async fn expiring_keys(slug: String) -> Result<i64, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    keys::expiring_count(&state, &caller).await
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
    let (_, caller) = ctx::member(&state, &slug).await?;
    let form = NewKeyForm { name, expires, expires_on, access };
    let created = keys::create(&state, &caller, form.request()?).await.map_err(NewKeyForm::field_errors)?;
    Ok(CreatedKey { auth_url: ctx::public_base(&state), ..created })
}

/// Revokes a key: it stops working at once.
#[server(prefix = "/api/dashboard", endpoint = "revoke_key")]
pub async fn revoke_key(slug: String, key_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    keys::revoke(&state, &caller, &key_id).await?;
    // Without JavaScript the form came from the confirm page: back to the list.
    leptos_axum::redirect(&format!("/projects/{}/api-keys", caller.project_slug));
    Ok(())
}

/// Replaces a key with a new one (shown once); the old one keeps working for
/// `grace`: `now`, `1h`, `24h` or `7d`.
#[server(prefix = "/api/dashboard", endpoint = "roll_key")]
pub async fn roll_key(slug: String, key_id: String, grace: String) -> Result<CreatedKey, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let rolled = keys::roll(&state, &caller, &key_id, grace_choice(&grace)?).await?;
    Ok(CreatedKey { auth_url: ctx::public_base(&state), ..rolled })
}

/// The grace choices of the roll dialog.
#[cfg(feature = "ssr")]
pub(crate) fn grace_choice(choice: &str) -> Result<Duration, AppError> {
    match choice {
        "now" => Ok(Duration::ZERO),
        "1h" => Ok(Duration::hours(1)),
        "24h" => Ok(Duration::hours(24)),
        "7d" => Ok(Duration::days(7)),
        _ => Err(FieldError::new("grace", "Choose when the old key stops working.").into()),
    }
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

#[cfg(feature = "ssr")]
impl NewKeyForm {
    /// The form's choices as the service's request.
    pub(crate) fn request(&self) -> Result<NewKeyRequest, AppError> {
        let permissions = match self.access.as_deref() {
            None | Some("") | Some("full") => Vec::new(),
            Some("read") => vec![READ_KEYS.to_string()],
            Some(_) => return Err(FieldError::new("access", "Choose full access or read-only.").into()),
        };
        let expires_at = expiry(&self.expires, self.expires_on.as_deref(), OffsetDateTime::now_utc());
        Ok(NewKeyRequest { name: Some(self.name.clone()), permissions, expires_at })
    }

    /// The service's problems under this form's fields.
    pub(crate) fn field_errors(error: AppError) -> AppError {
        match error.conflict_as_field("name") {
            AppError::Invalid(problems) => {
                AppError::Invalid(problems.into_iter().map(|p| p.renamed("expires_at", "expires_on")).collect())
            }
            other => other,
        }
    }
}

/// `never`, `30`, `90`, `365` (days) or `date` with `expires_on` as YYYY-MM-DD
/// (the key stops at the start of that day, UTC). The service checks the
/// result against the lifetime rules.
#[cfg(feature = "ssr")]
fn expiry(choice: &str, on: Option<&str>, now: OffsetDateTime) -> Result<Option<OffsetDateTime>, FieldError> {
    let days = |n| Ok(Some(now + Duration::days(n)));
    match choice {
        "never" | "" => Ok(None),
        "30" => days(30),
        "90" => days(90),
        "365" => days(365),
        "date" => {
            let at = on
                .and_then(start_of_day)
                .ok_or_else(|| FieldError::new("expires_on", "Enter the date as YYYY-MM-DD."))?;
            Ok(Some(at))
        }
        _ => Err(FieldError::new("expires", "Choose when the key expires.")),
    }
}
