//! Mail for a project's users, through its app: verifying an address and
//! resetting a forgotten password (better-auth's endpoints). The key has
//! already decided the project; a token of another project is refused like
//! an unknown one. Asking for a mail answers the same, at once, whatever
//! the email: the lookup and the mail happen after the answer. Links point
//! at the app's own origin (its route handler forwards them with its key).

use super::app_actor;
use crate::actor::RequestSource;
use crate::auth::tokens;
use crate::auth::verified_key::VerifiedKey;
use crate::domain::check_end_user_password;
use crate::domain::{normalize_email, MailKind};
use crate::error::AppError;
use crate::mail::MailData;
use crate::state::AppState;
use crate::store::{EndUser, QueuedMail};
use std::time::Instant;
use time::{Duration, OffsetDateTime};

/// Links of one kind one user may be mailed per hour.
const LINKS_PER_HOUR: i64 = 3;

/// Where a mail's link goes: the app's origin, and where the app wants its
/// user afterwards.
#[derive(Clone, Debug)]
pub struct AppLink {
    pub base: String,
    pub callback: Option<String>,
}

/// What a mail to a project's user says. `name` only for a verified
/// address: until the address is proven, whoever signed up with it chose
/// the name, and it must not put words of theirs in a mail to a stranger.
fn data(key: &VerifiedKey, link: &AppLink, name: Option<&str>) -> MailData {
    let sender = key.auth.mail_sender_name.clone().unwrap_or_else(|| key.project_name.clone());
    MailData {
        base: link.base.clone(),
        name: name.map(str::to_string),
        project: Some(key.project_name.clone()),
        sender: Some(sender),
        callback: link.callback.clone(),
        ..MailData::default()
    }
}

/// A new user's verification mail, for their sign-up's transaction; `None`
/// when mail is off.
pub fn verification_for(
    state: &AppState,
    key: &VerifiedKey,
    link: &AppLink,
    user_id: &str,
    email: &str,
) -> Option<QueuedMail> {
    let outbox = &state.outbox;
    outbox
        .is_on()
        .then(|| outbox.compose(MailKind::UserVerify, email, user_id, Some(&key.project_id), &data(key, link, None)))
}

/// Mail of `kind` can be sent at all: this server has SMTP.
pub fn ensure_mail_on(state: &AppState, kind: MailKind) -> Result<(), AppError> {
    let what = match kind {
        MailKind::UserReset => "Resetting a password",
        _ => "Verifying an email",
    };
    match state.outbox.is_on() {
        true => Ok(()),
        false => Err(AppError::Conflict(format!(
            "{what} needs mail, and this Banata server sends none (BANATA_SMTP_URL is unset)."
        ))),
    }
}

/// `send-verification-email` and `request-password-reset`: mails the link
/// of `kind` to the project's user with this email, if there is one (for a
/// verification: still unverified) under the hourly limit.
pub async fn request(
    state: &AppState,
    key: &VerifiedKey,
    kind: MailKind,
    email: &str,
    link: AppLink,
) -> Result<(), AppError> {
    ensure_mail_on(state, kind)?;
    let email = normalize_email(email)?;
    state.mail_limits.app_request(&key.project_id, &email, Instant::now()).map_err(AppError::RateLimited)?;
    let (state, key) = (state.clone(), key.clone());
    tokio::spawn(async move {
        if let Err(error) = queue(&state, &key, kind, &email, &link).await {
            tracing::warn!(%error, "could not queue a mail for an end user");
        }
    });
    Ok(())
}

async fn queue(
    state: &AppState,
    key: &VerifiedKey,
    kind: MailKind,
    email: &str,
    link: &AppLink,
) -> Result<(), AppError> {
    let Some(found) = state.store.end_users().credentials(&key.project_id, email).await? else {
        return Ok(());
    };
    let user = found.user;
    if kind == MailKind::UserVerify && user.email_verified {
        return Ok(());
    }
    // The project's ceiling counts mail that goes, never requests for
    // addresses nobody has.
    if let Err(wait) = state.mail_limits.app_send(&key.project_id, Instant::now()) {
        tracing::warn!(project = %key.project_id, wait, "project's mail ceiling reached; no mail");
        return Ok(());
    }
    let since = OffsetDateTime::now_utc() - Duration::hours(1);
    let name = user.email_verified.then_some(user.name.as_str());
    let mail = state.outbox.compose(kind, &user.email, &user.id, Some(&key.project_id), &data(key, link, name));
    match state.store.mail().queue_limited(&mail, LINKS_PER_HOUR, since).await? {
        true => state.outbox.queued(),
        false => tracing::info!(user = %user.id, "end user's mail links limit reached; no mail"),
    }
    Ok(())
}

