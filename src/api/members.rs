//! A project's members and pending invitations.

use crate::domain::{AddMemberOutcome, Member, PendingInvitation, Role};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::auth::{ids, tokens},
    crate::domain::{normalize_email, FieldError, Membership},
    crate::state::AppState,
    crate::store::{Actor, NewInvitation, StoreError},
    time::{Duration, OffsetDateTime},
};

/// How long an invitation link works.
#[cfg(feature = "ssr")]
const INVITATION_LIFETIME: Duration = Duration::days(7);

/// Everything the members page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MembersView {
    pub members: Vec<Member>,
    /// Only owners see pending invitations.
    pub invitations: Vec<PendingInvitation>,
    pub my_role: Role,
    pub my_user_id: String,
}

#[cfg(feature = "ssr")]
fn parse_role(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw).ok_or_else(|| FieldError::new("role", "Choose owner, developer or viewer.").into())
}

#[server(prefix = "/api/dashboard", endpoint = "list_members")]
pub async fn list_members(slug: String) -> Result<MembersView, AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Viewer).await?;
    let members = state.store.members(&project.project_id).await?;
    let invitations = if project.role == Role::Owner {
        state.store.pending_invitations(&project.project_id, OffsetDateTime::now_utc()).await?
    } else {
        Vec::new()
    };
    Ok(MembersView { members, invitations, my_role: project.role, my_user_id: user.id })
}

/// Adds a teammate by email: at once if they have an account, otherwise by
/// an invitation link that is returned this once.
#[server(prefix = "/api/dashboard", endpoint = "add_member")]
pub async fn add_member(slug: String, email: String, role: String) -> Result<AddMemberOutcome, AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Owner).await?;
    add(&state, &ctx::actor(&state, &user)?, &project, &email, &role, &ctx::public_base(&state)).await
}

/// The rules of adding a teammate, shared with the plain-form handler.
/// `base` is the `scheme://host` the invitation link points at.
#[cfg(feature = "ssr")]
pub(crate) async fn add(
    state: &AppState,
    by: &Actor,
    project: &Membership,
    email: &str,
    role: &str,
    base: &str,
) -> Result<AddMemberOutcome, AppError> {
    let email = normalize_email(email)?;
    let role = parse_role(role)?;
    if let Some(found) = state.store.credentials_by_email(&email).await? {
        state.store.add_member(&project.project_id, &found.user.id, role, by).await.map_err(|e| match e {
            StoreError::Conflict(_) => AppError::from(FieldError::new("email", "They are already a member.")),
            other => other.into(),
        })?;
        return Ok(AddMemberOutcome::Added { name: found.user.name, email });
    }
    let token = tokens::invitation_token();
    let now = OffsetDateTime::now_utc();
    let invitation = NewInvitation {
        id: ids::invitation_id(),
        project_id: project.project_id.clone(),
        email: email.clone(),
        role,
        token_hash: tokens::hash(&token),
        invited_by: by.id.clone(),
        created_at: now,
        expires_at: now + INVITATION_LIFETIME,
    };
    state.store.insert_invitation(&invitation, by).await?;
    Ok(AddMemberOutcome::Invited { email, link: format!("{base}/invite/{token}") })
}

#[server(prefix = "/api/dashboard", endpoint = "change_role")]
pub async fn change_role(slug: String, user_id: String, role: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Owner).await?;
    let role = parse_role(&role)?;
    state.store.change_role(&project.project_id, &user_id, role, &ctx::actor(&state, &user)?).await?;
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "remove_member")]
pub async fn remove_member(slug: String, user_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Owner).await?;
    state.store.remove_member(&project.project_id, &user_id, &ctx::actor(&state, &user)?).await?;
    Ok(())
}

/// Any member may leave, except the last owner.
#[server(prefix = "/api/dashboard", endpoint = "leave_project")]
pub async fn leave_project(slug: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Viewer).await?;
    state.store.remove_member(&project.project_id, &user.id, &ctx::actor(&state, &user)?).await?;
    leptos_axum::redirect("/projects");
    Ok(())
}

#[server(prefix = "/api/dashboard", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(slug: String, invitation_id: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let (user, project) = ctx::member(&state, &slug, Role::Owner).await?;
    let by = ctx::actor(&state, &user)?;
    state.store.revoke_invitation(&project.project_id, &invitation_id, OffsetDateTime::now_utc(), &by).await?;
    Ok(())
}
