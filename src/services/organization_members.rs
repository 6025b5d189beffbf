//! The members of a project's organizations: listed, added (by the
//! project), given roles, removed, leaving. An organization always keeps a
//! `super_admin` (the store checks it in the change's transaction).

use super::org_access::{self, OrgCaller};
use super::organizations::{resolve, Which};
use crate::auth::ids;
use crate::domain::organizations::{parse_roles, OrgRefusal, SUPER_ADMIN};
use crate::domain::{FieldError, Permission, Resource};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{MemberPage, MemberWithUser, NewMember, Organization, OrganizationMember, Removal};
use time::OffsetDateTime;

/// A page of the organization's members and how many match in all; needs
/// `member.read`.
pub async fn list(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    page: MemberPage,
) -> Result<(Organization, Vec<MemberWithUser>, i64), AppError> {
    let organization = resolve(state, caller, which).await?;
    org_access::require(state, caller, &organization, "member.read").await?;
    let (members, total) =
        state.store.organization_members().page(caller.project_id(), &organization.id, &page).await?;
    Ok((organization, members, total))
}

/// The cursor a list gave (a member id) as the store pages by it.
pub async fn cursor(
    state: &AppState,
    caller: &OrgCaller,
    organization_id: &str,
    after: Option<&str>,
) -> Result<Option<(OffsetDateTime, String)>, AppError> {
    let Some(after) = after.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let found = state.store.organization_members().find(caller.project_id(), organization_id, after).await?;
    let found = found.filter(|m| m.member.id == after);
    let found = found.ok_or_else(|| FieldError::new("after", "Not a cursor this list gave."))?;
    Ok(Some((found.member.created_at, found.member.id)))
}

/// Adds a user of the project directly: the project's own access only
/// (users join by invitation).
pub async fn add(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    user_id: &str,
    roles: &[String],
) -> Result<OrganizationMember, AppError> {
    let OrgCaller::Project(project) = caller else {
        return Err(AppError::Org(OrgRefusal::MissingPermission("member.add".into())));
    };
    project.require(Permission::OrganizationsManage)?;
    let organization = resolve(state, caller, which).await?;
    let roles = known_roles(state, caller, roles).await?;
    let user_id = user_id.trim();
    if user_id.is_empty() {
        return Err(FieldError::coded("userId", "required", "Name the user.").into());
    }
    let member = NewMember { id: ids::org_member_id(), user_id: user_id.to_string() };
    let at = OffsetDateTime::now_utc();
    let added = state
        .store
        .organization_members()
        .add(caller.project_id(), &organization.id, &member, &roles, caller.actor(), at)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::NotFound(Resource::User) => AppError::Org(OrgRefusal::UnknownUser),
            other => other,
        })?;
    state.end_user_sessions.forget_user(&added.user_id);
    Ok(added)
}

/// Gives a member new roles; needs `member.update_role`. Making someone
/// `super_admin` needs the project's access or `super_admin` there (the
/// SDK's `revokeRole` sends `super_admin` when it means "no role").
pub async fn set_roles(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    member_or_user_id: &str,
    roles: &[String],
) -> Result<OrganizationMember, AppError> {
    let organization = resolve(state, caller, which).await?;
    org_access::require(state, caller, &organization, "member.update_role").await?;
    let roles = known_roles(state, caller, roles).await?;
    let member = find(state, caller, &organization, member_or_user_id).await?;
    let raises = roles.iter().any(|r| r == SUPER_ADMIN) && !member.member.roles().any(|r| r == SUPER_ADMIN);
    if raises && !caller.may_grant_super_admin(&organization.id) {
        return Err(AppError::Org(OrgRefusal::CannotGrantSuperAdmin));
    }
    let at = OffsetDateTime::now_utc();
    let changed = state
        .store
        .organization_members()
        .set_roles(caller.project_id(), &organization.id, &member.member.id, &roles, caller.actor(), at)
        .await?;
    state.end_user_sessions.forget_user(&changed.user_id);
    Ok(changed)
}

