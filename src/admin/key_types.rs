//! What travels over the admin API, as the Banata SDK spells it (camelCase).
//! The server and the typed client (`client`) share these types, and
//! the OpenAPI document is generated from them.

use crate::domain::CreatedKey;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use crate::store::views::ApiKeyObject;

/// The answer to a create: the key and, this once, its full secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub api_key: ApiKeyObject,
    /// The full key. Shown only in this response; store it now.
    pub key: String,
}

impl std::fmt::Debug for CreatedApiKey {
    // The secret never reaches a log through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey").field("api_key", &self.api_key).finish_non_exhaustive()
    }
}

impl From<CreatedKey> for CreatedApiKey {
    fn from(created: CreatedKey) -> Self {
        Self { api_key: created.key.into(), key: created.secret }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateKeyRequest {
    /// 1 to 100 characters, unique among the project's active keys.
    #[schema(required = true, value_type = String, example = "billing-worker")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Accepted for compatibility and ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Omit, null or `[]` for full access; `["api_keys:read"]` for a key that
    /// may only list keys and ask whoami. Other strings are refused (422).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    /// ISO 8601 time (or date) in the future, at most five years away.
    #[schema(format = DateTime, example = "2027-06-30T00:00:00Z")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Optional; if it names another project than the key's, 403.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeleteKeyRequest {
    #[schema(required = true, value_type = String, example = "key_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// Optional; if it names another project than the key's, 403.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// An addition of ours: replace a key, keeping the old one working for a
/// grace period so that deployments can switch without downtime.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RollKeyRequest {
    #[schema(required = true, value_type = String, example = "key_3kTMd9ZqY2vW8xLpN1aR")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// How long the old key keeps working: 0 (it stops at once) to 604800
    /// (seven days).
    #[schema(required = true, value_type = i64, minimum = 0, maximum = 604800, example = 86400)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_seconds: Option<i64>,
    /// Optional; if it names another project than the key's, 403.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1 to 100. Without it the whole list comes back.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The `x-next-cursor` header of the previous page.
    pub cursor: Option<String>,
    /// Optional; if it names another project than the key's, 403.
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct WhoamiQuery {
    /// Optional; if it names another project than the key's, 403.
    pub project_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Success {
    pub success: bool,
}

/// Which project and key a request acts as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Whoami {
    pub project: WhoamiProject,
    pub key: WhoamiKey,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WhoamiProject {
    pub id: String,
    pub name: String,
    pub slug: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WhoamiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
}

/// Every non-2xx answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// For people: what went wrong and what to do.
    pub message: String,
    /// For programs: `authentication_required`, `forbidden`, `not_found`,
    /// `conflict`, `payload_too_large`, `validation_error`,
    /// `rate_limit_exceeded`, `internal_error`, …
    pub code: String,
    /// Present on 422: one entry per wrong field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name as sent, e.g. `name` or `permissions[0]`; `body`
    /// for the body as a whole.
    pub field: String,
    pub message: String,
    /// `required`, `invalid`, `invalid_type`, `invalid_json`, `unknown_permission`.
    pub code: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into(), code: code.to_string() }
    }
}
