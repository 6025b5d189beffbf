//! What travels over the admin API's `userManagement` endpoints, as the
//! Banata SDK spells it (camelCase, times as ISO 8601 UTC).

use crate::domain::dates::iso_millis as iso;
pub use crate::store::views::UserObject;
use crate::store::EndUserSession;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UserEnvelope {
    pub user: UserObject,
}

/// A page of users; `data` repeats `users`, as the SDK reads either.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserObject>,
    pub data: Vec<UserObject>,
    /// How many users match in all.
    pub total: i64,
    pub limit: u32,
    pub offset: u32,
}

/// A session of a user; never its secret.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = UserSession)]
pub struct SessionObject {
    #[schema(example = "ses_3kTMd9ZqY2vW8xLpN1aR")]
    pub id: String,
    pub user_id: String,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    /// The organization the session acts in, if any.
    pub active_organization_id: Option<String>,
}

impl From<&EndUserSession> for SessionObject {
    fn from(session: &EndUserSession) -> Self {
        Self {
            id: session.id.clone(),
            user_id: session.user_id.clone(),
            expires_at: iso(session.expires_at),
            created_at: iso(session.created_at),
            updated_at: iso(session.updated_at),
            ip_address: session.ip.clone(),
            user_agent: session.user_agent.clone(),
            active_organization_id: session.active_organization_id.clone(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionObject>,
    pub data: Vec<SessionObject>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListUsersRequest {
    /// Only users whose email or name contains this (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// 1 to 200; 100 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(maximum = 1000000)]
    pub offset: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserIdRequest {
    #[schema(required = true, value_type = String, example = "usr_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateUserRequest {
    #[schema(required = true, value_type = String, example = "ada@example.com")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[schema(required = true, value_type = String, example = "Ada Lovelace")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The project's minimum (8 by default, a setting) to 128 characters; without one the user cannot sign in with a password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BanUserRequest {
    #[schema(required = true, value_type = String, example = "usr_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban_reason: Option<String>,
    /// When the ban ends, in epoch milliseconds; never when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban_expires: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionIdRequest {
    #[schema(required = true, value_type = String, example = "ses_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// A field that is there, even as `null` (`Some(None)`), unlike one left out
/// (`None`, by `default`).
fn present<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(value).map(Some)
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUserRequest {
    #[schema(required = true, value_type = String, example = "usr_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A URL; `null` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub image: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// The project's minimum (8 by default, a setting) to 128 characters; every session of the user ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// `user` or `admin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// A JSON object, at most 16 KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetRoleRequest {
    #[schema(required = true, value_type = String, example = "usr_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[schema(required = true, value_type = String, example = "admin")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetPasswordRequest {
    #[schema(required = true, value_type = String, example = "usr_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[schema(required = true, value_type = String, example = "correct horse battery")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// `{"status": true}`, as better-auth answers these.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct Status {
    pub status: bool,
}
