//! A project's end users, the people who sign up to a customer's app through
//! its key: signing up, signing in and out, and the session that says who
//! they are. The project is always the one the key belongs to, resolved
//! before a function here is called; nothing a request names can widen it.

use super::app_actor;
use super::end_user_mail::{self, AppLink};
use crate::actor::{Actor, RequestSource};
use crate::auth::rate_limit::Client;
use crate::auth::session_cache::{Cached, LiveSession};
use crate::auth::verified_key::VerifiedKey;
use crate::auth::{ids, jwt, known_device, password, tokens};
use crate::domain::{
    check_end_user_password, check_image, normalize_email, validate_name, AuthSettings, FieldError,
    END_USER_PASSWORD_MAX,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{EndUser, EndUserChanges, EndUserSession, NewEndUser, NewEndUserSession, QueuedMail, StoreError};
use rand::distr::{Alphanumeric, SampleString};
use std::sync::Arc;
use std::time::Instant;
use time::{Duration, OffsetDateTime};

/// Makes the mail a new user gets in their sign-up's transaction, from
/// their id, email and name.
pub(super) type Mailer<'a> = dyn Fn(&str, &str, &str) -> Option<QueuedMail> + Send + Sync + 'a;

/// A session used after this long has its expiry moved forward again.
const REFRESH_AFTER: Duration = Duration::days(1);

/// Who a new user is, as a sign-up form or the admin API gives it.
pub struct Profile<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub image: Option<&'a str>,
}

/// A session just started: the token goes to the browser once (in its
/// cookie) and is kept only as a hash.
pub struct Started {
    pub user: EndUser,
    pub session: EndUserSession,
    pub token: String,
}

/// A live session and whose it is (shared with the session cache). `refreshed`
/// when its expiry just moved, so the cookie must be set again.
pub struct Current {
    pub live: Arc<LiveSession>,
    pub refreshed: bool,
}

impl Current {
    pub fn user(&self) -> &EndUser {
        &self.live.user
    }

    pub fn session(&self) -> &EndUserSession {
        &self.live.session
    }
}

/// A sign-up's outcome: signed in, or (where the project requires it)
/// made but not signed in until the email is verified.
pub enum SignedUp {
    Started(Box<Started>),
    MustVerify(Box<EndUser>),
}

/// Creates the user and signs them in, if the project's sign-ups are open.
/// Every field is checked before any work; the email is unique per
/// project, ignoring case.
pub async fn sign_up(
    state: &AppState,
    key: &VerifiedKey,
    profile: Profile<'_>,
    password: &str,
    from: &RequestSource,
    link: Option<&AppLink>,
) -> Result<SignedUp, AppError> {
    if !key.auth.sign_ups_open {
        return Err(AppError::SignupClosed);
    }
    // Each sign-up can mail an address its requester names: bounded per
    // project (its setting), since every request comes from the app server.
    let quota = state.sign_up_quota.take(&key.project_id, key.auth.sign_ups_per_hour, Instant::now());
    quota.map_err(AppError::RateLimited)?;
    let by = app_actor(key, from);
    // Where verification is required, its mail goes in the sign-up's own
    // transaction.
    let verification = |id: &str, email: &str, _name: &str| {
        link.and_then(|link| end_user_mail::verification_for(state, key, link, id, email))
    };
    let mail: Option<&Mailer<'_>> = (key.auth.require_email_verification && link.is_some()).then_some(&verification);
    let user = create(state, (&key.project_id, &key.auth), &profile, Some(password), false, &by, mail).await?;
    if mail.is_some() && state.outbox.is_on() {
        state.outbox.queued();
    }
    let now = OffsetDateTime::now_utc();
    state.end_user_activity.signed_up(&key.project_id, now);
    tracing::info!(user = %user.id, project = %key.project_id, "end user signed up");
    if key.auth.require_email_verification {
        return Ok(SignedUp::MustVerify(Box::new(user)));
    }
    Ok(SignedUp::Started(Box::new(start(state, user, from, now, &key.auth).await?)))
}

