//! Projects: list, create, open, rename, change slug, delete.

use crate::domain::{Membership, ProjectSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::auth::{accounts::slugify, ids},
    crate::domain::{validate_name, validate_slug, FieldError, Role},
    crate::store::{KeyChange, NewProject, StoreError},
};

/// Every project the caller belongs to, with their role and its key count.
#[server(prefix = "/api/dashboard", endpoint = "list_projects")]
pub async fn list_projects() -> Result<Vec<ProjectSummary>, AppError> {
    let state = ctx::state()?;
    let user = ctx::caller(&state).await?;
    Ok(state.store.project_summaries(&user.id).await?)
}

/// Creates a project owned by the caller. Without a slug, one is derived
/// from the name.
#[server(prefix = "/api/dashboard", endpoint = "create_project")]
pub async fn create_project(name: String, slug: Option<String>) -> Result<Membership, AppError> {
    let state = ctx::state()?;
    let user = ctx::caller(&state).await?;
    let name = validate_name("name", &name)?;
    let slug = match slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => validate_slug(slug)?,
        None => {
            validate_slug(&slugify(&name)).map_err(|_| FieldError::new("slug", "Choose a URL name for the project."))?
        }
    };
    let project = NewProject {
        id: ids::project_id(),
        name,
        slug,
        owner_id: user.id.clone(),
        created_at: time::OffsetDateTime::now_utc(),
    };
    let membership = state.store.insert_project(&project).await.map_err(slug_taken)?;
    state.store.set_last_project(&user.id, &membership.project_id).await?;
    leptos_axum::redirect(&format!("/projects/{}/api-keys", membership.slug));
    Ok(membership)
}

/// The project at `slug` as the caller sees it; remembered as their last one.
#[server(prefix = "/api/dashboard", endpoint = "open_project")]
pub async fn open_project(slug: String) -> Result<Membership, AppError> {
    let state = ctx::state()?;
    let (user, membership) = ctx::member(&state, &slug, Role::Viewer).await?;
    state.store.set_last_project(&user.id, &membership.project_id).await?;
    Ok(membership)
}

#[server(prefix = "/api/dashboard", endpoint = "rename_project")]
pub async fn rename_project(slug: String, name: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Owner).await?;
    let name = validate_name("name", &name)?;
    state.store.rename_project(&project.project_id, &name, &ctx::actor(&state, &user)?).await?;
    // Cached keys carry the project's name.
    state.keys.apply(&KeyChange::All);
    Ok(())
}

/// Moves the project to a new URL; the old one answers 404 afterwards.
#[server(prefix = "/api/dashboard", endpoint = "change_slug")]
pub async fn change_slug(slug: String, new_slug: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Owner).await?;
    let new_slug = validate_slug(&new_slug)?;
    if new_slug != project.slug {
        let by = ctx::actor(&state, &user)?;
        state.store.change_slug(&project.project_id, &new_slug, &by).await.map_err(slug_taken)?;
        state.keys.apply(&KeyChange::All);
    }
    leptos_axum::redirect(&format!("/projects/{new_slug}/settings"));
    Ok(())
}

/// Deletes the project and revokes all its keys; `confirm` must be its name.
#[server(prefix = "/api/dashboard", endpoint = "delete_project")]
pub async fn delete_project(slug: String, confirm: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Owner).await?;
    if confirm.trim() != project.name {
        return Err(FieldError::new("confirm", "Type the project's name exactly to confirm.").into());
    }
    state.store.delete_project(&project.project_id, &ctx::actor(&state, &user)?).await?;
    // Its keys are gone: none may be served from the cache.
    state.keys.apply(&KeyChange::All);
    tracing::info!(project = %project.project_id, user = %user.id, "project deleted");
    leptos_axum::redirect("/projects");
    Ok(())
}

#[cfg(feature = "ssr")]
fn slug_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => FieldError::new("slug", "This URL name is taken. Choose another.").into(),
        other => other.into(),
    }
}
