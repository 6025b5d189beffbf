//! A project's audit log: owners and developers may read it.

use crate::domain::AuditPage;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::ctx,
    crate::domain::{AuditAction, FieldError, Role},
    crate::store::AuditQuery,
};

/// Events per page.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 50;

/// Who may read a project's audit log.
#[cfg(feature = "ssr")]
pub(crate) const AUDIT_ROLE: Role = Role::Developer;

#[server(prefix = "/api/dashboard", endpoint = "audit_log")]
pub async fn audit_log(
    slug: String,
    action: Option<String>,
    actor: Option<String>,
    before: Option<i64>,
) -> Result<AuditPage, AppError> {
    let state = ctx::state()?;
    let (_, project) = ctx::member(&state, &slug, AUDIT_ROLE).await?;
    let query = audit_query(action.as_deref(), actor.as_deref(), before, PAGE_SIZE + 1)?;
    let mut events = state.store.audit_events(&project.project_id, &query).await?;
    let next_cursor = if events.len() > PAGE_SIZE as usize {
        events.truncate(PAGE_SIZE as usize);
        events.last().map(|e| e.seq)
    } else {
        None
    };
    let actors = state.store.audit_actors(&project.project_id).await?;
    Ok(AuditPage { events, next_cursor, actors })
}

/// The filters of the page and of the export, checked: an unknown action is
/// a field error, an empty one means any.
#[cfg(feature = "ssr")]
pub(crate) fn audit_query(
    action: Option<&str>,
    actor: Option<&str>,
    before: Option<i64>,
    limit: u32,
) -> Result<AuditQuery, AppError> {
    let action = match action.map(str::trim).filter(|a| !a.is_empty()) {
        Some(name) => {
            Some(AuditAction::parse(name).ok_or_else(|| FieldError::new("action", "Choose an action from the list."))?)
        }
        None => None,
    };
    let actor = actor.map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned);
    if actor.as_ref().is_some_and(|a| a.len() > 64) {
        return Err(FieldError::new("actor", "Choose someone from the list.").into());
    }
    if before.is_some_and(|b| b <= 0) {
        return Err(FieldError::new("before", "This page link is not valid.").into());
    }
    Ok(AuditQuery { action, actor_id: actor, target_id: None, before, limit })
}
