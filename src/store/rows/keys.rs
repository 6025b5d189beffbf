//! Rows of API keys.

#[allow(unused_imports)]
use super::*;

pub(in crate::store) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct KeyRow {
    pub(in crate::store) id: String,
    pub(in crate::store) name: String,
    pub(in crate::store) prefix: String,
    pub(in crate::store) last4: String,
    pub(in crate::store) permissions: String,
    pub(in crate::store) created_by: String,
    pub(in crate::store) created_at: OffsetDateTime,
    pub(in crate::store) last_used_at: Option<OffsetDateTime>,
    pub(in crate::store) expires_at: Option<OffsetDateTime>,
    pub(in crate::store) revoked_at: Option<OffsetDateTime>,
    pub(in crate::store) revoked_by: Option<String>,
    pub(in crate::store) replaced_by: Option<String>,
    pub(in crate::store) replaces: Option<String>,
}

impl KeyRow {
    pub(in crate::store) fn into_key(self, now: OffsetDateTime) -> ApiKey {
        let status = match (self.revoked_at, self.expires_at) {
            (Some(_), _) => KeyStatus::Revoked,
            (None, Some(expires)) if expires <= now => KeyStatus::Expired,
            _ => KeyStatus::Active,
        };
        ApiKey {
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            last4: self.last4,
            // Written only by us, as a JSON array; anything else reads as none.
            permissions: serde_json::from_str(&self.permissions).unwrap_or_default(),
            created_by: self.created_by,
            created_at: rfc3339(self.created_at),
            last_used_at: self.last_used_at.map(rfc3339),
            expires_at: self.expires_at.map(rfc3339),
            revoked_at: self.revoked_at.map(rfc3339),
            revoked_by: self.revoked_by,
            replaced_by: self.replaced_by,
            replaces: self.replaces,
            daily_requests: Vec::new(),
            expires_in: match (status, self.expires_at) {
                (KeyStatus::Active, Some(end)) => Some((end - now).whole_seconds()),
                _ => None,
            },
            status,
        }
    }
}
