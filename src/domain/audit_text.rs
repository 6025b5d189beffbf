//! How the details of audit events read: written once, with the event, in
//! the words people see on the Audit log page and in exports.

use super::Role;
use time::OffsetDateTime;

/// `2026-12-01 08:01 UTC`: a time as people read it in the audit log.
pub fn minute_text(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// How a key's expiry reads in its event.
pub fn expiry(expires_at: Option<OffsetDateTime>) -> String {
    match expires_at {
        Some(at) => format!("expires {}", minute_text(at)),
        None => "never expires".to_string(),
    }
}

/// `old → new`, for renames, URL and role changes.
pub fn change(old: &str, new: &str) -> String {
    format!("{old} → {new}")
}

/// `as Developer`: the role an invitation or an addition gives.
pub fn as_role(role: Role) -> String {
    format!("as {}", role.label())
}

/// A membership ended: by the member themself (`left`) or by an owner.
pub fn removed(was: Role, left: bool) -> String {
    if left {
        format!("left (was {})", was.label())
    } else {
        format!("was {}", was.label())
    }
}

/// The old key's side of a roll.
pub fn rolled(new_key_id: &str, old_until: OffsetDateTime, now: OffsetDateTime) -> String {
    let until = if old_until <= now {
        "stopped at once".to_string()
    } else {
        format!("works until {}", minute_text(old_until))
    };
    format!("replaced by {new_key_id}; {until}")
}

/// The new key's side of a roll.
pub fn replaces(old_key_id: &str, expires_at: Option<OffsetDateTime>) -> String {
    format!("replaces {old_key_id}; {}", expiry(expires_at))
}
