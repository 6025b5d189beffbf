//! The admin API's input rules: each failure names its field and says why.

use super::error::ApiError;
use super::types::{CreateKeyRequest, FieldProblem};
use crate::auth::issue::{MAX_GRACE, MAX_LIFETIME};
use crate::auth::verify::VerifiedKey;
use crate::domain::{validate_name, KNOWN_PERMISSIONS, READ_KEYS};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

/// Largest page of the paged list.
pub const MAX_LIMIT: u32 = 100;

/// A create request, checked.
pub struct NewKeyInput {
    pub name: String,
    pub permissions: Vec<String>,
    pub expires_at: Option<OffsetDateTime>,
}

pub fn new_key(request: CreateKeyRequest, now: OffsetDateTime) -> Result<NewKeyInput, ApiError> {
    let mut problems = Vec::new();
    let name = match request.name.as_deref().map(|raw| validate_name("name", raw)) {
        None => {
            problems.push(FieldProblem::new("name", "required", "Give the key a name."));
            None
        }
        Some(Err(e)) => {
            problems.push(FieldProblem::new("name", "invalid", e.message));
            None
        }
        Some(Ok(name)) => Some(name),
    };
    let mut permissions = Vec::new();
    for (i, permission) in request.permissions.unwrap_or_default().into_iter().enumerate() {
        if !KNOWN_PERMISSIONS.contains(&permission.as_str()) {
            problems.push(FieldProblem::new(
                format!("permissions[{i}]"),
                "unknown_permission",
                format!("Unknown permission {permission:?}: use [\"{READ_KEYS}\"] for a read-only key, or [] for full access."),
            ));
        } else if !permissions.contains(&permission) {
            permissions.push(permission);
        }
    }
    let expires_at = match request.expires_at.as_deref().map(|raw| expiry(raw, now)) {
        Some(Err(problem)) => {
            problems.push(problem);
            None
        }
        Some(Ok(at)) => Some(at),
        None => None,
    };
    match name {
        Some(name) if problems.is_empty() => Ok(NewKeyInput { name, permissions, expires_at }),
        _ => Err(ApiError::Validation(problems)),
    }
}

/// An RFC 3339 time, or a date (the start of that day, UTC); in the future
/// and within the longest lifetime a key may have.
fn expiry(raw: &str, now: OffsetDateTime) -> Result<OffsetDateTime, FieldProblem> {
    let raw = raw.trim();
    let date_only = time::macros::format_description!("[year]-[month]-[day]");
    let at = OffsetDateTime::parse(raw, &Rfc3339)
        .ok()
        .or_else(|| Date::parse(raw, &date_only).ok().map(|d| d.with_time(Time::MIDNIGHT).assume_utc()))
        .ok_or_else(|| {
            FieldProblem::new("expiresAt", "invalid", "Use an ISO 8601 time such as 2027-06-30T00:00:00Z.")
        })?;
    if at <= now {
        return Err(FieldProblem::new("expiresAt", "invalid", "Choose a time in the future."));
    }
    if at > now + MAX_LIFETIME {
        return Err(FieldProblem::new("expiresAt", "invalid", "Choose a time within five years."));
    }
    Ok(at)
}

/// A roll's grace period: required, whole seconds, at most `MAX_GRACE`.
pub fn grace(raw: Option<i64>) -> Result<time::Duration, ApiError> {
    let max = MAX_GRACE.whole_seconds();
    match raw {
        None => Err(ApiError::field(
            "graceSeconds",
            "required",
            "Say how long the old key keeps working (0 to 604800 seconds).",
        )),
        Some(seconds) if (0..=max).contains(&seconds) => Ok(time::Duration::seconds(seconds)),
        Some(_) => {
            Err(ApiError::field("graceSeconds", "invalid", format!("Use a whole number of seconds from 0 to {max}.")))
        }
    }
}

/// The page size, if one was asked for.
pub fn limit(raw: Option<&str>) -> Result<Option<u32>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(Some(n)),
        _ => Err(ApiError::field("limit", "invalid", format!("Use a whole number from 1 to {MAX_LIMIT}."))),
    }
}

/// A required key id. One that cannot be ours is unknown: no lookup.
pub fn key_id(raw: Option<&str>) -> Result<&str, ApiError> {
    match raw.map(str::trim) {
        Some(id) if !id.is_empty() => {
            let plausible = id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if plausible {
                Ok(id)
            } else {
                Err(ApiError::NotFound("No key with that id in this project."))
            }
        }
        _ => Err(ApiError::field("keyId", "required", "Give the id of the key.")),
    }
}

/// Only a full-access key may create, revoke or roll keys. (So a key can
/// never make a key with more rights than its own.)
pub fn may_change_keys(caller: &VerifiedKey) -> Result<(), ApiError> {
    if crate::domain::may_change_keys(&caller.permissions) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("This key is read-only: it may list keys and ask whoami, not change keys."))
    }
}

/// The key decides the project; a `projectId` the caller sends may only
/// agree with it.
pub fn same_project(caller: &VerifiedKey, claimed: Option<&str>) -> Result<(), ApiError> {
    match claimed {
        Some(project) if project != caller.project_id => {
            Err(ApiError::Forbidden("This key belongs to another project than `projectId` names."))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(name: Option<&str>, expires: Option<&str>) -> CreateKeyRequest {
        CreateKeyRequest { name: name.map(str::to_owned), expires_at: expires.map(str::to_owned), ..Default::default() }
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Validation(problems) => problems.into_iter().map(|p| format!("{}:{}", p.field, p.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn names_and_expiry() {
        let now = OffsetDateTime::now_utc();
        let ok = new_key(request(Some(" ci "), Some("2099-01-01")), now);
        assert!(ok.is_err(), "more than five years away");
        let ok = new_key(request(Some(" ci "), None), now).ok().unwrap();
        assert_eq!(ok.name, "ci");
        assert_eq!(fields(new_key(request(None, None), now).err().unwrap()), ["name:required"]);
        assert_eq!(
            fields(new_key(request(Some(""), Some("soon")), now).err().unwrap()),
            ["name:invalid", "expiresAt:invalid"]
        );
        assert_eq!(fields(new_key(request(Some(&"x".repeat(101)), None), now).err().unwrap()), ["name:invalid"]);
        assert_eq!(
            fields(new_key(request(Some("ci"), Some("2001-01-01T00:00:00Z")), now).err().unwrap()),
            ["expiresAt:invalid"]
        );
        let next_year = (now + time::Duration::days(365)).format(&Rfc3339).unwrap();
        assert!(new_key(request(Some("ci"), Some(&next_year)), now).ok().unwrap().expires_at.is_some());
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
