//! Who may do what in a project's organizations, decided in one place.
//!
//! Two kinds of caller reach the organization services: the project itself
//! (the admin API's Bearer key, or a dashboard member), whose own access
//! (`Caller::require`) decides, and a signed-in user of the app, whose
//! roles in the organization decide (`super_admin` holds everything; a user
//! whose own role is `admin` acts in every organization of the project).
//! Both answer the same question: does this caller hold `resource.action`
//! in this organization?

use super::{Access, Caller};
use crate::actor::{Actor, RequestSource};
use crate::auth::role_cache::{CachedRoles, ProjectRoles};
use crate::auth::verified_key::VerifiedKey;
use crate::domain::organizations::{is_built_in_permission, is_read_permission, OrgRefusal, SUPER_ADMIN};
use crate::domain::Permission;
use crate::error::AppError;
use crate::services::end_users::Current;
use crate::state::AppState;
use crate::store::{Organization, UserMembership};
use std::sync::Arc;

/// Who is acting on a project's organizations.
pub enum OrgCaller {
    /// The project's own access: an API key (Bearer) or a dashboard member.
    Project(Caller),
    /// A signed-in user of the project's app, through its key.
    User {
        project_id: String,
        current: Current,
        actor: Actor,
        /// The project requires a verified email before invitations are answered.
        verified_email_required: bool,
        /// The project lets its users create organizations.
        may_create: bool,
    },
}

impl OrgCaller {
    pub fn user(key: &VerifiedKey, current: Current, source: RequestSource) -> OrgCaller {
        let actor = source.end_user(&current.user().id, &current.user().email);
        let (verified_email_required, may_create) = (key.auth.require_email_verification, key.auth.org_creation_open);
        OrgCaller::User { project_id: key.project_id.clone(), current, actor, verified_email_required, may_create }
    }

    pub fn project_id(&self) -> &str {
        match self {
            OrgCaller::Project(caller) => &caller.project_id,
            OrgCaller::User { project_id, .. } => project_id,
        }
    }

    pub fn actor(&self) -> &Actor {
        match self {
            OrgCaller::Project(caller) => &caller.actor,
            OrgCaller::User { actor, .. } => actor,
        }
    }

    /// The signed-in user, for the endpoints that act for one (an API key
    /// is refused there).
    pub fn signed_in(&self) -> Result<&Current, AppError> {
        match self {
            OrgCaller::User { current, .. } => Ok(current),
            OrgCaller::Project(_) => Err(AppError::Org(OrgRefusal::NeedsUser)),
        }
    }

    /// Who may make someone `super_admin` (after the permission the
    /// endpoint needs): the project itself, a user whose own role is
    /// `admin`, or a `super_admin` of the organization.
    pub fn may_grant_super_admin(&self, organization_id: &str) -> bool {
        match self {
            OrgCaller::Project(_) => true,
            OrgCaller::User { .. } => {
                self.is_app_admin()
                    || self.membership(organization_id).is_some_and(|m| m.role.split(',').any(|r| r == SUPER_ADMIN))
            }
        }
    }

    /// The user's place in the organization, if the caller is a member of it.
    pub fn membership(&self, organization_id: &str) -> Option<&UserMembership> {
        match self {
            OrgCaller::User { current, .. } => current.live.membership(organization_id),
            OrgCaller::Project(_) => None,
        }
    }

    /// A user whose own role is `admin`: acts in every organization.
    pub fn is_app_admin(&self) -> bool {
        matches!(self, OrgCaller::User { current, .. } if current.user().role == "admin")
    }
}

/// The project's roles, from memory when they have not changed.
pub async fn project_roles(state: &AppState, project_id: &str) -> Result<Arc<ProjectRoles>, AppError> {
    match state.org_roles.get(project_id) {
        CachedRoles::Hit(roles) => Ok(roles),
        CachedRoles::Miss(ticket) => {
            let stored = state.store.organization_roles().roles(project_id).await?;
            let own = state.store.organization_roles().permissions(project_id).await?;
            let roles = Arc::new(ProjectRoles::new(
                stored.into_iter().map(|r| {
                    let held = r.permission_list();
                    (r.slug, held)
                }),
                own.into_iter().map(|p| p.slug),
            ));
            state.org_roles.remember(project_id, roles.clone(), ticket);
            Ok(roles)
        }
    }
}

