//! The dashboard's view of a project's organizations and roles: the same
//! services the API uses, asked as the signed-in member (everyone looks,
//! owners and developers act), answered in the pages' terms.

use super::org_access::OrgCaller;
use super::organizations::{self, OrgInput, Which};
use super::{org_roles, organization_invitations, organization_members, Caller};
use crate::domain::dates::iso_millis;
use crate::domain::organization_views::*;
use crate::domain::organizations::PAGE_DEFAULT;
use crate::domain::{FieldError, Permission};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::MemberPage;
use time::OffsetDateTime;

/// How many members and invitations an organization's page shows.
const SHOWN: i64 = 200;

pub async fn list(
    state: &AppState,
    caller: &Caller,
    search: Option<&str>,
    after: Option<&str>,
) -> Result<OrgListView, AppError> {
    caller.require(Permission::OrganizationsRead)?;
    let can_change = caller.holds(Permission::OrganizationsManage);
    let org_caller = OrgCaller::Project(caller.clone());
    let page = organizations::list(state, &org_caller, search, after, PAGE_DEFAULT + 1).await?;
    let more = page.len() as i64 > PAGE_DEFAULT;
    let organizations: Vec<OrgRow> = page
        .into_iter()
        .take(PAGE_DEFAULT as usize)
        .map(|s| OrgRow {
            id: s.organization.id,
            name: s.organization.name,
            slug: s.organization.slug,
            member_count: s.member_count,
            created_at: iso_millis(s.organization.created_at),
        })
        .collect();
    let next_cursor = more.then(|| organizations.last().map(|o| o.id.clone())).flatten();
    Ok(OrgListView { organizations, next_cursor, can_change })
}

/// Makes one (nobody in it yet: members join by invitation); its id.
pub async fn create(state: &AppState, caller: &Caller, name: &str, slug: Option<&str>) -> Result<String, AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let input = OrgInput {
        name: Some(name.to_string()),
        slug: slug.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string),
        ..OrgInput::default()
    };
    let (organization, _) =
        organizations::create(state, &OrgCaller::Project(caller.clone()), input, None, false).await?;
    Ok(organization.id)
}

pub async fn detail(state: &AppState, caller: &Caller, organization_id: &str) -> Result<OrgDetailView, AppError> {
    caller.require(Permission::OrganizationsRead)?;
    let org_caller = OrgCaller::Project(caller.clone());
    let which = Which { id: Some(organization_id), slug: None };
    let page = MemberPage { limit: SHOWN, ..MemberPage::default() };
    let (organization, members, member_total) = organization_members::list(state, &org_caller, which, page).await?;
    let invitations = organization_invitations::list(state, &org_caller, which, None, None, SHOWN).await?;
    let roles = org_roles::roles(state, &org_caller).await?.into_iter().map(|r| r.slug).collect();
    let now = OffsetDateTime::now_utc();
    Ok(OrgDetailView {
        allowed_email_domains: organization.domains().unwrap_or_default(),
        id: organization.id,
        name: organization.name,
        slug: organization.slug,
        created_at: iso_millis(organization.created_at),
        max_members: organization.max_members,
        members: members
            .into_iter()
            .map(|m| OrgMemberRow {
                id: m.member.id,
                user_id: m.member.user_id,
                email: m.user_email,
                name: m.user_name,
                role: m.member.role,
                created_at: iso_millis(m.member.created_at),
            })
            .collect(),
        member_total,
        invitations: invitations
            .into_iter()
            .map(|i| OrgInvitationRow {
                status: i.status_at(now).to_string(),
                id: i.id,
                email: i.email,
                role: i.role,
                expires_at: iso_millis(i.expires_at),
                created_at: iso_millis(i.created_at),
            })
            .collect(),
        roles,
        can_change: caller.holds(Permission::OrganizationsManage),
    })
}

/// The settings form: name, slug, member limit, email domains (comma or
/// line separated; empty: any).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    organization_id: &str,
    name: &str,
    slug: &str,
    max_members: &str,
    domains: &str,
) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let max_members = match max_members.trim() {
        "" => None,
        text => Some(text.parse::<i64>().map_err(|_| FieldError::new("maxMembers", "Enter a whole number."))?),
    };
    let domains: Vec<String> =
        domains.split([',', '\n', ' ']).map(str::trim).filter(|d| !d.is_empty()).map(str::to_string).collect();
    let input = OrgInput {
        name: Some(name.to_string()),
        slug: Some(slug.to_string()),
        max_members: Some(max_members),
        allowed_email_domains: Some((!domains.is_empty()).then_some(domains)),
        ..OrgInput::default()
    };
    let which = Which { id: Some(organization_id), slug: None };
    organizations::update(state, &OrgCaller::Project(caller.clone()), which, input).await?;
    Ok(())
}

