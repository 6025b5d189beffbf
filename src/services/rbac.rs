//! Permission questions an app asks: what do I hold, may this user do
//! that. Answered from memory in steady state (the session's cached
//! memberships and the project's cached roles).

use super::org_access::{self, OrgCaller};
use super::organizations::{resolve, Which};
use crate::domain::organizations::{check_permission_slug, OrgRefusal};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::state::AppState;

/// How several permissions combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    All,
    Any,
}

/// Whose permissions: the caller's own, or (the project's access only) a
/// user's, in an organization or across all of theirs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Subject<'a> {
    pub user_id: Option<&'a str>,
    pub organization_id: Option<&'a str>,
}

/// What the caller holds: a user in the named (else active) organization;
/// the project's access what its key or role allows.
pub async fn my_permissions(
    state: &AppState,
    caller: &OrgCaller,
    organization_id: Option<&str>,
) -> Result<Vec<String>, AppError> {
    let organization_id = match (caller, organization_id.map(str::trim).filter(|o| !o.is_empty())) {
        (OrgCaller::User { .. }, None) => caller.signed_in()?.session().active_organization_id.clone(),
        (_, named) => named.map(str::to_string),
    };
    org_access::held(state, caller, organization_id.as_deref()).await
}

/// Whether the subject holds the permissions, combined as asked.
pub async fn check(
    state: &AppState,
    caller: &OrgCaller,
    permissions: &[String],
    combine: Combine,
    subject: Subject<'_>,
) -> Result<bool, AppError> {
    if permissions.is_empty() {
        return Err(FieldError::coded("permissions", "required", "Name at least one permission.").into());
    }
    let mut checked = Vec::new();
    for permission in permissions {
        checked.push(check_permission_slug("permission", permission)?);
    }
    let held = match subject.user_id.map(str::trim).filter(|u| !u.is_empty()) {
        Some(user_id) => held_by_user(state, caller, user_id, subject.organization_id).await?,
        None => my_permissions(state, caller, subject.organization_id).await?,
    };
    let holds = |p: &String| held.iter().any(|h| h == p);
    Ok(match combine {
        Combine::All => checked.iter().all(holds),
        Combine::Any => checked.iter().any(holds),
    })
}

/// better-auth's `has-permission`: the calling user, in the named (else
/// active) organization, must hold every `resource: [action]` listed.
pub async fn has_permission(
    state: &AppState,
    caller: &OrgCaller,
    organization_id: Option<&str>,
    permissions: &[String],
) -> Result<bool, AppError> {
    caller.signed_in()?;
    let organization = resolve(state, caller, Which { id: organization_id, slug: None }).await?;
    if caller.membership(&organization.id).is_none() && !caller.is_app_admin() {
        return Err(AppError::Org(OrgRefusal::NotAMember));
    }
    for permission in permissions {
        if !org_access::holds(state, caller, Some(&organization.id), permission).await? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What another user holds: only the project's access may ask. In one
/// organization, or across every organization the user is in.
async fn held_by_user(
    state: &AppState,
    caller: &OrgCaller,
    user_id: &str,
    organization_id: Option<&str>,
) -> Result<Vec<String>, AppError> {
    let OrgCaller::Project(project) = caller else {
        let own = caller.signed_in()?.user().id == user_id;
        if !own {
            return Err(AppError::Org(OrgRefusal::MissingPermission("member.read".into())));
        }
        return my_permissions(state, caller, organization_id).await;
    };
    project.require(crate::domain::Permission::OrganizationsRead)?;
    let project_id = caller.project_id();
    let user = state.store.end_users().get(project_id, user_id).await?;
    let user = user.ok_or(AppError::Org(OrgRefusal::UnknownUser))?;
    let all = org_access::all_permissions(state, project_id).await?;
    if user.role == "admin" {
        return Ok(all);
    }
    let roles = org_access::project_roles(state, project_id).await?;
    let memberships = state.store.organization_members().of_user(project_id, &user.id).await?;
    let organization_id = organization_id.map(str::trim).filter(|o| !o.is_empty());
    let mut held: Vec<String> = memberships
        .iter()
        .filter(|m| organization_id.is_none_or(|o| m.organization_id == o))
        .flat_map(|m| roles.held(&m.role, &all))
        .collect();
    held.sort();
    held.dedup();
    Ok(held)
}
