//! One handler per endpoint: read the request, call `services::end_users`,
//! write the answer and its cookies. No rules here.

use super::cookies;
use super::error::AuthError;
use super::extract::{signed_in, AppCall, AppKey, SignedInCall};
use super::mail_handlers;
use super::origin;
use super::wire::{
    ChangePasswordBody, EmptyBody, ListedSession, RevokeSessionBody, SessionJson, SignInBody, SignUpBody, UserJson,
};
use crate::auth::{ids, jwt};
use crate::domain::END_USER_PASSWORD_MAX;
use crate::error::AppError;
use crate::services::end_users::{self, Profile, SignedUp};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

fn with_cookies(answer: impl IntoResponse, set_cookies: Vec<String>) -> Response {
    let mut response = answer.into_response();
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// The session cookie for `token`, living as long as the project's sessions.
fn session_cookies(state: &AppState, key: &AppKey, token: &str, remember: bool) -> Vec<String> {
    cookies::set(token, &state.cookies, state.config.secure_cookies(), remember, key.0.auth.session_seconds())
}

pub async fn sign_up(
    State(state): State<AppState>,
    AppCall { key, source, headers, body }: AppCall<SignUpBody>,
) -> Result<Response, AuthError> {
    origin::check_callback(body.callback_url.as_deref(), &headers, key.allowed_origins())?;
    let profile = Profile { name: &body.name, email: &body.email, image: body.image.as_deref() };
    // The verification mail's link, when one will be sent.
    let link = match key.0.auth.require_email_verification && state.outbox.is_on() {
        true => Some(mail_handlers::app_link(&key, body.callback_url.as_deref().or(Some("/")))?),
        false => None,
    };
    match end_users::sign_up(&state, &key.0, profile, &body.password, &source, link.as_ref()).await? {
        SignedUp::Started(started) => {
            let mut set = session_cookies(&state, &key, &started.token, body.remember_me != Some(false));
            let secure = state.config.secure_cookies();
            set.push(cookies::set_known_device(&state.cookies, key.project_id(), &started.user.email, secure));
            Ok(with_cookies(Json(json!({"token": started.token, "user": UserJson::from(&started.user)})), set))
        }
        // better-auth's answer when verification comes first: no session.
        SignedUp::MustVerify(user) => Ok(Json(json!({"token": null, "user": UserJson::from(&*user)})).into_response()),
    }
}

pub async fn sign_in(
    State(state): State<AppState>,
    AppCall { key, source, headers, body }: AppCall<SignInBody>,
) -> Result<Response, AuthError> {
    origin::check_callback(body.callback_url.as_deref(), &headers, key.allowed_origins())?;
    let device = cookies::known_device(&headers);
    let started = end_users::sign_in(&state, &key.0, &body.email, &body.password, device.as_deref(), &source).await?;
    let mut set = session_cookies(&state, &key, &started.token, body.remember_me != Some(false));
    let secure = state.config.secure_cookies();
    set.push(cookies::set_known_device(&state.cookies, key.project_id(), &started.user.email, secure));
    let url = body.callback_url.filter(|u| !u.trim().is_empty());
    let mut answer = json!({
        "redirect": url.is_some(),
        "token": started.token,
        "user": UserJson::from(&started.user),
    });
    // better-auth leaves `url` out (not null) without a callback.
    if let Some(url) = &url {
        answer["url"] = json!(url);
    }
    let mut response = with_cookies(Json(answer), set);
    if let Some(location) = url.and_then(|u| HeaderValue::from_str(&u).ok()) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

/// 200 with the session and user, or 200 `null` (clearing a cookie whose
/// signature is wrong).
pub async fn get_session(
    State(state): State<AppState>,
    key: AppKey,
    headers: HeaderMap,
) -> Result<Response, AuthError> {
    let secure = state.config.secure_cookies();
    let Some(token) = cookies::session_token(&headers, &state.cookies) else {
        // A session cookie whose signature is wrong is cleared.
        let forged = cookies::present(&headers);
        return Ok(with_cookies(Json(Value::Null), if forged { cookies::clear(secure) } else { Vec::new() }));
    };
    // A signed cookie that names no session of this project is left alone:
    // it may be another project's on the same host (a bad signature is
    // cleared above).
    let Some(current) = end_users::current(&state, &key.0, &token).await? else {
        return Ok(Json(Value::Null).into_response());
    };
    // Rendered once per cached session: the hot path serialises nothing.
    let answer = current.live.answer(|live| {
        let json = json!({"session": SessionJson::from(&live.session), "user": UserJson::from(&live.user)});
        serde_json::to_vec(&json).unwrap_or_default()
    });
    let body = ([(CONTENT_TYPE, HeaderValue::from_static("application/json"))], Bytes::from_owner(answer));
    // A slid expiry goes to the browser too.
    let set = match current.refreshed {
        true => session_cookies(&state, &key, &token, !cookies::dont_remember(&headers)),
        false => Vec::new(),
    };
    Ok(with_cookies(body, set))
}

/// Ends the session, if any, and clears the cookies either way.
pub async fn sign_out(
    State(state): State<AppState>,
    AppCall { key, headers, .. }: AppCall<EmptyBody>,
) -> Result<Response, AuthError> {
    if let Some(token) = cookies::session_token(&headers, &state.cookies) {
        end_users::sign_out(&state, key.project_id(), &token).await?;
    }
    Ok(with_cookies(Json(json!({"success": true})), cookies::clear(state.config.secure_cookies())))
}

/// `{"token": "<JWT>"}` for a signed-in session; 401 otherwise (the app's
/// backend asks this to learn whether its visitor is signed in).
pub async fn convex_token(
    State(state): State<AppState>,
    key: AppKey,
    headers: HeaderMap,
) -> Result<Response, AuthError> {
    let current = signed_in(&state, &key, &headers).await?;
    Ok(Json(json!({"token": end_users::token(&state, &current).await?})).into_response())
}

/// A project's public keys, at its own URL (`/api/auth/projects/<id>/jwks`),
/// for any verifier: no key needed. Served from memory; verifiers may keep
/// it five minutes (a rotated key is published at once and a replaced one
/// for an hour, and they fetch again when they meet a `kid` they lack).
pub async fn project_jwks(
    State(state): State<AppState>,
    Path(project_id): Path<String>,
) -> Result<Response, AuthError> {
    Ok(jwks_answer(public_keys(&state, &project_id).await?))
}

/// OpenID discovery at a project's issuer, for verifiers that start from it.
pub async fn project_openid_configuration(
    State(state): State<AppState>,
    Path(project_id): Path<String>,
) -> Result<Response, AuthError> {
    // Looked up here too, so a project that does not exist has no document.
    public_keys(&state, &project_id).await?;
    Ok(discovery(&state, &project_id))
}

/// `convex/jwks`, where Banata's clients look: the keys of the project whose
/// key is sent. Without one it cannot know the project: every project has
/// its own keys now, at its own URL, which the answer names.
pub async fn jwks(State(state): State<AppState>, key: Option<AppKey>) -> Result<Response, AuthError> {
    let key = key.ok_or_else(|| project_required(&state))?;
    Ok(jwks_answer(end_users::jwks(&state, key.project_id()).await?))
}

/// `convex/.well-known/openid-configuration`: the sending key's project's.
pub async fn openid_configuration(State(state): State<AppState>, key: Option<AppKey>) -> Result<Response, AuthError> {
    let key = key.ok_or_else(|| project_required(&state))?;
    Ok(discovery(&state, key.project_id()))
}

fn jwks_answer(body: std::sync::Arc<[u8]>) -> Response {
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (CACHE_CONTROL, HeaderValue::from_static("public, max-age=300")),
    ];
    (headers, Bytes::from_owner(body)).into_response()
}

fn discovery(state: &AppState, project_id: &str) -> Response {
    let issuer = jwt::issuer(&state.config.own_url(), project_id);
    let answer = Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/jwks"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
    }));
    ([(CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"))], answer).into_response()
}

/// A project's keys by the id in a public URL: an id that cannot be ours
/// costs no database query.
async fn public_keys(state: &AppState, project_id: &str) -> Result<std::sync::Arc<[u8]>, AuthError> {
    let not_found = || AuthError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "No project with that id.");
    if !ids::plausible("proj", project_id) {
        return Err(not_found());
    }
    end_users::jwks(state, project_id).await.map_err(|error| match error {
        AppError::NotFound(_) => not_found(),
        other => other.into(),
    })
}

fn project_required(state: &AppState) -> AuthError {
    AuthError::new(
        StatusCode::BAD_REQUEST,
        "PROJECT_REQUIRED",
        format!(
            "Each project signs its tokens with keys of its own: use {} (the project's Authentication page shows it), or send the project's x-api-key.",
            jwt::issuer(&state.config.own_url(), "<project id>") + "/jwks"
        ),
    )
}

fn status_true() -> Response {
    Json(json!({"status": true})).into_response()
}

/// `{name?, image?}`: the email cannot be changed here.
pub async fn update_user(
    State(state): State<AppState>,
    SignedInCall { call, current }: SignedInCall<serde_json::Map<String, Value>>,
) -> Result<Response, AuthError> {
    let body = &call.body;
    if body.contains_key("email") {
        return Err(AuthError::new(
            StatusCode::BAD_REQUEST,
            "EMAIL_CAN_NOT_BE_UPDATED",
            "The email cannot be updated.",
        ));
    }
    let name = match body.get("name") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name.as_str()),
        Some(_) => return Err(AuthError::bad_body("name: wrong type.")),
    };
    let image = match body.get("image") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(image)) => Some(Some(image.as_str())),
        Some(_) => return Err(AuthError::bad_body("image: wrong type.")),
    };
    end_users::update_profile(&state, &current, name, image, &call.actor()).await?;
    Ok(status_true())
}

