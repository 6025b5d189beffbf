//! A project's events, as the events API lists them: the same ones its
//! webhooks carry, for an app that polls or catches up.

use super::Caller;
use crate::domain::{EventType, FieldError, Permission};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{EventQuery, StoredEvent};
use time::OffsetDateTime;

pub const PAGE_MAX: u32 = 200;
pub const PAGE_DEFAULT: u32 = 50;

/// The events API's filters, as sent (its body, camelCase).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventFilter {
    pub event_types: Vec<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
    pub organization_id: Option<String>,
    /// Epoch milliseconds.
    pub range_start: Option<i64>,
    pub range_end: Option<i64>,
    /// `desc` (the default) or `asc`.
    pub order: Option<String>,
}

/// A page, and whether more follow.
pub struct EventPage {
    pub events: Vec<StoredEvent>,
    pub has_more: bool,
}

pub fn from_millis(field: &str, ms: i64) -> Result<OffsetDateTime, AppError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map_err(|_| FieldError::new(field, "Use a time in epoch milliseconds.").into())
}

/// The last instant of that millisecond: a range's end includes it whole
/// (times are stored finer than the milliseconds they are shown in).
pub fn end_of_millis(field: &str, ms: i64) -> Result<OffsetDateTime, AppError> {
    Ok(from_millis(field, ms)? + time::Duration::nanoseconds(999_999))
}

pub async fn list(state: &AppState, caller: &Caller, filter: EventFilter) -> Result<EventPage, AppError> {
    caller.require(Permission::EventsRead)?;
    let mut types = Vec::new();
    for name in &filter.event_types {
        let kind = EventType::parse(name.trim()).ok_or_else(|| {
            FieldError::new(
                "eventTypes",
                format!("{:?} is not an event type.", name.chars().take(60).collect::<String>()),
            )
        })?;
        types.push(kind);
    }
    let limit = match filter.limit {
        None => PAGE_DEFAULT,
        Some(n) if (1..=i64::from(PAGE_MAX)).contains(&n) => n as u32,
        Some(_) => return Err(FieldError::new("limit", format!("Use 1 to {PAGE_MAX}.")).into()),
    };
    let ascending = match filter.order.as_deref() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(_) => return Err(FieldError::new("order", "Use asc or desc.").into()),
    };
    let range_start = filter.range_start.map(|ms| from_millis("rangeStart", ms)).transpose()?;
    let range_end = filter.range_end.map(|ms| end_of_millis("rangeEnd", ms)).transpose()?;
    if let (Some(start), Some(end)) = (range_start, range_end) {
        if start > end {
            return Err(FieldError::new("rangeEnd", "The range ends before it starts.").into());
        }
    }
    let query = EventQuery {
        types,
        organization_id: filter.organization_id.filter(|o| !o.is_empty()),
        range_start,
        range_end,
        after: filter.after.filter(|a| !a.is_empty()),
        ascending,
        limit: limit + 1,
    };
    let mut events = state.store.events().list(&caller.project_id, &query).await?;
    let has_more = events.len() > limit as usize;
    events.truncate(limit as usize);
    Ok(EventPage { events, has_more })
}