/// Writes a new user of the project (for sign-up, and for the admin API
/// and dashboard, which may make one without a password), in `project`
/// (its id, and its settings for the password rules).
pub(super) async fn create(
    state: &AppState,
    (project_id, settings): (&str, &AuthSettings),
    input: &Profile<'_>,
    password: Option<&str>,
    email_verified: bool,
    by: &Actor,
    mail: Option<&Mailer<'_>>,
) -> Result<EndUser, AppError> {
    let mut errors = Vec::new();
    let name = validate_name("name", input.name).map_err(|e| errors.push(e)).ok();
    let email = normalize_email(input.email).map_err(|e| errors.push(e)).ok();
    if let Some(password) = password {
        let _ = check_end_user_password(password, settings).map_err(|e| errors.push(e));
    }
    let image = check_image(input.image).map_err(|e| errors.push(e)).ok().flatten();
    let (Some(name), Some(email), true) = (name, email, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let password_hash = match password {
        Some(password) => Some(state.hash_new_password(password).await?),
        None => None,
    };
    let id = ids::user_id();
    let mail = mail.and_then(|compose| compose(&id, &email, &name));
    let new = NewEndUser {
        mail,
        id,
        project_id: project_id.to_string(),
        email,
        name,
        image,
        password_hash,
        email_verified,
        at: OffsetDateTime::now_utc(),
    };
    state.store.end_users().insert(&new, by).await.map_err(|e| match e {
        StoreError::Conflict(_) => AppError::from(FieldError::coded(
            "email",
            "taken",
            "A user with this email already exists. Use another email.",
        )),
        other => other.into(),
    })
}

/// Checks the password and starts a session. An unknown email and a wrong
/// password cost the same and answer the same. Only failures are limited,
/// per (project, email) for browsers the email has not signed in on, and
/// per browser for one it has (`device`, its known-device cookie): every
/// request comes from the app server's address, so addresses tell nothing,
/// and nothing a stranger does can refuse the owner's own browser.
pub async fn sign_in(
    state: &AppState,
    key: &VerifiedKey,
    email: &str,
    password: &str,
    device: Option<&str>,
    from: &RequestSource,
) -> Result<Started, AppError> {
    let project_id = key.project_id.as_str();
    let email = normalize_email(email).unwrap_or_default();
    let client = match device.and_then(|value| known_device::recognise(&state.cookies, project_id, &email, value)) {
        Some(nonce) => Client::KnownDevice(nonce),
        None => Client::Unknown,
    };
    state.end_user_limits.check(project_id, &email, client, Instant::now()).map_err(AppError::RateLimited)?;
    let credentials = match email.is_empty() || password.chars().count() > END_USER_PASSWORD_MAX {
        true => None,
        false => state.store.end_users().credentials(project_id, &email).await?,
    };
    let (user, stored) = match credentials {
        Some(c) => (Some(c.user), c.password_hash),
        None => (None, None),
    };
    let slot = state.password_slot()?;
    let matches = password::verify(password.to_string(), stored).await;
    drop(slot);
    let Some(user) = user.filter(|_| matches) else {
        state.end_user_limits.failed(project_id, &email, client, Instant::now());
        return Err(AppError::InvalidCredentials);
    };
    state.end_user_limits.succeeded(project_id, &email, client);
    let now = OffsetDateTime::now_utc();
    if user.is_banned(now) {
        return Err(AppError::Banned);
    }
    // Told only to someone who knows the password.
    if key.auth.require_email_verification && !user.email_verified {
        return Err(AppError::EmailNotVerified);
    }
    state.end_user_activity.signed_in(project_id, now);
    start(state, user, from, now, &key.auth).await
}

/// The live session behind `token` in this project, sliding its expiry
/// when it was last refreshed a day ago or more. A token of another project,
/// an expired session or a banned user is no session.
pub async fn current(state: &AppState, key: &VerifiedKey, token: &str) -> Result<Option<Current>, AppError> {
    let project_id = key.project_id.as_str();
    let now = OffsetDateTime::now_utc();
    let hash = tokens::hash(token);
    let live = match state.end_user_sessions.get(&hash) {
        Cached::Hit(live) => live,
        Cached::Miss(ticket) => {
            let Some(session) = state.store.end_user_sessions().live(project_id, &hash, now).await? else {
                return Ok(None);
            };
            let Some(user) = state.store.end_users().get(project_id, &session.user_id).await? else {
                return Ok(None);
            };
            let memberships = state.store.organization_members().of_user(project_id, &user.id).await?;
            let live = LiveSession::new(session, user, memberships);
            state.end_user_sessions.remember(&hash, live.clone(), ticket);
            live
        }
    };
    // Cached by token alone: the project, expiry and ban are checked here.
    let (session, user) = (&live.session, &live.user);
    // Also ended once idle for longer than the project's lifetime now is (a
    // shortened lifetime applies to sessions already started).
    let lifetime = lifetime(&key.auth);
    let idle = now - session.updated_at;
    if session.project_id != project_id || session.expires_at <= now || idle >= lifetime || user.is_banned(now) {
        return Ok(None);
    }
    // Slid after a day, or after half the lifetime when that is shorter.
    if idle < REFRESH_AFTER.min(lifetime / 2) {
        return Ok(Some(Current { live, refreshed: false }));
    }
    let mut session = session.clone();
    session.updated_at = now;
    session.expires_at = now + lifetime;
    state.store.end_user_sessions().extend(&session.id, now, session.expires_at).await?;
    state.end_user_sessions.forget_session(&hash);
    Ok(Some(Current { live: LiveSession::new(session, user.clone(), live.memberships.clone()), refreshed: true }))
}

/// What a signed-in user may change of themselves: name and image (the
/// email is not theirs to change here).
pub async fn update_profile(
    state: &AppState,
    current: &Current,
    name: Option<&str>,
    image: Option<Option<&str>>,
    by: &Actor,
) -> Result<EndUser, AppError> {
    let name = name.map(|n| validate_name("name", n)).transpose()?;
    let image = image.map(check_image).transpose()?;
    let user = current.user();
    let now = OffsetDateTime::now_utc();
    let changes = EndUserChanges { name, image, ..Default::default() };
    let updated = state.store.end_users().change(&user.project_id, &user.id, &changes, now, by).await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(updated?)
}

/// Changes the password when `current_password` is right (wrong guesses
/// count against the sign-in limits). Every other session of the user ends
/// (whoever stole one is out, whatever the client asked); with
/// `revoke_others` this one ends too and a new one is started for this
/// browser, which the caller sets as the cookie (better-auth's answer).
pub async fn change_password(
    state: &AppState,
    key: &VerifiedKey,
    current: &Current,
    current_password: &str,
    new_password: &str,
    revoke_others: bool,
    from: &RequestSource,
) -> Result<Option<Started>, AppError> {
    let user = current.user();
    check_end_user_password(new_password, &key.auth).map_err(|e| e.renamed("password", "new_password"))?;
    // Guesses at the current password with a stolen session count against
    // that session, not the email (strangers could fill that).
    let client = Client::KnownDevice(&current.session().id);
    let limits = &state.end_user_limits;
    limits.check(&user.project_id, &user.email, client, Instant::now()).map_err(AppError::RateLimited)?;
    let stored =
        state.store.end_users().credentials(&user.project_id, &user.email).await?.and_then(|c| c.password_hash);
    let slot = state.password_slot()?;
    if !password::verify(current_password.to_string(), stored).await {
        limits.failed(&user.project_id, &user.email, client, Instant::now());
        return Err(AppError::InvalidCredentials);
    }
    drop(slot);
    let password_hash = state.hash_new_password(new_password).await?;
    let now = OffsetDateTime::now_utc();
    let by = app_actor(key, from);
    let keep = (!revoke_others).then_some(current.session().id.as_str());
    let changed =
        state.store.end_users().set_password(&user.project_id, &user.id, &password_hash, keep, now, &by).await;
    state.end_user_sessions.forget_user(&user.id);
    changed?;
    match revoke_others {
        true => Ok(Some(start(state, user.clone(), from, now, &key.auth).await?)),
        false => Ok(None),
    }
}

/// The user's live sessions.
pub async fn sessions(state: &AppState, current: &Current) -> Result<Vec<EndUserSession>, AppError> {
    let user = current.user();
    Ok(state.store.end_user_sessions().of_user(&user.project_id, &user.id, OffsetDateTime::now_utc()).await?)
}

/// Ends one of the user's own sessions, named by its listed handle. Another
/// user's is `NotFound`, exactly like one that does not exist.
pub async fn end_session(state: &AppState, current: &Current, session_id: &str, by: &Actor) -> Result<(), AppError> {
    let user = current.user();
    let ended = state
        .store
        .end_user_sessions()
        .end_of_user(&user.project_id, &user.id, session_id.trim(), by, OffsetDateTime::now_utc())
        .await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(ended?)
}

/// Ends every session of the user, or every one but this one.
pub async fn end_sessions(
    state: &AppState,
    current: &Current,
    keep_this_one: bool,
    by: &Actor,
) -> Result<u64, AppError> {
    let user = current.user();
    let keep = keep_this_one.then_some(current.session().id.as_str());
    let ended = state
        .store
        .end_user_sessions()
        .end_all_of_user(&user.project_id, &user.id, keep, by, OffsetDateTime::now_utc())
        .await;
    state.end_user_sessions.forget_user(&user.id);
    Ok(ended?)
}

/// A JWT saying who is signed in, for the app's backend, signed with the
/// project's own key under the project's own issuer; `aud` is the project's
/// id too, for verifiers that check it.
pub async fn token(state: &AppState, current: &Current) -> Result<String, AppError> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (user, session) = (current.user(), current.session());
    // The active organization and the user's role there, so a backend can
    // authorize without a round trip; a token is reused only while both hold.
    let org_id = session.active_organization_id.as_deref();
    let org_role = org_id.and_then(|org| current.live.membership(org)).map(|m| m.role.as_str());
    let reuse_key = format!("{}|{}|{}", session.id, org_id.unwrap_or_default(), org_role.unwrap_or_default());
    let claims = || {
        serde_json::json!({
            "org_id": org_id,
            "org_role": org_role,
            "iss": jwt::issuer(&state.config.own_url(), &user.project_id),
            "aud": user.project_id,
            "sub": user.id,
            "sessionId": session.id,
            "email": user.email,
            "name": user.name,
            "emailVerified": user.email_verified,
            "projectId": user.project_id,
        })
    };
    state.jwt.token(&*state.store, &user.project_id, &reuse_key, now, claims).await.map_err(jwt_error)
}