/// `{currentPassword, newPassword, revokeOtherSessions?}` → `{token, user}`,
/// `token` being a new session's when the others were ended.
pub async fn change_password(
    State(state): State<AppState>,
    SignedInCall { call, current }: SignedInCall<ChangePasswordBody>,
) -> Result<Response, AuthError> {
    let AppCall { key, source, headers, body } = call;
    let revoke = body.revoke_other_sessions == Some(true);
    let (current_password, new_password) = (&body.current_password, &body.new_password);
    let started = end_users::change_password(&state, &key.0, &current, current_password, new_password, revoke, &source)
        .await
        .map_err(|error| match error {
            AppError::InvalidCredentials => {
                AuthError::new(StatusCode::BAD_REQUEST, "INVALID_PASSWORD", "The current password is wrong.")
            }
            other => other.into(),
        })?;
    let user = UserJson::from(current.user());
    Ok(match started {
        Some(started) => {
            let set = session_cookies(&state, &key, &started.token, !cookies::dont_remember(&headers));
            with_cookies(Json(json!({"token": started.token, "user": user})), set)
        }
        None => Json(json!({"token": null, "user": user})).into_response(),
    })
}

/// The user's live sessions, each with a handle in `token`.
pub async fn list_sessions(
    State(state): State<AppState>,
    key: AppKey,
    headers: HeaderMap,
) -> Result<Json<Vec<ListedSession>>, AuthError> {
    let current = signed_in(&state, &key, &headers).await?;
    let sessions = end_users::sessions(&state, &current).await?;
    Ok(Json(sessions.iter().map(|s| ListedSession { session: SessionJson::from(s), token: s.id.clone() }).collect()))
}

