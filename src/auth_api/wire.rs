//! The JSON the auth API reads and writes, field for field as better-auth's
//! clients expect it (camelCase, times as ISO 8601 UTC with milliseconds).

use crate::domain::dates::iso_millis as iso;
// A session looks the same to an app's browser as to the admin SDK.
pub use crate::admin::user_types::SessionObject as SessionJson;
use crate::store::EndUser;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserJson {
    pub id: String,
    pub email: String,
    pub name: String,
    pub email_verified: bool,
    pub image: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&EndUser> for UserJson {
    fn from(user: &EndUser) -> Self {
        Self {
            id: user.id.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
            email_verified: user.email_verified,
            image: user.image.clone(),
            created_at: iso(user.created_at),
            updated_at: iso(user.updated_at),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignUpBody {
    pub name: String,
    pub email: String,
    pub password: String,
    pub image: Option<String>,
    #[serde(rename = "callbackURL")]
    pub callback_url: Option<String>,
    pub remember_me: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInBody {
    pub email: String,
    pub password: String,
    #[serde(rename = "callbackURL")]
    pub callback_url: Option<String>,
    pub remember_me: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordBody {
    pub current_password: String,
    pub new_password: String,
    pub revoke_other_sessions: Option<bool>,
}

/// `token` is the listed handle of a session (its id), never its secret.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokeSessionBody {
    pub token: String,
}

/// A session as `list-sessions` shows it: `token` is a handle that
/// `revoke-session` accepts for this user only, not the session's secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedSession {
    #[serde(flatten)]
    pub session: SessionJson,
    pub token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendVerificationBody {
    pub email: String,
    #[serde(rename = "callbackURL")]
    pub callback_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestResetBody {
    pub email: String,
    pub redirect_to: Option<String>,
}

/// The token may come in the query instead, as better-auth allows.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetBody {
    pub new_password: String,
    pub token: Option<String>,
}

/// A body with nothing to read (its `projectId`, if any, is checked by the
/// extractor, like every body's).
#[derive(Deserialize, Default)]
pub struct EmptyBody {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_with_milliseconds() {
        let at = time::macros::datetime!(2024-03-05 06:07:08.123456 +02:00);
        assert_eq!(iso(at), "2024-03-05T04:07:08.123Z");
    }
}
