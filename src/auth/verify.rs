//! Verifying a presented API key: format and checksum first (garbage costs
//! no database work), then the hash lookup; revoked and expired keys fail.
//! Every failure looks the same to the caller.

use crate::auth::keys;
use crate::auth::usage::KeyUsage;
use crate::store::{Store, StoreError};
use std::sync::Arc;
use time::OffsetDateTime;

/// A key that works, and the project it acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub project_id: String,
    pub project_name: String,
    pub project_slug: String,
    pub permissions: Vec<String>,
}

pub struct KeyVerifier {
    store: Arc<dyn Store>,
    usage: Arc<KeyUsage>,
}

impl KeyVerifier {
    pub fn new(store: Arc<dyn Store>, usage: Arc<KeyUsage>) -> Self {
        Self { store, usage }
    }

    /// `Ok(None)` for any key that does not work, whatever the reason.
    pub async fn verify(&self, presented: &str, now: OffsetDateTime) -> Result<Option<VerifiedKey>, StoreError> {
        if !keys::is_well_formed(presented) {
            return Ok(None);
        }
        let Some(record) = self.store.key_by_hash(&keys::hash(presented)).await? else {
            return Ok(None);
        };
        if record.revoked_at.is_some() || record.expires_at.is_some_and(|at| at <= now) {
            return Ok(None);
        }
        // Fail closed: unreadable permissions must never read as "all".
        let permissions = serde_json::from_str(&record.permissions)
            .map_err(|_| StoreError::Corrupt(format!("permissions of key {}", record.id)))?;
        self.usage.record(&record.id, now);
        Ok(Some(VerifiedKey {
            id: record.id,
            name: record.name,
            prefix: record.prefix,
            project_id: record.project_id,
            project_name: record.project_name,
            project_slug: record.project_slug,
            permissions,
        }))
    }
}
