//! A project's members and pending invitations.

use crate::domain::{InvitationCreated, Member, PendingInvitation, Role};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {super::ctx, crate::services::project_members};

/// Everything the members page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MembersView {
    pub members: Vec<Member>,
    /// Only owners see pending invitations.
    pub invitations: Vec<PendingInvitation>,
    pub my_role: Role,
    pub my_user_id: String,
}

#[server(prefix = "/api/dashboard", endpoint = "list_members")]
pub async fn list_members(slug: String) -> Result<MembersView, AppError> {
    let state = ctx::state()?;
    let (user, caller) = ctx::member(&state, &slug).await?;
    let (members, invitations) = project_members::list(&state, &caller).await?;
    Ok(MembersView { members, invitations, my_role: caller.role().unwrap_or(Role::Viewer), my_user_id: user.id })
}

/// Invites a teammate by email; the link is returned this once.
#[server(prefix = "/api/dashboard", endpoint = "add_member")]
pub async fn add_member(slug: String, email: String, role: String) -> Result<InvitationCreated, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    project_members::add(&state, &caller, &email, &role, &ctx::public_base(&state)).await
}

#[server(prefix = "/api/dashboard", endpoint = "change_role")]
pub async fn change_role(slug: String, user_id: String, role: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    project_members::change_role(&state, &caller, &user_id, &role).await
}

#[server(prefix = "/api/dashboard", endpoint = "remove_member")]
pub async fn remove_member(slug: String, user_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    project_members::remove(&state, &caller, &user_id).await
}

/// Any member may leave, except the last owner.
#[server(prefix = "/api/dashboard", endpoint = "leave_project")]
pub async fn leave_project(slug: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    project_members::leave(&state, &caller).await?;
    leptos_axum::redirect("/projects");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(slug: String, invitation_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    project_members::revoke_invitation(&state, &caller, &invitation_id).await
}