/// The project's public keys (its JWKS document, rendered once), for any
/// verifier. `NotFound` for a project that does not exist.
pub async fn jwks(state: &AppState, project_id: &str) -> Result<Arc<[u8]>, AppError> {
    Ok(state.jwt.keys(&*state.store, project_id).await.map_err(jwt_error)?.jwks())
}

fn jwt_error(error: jwt::JwtIssueError) -> AppError {
    match error {
        jwt::JwtIssueError::Store(StoreError::NotFound(what)) => AppError::NotFound(what),
        jwt::JwtIssueError::Store(other) => other.into(),
        other => {
            tracing::error!(error = %other, "JWT signing keys");
            AppError::Internal
        }
    }
}

/// Ends the session behind `token`, if it is this project's.
pub async fn sign_out(state: &AppState, project_id: &str, token: &str) -> Result<(), AppError> {
    let hash = tokens::hash(token);
    let ended = state.store.end_user_sessions().end_by_token(project_id, &hash, OffsetDateTime::now_utc()).await;
    // Forgotten whatever the database answered: the user wants it ended.
    state.end_user_sessions.forget_session(&hash);
    Ok(ended?)
}

fn lifetime(settings: &AuthSettings) -> Duration {
    Duration::seconds(settings.session_seconds())
}

async fn start(
    state: &AppState,
    user: EndUser,
    from: &RequestSource,
    now: OffsetDateTime,
    settings: &AuthSettings,
) -> Result<Started, AppError> {
    // 32 base62 characters, about 190 bits; only its hash is stored.
    let token = Alphanumeric.sample_string(&mut rand::rng(), 32);
    let new = NewEndUserSession {
        id: ids::session_id(),
        project_id: user.project_id.clone(),
        user_id: user.id.clone(),
        token_hash: tokens::hash(&token),
        at: now,
        expires_at: now + lifetime(settings),
        ip: from.ip.clone(),
        user_agent: from.user_agent.clone(),
    };
    let session = state.store.end_user_sessions().insert(&new).await?;
    Ok(Started { user, session, token })
}
