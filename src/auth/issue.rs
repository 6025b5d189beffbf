//! Making a key: the one place a secret is born. Only its hash is stored; the
//! secret goes back to the caller once, inside `CreatedKey`.

use crate::auth::{ids, keys};
use crate::domain::CreatedKey;
use crate::store::{Actor, NewKey, Store, StoreError};
use time::{Duration, OffsetDateTime};

/// The longest a key may live: a key meant to last longer should never expire.
pub const MAX_LIFETIME: Duration = Duration::days(365 * 5);

/// What a new key is: its (validated) name, rights, creator and lifetime.
pub struct KeySpec<'a> {
    pub project_id: &'a str,
    pub name: String,
    pub permissions: Vec<String>,
    /// A member, or the key that creates this one; recorded in the audit log.
    pub created_by: &'a Actor,
    pub expires_at: Option<OffsetDateTime>,
}

/// `Conflict("name")` when an active key of the project has the name.
pub async fn issue(store: &dyn Store, spec: KeySpec<'_>, now: OffsetDateTime) -> Result<CreatedKey, StoreError> {
    let material = keys::generate();
    let new = NewKey {
        id: ids::key_id(),
        project_id: spec.project_id.to_string(),
        name: spec.name,
        prefix: material.prefix.clone(),
        last4: material.last4.clone(),
        key_hash: material.hash.clone(),
        permissions: serde_json::to_string(&spec.permissions).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_by: spec.created_by.id.clone(),
        created_at: now,
        expires_at: spec.expires_at,
    };
    let key = store.insert_key(&new, spec.created_by).await?;
    Ok(CreatedKey { key, secret: material.secret })
}
