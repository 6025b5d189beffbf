//! The admin API's own wire: reading its fields into what the services
//! take. The rules themselves (names, permissions, lifetimes, grace periods,
//! who may change keys) are in `services::keys`, shared with the dashboard.

use super::error::ApiError;
use super::key_types::CreateKeyRequest;
use crate::domain::FieldError;
use crate::services::keys::NewKeyRequest;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

/// Largest page of the paged list.
pub const MAX_LIMIT: u32 = 100;

pub fn new_key(request: CreateKeyRequest) -> NewKeyRequest {
    NewKeyRequest {
        name: request.name,
        permissions: request.permissions.unwrap_or_default(),
        expires_at: request.expires_at.as_deref().map(expiry).transpose(),
    }
}

/// An RFC 3339 time, or a date (the start of that day, UTC).
fn expiry(raw: &str) -> Result<OffsetDateTime, FieldError> {
    let raw = raw.trim();
    let date_only = time::macros::format_description!("[year]-[month]-[day]");
    OffsetDateTime::parse(raw, &Rfc3339)
        .ok()
        .or_else(|| Date::parse(raw, &date_only).ok().map(|d| d.with_time(Time::MIDNIGHT).assume_utc()))
        .ok_or_else(|| FieldError::new("expires_at", "Use an ISO 8601 time such as 2027-06-30T00:00:00Z."))
}

/// A roll's grace period: required, in whole seconds.
pub fn grace(raw: Option<i64>) -> Result<time::Duration, ApiError> {
    raw.map(time::Duration::seconds).ok_or_else(|| {
        ApiError::field("graceSeconds", "required", "Say how long the old key keeps working (0 to 604800 seconds).")
    })
}

/// The page size, if one was asked for.
pub fn limit(raw: Option<&str>) -> Result<Option<u32>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::field("limit", "invalid", format!("Use a whole number from 1 to {MAX_LIMIT}."))),
    }
}

/// A required key id.
pub fn key_id(raw: Option<&str>) -> Result<&str, ApiError> {
    match raw.map(str::trim) {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(ApiError::field("keyId", "required", "Give the id of the key.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_reads_times_and_dates() {
        // Reading only: whether the time is acceptable is the service's rule.
        let at = expiry("2020-06-30T12:00:00Z").unwrap();
        assert_eq!(at.hour(), 12);
        assert_eq!(expiry(" 2020-06-30 ").unwrap().hour(), 0);
        assert_eq!(expiry("soon").unwrap_err().field, "expires_at");
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None).ok(), Some(None));
        assert_eq!(limit(Some("100")).ok(), Some(Some(100)));
        assert!(limit(Some("0")).is_err());
        assert!(limit(Some("101")).is_err());
        assert!(limit(Some("ten")).is_err());
    }
}
