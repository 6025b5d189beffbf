//! How a project's records look outside, in one place: the admin API, the
//! organization endpoints and the data of the events (and so the webhooks)
//! use these same shapes, so an event's `data` is exactly what the API
//! shows. camelCase, times ISO 8601 UTC with milliseconds; never a secret.

use crate::domain::dates::iso_millis as iso;
use crate::domain::ApiKey;
use crate::store::{EndUser, EndUserSession, Organization, OrganizationInvitation, OrganizationMember};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// One of the project's users: the SDK's `User`.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = User)]
pub struct UserObject {
    #[schema(example = "usr_3kTMd9ZqY2vW8xLpN1aR")]
    pub id: String,
    #[schema(example = "ada@example.com")]
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub image: Option<String>,
    /// `user` or `admin`.
    pub role: String,
    pub banned: bool,
    pub ban_reason: Option<String>,
    pub ban_expires: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
    pub username: Option<String>,
    pub phone_number: Option<String>,
    pub two_factor_enabled: bool,
}

impl From<&EndUser> for UserObject {
    fn from(user: &EndUser) -> Self {
        Self {
            id: user.id.clone(),
            email: user.email.clone(),
            email_verified: user.email_verified,
            name: user.name.clone(),
            image: user.image.clone(),
            role: user.role.clone(),
            banned: user.banned,
            ban_reason: user.ban_reason.clone(),
            ban_expires: user.ban_expires.map(iso),
            // Written by us as a JSON object; unreadable reads as empty.
            metadata: serde_json::from_str(&user.metadata).unwrap_or_else(|_| serde_json::json!({})),
            created_at: iso(user.created_at),
            updated_at: iso(user.updated_at),
            username: None,
            phone_number: None,
            two_factor_enabled: false,
        }
    }
}

/// An API key as the API returns it: never the secret, never its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ApiKey)]
pub struct ApiKeyObject {
    #[schema(example = "key_3kTMd9ZqY2vW8xLpN1aR")]
    pub id: String,
    #[schema(example = "billing-worker")]
    pub name: String,
    /// The non-secret leading part of the key, shown in lists.
    #[schema(example = "sk_live_Ab3x")]
    pub prefix: String,
    /// Always null: this server scopes keys by project, not organization.
    #[schema(required = true)]
    pub organization_id: Option<String>,
    /// Empty: the key may do everything its project allows.
    pub permissions: Vec<String>,
    /// ISO 8601, UTC; null for a key that never expires.
    #[schema(required = true, format = DateTime)]
    pub expires_at: Option<String>,
    /// ISO 8601, UTC; null until the key is first used.
    #[schema(required = true, format = DateTime)]
    pub last_used_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// An addition of ours: the last four characters, to tell keys apart.
    #[schema(example = "9fQz")]
    pub last4: String,
    /// An addition of ours: a member's name or "API key <name>".
    pub created_by: String,
    /// An addition of ours: the id of the key that replaced this one (see
    /// roll); it works until `expiresAt`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// An addition of ours: the id of the key this one replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

impl From<ApiKey> for ApiKeyObject {
    fn from(key: ApiKey) -> Self {
        Self {
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            organization_id: None,
            permissions: key.permissions,
            expires_at: key.expires_at,
            last_used_at: key.last_used_at,
            created_at: key.created_at,
            last4: key.last4,
            created_by: key.created_by,
            replaced_by: key.replaced_by,
            replaces: key.replaces,
        }
    }
}

pub(crate) fn parsed(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or(Value::Null)
}

pub fn organization(o: &Organization) -> Value {
    json!({
        "id": o.id,
        "name": o.name,
        "slug": o.slug,
        "logo": o.logo,
        "metadata": parsed(o.metadata.as_deref()),
        "requireMfa": o.require_mfa,
        "ssoEnforced": o.sso_enforced,
        "allowedEmailDomains": parsed(o.allowed_email_domains.as_deref()),
        "maxMembers": o.max_members,
        "createdAt": iso(o.created_at),
        "updatedAt": iso(o.updated_at),
    })
}

pub fn member(m: &OrganizationMember) -> Value {
    json!({
        "id": m.id,
        "organizationId": m.organization_id,
        "userId": m.user_id,
        "role": m.role,
        "createdAt": iso(m.created_at),
        "updatedAt": iso(m.updated_at),
    })
}

pub fn invitation(i: &OrganizationInvitation, now: OffsetDateTime) -> Value {
    json!({
        "id": i.id,
        "organizationId": i.organization_id,
        "email": i.email,
        "role": i.role,
        "inviterId": i.inviter_id,
        "status": i.status_at(now),
        "expiresAt": iso(i.expires_at),
        "createdAt": iso(i.created_at),
    })
}

/// A session in an event: the handle `list-sessions` shows, never the token.
pub fn session(s: &EndUserSession) -> Value {
    json!({
        "id": s.id,
        "userId": s.user_id,
        "expiresAt": iso(s.expires_at),
        "ipAddress": s.ip,
        "userAgent": s.user_agent,
        "createdAt": iso(s.created_at),
    })
}

/// `email.verified`, `password.changed`, `password.reset`.
pub fn user_and_email(user_id: &str, email: &str) -> Value {
    json!({"userId": user_id, "email": email})
}

pub fn user(u: &EndUser) -> Value {
    serde_json::to_value(UserObject::from(u)).unwrap_or(Value::Null)
}

pub fn api_key(key: &ApiKey) -> Value {
    serde_json::to_value(ApiKeyObject::from(key.clone())).unwrap_or(Value::Null)
}