/// Every permission of the project: the built-in ones and its own (from
/// the roles cache).
pub async fn all_permissions(state: &AppState, project_id: &str) -> Result<Vec<String>, AppError> {
    Ok(project_roles(state, project_id).await?.all().to_vec())
}

/// Whether the caller holds `permission` in `organization` (or, with none,
/// as the project's own access alone can say).
pub async fn holds(
    state: &AppState,
    caller: &OrgCaller,
    organization_id: Option<&str>,
    permission: &str,
) -> Result<bool, AppError> {
    if let OrgCaller::Project(project) = caller {
        return Ok(project.holds(project_permission(permission)));
    }
    if caller.is_app_admin() {
        return Ok(true);
    }
    let Some(membership) = organization_id.and_then(|id| caller.membership(id)) else {
        return Ok(false);
    };
    let roles = project_roles(state, caller.project_id()).await?;
    Ok(roles.grant(&membership.role, permission))
}

/// What the project's own access needs for an organization permission:
/// looking, or changing.
fn project_permission(permission: &str) -> Permission {
    match is_read_permission(permission) {
        true => Permission::OrganizationsRead,
        false => Permission::OrganizationsManage,
    }
}

/// A dashboard member refused in the dashboard's words (naming the role
/// that would do); a key with the contract's `MissingPermission`.
fn refuse_project(project: &Caller, permission: &str) -> AppError {
    match project.access {
        Access::Member(_) => project.require(project_permission(permission)).err().unwrap_or(AppError::Internal),
        Access::ApiKey { .. } => AppError::Org(OrgRefusal::MissingPermission(permission.to_string())),
    }
}

/// The one check every organization endpoint makes: refused with
/// `NotAMember` when a user is not in the organization, else
/// `MissingPermission` naming what is missing.
pub async fn require(
    state: &AppState,
    caller: &OrgCaller,
    organization: &Organization,
    permission: &str,
) -> Result<(), AppError> {
    if holds(state, caller, Some(&organization.id), permission).await? {
        return Ok(());
    }
    if let OrgCaller::Project(project) = caller {
        return Err(refuse_project(project, permission));
    }
    if !caller.is_app_admin() && caller.membership(&organization.id).is_none() {
        return Err(AppError::Org(OrgRefusal::NotAMember));
    }
    Err(AppError::Org(OrgRefusal::MissingPermission(permission.to_string())))
}

/// A project-level permission (roles and permissions of the project):
/// the project's access, or a user's roles in any of their organizations.
pub async fn require_in_project(state: &AppState, caller: &OrgCaller, permission: &str) -> Result<(), AppError> {
    if holds(state, caller, None, permission).await? {
        return Ok(());
    }
    if let OrgCaller::Project(project) = caller {
        return Err(refuse_project(project, permission));
    }
    if let OrgCaller::User { current, .. } = caller {
        let roles = project_roles(state, caller.project_id()).await?;
        if current.live.memberships.iter().any(|m| roles.grant(&m.role, permission)) {
            return Ok(());
        }
    }
    Err(AppError::Org(OrgRefusal::MissingPermission(permission.to_string())))
}

/// What the caller holds: in the organization for a user; for the project's
/// own access, what its key or role allows (every permission, or the reads).
pub async fn held(
    state: &AppState,
    caller: &OrgCaller,
    organization_id: Option<&str>,
) -> Result<Vec<String>, AppError> {
    let all = all_permissions(state, caller.project_id()).await?;
    if let OrgCaller::Project(project) = caller {
        let writes = project.holds(Permission::OrganizationsManage);
        let reads = project.holds(Permission::OrganizationsRead);
        return Ok(all.into_iter().filter(|p| writes || (reads && is_read_permission(p))).collect());
    }
    if caller.is_app_admin() {
        return Ok(all);
    }
    let roles = project_roles(state, caller.project_id()).await?;
    Ok(match organization_id.and_then(|id| caller.membership(id)) {
        Some(membership) => roles.held(&membership.role, &all),
        None => Vec::new(),
    })
}

/// Whether `slug` names a permission of the project.
pub fn known_permission(all: &[String], slug: &str) -> bool {
    is_built_in_permission(slug) || all.iter().any(|p| p == slug)
}
