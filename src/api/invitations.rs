//! Opening and accepting an invitation link. The token is the only proof:
//! it is looked up by its hash and works once, for the invited email.

use crate::domain::InvitationView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::auth::{session, tokens},
    crate::store::InvitationRecord,
    time::OffsetDateTime,
};

/// The invitation behind `token`, if it can still be accepted.
#[cfg(feature = "ssr")]
async fn usable(state: &crate::state::AppState, token: &str) -> Result<InvitationRecord, AppError> {
    let record = state
        .store
        .invitation_by_token(&tokens::hash(token))
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

/// What the invitation page shows; needs no session.
#[server(prefix = "/api/dashboard", endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    let state = ctx::state()?;
    let record = usable(&state, &token).await?;
    let signed_in_as = session::current(&ctx::session().await?, &state, None).await?.map(|s| s.user.email);
    Ok(InvitationView { project_name: record.project_name, role: record.role, email: record.email, signed_in_as })
}

/// Joins the project as the invited role; only the invited email may.
#[server(prefix = "/api/dashboard", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::caller(&state).await?;
    let record = usable(&state, &token).await?;
    if !record.email.eq_ignore_ascii_case(&user.email) {
        return Err(AppError::Forbidden(format!(
            "This invitation was sent to {}. Sign in with that address to accept it.",
            record.email
        )));
    }
    let by = ctx::actor(&state, &user)?;
    state.store.accept_invitation(&record.id, &by, OffsetDateTime::now_utc()).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => AppError::Gone("This invitation has already been used.".into()),
        other => other.into(),
    })?;
    state.store.set_last_project(&user.id, &record.project_id).await?;
    let slug = state
        .store
        .memberships(&user.id)
        .await?
        .into_iter()
        .find(|m| m.project_id == record.project_id)
        .map(|m| m.slug)
        .ok_or(AppError::Internal)?;
    leptos_axum::redirect(&format!("/projects/{slug}/api-keys"));
    Ok(())
}