/// Whether a reset link of this project can still be used (`GET
/// reset-password/:token` sends the user on to the app with it, or not).
pub async fn reset_token_usable(state: &AppState, key: &VerifiedKey, token: &str) -> Result<bool, AppError> {
    let record = state.store.mail().token(&tokens::hash(token)).await?;
    Ok(record.is_some_and(|r| {
        r.purpose == MailKind::UserReset.as_str()
            && r.project_id.as_deref() == Some(key.project_id.as_str())
            && r.used_at.is_none()
            && r.expires_at > OffsetDateTime::now_utc()
    }))
}

fn invalid_token() -> AppError {
    AppError::Gone("INVALID_TOKEN".into())
}

/// `reset-password`: the new password, every session of the user ended.
pub async fn reset(
    state: &AppState,
    key: &VerifiedKey,
    token: &str,
    new_password: &str,
    from: &RequestSource,
) -> Result<EndUser, AppError> {
    check_end_user_password(new_password, &key.auth)?;
    // The cheap check first: made-up tokens never cost a password hash.
    if !reset_token_usable(state, key, token).await? {
        return Err(invalid_token());
    }
    let hash = state.hash_new_password(new_password).await?;
    let by = app_actor(key, from);
    let now = OffsetDateTime::now_utc();
    let user = state
        .store
        .end_users()
        .reset_password(&key.project_id, &tokens::hash(token), &hash, now, &by)
        .await?
        .ok_or_else(invalid_token)?;
    state.end_user_sessions.forget_user(&user.id);
    tracing::info!(user = %user.id, project = %key.project_id, "end user reset their password by mail");
    Ok(user)
}

/// `verify-email`: the address is the user's.
pub async fn verify(
    state: &AppState,
    key: &VerifiedKey,
    token: &str,
    from: &RequestSource,
) -> Result<EndUser, AppError> {
    let by = app_actor(key, from);
    let now = OffsetDateTime::now_utc();
    let user = state
        .store
        .end_users()
        .verify_email(&key.project_id, &tokens::hash(token), now, &by)
        .await?
        .ok_or_else(invalid_token)?;
    state.end_user_sessions.forget_user(&user.id);
    Ok(user)
}

/// An organization invitation's mail, linking to the app's accept page at
/// the project's mail-link origin; `None` when mail is off, the project has
/// no origin to link to (the app then shows its own link), or the mail
/// limits say no (per recipient, and the project's ceiling on mail sent):
/// the invitation stands either way.
pub async fn org_invitation(
    state: &AppState,
    project_id: &str,
    organization_name: &str,
    invitation_id: &str,
    email: &str,
) -> Result<Option<QueuedMail>, AppError> {
    if !state.outbox.is_on() {
        return Ok(None);
    }
    let settings = state.store.projects().auth_settings(project_id).await?;
    let Some(link) = settings.invitation_link(invitation_id) else {
        return Ok(None);
    };
    let now = Instant::now();
    let limits = &state.mail_limits;
    if limits.app_request(project_id, email, now).is_err() || limits.app_send(project_id, now).is_err() {
        tracing::warn!(project = %project_id, "mail limits reached; invitation not mailed");
        return Ok(None);
    }
    let project = state.store.projects().find(project_id).await?;
    let project = project.map(|p| p.name).unwrap_or_default();
    let data = MailData {
        base: link,
        project: Some(project.clone()),
        sender: Some(settings.mail_sender_name.clone().unwrap_or(project)),
        organization: Some(organization_name.chars().take(60).collect()),
        ..MailData::default()
    };
    let mut mail = state.outbox.compose(MailKind::OrgInvitation, email, invitation_id, Some(project_id), &data);
    // The link is the app's page by id; nothing to arm.
    mail.token = None;
    Ok(Some(mail))
}
