//! A project's organizations and their roles, for the dashboard's
//! Organizations and Roles pages. Each server function resolves the member
//! and calls `services::org_dashboard`, which holds the rules: everyone
//! looks, owners and developers act.

use crate::domain::organization_views::{OrgDetailView, OrgListView, RolesView};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::ctx, crate::domain::percent_encode, crate::services::org_dashboard};

#[server(prefix = "/api/dashboard", endpoint = "list_organizations")]
pub async fn list_organizations(
    slug: String,
    search: Option<String>,
    after: Option<String>,
) -> Result<OrgListView, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::list(&state, &caller, search.as_deref(), after.as_deref()).await
}

/// Creates one and opens its page.
#[server(prefix = "/api/dashboard", endpoint = "create_organization")]
pub async fn create_organization(slug: String, name: String, org_slug: Option<String>) -> Result<String, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let id = org_dashboard::create(&state, &caller, &name, org_slug.as_deref()).await?;
    leptos_axum::redirect(&organization_page(&caller.project_slug, &id));
    Ok(id)
}

#[server(prefix = "/api/dashboard", endpoint = "get_organization")]
pub async fn get_organization(slug: String, organization_id: String) -> Result<OrgDetailView, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::detail(&state, &caller, &organization_id).await
}

#[server(prefix = "/api/dashboard", endpoint = "update_organization")]
pub async fn update_organization(
    slug: String,
    organization_id: String,
    name: String,
    org_slug: String,
    max_members: Option<String>,
    domains: Option<String>,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let (max, domains) = (max_members.unwrap_or_default(), domains.unwrap_or_default());
    org_dashboard::update(&state, &caller, &organization_id, &name, &org_slug, &max, &domains).await?;
    ctx::back_with("saved");
    Ok(())
}

/// Deletes it with its members and invitations; back to the list.
#[server(prefix = "/api/dashboard", endpoint = "delete_organization")]
pub async fn delete_organization(slug: String, organization_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::delete(&state, &caller, &organization_id).await?;
    leptos_axum::redirect(&format!("/projects/{}/organizations", caller.project_slug));
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "set_organization_role")]
pub async fn set_organization_role(
    slug: String,
    organization_id: String,
    member_id: String,
    role: String,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::set_role(&state, &caller, &organization_id, &member_id, &role).await?;
    ctx::back_with("saved");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "remove_organization_member")]
pub async fn remove_organization_member(
    slug: String,
    organization_id: String,
    member_id: String,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::remove_member(&state, &caller, &organization_id, &member_id).await?;
    ctx::back_with("saved");
    Ok(())
}

/// Invites; whether the invitation was mailed.
#[server(prefix = "/api/dashboard", endpoint = "invite_to_organization")]
pub async fn invite_to_organization(
    slug: String,
    organization_id: String,
    email: String,
    role: String,
) -> Result<bool, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let mailed = org_dashboard::invite(&state, &caller, &organization_id, &email, &role).await?;
    ctx::back_with("invited");
    Ok(mailed)
}

#[server(prefix = "/api/dashboard", endpoint = "cancel_organization_invitation")]
pub async fn cancel_organization_invitation(slug: String, invitation_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::cancel_invitation(&state, &caller, &invitation_id).await?;
    ctx::back_with("saved");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "list_roles")]
pub async fn list_roles(slug: String) -> Result<RolesView, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::roles(&state, &caller).await
}

/// Ticks (`grant` = "1") or unticks one permission of one role.
#[server(prefix = "/api/dashboard", endpoint = "toggle_role_permission")]
pub async fn toggle_role_permission(
    slug: String,
    role_id: String,
    permission: String,
    grant: String,
) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::toggle(&state, &caller, &role_id, &permission, grant == "1").await?;
    ctx::back_with("saved");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "create_role")]
pub async fn create_role(slug: String, role_name: String, role_slug: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::create_role(&state, &caller, &role_name, &role_slug).await?;
    ctx::back_with("saved");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "delete_role")]
pub async fn delete_role(slug: String, role_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::delete_role(&state, &caller, &role_id).await?;
    ctx::back_with("saved");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "create_permission")]
pub async fn create_permission(slug: String, permission_name: String, permission_slug: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::create_permission(&state, &caller, &permission_name, &permission_slug).await?;
    ctx::back_with("saved");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "delete_permission")]
pub async fn delete_permission(slug: String, permission_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    org_dashboard::delete_permission(&state, &caller, &permission_id).await?;
    ctx::back_with("saved");
    Ok(())
}

#[cfg(feature = "ssr")]
fn organization_page(slug: &str, organization_id: &str) -> String {
    format!("/projects/{slug}/organizations/{}", percent_encode(organization_id))
}
