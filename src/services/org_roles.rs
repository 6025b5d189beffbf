//! A project's organization roles and its own permissions: `super_admin`
//! (every permission, fixed), the editable `admin` and `member`, and the
//! project's own. Renames follow into members, invitations and roles (the
//! store rewrites them in the same transaction).

use super::org_access::{self, OrgCaller};
use crate::auth::ids;
use crate::domain::organizations::{
    check_description, check_org_name, check_permission_slug, check_role_slug, is_built_in_permission, OrgRefusal,
    BUILT_IN_PERMISSIONS, SUPER_ADMIN,
};
use crate::domain::{FieldError, Resource};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{OrgPermission, OrgRole, RoleFields, StoreError};
use time::OffsetDateTime;

/// The id `super_admin` is listed under (it is not stored).
pub const SUPER_ADMIN_ID: &str = "role_super_admin";
const BUILT_IN_PREFIX: &str = "perm_builtin_";

/// A role as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: Vec<String>,
    pub is_default: bool,
    pub created_at: OffsetDateTime,
}

/// A permission as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionView {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub is_built_in: bool,
    pub created_at: OffsetDateTime,
}

/// What a create or update names; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct RoleInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<Option<String>>,
    pub permissions: Option<Vec<String>>,
}

/// Every role of the project, `super_admin` first; needs `role.read`.
pub async fn roles(state: &AppState, caller: &OrgCaller) -> Result<Vec<RoleView>, AppError> {
    org_access::require_in_project(state, caller, "role.read").await?;
    let stored = state.store.organization_roles().roles(caller.project_id()).await?;
    let all = org_access::all_permissions(state, caller.project_id()).await?;
    let since = stored.iter().map(|r| r.created_at).min().unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut views = vec![RoleView {
        id: SUPER_ADMIN_ID.into(),
        slug: SUPER_ADMIN.into(),
        name: "Super admin".into(),
        description: Some("Holds every permission, always.".into()),
        permissions: all,
        is_default: false,
        created_at: since,
    }];
    views.extend(stored.into_iter().map(role_view));
    Ok(views)
}

/// Every permission of the project, built-in first; needs `permission.read`.
pub async fn permissions(state: &AppState, caller: &OrgCaller) -> Result<Vec<PermissionView>, AppError> {
    org_access::require_in_project(state, caller, "permission.read").await?;
    let project_id = caller.project_id();
    let roles = state.store.organization_roles().roles(project_id).await?;
    let since = roles.iter().map(|r| r.created_at).min().unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let mut views: Vec<PermissionView> = BUILT_IN_PERMISSIONS
        .iter()
        .map(|slug| PermissionView {
            id: format!("{BUILT_IN_PREFIX}{}", slug.replace('.', "_")),
            slug: slug.to_string(),
            name: slug.to_string(),
            description: None,
            is_built_in: true,
            created_at: since,
        })
        .collect();
    let own = state.store.organization_roles().permissions(project_id).await?;
    views.extend(own.into_iter().map(permission_view));
    Ok(views)
}

pub async fn create_role(state: &AppState, caller: &OrgCaller, input: RoleInput) -> Result<RoleView, AppError> {
    org_access::require_in_project(state, caller, "role.create").await?;
    let name = input.name.as_deref().ok_or_else(|| FieldError::coded("name", "required", "Enter a name."))?;
    let slug = input.slug.as_deref().ok_or_else(|| FieldError::coded("slug", "required", "Enter a slug."))?;
    let fields = RoleFields {
        name: check_org_name(name)?,
        slug: role_slug(slug)?,
        description: check_description(input.description.flatten().as_deref())?,
        permissions: known_permissions(state, caller, input.permissions.unwrap_or_default()).await?,
    };
    let at = OffsetDateTime::now_utc();
    let made = state
        .store
        .organization_roles()
        .create_role(caller.project_id(), &ids::role_id(), &fields, caller.actor(), at)
        .await
        .map_err(|e| taken(e, OrgRefusal::RoleSlugTaken))?;
    state.org_roles.forget(caller.project_id());
    Ok(role_view(made))
}

pub async fn update_role(
    state: &AppState,
    caller: &OrgCaller,
    id: &str,
    input: RoleInput,
) -> Result<RoleView, AppError> {
    org_access::require_in_project(state, caller, "role.update").await?;
    let current = stored_role(state, caller, id).await?;
    let fields = RoleFields {
        name: match &input.name {
            Some(name) => check_org_name(name)?,
            None => current.name.clone(),
        },
        slug: match &input.slug {
            Some(slug) => role_slug(slug)?,
            None => current.slug.clone(),
        },
        description: match &input.description {
            Some(description) => check_description(description.as_deref())?,
            None => current.description.clone(),
        },
        permissions: match input.permissions {
            Some(permissions) => known_permissions(state, caller, permissions).await?,
            None => current.permission_list(),
        },
    };
    let at = OffsetDateTime::now_utc();
    let changed = state
        .store
        .organization_roles()
        .update_role(caller.project_id(), &current.id, &fields, caller.actor(), at)
        .await
        .map_err(|e| taken(e, OrgRefusal::RoleSlugTaken))?;
    state.org_roles.forget(caller.project_id());
    // Members' cached roles name the old slug.
    if current.slug != changed.slug {
        state.end_user_sessions.forget_project(caller.project_id());
    }
    Ok(role_view(changed))
}

pub async fn delete_role(state: &AppState, caller: &OrgCaller, id: &str) -> Result<(), AppError> {
    org_access::require_in_project(state, caller, "role.delete").await?;
    let current = stored_role(state, caller, id).await?;
    let at = OffsetDateTime::now_utc();
    state.store.organization_roles().delete_role(caller.project_id(), &current.id, caller.actor(), at).await?;
    state.org_roles.forget(caller.project_id());
    state.end_user_sessions.forget_project(caller.project_id());
    Ok(())
}

