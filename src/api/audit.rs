//! A project's audit log page (rules in `services::audit`).

use crate::domain::AuditPage;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::services::audit::{self, AuditFilter},
};

/// Events per page.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

#[server(prefix = "/api/dashboard", endpoint = "audit_log")]
pub async fn audit_log(
    slug: String,
    action: Option<String>,
    actor: Option<String>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    let state = ctx::state()?;
    let (_, caller) = ctx::member(&state, &slug).await?;
    let filter = AuditFilter { action: action.as_deref(), actor: actor.as_deref(), before };
    let (mut events, actors) = audit::page(&state, &caller, filter, PAGE_SIZE + 1).await?;
    let next_cursor = if events.len() > PAGE_SIZE as usize {
        events.truncate(PAGE_SIZE as usize);
        events.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(AuditPage { events, next_cursor, actors })
}
