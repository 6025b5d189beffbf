//! A project's users (the people of its app), for the dashboard's Users
//! page. Each server function resolves the member and calls
//! `services::end_user_admin`, which holds the rules: everyone looks,
//! owners and developers act.

use crate::domain::{EndUserDetail, EndUserPage};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx, crate::domain::dates::start_of_day, crate::domain::FieldError, crate::services::end_user_admin,
    crate::services::end_users::Profile,
};

#[server(prefix = "/api/dashboard", endpoint = "list_end_users")]
pub async fn list_end_users(
    slug: String,
    search: Option<String>,
    after: Option<String>,
) -> Result<EndUserPage, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    end_user_admin::listing(&state, &caller, search.as_deref(), after.as_deref()).await
}

#[server(prefix = "/api/dashboard", endpoint = "get_end_user")]
pub async fn get_end_user(slug: String, user_id: String) -> Result<EndUserDetail, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    end_user_admin::detail(&state, &caller, &user_id).await
}

/// "Add user": with a password they can sign in at once; without, they
/// cannot sign in with one until it is set.
#[server(prefix = "/api/dashboard", endpoint = "create_end_user")]
pub async fn create_end_user(
    slug: String,
    name: String,
    email: String,
    password: Option<String>,
    email_verified: Option<String>,
) -> Result<String, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let password = password.filter(|p| !p.is_empty());
    let profile = Profile { name: &name, email: &email, image: None };
    let verified = email_verified.is_some_and(|v| !v.is_empty());
    let user = end_user_admin::create(&state, &caller, profile, password.as_deref(), verified).await?;
    leptos_axum::redirect(&format!("/projects/{}/users/{}", caller.project_slug, user.id));
    Ok(user.id)
}

/// Bans the user (their sessions end at once), until the start of
/// `until` (YYYY-MM-DD, UTC) when given.
#[server(prefix = "/api/dashboard", endpoint = "ban_end_user")]
pub async fn ban_end_user(
    slug: String,
    user_id: String,
    reason: Option<String>,
    until: Option<String>,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let until = match until.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(text) => {
            Some(start_of_day(text).ok_or_else(|| FieldError::new("ban_expires", "Enter the date as YYYY-MM-DD."))?)
        }
        None => None,
    };
    end_user_admin::ban(&state, &caller, &user_id, reason.as_deref(), until).await?;
    back_to_user(&caller.project_slug, &user_id);
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "unban_end_user")]
pub async fn unban_end_user(slug: String, user_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    end_user_admin::unban(&state, &caller, &user_id).await?;
    back_to_user(&caller.project_slug, &user_id);
    Ok(())
}

/// Deletes the user with their sessions; back to the list.
#[server(prefix = "/api/dashboard", endpoint = "delete_end_user")]
pub async fn delete_end_user(slug: String, user_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    end_user_admin::delete(&state, &caller, &user_id).await?;
    leptos_axum::redirect(&format!("/projects/{}/users", caller.project_slug));
    Ok(())
}

/// Ends one session of the user (`session_id` is its listed handle).
#[server(prefix = "/api/dashboard", endpoint = "revoke_end_user_session")]
pub async fn revoke_end_user_session(slug: String, user_id: String, session_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    end_user_admin::end_session_of(&state, &caller, &user_id, &session_id).await?;
    back_to_user(&caller.project_slug, &user_id);
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "revoke_end_user_sessions")]
pub async fn revoke_end_user_sessions(slug: String, user_id: String) -> Result<u64, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let ended = end_user_admin::end_sessions(&state, &caller, &user_id).await?;
    back_to_user(&caller.project_slug, &user_id);
    Ok(ended)
}

/// Without JavaScript the form came from the user's page: back to it.
#[cfg(feature = "ssr")]
fn back_to_user(slug: &str, user_id: &str) {
    leptos_axum::redirect(&format!("/projects/{slug}/users/{}", crate::domain::percent_encode(user_id.trim())));
}