pub async fn create_permission(
    state: &AppState,
    caller: &OrgCaller,
    input: RoleInput,
) -> Result<PermissionView, AppError> {
    org_access::require_in_project(state, caller, "permission.create").await?;
    let name = input.name.as_deref().ok_or_else(|| FieldError::coded("name", "required", "Enter a name."))?;
    let slug = input.slug.as_deref().ok_or_else(|| FieldError::coded("slug", "required", "Enter a slug."))?;
    let slug = check_permission_slug("slug", slug)?;
    if is_built_in_permission(&slug) {
        return Err(AppError::Org(OrgRefusal::PermissionSlugTaken));
    }
    let fields = RoleFields {
        name: check_org_name(name)?,
        slug,
        description: check_description(input.description.flatten().as_deref())?,
        permissions: Vec::new(),
    };
    let at = OffsetDateTime::now_utc();
    let made = state
        .store
        .organization_roles()
        .create_permission(caller.project_id(), &ids::permission_id(), &fields, caller.actor(), at)
        .await
        .map_err(|e| taken(e, OrgRefusal::PermissionSlugTaken))?;
    state.org_roles.forget(caller.project_id());
    Ok(permission_view(made))
}

pub async fn update_permission(
    state: &AppState,
    caller: &OrgCaller,
    id: &str,
    input: RoleInput,
) -> Result<PermissionView, AppError> {
    org_access::require_in_project(state, caller, "permission.update").await?;
    let current = stored_permission(state, caller, id).await?;
    let slug = match &input.slug {
        Some(slug) => check_permission_slug("slug", slug)?,
        None => current.slug.clone(),
    };
    if is_built_in_permission(&slug) {
        return Err(AppError::Org(OrgRefusal::PermissionSlugTaken));
    }
    let fields = RoleFields {
        name: match &input.name {
            Some(name) => check_org_name(name)?,
            None => current.name.clone(),
        },
        slug,
        description: match &input.description {
            Some(description) => check_description(description.as_deref())?,
            None => current.description.clone(),
        },
        permissions: Vec::new(),
    };
    let at = OffsetDateTime::now_utc();
    let changed = state
        .store
        .organization_roles()
        .update_permission(caller.project_id(), &current.id, &fields, caller.actor(), at)
        .await
        .map_err(|e| taken(e, OrgRefusal::PermissionSlugTaken))?;
    state.org_roles.forget(caller.project_id());
    Ok(permission_view(changed))
}

pub async fn delete_permission(state: &AppState, caller: &OrgCaller, id: &str) -> Result<(), AppError> {
    org_access::require_in_project(state, caller, "permission.delete").await?;
    let current = stored_permission(state, caller, id).await?;
    let at = OffsetDateTime::now_utc();
    state.store.organization_roles().delete_permission(caller.project_id(), &current.id, caller.actor(), at).await?;
    state.org_roles.forget(caller.project_id());
    Ok(())
}

fn role_slug(raw: &str) -> Result<String, AppError> {
    let slug = check_role_slug("slug", raw)?;
    match slug == SUPER_ADMIN {
        true => Err(AppError::Org(OrgRefusal::ReservedRole)),
        false => Ok(slug),
    }
}

/// The permissions named, sorted, each one the project has.
async fn known_permissions(state: &AppState, caller: &OrgCaller, given: Vec<String>) -> Result<Vec<String>, AppError> {
    let all = org_access::all_permissions(state, caller.project_id()).await?;
    let mut permissions: Vec<String> = given.into_iter().map(|p| p.trim().to_string()).collect();
    permissions.sort();
    permissions.dedup();
    let unknown: Vec<String> = permissions.iter().filter(|p| !org_access::known_permission(&all, p)).cloned().collect();
    match unknown.is_empty() {
        true => Ok(permissions),
        false => Err(AppError::Org(OrgRefusal::UnknownPermissions(unknown))),
    }
}

async fn stored_role(state: &AppState, caller: &OrgCaller, id: &str) -> Result<OrgRole, AppError> {
    let id = id.trim();
    if id == SUPER_ADMIN_ID {
        return Err(AppError::Org(OrgRefusal::SuperAdminFixed));
    }
    let roles = state.store.organization_roles().roles(caller.project_id()).await?;
    roles.into_iter().find(|r| r.id == id).ok_or(AppError::NotFound(Resource::Role))
}

async fn stored_permission(state: &AppState, caller: &OrgCaller, id: &str) -> Result<OrgPermission, AppError> {
    let id = id.trim();
    if id.starts_with(BUILT_IN_PREFIX) {
        return Err(AppError::Org(OrgRefusal::BuiltInPermission));
    }
    let own = state.store.organization_roles().permissions(caller.project_id()).await?;
    own.into_iter().find(|p| p.id == id).ok_or(AppError::NotFound(Resource::Permission))
}

fn taken(error: StoreError, refusal: OrgRefusal) -> AppError {
    match error {
        StoreError::Conflict(_) => AppError::Org(refusal),
        other => other.into(),
    }
}

fn role_view(role: OrgRole) -> RoleView {
    let permissions = role.permission_list();
    RoleView {
        id: role.id,
        slug: role.slug,
        name: role.name,
        description: role.description,
        permissions,
        is_default: role.is_default,
        created_at: role.created_at,
    }
}

fn permission_view(permission: OrgPermission) -> PermissionView {
    PermissionView {
        id: permission.id,
        slug: permission.slug,
        name: permission.name,
        description: permission.description,
        is_built_in: false,
        created_at: permission.created_at,
    }
}
