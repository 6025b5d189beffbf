//! What a project's app lets its users do: the Authentication page's
//! settings, read by the auth API with every key.

use super::Role;
use serde::{Deserialize, Serialize};

/// Who may change them (extra origins widen who may act with a user's
/// cookie, so they are a project setting).
pub const SETTINGS_ROLE: Role = Role::Owner;

/// Shortest and longest minimum password length a project may require.
pub const PASSWORD_MIN_RANGE: std::ops::RangeInclusive<u32> = 8..=128;
/// Shortest and longest session lifetime, in days.
pub const SESSION_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=365;
/// Longest sender name.
pub const SENDER_NAME_MAX: usize = 64;
/// Most extra origins a project may allow.
pub const ORIGINS_MAX: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthSettings {
    /// Whether the app's visitors may sign themselves up.
    pub sign_ups_open: bool,
    pub password_min: u32,
    /// Unverified users may not sign in (403 `EMAIL_NOT_VERIFIED`).
    pub require_email_verification: bool,
    /// A session ends this many days after it was last used.
    pub session_days: u32,
    /// Origins trusted besides the app's own (as its route handler forwards
    /// it): another front end of the same app, say.
    pub allowed_origins: Vec<String>,
    /// Who the project's mails to its users say they are from; `None`: the
    /// project's name.
    #[serde(default)]
    pub mail_sender_name: Option<String>,
}

impl AuthSettings {
    /// The session lifetime in seconds (the cookie's `Max-Age`).
    pub fn session_seconds(&self) -> i64 {
        i64::from(self.session_days) * 86_400
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            sign_ups_open: true,
            password_min: 8,
            require_email_verification: false,
            session_days: 7,
            allowed_origins: Vec::new(),
            mail_sender_name: None,
        }
    }
}