pub async fn delete(state: &AppState, caller: &Caller, organization_id: &str) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let which = Which { id: Some(organization_id), slug: None };
    organizations::delete(state, &OrgCaller::Project(caller.clone()), which).await?;
    Ok(())
}

pub async fn set_role(
    state: &AppState,
    caller: &Caller,
    organization_id: &str,
    member_id: &str,
    role: &str,
) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let which = Which { id: Some(organization_id), slug: None };
    let roles = [role.to_string()];
    organization_members::set_roles(state, &OrgCaller::Project(caller.clone()), which, member_id, &roles).await?;
    Ok(())
}

pub async fn remove_member(
    state: &AppState,
    caller: &Caller,
    organization_id: &str,
    member_id: &str,
) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let which = Which { id: Some(organization_id), slug: None };
    organization_members::remove(state, &OrgCaller::Project(caller.clone()), which, member_id).await?;
    Ok(())
}

/// Invites; whether it was mailed.
pub async fn invite(
    state: &AppState,
    caller: &Caller,
    organization_id: &str,
    email: &str,
    role: &str,
) -> Result<bool, AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let which = Which { id: Some(organization_id), slug: None };
    let roles = [role.to_string()];
    let ask = organization_invitations::Invite { email, roles: &roles, resend: false };
    let (_, mailed) = organization_invitations::invite(state, &OrgCaller::Project(caller.clone()), which, ask).await?;
    Ok(mailed)
}

pub async fn cancel_invitation(state: &AppState, caller: &Caller, invitation_id: &str) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    organization_invitations::cancel(state, &OrgCaller::Project(caller.clone()), invitation_id).await?;
    Ok(())
}

pub async fn roles(state: &AppState, caller: &Caller) -> Result<RolesView, AppError> {
    caller.require(Permission::OrganizationsRead)?;
    let org_caller = OrgCaller::Project(caller.clone());
    let roles = org_roles::roles(state, &org_caller).await?;
    let permissions = org_roles::permissions(state, &org_caller).await?;
    Ok(RolesView {
        roles: roles
            .into_iter()
            .map(|r| RoleRow {
                fixed: r.id == org_roles::SUPER_ADMIN_ID,
                id: r.id,
                slug: r.slug,
                name: r.name,
                description: r.description,
                permissions: r.permissions,
            })
            .collect(),
        permissions: permissions
            .into_iter()
            .map(|p| PermissionRow { id: p.id, slug: p.slug, name: p.name, built_in: p.is_built_in })
            .collect(),
        can_change: caller.holds(Permission::OrganizationsManage),
    })
}

/// Grants (`grant`) or takes back one permission of one role.
pub async fn toggle(
    state: &AppState,
    caller: &Caller,
    role_id: &str,
    permission: &str,
    grant: bool,
) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let org_caller = OrgCaller::Project(caller.clone());
    let current = org_roles::roles(state, &org_caller).await?;
    let role = current.into_iter().find(|r| r.id == role_id.trim());
    let role = role.ok_or(AppError::NotFound(crate::domain::Resource::Role))?;
    let mut held = role.permissions;
    held.retain(|p| p != permission);
    if grant {
        held.push(permission.to_string());
    }
    let input = org_roles::RoleInput { permissions: Some(held), ..Default::default() };
    org_roles::update_role(state, &org_caller, &role.id, input).await?;
    Ok(())
}

pub async fn create_role(state: &AppState, caller: &Caller, name: &str, slug: &str) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let input = org_roles::RoleInput { name: Some(name.into()), slug: Some(slug.into()), ..Default::default() };
    org_roles::create_role(state, &OrgCaller::Project(caller.clone()), input).await?;
    Ok(())
}

pub async fn delete_role(state: &AppState, caller: &Caller, role_id: &str) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    org_roles::delete_role(state, &OrgCaller::Project(caller.clone()), role_id).await
}

pub async fn create_permission(state: &AppState, caller: &Caller, name: &str, slug: &str) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    let input = org_roles::RoleInput { name: Some(name.into()), slug: Some(slug.into()), ..Default::default() };
    org_roles::create_permission(state, &OrgCaller::Project(caller.clone()), input).await?;
    Ok(())
}

pub async fn delete_permission(state: &AppState, caller: &Caller, permission_id: &str) -> Result<(), AppError> {
    caller.require(Permission::OrganizationsManage)?;
    org_roles::delete_permission(state, &OrgCaller::Project(caller.clone()), permission_id).await
}
