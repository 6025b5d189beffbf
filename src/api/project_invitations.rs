//! Opening and accepting an invitation link (rules in `services::project_members`).

use crate::domain::InvitationView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::ctx, crate::auth::session, crate::services::project_members};

/// What the invitation page shows; needs no session.
#[server(prefix = "/api/dashboard", endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationView, AppError> {
    let state = ctx::state()?;
    let record = project_members::invitation(&state, &token).await?;
    let signed_in = session::current(&ctx::session().await?, &*state.store, &state.config, None).await?;
    let signed_in_as = signed_in.map(|s| s.user.email);
    Ok(InvitationView { project_name: record.project_name, role: record.role, email: record.email, signed_in_as })
}

/// Joins the project as the invited role; only the invited email may.
#[server(prefix = "/api/dashboard", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    let state = ctx::state()?;
    let user = ctx::user(&state).await?;
    let by = ctx::source(&state)?.user(&user);
    let slug = project_members::accept(&state, &user, &by, &token).await?;
    leptos_axum::redirect(&format!("/projects/{slug}/api-keys"));
    Ok(())
}
