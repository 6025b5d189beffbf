//! How the details of audit events read: written once, with the event, in
//! the words people see on the Audit log page and in exports.

use super::{AuthSettings, Role};
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

/// The fields an end-user change touched: "name, role".
pub fn fields(names: &[&str]) -> String {
    names.join(", ")
}

/// A ban's reason and end, as its event reads.
pub fn ban(reason: Option<&str>, until: Option<OffsetDateTime>) -> String {
    let until = match until {
        Some(at) => format!("until {}", minute_text(at)),
        None => "until unbanned".to_string(),
    };
    match reason {
        Some(reason) => format!("{until}: {reason}"),
        None => until,
    }
}

/// How many sessions a revocation ended.
pub fn sessions(ended: u64) -> String {
    match ended {
        1 => "1 session".to_string(),
        n => format!("{n} sessions"),
    }
}

/// What a change of a project's Authentication settings changed:
/// "sign-ups closed; minimum password 8 → 12".
pub fn settings_change(before: &AuthSettings, after: &AuthSettings) -> String {
    let on_off = |on: bool| if on { "on" } else { "off" };
    let mut parts = Vec::new();
    if before.sign_ups_open != after.sign_ups_open {
        parts.push(if after.sign_ups_open { "sign-ups opened".to_string() } else { "sign-ups closed".to_string() });
    }
    if before.password_min != after.password_min {
        parts.push(format!(
            "minimum password {}",
            change(&before.password_min.to_string(), &after.password_min.to_string())
        ));
    }
    if before.require_email_verification != after.require_email_verification {
        parts.push(format!("email verification {}", on_off(after.require_email_verification)));
    }
    if before.session_days != after.session_days {
        parts.push(format!(
            "session days {}",
            change(&before.session_days.to_string(), &after.session_days.to_string())
        ));
    }
    if before.allowed_origins != after.allowed_origins {
        parts.push(format!(
            "allowed origins: {}",
            if after.allowed_origins.is_empty() { "none".to_string() } else { after.allowed_origins.join(", ") }
        ));
    }
    if before.mail_sender_name != after.mail_sender_name {
        parts.push(format!("mail sender {}", after.mail_sender_name.as_deref().unwrap_or("the project's name")));
    }
    if before.org_creation_open != after.org_creation_open {
        parts.push(format!("users creating organizations {}", on_off(after.org_creation_open)));
    }
    if before.org_invitation_path != after.org_invitation_path {
        parts.push(format!(
            "invitation page {}",
            after.org_invitation_path.as_deref().unwrap_or(super::auth_settings::DEFAULT_INVITATION_PATH)
        ));
    }
    if before.mail_link_origin != after.mail_link_origin {
        parts
            .push(format!("mail links to {}", after.mail_link_origin.as_deref().unwrap_or("the first allowed origin")));
    }
    if before.sign_ups_per_hour != after.sign_ups_per_hour {
        parts.push(format!(
            "sign-ups per hour {}",
            change(&before.sign_ups_per_hour.to_string(), &after.sign_ups_per_hour.to_string())
        ));
    }
    match parts.is_empty() {
        true => "no change".to_string(),
        false => parts.join("; "),
    }
}
