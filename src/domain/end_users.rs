//! A project's users (the people of a customer's app) as the dashboard's
//! Users page shows them. No password hash, no session secret: the store
//! keeps none of the latter, and the former never leaves it.

use super::{AuthSettings, FieldError};
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use time::OffsetDateTime;

/// Longest password of an app's user, whatever the project (its minimum is
/// a setting): better-auth's own maximum.
pub const END_USER_PASSWORD_MAX: usize = 128;
/// Longest image URL kept for an app's user.
pub const IMAGE_URL_MAX: usize = 2048;

/// An app's user's password: the project's minimum (8 to 128, a setting)
/// and our maximum, in characters.
pub fn check_end_user_password(password: &str, settings: &AuthSettings) -> Result<(), FieldError> {
    let len = password.chars().count();
    let min = settings.password_min as usize;
    if len < min {
        return Err(FieldError::coded("password", "too_short", format!("Use at least {min} characters.")));
    }
    if len > END_USER_PASSWORD_MAX {
        let max = END_USER_PASSWORD_MAX;
        return Err(FieldError::coded("password", "too_long", format!("Use at most {max} characters.")));
    }
    Ok(())
}

/// An image URL as given: trimmed, empty as none, at most `IMAGE_URL_MAX`
/// characters.
pub fn check_image(image: Option<&str>) -> Result<Option<String>, FieldError> {
    match image.map(str::trim).filter(|i| !i.is_empty()) {
        Some(image) if image.chars().count() > IMAGE_URL_MAX => {
            Err(FieldError::new("image", format!("Use at most {IMAGE_URL_MAX} characters.")))
        }
        other => Ok(other.map(str::to_string)),
    }
}

/// Banned, and the ban has not ended by itself.
#[cfg(feature = "ssr")]
pub fn ban_in_force(banned: bool, ends: Option<OffsetDateTime>, now: OffsetDateTime) -> bool {
    banned && ends.is_none_or(|until| until > now)
}

/// Days the sign-in and sign-up chart covers.
pub const ACTIVITY_DAYS: usize = 30;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndUserStatus {
    Active,
    /// Has not verified their email (only said when the project requires it
    /// or the user is otherwise active).
    Unverified,
    /// `until` is RFC 3339, `None` for a ban without end.
    Banned {
        until: Option<String>,
        reason: Option<String>,
    },
}

/// One user in the list and on their page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndUserSummary {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub email_verified: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
    pub status: EndUserStatus,
}

/// One page of a project's users, newest first, with the chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndUserPage {
    pub users: Vec<EndUserSummary>,
    /// Pass back as `after` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
    /// Sign-ins and sign-ups per UTC day, oldest first, `ACTIVITY_DAYS` long.
    pub sign_ins: Vec<i64>,
    pub sign_ups: Vec<i64>,
    /// Whether the caller may add, ban and delete users.
    pub can_change: bool,
}

/// A signed-in session of a user, as their page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndUserSessionView {
    /// A handle to revoke it by; never the session's secret.
    pub id: String,
    pub device: String,
    pub ip: Option<String>,
    /// RFC 3339: when it was last refreshed.
    pub last_active: String,
    pub created_at: String,
    pub expires_at: String,
}

/// A user's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndUserDetail {
    pub user: EndUserSummary,
    pub sessions: Vec<EndUserSessionView>,
    /// The organizations the user is a member of, with their roles there.
    pub organizations: Vec<super::organization_views::UserOrgRow>,
    pub can_change: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_the_projects_minimum_to_128_characters() {
        let default = AuthSettings::default();
        assert_eq!(check_end_user_password("1234567", &default).unwrap_err().code, "too_short");
        assert!(check_end_user_password("12345678", &default).is_ok());
        assert!(check_end_user_password(&"é".repeat(128), &default).is_ok(), "characters, not bytes");
        assert_eq!(check_end_user_password(&"x".repeat(129), &default).unwrap_err().code, "too_long");
        let strict = AuthSettings { password_min: 12, ..AuthSettings::default() };
        assert_eq!(check_end_user_password("12345678901", &strict).unwrap_err().code, "too_short");
        assert!(check_end_user_password("123456789012", &strict).is_ok());
    }

    #[test]
    fn images_are_trimmed_and_bounded() {
        assert_eq!(check_image(Some("  ")), Ok(None));
        assert_eq!(check_image(Some(" https://x/y.png ")), Ok(Some("https://x/y.png".into())));
        assert_eq!(check_image(Some(&"a".repeat(IMAGE_URL_MAX))).map(|i| i.is_some()), Ok(true));
        assert!(check_image(Some(&"a".repeat(IMAGE_URL_MAX + 1))).is_err());
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn a_ban_ends_by_itself_when_it_says_so() {
        let now = OffsetDateTime::now_utc();
        assert!(ban_in_force(true, None, now));
        assert!(ban_in_force(true, Some(now + time::Duration::seconds(1)), now));
        assert!(!ban_in_force(true, Some(now), now));
        assert!(!ban_in_force(false, None, now));
    }
}
