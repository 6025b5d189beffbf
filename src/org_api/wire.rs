//! The JSON of the organization endpoints, field for field as the admin
//! SDK and better-auth's organization client read and send it
//! (`../shared/docs/orgs-api.md`): camelCase, times ISO 8601 UTC with
//! milliseconds. Inputs take every field as optional, so a missing one is
//! named by the service; numbers may come as query strings.

use crate::domain::dates::iso_millis as iso;
use crate::services::org_roles::{PermissionView, RoleView};
use crate::services::organizations::OrgInput;
pub use crate::store::views::{invitation, member, organization};
use crate::store::{MemberWithUser, Organization};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A number, or a query string's text of one.
pub(crate) fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Int(i64),
        Text(String),
    }
    match Option::<Loose>::deserialize(d)? {
        None => Ok(None),
        Some(Loose::Int(n)) => Ok(Some(n)),
        Some(Loose::Text(t)) if t.trim().is_empty() => Ok(None),
        Some(Loose::Text(t)) => t.trim().parse().map(Some).map_err(|_| serde::de::Error::custom("expected a number")),
    }
}

/// `null` as "clear it" (`Some(None)`), absent as "leave it" (`None`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A role as either client sends it: "admin,billing" or ["admin","billing"].
#[derive(Deserialize, Default)]
#[serde(untagged)]
pub enum Roles {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Roles {
    pub fn list(self) -> Vec<String> {
        match self {
            Roles::None => Vec::new(),
            Roles::One(role) => vec![role],
            Roles::Many(roles) => roles,
        }
    }
}

/// An organization's fields in a create or an update's `data`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OrgFields {
    pub name: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub logo: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    pub metadata: Option<Option<Value>>,
    pub require_mfa: Option<bool>,
    pub sso_enforced: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub allowed_email_domains: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "nullable")]
    pub max_members: Option<Option<i64>>,
}

impl From<OrgFields> for OrgInput {
    fn from(f: OrgFields) -> Self {
        OrgInput {
            name: f.name,
            slug: f.slug,
            logo: f.logo,
            metadata: f.metadata,
            require_mfa: f.require_mfa,
            sso_enforced: f.sso_enforced,
            allowed_email_domains: f.allowed_email_domains,
            max_members: f.max_members,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CreateBody {
    #[serde(flatten)]
    pub fields: OrgFields,
    pub keep_current_active_organization: Option<bool>,
    pub user_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub limit: Option<i64>,
    pub after: Option<String>,
    pub search: Option<String>,
}

/// Names an organization by id or slug (neither: the active one).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OrgRef {
    pub organization_id: Option<String>,
    pub organization_slug: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SetActiveBody {
    #[serde(default, deserialize_with = "nullable")]
    pub organization_id: Option<Option<String>>,
    pub organization_slug: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UpdateBody {
    pub organization_id: Option<String>,
    #[serde(default)]
    pub data: OrgFields,
}

#[derive(Deserialize, Default)]
pub struct SlugBody {
    pub slug: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListMembersQuery {
    pub organization_id: Option<String>,
    pub organization_slug: Option<String>,
    pub role: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub limit: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub offset: Option<i64>,
    pub after: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AddMemberBody {
    pub organization_id: Option<String>,
    pub user_id: Option<String>,
    #[serde(default)]
    pub role: Roles,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MemberRoleBody {
    pub organization_id: Option<String>,
    pub member_id: Option<String>,
    pub member_id_or_user_id: Option<String>,
    #[serde(default)]
    pub role: Roles,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RemoveMemberBody {
    pub organization_id: Option<String>,
    pub member_id_or_email: Option<String>,
    pub member_id_or_user_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InviteBody {
    pub organization_id: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub role: Roles,
    pub resend: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InvitationBody {
    pub invitation_id: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct GetInvitationQuery {
    pub id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ListInvitationsQuery {
    pub organization_id: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub limit: Option<i64>,
    pub after: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ActiveRoleQuery {
    pub user_id: Option<String>,
    pub organization_id: Option<String>,
    pub organization_slug: Option<String>,
}

/// better-auth's `{"member": ["invite"]}`.
pub type Statements = BTreeMap<String, Vec<String>>;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HasPermissionBody {
    pub organization_id: Option<String>,
    pub permissions: Option<Statements>,
    /// The name better-auth's server still takes.
    pub permission: Option<Statements>,
}

#[derive(Deserialize, Default)]
pub struct RoleBody {
    pub id: Option<String>,
    pub name: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub description: Option<Option<String>>,
    pub permissions: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CheckBody {
    pub permission: Option<String>,
    pub permissions: Option<Vec<String>>,
    pub operator: Option<String>,
    pub user_id: Option<String>,
    pub organization_id: Option<String>,
}

/// An organization with more fields (`members`, `invitations`, counts).
pub fn organization_with(o: &Organization, more: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut value = organization(o);
    if let Value::Object(map) = &mut value {
        for (name, extra) in more {
            map.insert(name.to_string(), extra);
        }
    }
    value
}

pub fn member_with_user(m: &MemberWithUser) -> Value {
    let mut value = member(&m.member);
    if let Value::Object(map) = &mut value {
        map.insert(
            "user".into(),
            json!({"id": m.member.user_id, "name": m.user_name, "email": m.user_email, "image": m.user_image}),
        );
    }
    value
}

pub fn with_fields(mut value: Value, fields: Map<String, Value>) -> Value {
    if let Value::Object(map) = &mut value {
        map.extend(fields);
    }
    value
}

pub fn role(r: &RoleView) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "slug": r.slug,
        "description": r.description,
        "permissions": r.permissions,
        "isDefault": r.is_default,
        "createdAt": iso(r.created_at),
    })
}

pub fn permission(p: &PermissionView) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "slug": p.slug,
        "description": p.description,
        "isBuiltIn": p.is_built_in,
        "createdAt": iso(p.created_at),
    })
}

/// The admin SDK's list shape: the page, and the cursor of the next one
/// (`after`, the last item's id) when this one is full.
pub fn paged(items: Vec<Value>, limit: i64) -> Value {
    let after = match i64::try_from(items.len()).ok() == Some(limit) {
        true => items.last().and_then(|v| v.get("id")).cloned().unwrap_or(Value::Null),
        false => Value::Null,
    };
    json!({"data": items, "listMetadata": {"before": null, "after": after}})
}
