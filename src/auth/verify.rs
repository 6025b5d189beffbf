//! Verifying a presented API key: format and checksum first (garbage costs
//! no database work), then the cache, then the hash lookup; revoked and
//! expired keys fail. Every failure looks the same to the caller.

use crate::auth::key_cache::{KeyCache, Lookup};
use crate::auth::keys;
use crate::auth::usage::KeyUsage;
use crate::auth::verified_key::VerifiedKey;
use crate::store::{CacheChange, KeyRecord, Store, StoreError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use time::OffsetDateTime;

pub struct KeyVerifier {
    store: Arc<dyn Store>,
    usage: Arc<KeyUsage>,
    cache: KeyCache,
    lookups: AtomicU64,
}

impl KeyVerifier {
    pub fn new(store: Arc<dyn Store>, usage: Arc<KeyUsage>) -> Self {
        Self { store, usage, cache: KeyCache::default(), lookups: AtomicU64::new(0) }
    }

    /// `Ok(None)` for any key that does not work, whatever the reason.
    pub async fn verify(&self, presented: &str, now: OffsetDateTime) -> Result<Option<Arc<VerifiedKey>>, StoreError> {
        if !keys::is_well_formed(presented) {
            return Ok(None);
        }
        let hash = keys::hash(presented);
        let key = match self.cache.lookup(&hash, now) {
            Lookup::Valid(key) => key,
            Lookup::Invalid => return Ok(None),
            Lookup::Unknown(generation) => {
                self.lookups.fetch_add(1, Ordering::Relaxed);
                let record = self.store.keys().by_hash(&hash).await?;
                match record.filter(|r| r.revoked_at.is_none()) {
                    Some(record) => {
                        let expires_at = record.expires_at;
                        let key = Arc::new(verified(record)?);
                        self.cache.remember_valid(&hash, key.clone(), expires_at, generation);
                        if expires_at.is_some_and(|at| at <= now) {
                            return Ok(None);
                        }
                        key
                    }
                    None => {
                        self.cache.remember_invalid(&hash, generation);
                        return Ok(None);
                    }
                }
            }
        };
        self.usage.record(&key.id, now);
        Ok(Some(key))
    }

    /// Applies a change made here or heard of from another instance.
    pub fn apply(&self, change: &CacheChange) {
        match change {
            CacheChange::Hash(hash) => self.cache.forget_hash(hash),
            CacheChange::Project(project_id) => self.cache.forget_project(project_id),
            CacheChange::All => self.cache.forget_all(),
            CacheChange::Session(_) | CacheChange::EndUser(_) | CacheChange::JwtKeys(_) | CacheChange::Roles(_) => {}
        }
    }

    /// The key was revoked here: refuse it from the very next request.
    pub fn forget(&self, key_id: &str) {
        self.cache.forget_id(key_id);
    }

    /// The project was renamed, moved or deleted here: its cached keys carry
    /// the old name and slug, or must stop working.
    pub fn forget_project(&self, project_id: &str) {
        self.cache.forget_project(project_id);
    }

    /// Database lookups made so far: in steady state, one per distinct key.
    pub fn lookups(&self) -> u64 {
        self.lookups.load(Ordering::Relaxed)
    }

    /// Entries cached: (working keys, refused keys).
    pub fn cached(&self) -> (usize, usize) {
        self.cache.len()
    }
}

fn verified(record: KeyRecord) -> Result<VerifiedKey, StoreError> {
    // Fail closed: unreadable permissions must never read as "all".
    let permissions = serde_json::from_str(&record.permissions)
        .map_err(|_| StoreError::Corrupt(format!("permissions of key {}", record.id)))?;
    let auth = record.auth_settings()?;
    Ok(VerifiedKey {
        id: record.id,
        name: record.name,
        prefix: record.prefix,
        project_id: record.project_id,
        project_name: record.project_name,
        project_slug: record.project_slug,
        permissions,
        auth,
    })
}