/// Ends one of the user's sessions by its listed handle.
pub async fn revoke_session(
    State(state): State<AppState>,
    SignedInCall { call, current }: SignedInCall<RevokeSessionBody>,
) -> Result<Response, AuthError> {
    end_users::end_session(&state, &current, &call.body.token, &call.actor()).await?;
    Ok(status_true())
}

/// Ends every session of the user, this one too.
pub async fn revoke_sessions(
    State(state): State<AppState>,
    SignedInCall { call, current }: SignedInCall<EmptyBody>,
) -> Result<Response, AuthError> {
    end_users::end_sessions(&state, &current, false, &call.actor()).await?;
    Ok(with_cookies(status_true(), cookies::clear(state.config.secure_cookies())))
}

/// Ends every session of the user but this one.
pub async fn revoke_other_sessions(
    State(state): State<AppState>,
    SignedInCall { call, current }: SignedInCall<EmptyBody>,
) -> Result<Response, AuthError> {
    end_users::end_sessions(&state, &current, true, &call.actor()).await?;
    Ok(status_true())
}

/// What the app's sign-in page reads to decide which form to show.
/// Needs a working key, like every project-scoped endpoint.
pub async fn public_config(key: AppKey) -> Json<Value> {
    let off = false;
    let settings = &key.0.auth;
    Json(json!({
        "authMethods": {
            "emailPassword": true, "sso": off, "passkey": off, "magicLink": off, "emailOtp": off,
            "twoFactor": off, "organization": off, "anonymous": off, "username": off,
        },
        "emailPassword": {
            "requireEmailVerification": settings.require_email_verification,
            // Signed in at sign-up, unless the email must be verified first.
            "autoSignIn": !settings.require_email_verification,
            "minPasswordLength": settings.password_min,
            "maxPasswordLength": END_USER_PASSWORD_MAX,
        },
        "socialProviders": {},
        "features": {"signUp": settings.sign_ups_open, "hostedUi": off, "mfa": off},
        "sessions": {"expiresIn": settings.session_seconds()},
        "branding": {},
    }))
}
