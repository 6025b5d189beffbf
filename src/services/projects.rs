//! Projects: create, rename, move to a new URL name, delete. Owners change
//! a project; a change forgets only that project's cached keys (they carry
//! its name and slug), never another tenant's.

use super::Caller;
use crate::auth::{accounts::slugify, ids};
use crate::domain::{validate_name, validate_slug, FieldError, Membership, Permission, User};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{NewProject, StoreError};
use time::OffsetDateTime;

/// Creates a project owned by `user`; without a slug, one is derived from
/// the name. It becomes their last opened project.
pub async fn create(state: &AppState, user: &User, name: &str, slug: Option<&str>) -> Result<Membership, AppError> {
    let name = validate_name("name", name)?;
    let slug = match slug.map(str::trim).filter(|s| !s.is_empty()) {
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
        created_at: OffsetDateTime::now_utc(),
    };
    let membership = state.store.projects().insert(&project).await.map_err(slug_taken)?;
    state.store.accounts().set_last_project(&user.id, &membership.project_id).await?;
    Ok(membership)
}

pub async fn rename(state: &AppState, caller: &Caller, name: &str) -> Result<(), AppError> {
    caller.require(Permission::ProjectUpdate)?;
    let name = validate_name("name", name)?;
    let renamed =
        state.store.projects().rename(&caller.project_id, &name, &caller.actor, OffsetDateTime::now_utc()).await;
    state.keys.forget_project(&caller.project_id);
    Ok(renamed?)
}

/// Moves the project to a new URL; the old one answers 404 afterwards.
/// Returns the slug in force.
pub async fn change_slug(state: &AppState, caller: &Caller, new_slug: &str) -> Result<String, AppError> {
    caller.require(Permission::ProjectUpdate)?;
    let new_slug = validate_slug(new_slug)?;
    if new_slug != caller.project_slug {
        let changed = state
            .store
            .projects()
            .change_slug(&caller.project_id, &new_slug, &caller.actor, OffsetDateTime::now_utc())
            .await;
        state.keys.forget_project(&caller.project_id);
        changed.map_err(slug_taken)?;
    }
    Ok(new_slug)
}

/// Deletes the project with its members, invitations and keys (which stop
/// working at once); `confirm` must be its name.
pub async fn delete(state: &AppState, caller: &Caller, confirm: &str) -> Result<(), AppError> {
    caller.require(Permission::ProjectDelete)?;
    if confirm.trim() != caller.project_name {
        return Err(FieldError::new("confirm", "Type the project's name exactly to confirm.").into());
    }
    let deleted = state.store.projects().delete(&caller.project_id, &caller.actor, OffsetDateTime::now_utc()).await;
    state.keys.forget_project(&caller.project_id);
    state.end_user_sessions.forget_project(&caller.project_id);
    deleted?;
    tracing::info!(project = %caller.project_id, by = %caller.actor.id, "project deleted");
    Ok(())
}

fn slug_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => FieldError::new("slug", "This URL name is taken. Choose another.").into(),
        other => other.into(),
    }
}
