//! Invitations to a project's organizations: made (and mailed through the
//! outbox), read, listed, accepted or rejected by the invitee, canceled by
//! the organization. An invitation is answered only by a signed-in user
//! whose email it was sent to; its id alone grants nothing.

use super::end_user_mail;
use super::org_access::{self, OrgCaller};
use super::organization_members::known_roles;
use super::organizations::{resolve, set_session_active, Which};
use crate::auth::ids;
use crate::domain::organizations::{OrgRefusal, INVITATION_DAYS, SUPER_ADMIN};
use crate::domain::{normalize_email, FieldError, Resource};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{
    InvitationAnswer, InvitationDetail, NewMember, NewOrgInvitation, OrganizationInvitation, OrganizationMember,
};
use time::{Duration, OffsetDateTime};

/// What an invitation request asks for.
pub struct Invite<'a> {
    pub email: &'a str,
    pub roles: &'a [String],
    pub resend: bool,
}

/// Invites `email` with `roles`; needs `member.invite`. Granting
/// `super_admin` by invitation needs what granting it directly needs.
pub async fn invite(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    invite: Invite<'_>,
) -> Result<(OrganizationInvitation, bool), AppError> {
    let organization = resolve(state, caller, which).await?;
    org_access::require(state, caller, &organization, "member.invite").await?;
    let email = normalize_email(invite.email)?;
    let roles = known_roles(state, caller, invite.roles).await?;
    if roles.iter().any(|r| r == SUPER_ADMIN) && !caller.may_grant_super_admin(&organization.id) {
        return Err(AppError::Org(OrgRefusal::CannotGrantSuperAdmin));
    }
    let at = OffsetDateTime::now_utc();
    let inviter_id = match caller {
        OrgCaller::User { current, .. } => Some(current.user().id.clone()),
        OrgCaller::Project(_) => None,
    };
    let id = ids::invitation_id();
    let mail = end_user_mail::org_invitation(state, caller.project_id(), &organization.name, &id, &email).await?;
    let mailed = mail.is_some();
    let new = NewOrgInvitation {
        mail,
        id,
        organization_id: organization.id.clone(),
        email,
        roles,
        inviter_id,
        expires_at: at + Duration::days(INVITATION_DAYS),
        resend: invite.resend,
    };
    let made = state.store.organization_invitations().create(caller.project_id(), &new, caller.actor(), at).await?;
    if mailed {
        state.outbox.queued();
    }
    Ok((made, mailed))
}

/// One invitation, for its invitee, a member of its organization who may
/// read members, or the project itself.
pub async fn get(state: &AppState, caller: &OrgCaller, id: &str) -> Result<InvitationDetail, AppError> {
    let detail = find(state, caller, id).await?;
    let addressed = match caller {
        OrgCaller::User { current, .. } => current.user().email == detail.invitation.email,
        OrgCaller::Project(_) => false,
    };
    if !addressed {
        let organization =
            resolve(state, caller, Which { id: Some(&detail.invitation.organization_id), slug: None }).await?;
        org_access::require(state, caller, &organization, "member.read").await?;
    }
    Ok(detail)
}

/// The organization's invitations, newest first; needs `member.invite`.
pub async fn list(
    state: &AppState,
    caller: &OrgCaller,
    which: Which<'_>,
    status: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<OrganizationInvitation>, AppError> {
    let organization = resolve(state, caller, which).await?;
    org_access::require(state, caller, &organization, "member.invite").await?;
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s @ ("pending" | "accepted" | "rejected" | "canceled" | "expired")) => Some(s),
        // The SDK's word for a canceled one.
        Some("revoked") => Some("canceled"),
        Some(_) => {
            return Err(FieldError::new("status", "Use pending, accepted, rejected, canceled or expired.").into())
        }
        None => None,
    };
    let after = match after.map(str::trim).filter(|a| !a.is_empty()) {
        Some(cursor) => {
            let found = state.store.organization_invitations().find(caller.project_id(), cursor).await?;
            let found = found.filter(|d| d.invitation.organization_id == organization.id);
            let found = found.ok_or_else(|| FieldError::new("after", "Not a cursor this list gave."))?;
            Some((found.invitation.created_at, found.invitation.id))
        }
        None => None,
    };
    let now = OffsetDateTime::now_utc();
    Ok(state
        .store
        .organization_invitations()
        .page(caller.project_id(), &organization.id, status, after, limit, now)
        .await?)
}

