//! A project's members and invitations. Owners manage the team and invite
//! people; an invitation's link is the only way in. Anyone may
//! leave except the last owner (the store enforces that inside the
//! transaction that changes the membership). An invitation link's token is
//! its only proof: looked up by hash, it works once, for the invited email.

use super::Caller;
use crate::actor::Actor;
use crate::auth::{ids, tokens};
use crate::domain::{
    normalize_email, FieldError, InvitationCreated, MailKind, Member, PendingInvitation, Permission, Role, User,
};
use crate::error::AppError;
use crate::mail::MailData;
use crate::state::AppState;
use crate::store::{InvitationRecord, NewInvitation, StoreError};
use time::{Duration, OffsetDateTime};

/// How long an invitation link works.
const INVITATION_LIFETIME: Duration = Duration::days(7);

/// The team, and for owners the pending invitations.
pub async fn list(state: &AppState, caller: &Caller) -> Result<(Vec<Member>, Vec<PendingInvitation>), AppError> {
    let members = state.store.project_members().list(&caller.project_id).await?;
    let invitations = if caller.holds(Permission::TeamManage) {
        state.store.project_invitations().pending(&caller.project_id, OffsetDateTime::now_utc()).await?
    } else {
        Vec::new()
    };
    Ok((members, invitations))
}

/// Invites a teammate by email, with a link returned this once. Nobody is
/// added without opening that link and accepting it as the invited email:
/// otherwise whoever signed up first with someone's address would join in
/// their place. The answer is the same whether or not the email has an
/// account here, so it tells nothing about who has one. `base` is the
/// `scheme://host` the link points at.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    email: &str,
    role: &str,
    base: &str,
) -> Result<InvitationCreated, AppError> {
    caller.require(Permission::TeamManage)?;
    let email = normalize_email(email)?;
    let role = parse_role(role)?;
    // Owners see the team, so saying who is in it reveals nothing.
    let members = state.store.project_members().list(&caller.project_id).await?;
    if members.iter().any(|m| m.email.eq_ignore_ascii_case(&email)) {
        return Err(FieldError::new("email", "They are already a member.").into());
    }
    let now = OffsetDateTime::now_utc();
    let pending = state.store.project_invitations().pending(&caller.project_id, now).await?.len();
    let most = state.config.max_pending_invitations as usize;
    if pending >= most {
        return Err(AppError::Conflict(format!(
            "This project has {most} pending invitations, the most it may have. Revoke some first."
        )));
    }
    let token = tokens::invitation_token();
    let id = ids::invitation_id();
    // Mailed too, when mail is on: the mail's link has a token of its own,
    // drawn when it is sent; either link accepts, once.
    let mail = state.outbox.is_on().then(|| {
        let data = MailData {
            base: state.config.own_url(),
            project: Some(caller.project_name.clone()),
            inviter: Some(caller.actor.name.clone()),
            role: Some(role.label().to_lowercase()),
            ..MailData::default()
        };
        state.outbox.compose(MailKind::Invitation, &email, &id, Some(&caller.project_id), &data)
    });
    let mailed = mail.is_some();
    let invitation = NewInvitation {
        mail,
        id,
        project_id: caller.project_id.clone(),
        email: email.clone(),
        role,
        token_hash: tokens::hash(&token),
        invited_by: caller.actor.id.clone(),
        created_at: now,
        expires_at: now + INVITATION_LIFETIME,
    };
    state.store.project_invitations().insert(&invitation, &caller.actor).await?;
    if mailed {
        state.outbox.queued();
    }
    Ok(InvitationCreated { email, link: format!("{base}/invite/{token}"), mailed })
}

pub async fn change_role(state: &AppState, caller: &Caller, user_id: &str, role: &str) -> Result<(), AppError> {
    caller.require(Permission::TeamManage)?;
    let role = parse_role(role)?;
    Ok(state
        .store
        .project_members()
        .change_role(&caller.project_id, user_id, role, &caller.actor, OffsetDateTime::now_utc())
        .await?)
}

pub async fn remove(state: &AppState, caller: &Caller, user_id: &str) -> Result<(), AppError> {
    caller.require(Permission::TeamManage)?;
    Ok(state
        .store
        .project_members()
        .remove(&caller.project_id, user_id, &caller.actor, OffsetDateTime::now_utc())
        .await?)
}

/// Any member may leave, except the last owner.
pub async fn leave(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    caller.require(Permission::TeamRead)?;
    Ok(state
        .store
        .project_members()
        .remove(&caller.project_id, &caller.actor.id, &caller.actor, OffsetDateTime::now_utc())
        .await?)
}

pub async fn revoke_invitation(state: &AppState, caller: &Caller, invitation_id: &str) -> Result<(), AppError> {
    caller.require(Permission::TeamManage)?;
    let now = OffsetDateTime::now_utc();
    Ok(state.store.project_invitations().revoke(&caller.project_id, invitation_id, now, &caller.actor).await?)
}

/// The invitation behind `token`, if it can still be accepted.
pub async fn invitation(state: &AppState, token: &str) -> Result<InvitationRecord, AppError> {
    let record = state
        .store
        .project_invitations()
        .by_token(&tokens::hash(token))
        .await?
        .ok_or_else(|| AppError::Gone("This invitation link is not valid. Ask for a new one.".into()))?;
    if record.accepted {
        return Err(AppError::Gone("This invitation has already been used.".into()));
    }
    if record.revoked {
        return Err(AppError::Gone("This invitation was withdrawn. Ask for a new one.".into()));
    }
    if record.expires_at <= OffsetDateTime::now_utc() {
        return Err(AppError::Gone("This invitation has expired. Ask for a new one.".into()));
    }
    Ok(record)
}

/// Joins the project as the invited role; only the invited email may.
/// Returns the project's slug.
pub async fn accept(state: &AppState, user: &User, by: &Actor, token: &str) -> Result<String, AppError> {
    let record = invitation(state, token).await?;
    if !record.email.eq_ignore_ascii_case(&user.email) {
        return Err(AppError::Forbidden(format!(
            "This invitation was sent to {}. Sign in with that address to accept it.",
            record.email
        )));
    }
    state.store.project_invitations().accept(&record.id, by, OffsetDateTime::now_utc()).await.map_err(|e| match e {
        StoreError::NotFound(_) => AppError::Gone("This invitation has already been used.".into()),
        other => other.into(),
    })?;
    state.store.accounts().set_last_project(&user.id, &record.project_id).await?;
    let memberships = state.store.project_members().of_account(&user.id).await?;
    let joined = memberships.into_iter().find(|m| m.project_id == record.project_id);
    joined.map(|m| m.slug).ok_or(AppError::Internal)
}

fn parse_role(raw: &str) -> Result<Role, AppError> {
    Role::parse(raw).ok_or_else(|| FieldError::new("role", "Choose owner, developer or viewer.").into())
}
