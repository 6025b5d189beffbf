//! Mail for dashboard accounts: "Forgot password?" and the reset it mails,
//! and proving a new account's address. Links are single-use, stored only
//! as hashes, and point at `BANATA_PUBLIC_URL`, never at a request's `Host`.
//! Asking for a reset answers the same, at once, whether or not the account
//! exists: the lookup and the mail happen after the answer.

use crate::auth::{password, tokens};
use crate::config::Config;
use crate::domain::{normalize_email, validate_password, FieldError, MailKind, User};
use crate::error::AppError;
use crate::mail::{MailData, Outbox};
use crate::state::AppState;
use crate::store::{NewMailToken, QueuedMail, Store};
use std::net::IpAddr;
use std::time::Instant;
use time::{Duration, OffsetDateTime};

/// Links of one kind one account may be mailed per hour.
pub const LINKS_PER_HOUR: i64 = 3;

/// The base of the links in dashboard mails.
fn base(config: &Config) -> String {
    config.own_url()
}

/// The verification mail of a new account (for its sign-up's transaction);
/// `None` when mail is off. Its link points at the public URL.
pub fn verification_mail(
    outbox: &Outbox,
    config: &Config,
    user_id: &str,
    name: &str,
    email: &str,
) -> Option<QueuedMail> {
    outbox.is_on().then(|| {
        let data = MailData { base: base(config), name: Some(name.to_string()), ..MailData::default() };
        outbox.compose(MailKind::AccountVerify, email, user_id, None, &data)
    })
}

/// "Forgot password?": mails a reset link to the account with this email,
/// if there is one and it has not had `LINKS_PER_HOUR` this hour.
pub async fn request_reset(state: &AppState, email: &str, ip: IpAddr) -> Result<(), AppError> {
    if !state.outbox.is_on() {
        return Err(AppError::Conflict(
            "This server does not send mail. Ask its operator for a reset link (banata user reset-password).".into(),
        ));
    }
    let email = normalize_email(email)?;
    state.mail_limits.address(ip, Instant::now()).map_err(AppError::RateLimited)?;
    let state = state.clone();
    // After the answer: its timing says nothing about who has an account.
    tokio::spawn(async move {
        if let Err(error) = queue_reset(&state, &email).await {
            tracing::warn!(%error, "could not queue a password reset mail");
        }
    });
    Ok(())
}

async fn queue_reset(state: &AppState, email: &str) -> Result<(), AppError> {
    let Some(user) = state.store.accounts().by_email(email).await? else {
        return Ok(());
    };
    let data = MailData { base: base(&state.config), name: Some(user.name.clone()), ..MailData::default() };
    let mail = state.outbox.compose(MailKind::AccountReset, &user.email, &user.id, None, &data);
    match queue_limited(&*state.store, &mail).await? {
        true => state.outbox.queued(),
        false => tracing::info!(user = %user.id, "password reset links limit reached; no mail"),
    }
    Ok(())
}

/// Queues the mail unless its account had `LINKS_PER_HOUR` of its kind.
async fn queue_limited(store: &dyn Store, mail: &QueuedMail) -> Result<bool, AppError> {
    let since = OffsetDateTime::now_utc() - Duration::hours(1);
    Ok(store.mail().queue_limited(mail, LINKS_PER_HOUR, since).await?)
}

fn spent_link() -> AppError {
    AppError::Gone("This link is not valid any more: it was used, or it expired. Ask for a new one.".into())
}

/// Whether a reset link can still be used (the reset page checks before it
/// shows the form).
pub async fn check_reset(state: &AppState, token: &str) -> Result<(), AppError> {
    let record = state.store.mail().token(&tokens::hash(token)).await?;
    match record {
        Some(r)
            if r.purpose == MailKind::AccountReset.as_str()
                && r.used_at.is_none()
                && r.expires_at > OffsetDateTime::now_utc() =>
        {
            Ok(())
        }
        _ => Err(spent_link()),
    }
}

/// Sets a new password with a reset link, ending every session of the
/// account. Returns the account, to sign it in here.
pub async fn reset(state: &AppState, token: &str, new_password: &str) -> Result<User, AppError> {
    // The cheap check first: made-up tokens never cost a password hash.
    check_reset(state, token).await?;
    validate_password(new_password).map_err(|e| FieldError::new("password", e.message))?;
    let hash = password::hash_new(new_password).await?;
    let user = state.store.accounts().reset_password(&tokens::hash(token), &hash, OffsetDateTime::now_utc()).await?;
    let user = user.ok_or_else(spent_link)?;
    tracing::info!(user = %user.id, "password reset by mail; every session ended");
    Ok(user)
}

/// Marks the account's address verified with the link mailed to it.
pub async fn verify(state: &AppState, token: &str) -> Result<User, AppError> {
    let user = state.store.accounts().verify_email(&tokens::hash(token), OffsetDateTime::now_utc()).await?;
    user.ok_or_else(spent_link)
}

/// Mails the signed-in account a new verification link.
pub async fn resend_verification(state: &AppState, user: &User) -> Result<(), AppError> {
    if !state.outbox.is_on() {
        return Err(AppError::Conflict("This server does not send mail.".into()));
    }
    if state.store.accounts().is_verified(&user.id).await? {
        return Err(AppError::Conflict("Your email is already verified.".into()));
    }
    let mail = verification_mail(&state.outbox, &state.config, &user.id, &user.name, &user.email);
    let Some(mail) = mail else {
        return Ok(());
    };
    if !queue_limited(&*state.store, &mail).await? {
        return Err(AppError::Conflict("We sent several links this hour. Use the newest, or try again later.".into()));
    }
    state.outbox.queued();
    Ok(())
}

/// `banata user reset-password`: a one-time link for servers without mail,
/// printed to the operator. Only its hash is stored.
pub async fn operator_reset_link(store: &dyn Store, config: &Config, email: &str) -> Result<String, AppError> {
    let email = normalize_email(email)?;
    let user = store.accounts().by_email(&email).await?.ok_or(AppError::NotFound(crate::domain::Resource::Account))?;
    let token = tokens::mail_token();
    let now = OffsetDateTime::now_utc();
    let kind = MailKind::AccountReset;
    let record = NewMailToken {
        id: crate::auth::ids::mail_token_id(),
        purpose: kind,
        token_hash: Some(tokens::hash(&token)),
        subject_id: user.id.clone(),
        project_id: None,
        email: user.email.clone(),
        created_at: now,
        expires_at: now + Duration::seconds(kind.link_lifetime_seconds()),
    };
    store.mail().insert_token(&record).await?;
    let data = MailData { base: base(config), ..MailData::default() };
    Ok(crate::mail::message::link(kind, &data, &token))
}

/// How many of a project's mails its deliveries page lists.
const DELIVERIES_SHOWN: u32 = 100;

/// The project's recent mail, for any member: who it went to, what kind,
/// how it went; never a link.
pub async fn deliveries(state: &AppState, caller: &super::Caller) -> Result<crate::domain::DeliveryPage, AppError> {
    caller.require(crate::domain::Permission::MailRead)?;
    let deliveries = state.store.mail().recent(&caller.project_id, DELIVERIES_SHOWN).await?;
    Ok(crate::domain::DeliveryPage { mail_on: state.outbox.is_on(), deliveries })
}
