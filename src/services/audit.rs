//! A project's audit log: who may read it and which filters are valid. The
//! events themselves are written by the store, in the transaction of the
//! change they record.

use super::Caller;
use crate::domain::{AuditAction, AuditActor, AuditEvent, FieldError, Permission};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::AuditQuery;

/// Longest actor id a filter may name.
const ACTOR_ID_MAX: usize = 64;

/// The filters of the page and of the export, as sent.
#[derive(Default)]
pub struct AuditFilter<'a> {
    pub action: Option<&'a str>,
    pub actor: Option<&'a str>,
    pub before: Option<i64>,
}

/// A page of events, newest first, and everyone who appears in the log.
pub async fn page(
    state: &AppState,
    caller: &Caller,
    filter: AuditFilter<'_>,
    limit: u32,
) -> Result<(Vec<AuditEvent>, Vec<AuditActor>), AppError> {
    let query = query(caller, filter, limit)?;
    let events = state.store.audit().events(&caller.project_id, &query).await?;
    let actors = state.store.audit().actors(&caller.project_id).await?;
    Ok((events, actors))
}

/// The checked query for `filter`, if the caller may read the log: an
/// unknown action is a field error, an empty one means any.
pub fn query(caller: &Caller, filter: AuditFilter<'_>, limit: u32) -> Result<AuditQuery, AppError> {
    caller.require(Permission::AuditRead)?;
    let action = match filter.action.map(str::trim).filter(|a| !a.is_empty()) {
        Some(name) => {
            Some(AuditAction::parse(name).ok_or_else(|| FieldError::new("action", "Choose an action from the list."))?)
        }
        None => None,
    };
    let actor = filter.actor.map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned);
    if actor.as_ref().is_some_and(|a| a.len() > ACTOR_ID_MAX) {
        return Err(FieldError::new("actor", "Choose someone from the list.").into());
    }
    if filter.before.is_some_and(|b| b <= 0) {
        return Err(FieldError::new("before", "This page link is not valid.").into());
    }
    Ok(AuditQuery { action, actor_id: actor, target_id: None, before: filter.before, limit })
}