/// The signed-in user's pending invitations.
pub async fn of_user(state: &AppState, caller: &OrgCaller) -> Result<Vec<InvitationDetail>, AppError> {
    let current = caller.signed_in()?;
    let now = OffsetDateTime::now_utc();
    Ok(state.store.organization_invitations().pending_for(caller.project_id(), &current.user().email, now).await?)
}

/// The invitee joins with the invitation's roles, and acts in the
/// organization from now on.
pub async fn accept(
    state: &AppState,
    caller: &OrgCaller,
    id: &str,
) -> Result<(OrganizationInvitation, OrganizationMember), AppError> {
    let current = caller.signed_in()?;
    let detail = find(state, caller, id).await?;
    addressed_to_caller(caller, &detail)?;
    let member = NewMember { id: ids::org_member_id(), user_id: current.user().id.clone() };
    let at = OffsetDateTime::now_utc();
    let (invitation, member) = state
        .store
        .organization_invitations()
        .accept(caller.project_id(), id.trim(), &member, caller.actor(), at)
        .await?;
    state.end_user_sessions.forget_user(&member.user_id);
    set_session_active(state, caller, Some(&member.organization_id)).await?;
    Ok((invitation, member))
}

/// The invitee declines.
pub async fn reject(state: &AppState, caller: &OrgCaller, id: &str) -> Result<OrganizationInvitation, AppError> {
    caller.signed_in()?;
    let detail = find(state, caller, id).await?;
    addressed_to_caller(caller, &detail)?;
    answer(state, caller, id, InvitationAnswer::Rejected).await
}

/// The organization withdraws it; needs `member.invite`.
pub async fn cancel(state: &AppState, caller: &OrgCaller, id: &str) -> Result<OrganizationInvitation, AppError> {
    let detail = find(state, caller, id).await?;
    let organization =
        resolve(state, caller, Which { id: Some(&detail.invitation.organization_id), slug: None }).await?;
    org_access::require(state, caller, &organization, "member.invite").await?;
    answer(state, caller, id, InvitationAnswer::Canceled).await
}

async fn answer(
    state: &AppState,
    caller: &OrgCaller,
    id: &str,
    answer: InvitationAnswer,
) -> Result<OrganizationInvitation, AppError> {
    let at = OffsetDateTime::now_utc();
    Ok(state
        .store
        .organization_invitations()
        .answer(caller.project_id(), id.trim(), answer, caller.actor(), at)
        .await?)
}

async fn find(state: &AppState, caller: &OrgCaller, id: &str) -> Result<InvitationDetail, AppError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(FieldError::coded("invitationId", "required", "Name the invitation.").into());
    }
    let found = state.store.organization_invitations().find(caller.project_id(), id).await?;
    found.ok_or(AppError::NotFound(Resource::OrgInvitation))
}

/// Only its invitee answers it: the same email (compared lower-cased), and
/// verified where the project requires verification.
fn addressed_to_caller(caller: &OrgCaller, detail: &InvitationDetail) -> Result<(), AppError> {
    let OrgCaller::User { current, verified_email_required, .. } = caller else {
        return Err(AppError::Org(OrgRefusal::NeedsUser));
    };
    let user = current.user();
    if user.email.to_lowercase() != detail.invitation.email {
        return Err(AppError::Org(OrgRefusal::NotRecipient));
    }
    if *verified_email_required && !user.email_verified {
        return Err(AppError::Org(OrgRefusal::EmailVerificationRequired));
    }
    Ok(())
}
