//! A project's users (the people of a customer's app) as the dashboard's
//! Users page shows them. No password hash, no session secret: the store
//! keeps none of the latter, and the former never leaves it.

use serde::{Deserialize, Serialize};

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
    pub can_change: bool,
}
