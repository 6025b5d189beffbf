//! Projects: list, create, open, rename, change slug, delete. The rules are
//! in `services::projects`.

use crate::domain::{Membership, ProjectSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::ctx, crate::services::projects};

/// Every project the caller belongs to, with their role and its key count.
#[server(prefix = "/api/dashboard", endpoint = "list_projects")]
pub async fn list_projects() -> Result<Vec<ProjectSummary>, AppError> {
    let state = ctx::state()?;
    let user = ctx::user(&state).await?;
    Ok(state.store.projects().summaries(&user.id).await?)
}

/// Creates a project owned by the caller. Without a slug, one is derived
/// from the name.
#[server(prefix = "/api/dashboard", endpoint = "create_project")]
pub async fn create_project(name: String, slug: Option<String>) -> Result<Membership, AppError> {
    let state = ctx::state()?;
    let user = ctx::user(&state).await?;
    let membership = projects::create(&state, &user, &name, slug.as_deref()).await?;
    leptos_axum::redirect(&format!("/projects/{}/api-keys", membership.slug));
    Ok(membership)
}

/// The project at `slug` as the caller sees it; remembered as their last one.
#[server(prefix = "/api/dashboard", endpoint = "open_project")]
pub async fn open_project(slug: String) -> Result<Membership, AppError> {
    let state = ctx::state()?;
    let user = ctx::user(&state).await?;
    let membership = state
        .store
        .project_members()
        .find(&user.id, &slug)
        .await?
        .ok_or(AppError::NotFound(crate::domain::Resource::Project))?;
    state.store.accounts().set_last_project(&user.id, &membership.project_id).await?;
    Ok(membership)
}

#[server(prefix = "/api/dashboard", endpoint = "rename_project")]
pub async fn rename_project(slug: String, name: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    projects::rename(&state, &caller, &name).await?;
    ctx::back_with("saved");
    Ok(())
}

/// Moves the project to a new URL; the old one answers 404 afterwards.
#[server(prefix = "/api/dashboard", endpoint = "change_slug")]
pub async fn change_slug(slug: String, new_slug: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let slug = projects::change_slug(&state, &caller, &new_slug).await?;
    leptos_axum::redirect(&format!("/projects/{slug}/settings"));
    Ok(())
}

/// Deletes the project and all its keys; `confirm` must be its name.
#[server(prefix = "/api/dashboard", endpoint = "delete_project")]
pub async fn delete_project(slug: String, confirm: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    projects::delete(&state, &caller, &confirm).await?;
    leptos_axum::redirect("/projects");
    Ok(())
}