/// Removes a member by member id, user id or email; needs `member.remove`.
/// A user removes themself with `leave`.
pub async fn remove(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    member: &str,
) -> Result<MemberWithUser, AppError> {
    let organization = resolve(state, caller, which).await?;
    org_access::require(state, caller, &organization, "member.remove").await?;
    let found = find(state, caller, &organization, member).await?;
    if let OrgCaller::User { current, .. } = caller {
        if found.member.user_id == current.user().id {
            return Err(AppError::Org(OrgRefusal::UseLeave));
        }
    }
    end(state, caller, &organization, &found.member.id, Removal::Removed).await
}

/// The signed-in user leaves the organization.
pub async fn leave(state: &AppState, caller: &OrgCaller, which: Which<'_>) -> Result<MemberWithUser, AppError> {
    caller.signed_in()?;
    let organization = resolve(state, caller, which).await?;
    let member = caller.membership(&organization.id).ok_or(AppError::Org(OrgRefusal::NotAMember))?;
    let member_id = member.member_id.clone();
    end(state, caller, &organization, &member_id, Removal::Left).await
}

/// The signed-in user's membership in the active (or named) organization.
pub async fn active_member(state: &AppState, caller: &OrgCaller, which: Which<'_>) -> Result<MemberWithUser, AppError> {
    let current = caller.signed_in()?;
    let organization = resolve(state, caller, which).await?;
    let found =
        state.store.organization_members().find(caller.project_id(), &organization.id, &current.user().id).await?;
    found.ok_or(AppError::Org(OrgRefusal::NotAMember))
}

/// The roles of a member (the caller, or `user_id` when it may read members).
pub async fn role_of(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    user_id: Option<&str>,
) -> Result<String, AppError> {
    let current = caller.signed_in()?;
    let organization = resolve(state, caller, which).await?;
    let own = &current.user().id;
    let user_id = user_id.map(str::trim).filter(|u| !u.is_empty()).unwrap_or(own);
    if user_id != own {
        org_access::require(state, caller, &organization, "member.read").await?;
    }
    let found = state.store.organization_members().find(caller.project_id(), &organization.id, user_id).await?;
    let found = found.filter(|m| m.member.user_id == user_id);
    match found {
        Some(member) => Ok(member.member.role),
        None if user_id == own => Err(AppError::Org(OrgRefusal::NotAMember)),
        None => Err(AppError::NotFound(Resource::OrgMember)),
    }
}

async fn end(
    state: &AppState,
    caller: &OrgCaller,
    organization: &Organization,
    member_id: &str,
    why: Removal,
) -> Result<MemberWithUser, AppError> {
    let at = OffsetDateTime::now_utc();
    let removed = state
        .store
        .organization_members()
        .remove(caller.project_id(), &organization.id, member_id, why, caller.actor(), at)
        .await?;
    state.end_user_sessions.forget_user(&removed.member.user_id);
    Ok(removed)
}

/// The organization's member by member id, user id, or (with an `@`) email.
async fn find(
    state: &AppState,
    caller: &OrgCaller,
    organization: &Organization,
    member: &str,
) -> Result<MemberWithUser, AppError> {
    let member = member.trim();
    if member.is_empty() {
        return Err(FieldError::coded("memberId", "required", "Name the member.").into());
    }
    let key = if member.contains('@') { member.to_lowercase() } else { member.to_string() };
    let found = state.store.organization_members().find(caller.project_id(), &organization.id, &key).await?;
    found.ok_or(AppError::NotFound(Resource::OrgMember))
}

/// The roles named, each one the project has.
pub(super) async fn known_roles(
    state: &AppState,
    caller: &OrgCaller,
    given: &[String],
) -> Result<Vec<String>, AppError> {
    let roles = parse_roles("role", given)?;
    let project_roles = org_access::project_roles(state, caller.project_id()).await?;
    let unknown: Vec<String> = roles.iter().filter(|r| !project_roles.exists(r)).cloned().collect();
    match unknown.is_empty() {
        true => Ok(roles),
        false => Err(AppError::Org(OrgRefusal::UnknownRoles(unknown))),
    }
}
