//! What a project's app lets its users do: the Authentication page's
//! settings, read by the auth API with every key.

use serde::{Deserialize, Serialize};

/// Shortest and longest minimum password length a project may require.
pub const PASSWORD_MIN_RANGE: std::ops::RangeInclusive<u32> = 8..=128;
/// Shortest and longest session lifetime, in days.
pub const SESSION_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=365;
/// Longest sender name.
pub const SENDER_NAME_MAX: usize = 64;
/// Most extra origins a project may allow.
pub const ORIGINS_MAX: usize = 20;
/// Fewest and most sign-ups a project may allow per hour.
pub const SIGN_UPS_PER_HOUR_RANGE: std::ops::RangeInclusive<u32> = 1..=1_000_000;

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
    /// The one origin the links in mails to the project's users point at
    /// (one of `allowed_origins`); `None`: the first of them. Never a
    /// request's own header: a mail goes to someone else.
    #[serde(default)]
    pub mail_link_origin: Option<String>,
    /// Sign-ups the app may make per hour (each can mail an address it
    /// names); beyond it, sign-up answers 429 until the hour turns.
    #[serde(default = "default_sign_ups_per_hour")]
    pub sign_ups_per_hour: u32,
    /// Whether the app's users may create organizations themselves (the
    /// project's own key always may).
    #[serde(default = "yes")]
    pub org_creation_open: bool,
    /// The app's page an invitation mail links to, with `{id}` for the
    /// invitation's id; `None`: `/accept-invitation/{id}`.
    #[serde(default)]
    pub org_invitation_path: Option<String>,
}

fn yes() -> bool {
    true
}

/// Where an invitation mail links on the app unless the project says.
pub const DEFAULT_INVITATION_PATH: &str = "/accept-invitation/{id}";

fn default_sign_ups_per_hour() -> u32 {
    1000
}

impl AuthSettings {
    /// The session lifetime in seconds (the cookie's `Max-Age`).
    pub fn session_seconds(&self) -> i64 {
        i64::from(self.session_days) * 86_400
    }

    /// Where the links in mails to the project's users point: the chosen
    /// origin, else the first allowed one; `None` when there is none.
    pub fn mail_origin(&self) -> Option<&str> {
        self.mail_link_origin.as_deref().or(self.allowed_origins.first().map(String::as_str))
    }

    /// The link an invitation mail carries: the mail origin and the
    /// invitation page with the id; `None` without an origin.
    pub fn invitation_link(&self, invitation_id: &str) -> Option<String> {
        let path = self.org_invitation_path.as_deref().unwrap_or(DEFAULT_INVITATION_PATH);
        let origin = self.mail_origin()?.trim_end_matches('/');
        Some(format!("{origin}{}", path.replace("{id}", invitation_id)))
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
            mail_link_origin: None,
            sign_ups_per_hour: default_sign_ups_per_hour(),
            org_creation_open: true,
            org_invitation_path: None,
        }
    }
}
