//! Making a key: the one place a secret is born. Only its hash is stored; the
//! secret goes back to the caller once, inside `CreatedKey`.

use crate::auth::{ids, keys};
use crate::domain::CreatedKey;
use crate::store::{Actor, NewKey, Replacement, Store, StoreError};
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

/// The longest an old key keeps working after it was rolled.
pub const MAX_GRACE: Duration = Duration::days(7);

/// Replaces a working key with a new one (same name, permissions and
/// lifetime) and returns the new one with its secret; the old key keeps
/// working for `grace` (zero: it stops at once). `NotFound` when the key is
/// revoked, expired, already rolled or not in the project. The caller must
/// forget the old key from its cache: its expiry changed.
pub async fn roll(
    store: &dyn Store,
    project_id: &str,
    key_id: &str,
    grace: Duration,
    by: &Actor,
    now: OffsetDateTime,
) -> Result<CreatedKey, StoreError> {
    let material = keys::generate();
    let new = Replacement {
        id: ids::key_id(),
        prefix: material.prefix.clone(),
        last4: material.last4.clone(),
        key_hash: material.hash.clone(),
        created_at: now,
        old_until: now + grace.clamp(Duration::ZERO, MAX_GRACE),
    };
    let (_, key) = store.roll_key(project_id, key_id, &new, by).await?;
    Ok(CreatedKey { key, secret: material.secret })
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
