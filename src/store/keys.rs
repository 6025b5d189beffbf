//! A project's API keys: only their SHA-256 is stored; verification reads them by hash.

use super::*;
use crate::actor::Actor;
use crate::domain::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A key about to be written: its hash and display parts, never the secret.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub prefix: String,
    pub last4: String,
    pub key_hash: String,
    /// JSON array of permission strings; `[]` is full access.
    pub permissions: String,
    /// A user id, or the id of the API key that created it.
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
}

/// The new key of a roll: its hash and display parts. Its name, permissions
/// and lifetime are those of the key it replaces.
#[derive(Clone, Debug)]
pub struct Replacement {
    pub id: String,
    pub prefix: String,
    pub last4: String,
    pub key_hash: String,
    pub created_at: OffsetDateTime,
    /// When the old key stops working (`created_at` for at once).
    pub old_until: OffsetDateTime,
}

/// What a usage flush writes for one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUse {
    pub key_id: String,
    pub last_used: OffsetDateTime,
    /// (UTC day as `YYYY-MM-DD`, requests that day).
    pub days: Vec<(String, i64)>,
}

/// A key as verification sees it: who it is, which project, whether it works.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyRecord {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub project_id: String,
    pub project_name: String,
    pub project_slug: String,
    /// JSON array of permission strings; `[]` is full access.
    pub permissions: String,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    /// The project's Authentication settings, carried with the key so that
    /// the auth API never asks for them.
    #[sqlx(flatten)]
    pub auth: AuthColumns,
}

impl KeyRecord {
    /// The project's Authentication settings this record carries.
    pub fn auth_settings(&self) -> Result<crate::domain::AuthSettings, super::StoreError> {
        self.auth.clone().try_into()
    }
}

/// Which keys of a project to list.
#[derive(Clone, Debug, Default)]
pub struct KeyQuery {
    /// Matches names containing this, ignoring case.
    pub search: Option<String>,
    pub include_revoked: bool,
    /// The id of the last key of the previous page.
    pub after: Option<String>,
    pub limit: u32,
}

#[async_trait]
pub trait KeyStore: Send + Sync {
    /// Fails with `Conflict("name")` when an active key of the project has
    /// this name (in any case).
    async fn insert(&self, key: &NewKey, by: &Actor) -> Result<ApiKey, StoreError>;

    /// A page of the project's keys, newest first; `now` decides "expired".
    async fn list(&self, project_id: &str, query: &KeyQuery, now: OffsetDateTime) -> Result<Vec<ApiKey>, StoreError>;

    /// Renames an unrevoked key of the project and records it.
    /// `Conflict("name")` when another active key has the name.
    async fn rename(
        &self,
        project_id: &str,
        key_id: &str,
        name: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// How many of the project's keys work at `now`.
    async fn count_active(&self, project_id: &str, now: OffsetDateTime) -> Result<i64, StoreError>;

    /// How many of the project's working keys expire after `now` and by `by`.
    async fn count_expiring(
        &self,
        project_id: &str,
        now: OffsetDateTime,
        by: OffsetDateTime,
    ) -> Result<i64, StoreError>;

    /// One key of the project, revoked or not; `NotFound` otherwise.
    async fn get(&self, project_id: &str, key_id: &str, now: OffsetDateTime) -> Result<ApiKey, StoreError>;

    /// The key with this hash, with its project, whatever its state: the
    /// caller decides whether it still works.
    async fn by_hash(&self, key_hash: &str) -> Result<Option<KeyRecord>, StoreError>;

    /// Stores when keys were last used and adds their requests per day, in
    /// one transaction. A time older than the stored one is ignored, so
    /// instances may flush in any order; uses of a deleted key are dropped.
    async fn record_use(&self, uses: &[KeyUse]) -> Result<(), StoreError>;

    /// A key's requests per UTC day (`YYYY-MM-DD`) from `since` on, oldest
    /// first; days without requests are left out.
    async fn usage(&self, key_ids: &[String], since: &str) -> Result<Vec<(String, String, i64)>, StoreError>;

    /// `NotFound` unless an active key of this project has this id.
    async fn revoke(
        &self,
        project_id: &str,
        key_id: &str,
        by: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError>;

    /// Replaces an active key of the project: writes the new key (same name,
    /// permissions and lifetime), makes the old one stop at `old_until` (or
    /// sooner, if it would anyway), links the two, and records both in the
    /// audit log, in one transaction. Of two concurrent rolls of a key one
    /// wins; the other, like a revoked, expired or unknown key, is `NotFound`.
    /// Returns the old key as it now is, and the new one.
    async fn roll(
        &self,
        project_id: &str,
        key_id: &str,
        new: &Replacement,
        by: &Actor,
    ) -> Result<(ApiKey, ApiKey), StoreError>;
}
