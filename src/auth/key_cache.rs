//! Keys verified recently, so that a working key costs no database query,
//! and keys refused recently, so that a flood of made-up keys costs at most
//! one query per distinct key per minute. Both maps are bounded.
//!
//! Revocation must win over the cache: `forget` drops the entry and bumps a
//! generation counter; a lookup that started before the bump may not store
//! what it read (it could predate the revocation).

use super::verify::VerifiedKey;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// How long a working key is trusted without asking the database again: the
/// last line of defence should an invalidation ever be missed.
const VALID_TTL: Duration = Duration::from_secs(300);
/// How long a refused key is refused without asking again.
const INVALID_TTL: Duration = Duration::from_secs(60);
const MAX_VALID: usize = 100_000;
const MAX_INVALID: usize = 50_000;

pub enum Lookup {
    Valid(Arc<VerifiedKey>),
    Invalid,
    /// Ask the database; pass the generation to `remember_*`.
    Unknown(u64),
}

#[derive(Default)]
pub struct KeyCache {
    maps: RwLock<Maps>,
    generation: AtomicU64,
}

#[derive(Default)]
struct Maps {
    valid: HashMap<String, Valid>,
    /// Key id → hash, to forget a key by id.
    hashes: HashMap<String, String>,
    invalid: HashMap<String, Instant>,
}

struct Valid {
    key: Arc<VerifiedKey>,
    expires_at: Option<OffsetDateTime>,
    cached_at: Instant,
}

impl KeyCache {
    /// `now` decides expiry (to the second, on every instance); `clock`
    /// decides the cache's own lifetimes.
    pub fn lookup(&self, hash: &str, now: OffsetDateTime, clock: Instant) -> Lookup {
        // Read the generation first: a forget after this point makes any
        // store of this lookup's result void.
        let generation = self.generation.load(Ordering::Acquire);
        let maps = self.maps.read().expect("key cache lock");
        if let Some(entry) = maps.valid.get(hash) {
            if clock.duration_since(entry.cached_at) < VALID_TTL {
                return match entry.expires_at {
                    Some(at) if at <= now => Lookup::Invalid,
                    _ => Lookup::Valid(entry.key.clone()),
                };
            }
        } else if let Some(at) = maps.invalid.get(hash) {
            if clock.duration_since(*at) < INVALID_TTL {
                return Lookup::Invalid;
            }
        }
        Lookup::Unknown(generation)
    }

    pub fn remember_valid(
        &self,
        hash: &str,
        key: Arc<VerifiedKey>,
        expires_at: Option<OffsetDateTime>,
        generation: u64,
        clock: Instant,
    ) {
        let mut maps = self.maps.write().expect("key cache lock");
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if maps.valid.len() >= MAX_VALID {
            maps.valid.retain(|_, e| clock.duration_since(e.cached_at) < VALID_TTL);
            if maps.valid.len() >= MAX_VALID {
                maps.valid.clear();
            }
            let Maps { valid, hashes, .. } = &mut *maps;
            hashes.retain(|_, h| valid.contains_key(h));
        }
        maps.hashes.insert(key.id.clone(), hash.to_string());
        maps.invalid.remove(hash);
        maps.valid.insert(hash.to_string(), Valid { key, expires_at, cached_at: clock });
    }

    pub fn remember_invalid(&self, hash: &str, generation: u64, clock: Instant) {
        let mut maps = self.maps.write().expect("key cache lock");
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if maps.invalid.len() >= MAX_INVALID {
            maps.invalid.retain(|_, at| clock.duration_since(*at) < INVALID_TTL);
            if maps.invalid.len() >= MAX_INVALID {
                // A flood of distinct keys: bounded memory wins over
                // remembering them all (the failure limit slows it anyway).
                maps.invalid.clear();
            }
        }
        maps.invalid.insert(hash.to_string(), clock);
    }

    /// The key with this id must be looked up again.
    pub fn forget_id(&self, key_id: &str) {
        let mut maps = self.maps.write().expect("key cache lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(hash) = maps.hashes.remove(key_id) {
            maps.valid.remove(&hash);
        }
    }

    /// The key with this hash must be looked up again.
    pub fn forget_hash(&self, hash: &str) {
        let mut maps = self.maps.write().expect("key cache lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(entry) = maps.valid.remove(hash) {
            maps.hashes.remove(&entry.key.id);
        }
    }

    /// Every key of this project must be looked up again (its name or slug
    /// changed, or it was deleted). Other projects' keys stay: one tenant's
    /// changes must not cost every other tenant its cache.
    pub fn forget_project(&self, project_id: &str) {
        let mut maps = self.maps.write().expect("key cache lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        let Maps { valid, hashes, .. } = &mut *maps;
        valid.retain(|_, entry| {
            let keep = entry.key.project_id != project_id;
            if !keep {
                hashes.remove(&entry.key.id);
            }
            keep
        });
    }

    /// Every key must be looked up again (changes may have been missed).
    pub fn forget_all(&self) {
        let mut maps = self.maps.write().expect("key cache lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        maps.valid.clear();
        maps.hashes.clear();
    }

    /// Entries held: (valid, invalid).
    pub fn len(&self) -> (usize, usize) {
        let maps = self.maps.read().expect("key cache lock");
        (maps.valid.len(), maps.invalid.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str) -> Arc<VerifiedKey> {
        Arc::new(VerifiedKey {
            id: id.into(),
            name: "n".into(),
            prefix: "sk_live_abcd".into(),
            project_id: "proj_1".into(),
            project_name: "P".into(),
            project_slug: "p".into(),
            permissions: vec![],
            auth: Default::default(),
        })
    }

    fn generation(lookup: Lookup) -> u64 {
        match lookup {
            Lookup::Unknown(g) => g,
            _ => panic!("expected a miss"),
        }
    }

    #[test]
    fn a_forgotten_key_is_looked_up_again() {
        let cache = KeyCache::default();
        let (now, clock) = (OffsetDateTime::now_utc(), Instant::now());
        let g = generation(cache.lookup("h1", now, clock));
        cache.remember_valid("h1", key("key_1"), None, g, clock);
        assert!(matches!(cache.lookup("h1", now, clock), Lookup::Valid(_)));
        cache.forget_id("key_1");
        assert!(matches!(cache.lookup("h1", now, clock), Lookup::Unknown(_)));

        let g = generation(cache.lookup("h1", now, clock));
        cache.remember_valid("h1", key("key_1"), None, g, clock);
        cache.forget_hash("h1");
        assert!(matches!(cache.lookup("h1", now, clock), Lookup::Unknown(_)));
    }

    #[test]
    fn a_project_change_forgets_only_that_projects_keys() {
        let cache = KeyCache::default();
        let (now, clock) = (OffsetDateTime::now_utc(), Instant::now());
        let other = Arc::new(VerifiedKey { project_id: "proj_2".into(), ..(*key("key_2")).clone() });
        let g = generation(cache.lookup("h1", now, clock));
        cache.remember_valid("h1", key("key_1"), None, g, clock);
        cache.remember_valid("h2", other, None, g, clock);
        cache.forget_project("proj_1");
        assert!(matches!(cache.lookup("h1", now, clock), Lookup::Unknown(_)));
        assert!(matches!(cache.lookup("h2", now, clock), Lookup::Valid(_)), "another tenant's key stays cached");
        cache.forget_id("key_1");
        assert_eq!(cache.len(), (1, 0));
    }

    #[test]
    fn a_lookup_that_raced_a_revocation_stores_nothing() {
        let cache = KeyCache::default();
        let (now, clock) = (OffsetDateTime::now_utc(), Instant::now());
        let g = generation(cache.lookup("h1", now, clock));
        // The database said "valid", then the key was revoked here...
        cache.forget_id("key_1");
        // ...so what the lookup read is stale and must not be kept.
        cache.remember_valid("h1", key("key_1"), None, g, clock);
        assert!(matches!(cache.lookup("h1", now, clock), Lookup::Unknown(_)));
        cache.forget_all();
        cache.remember_invalid("h2", g, clock);
        assert!(matches!(cache.lookup("h2", now, clock), Lookup::Unknown(_)));
    }

    #[test]
    fn expiry_is_checked_on_every_hit() {
        let cache = KeyCache::default();
        let (now, clock) = (OffsetDateTime::now_utc(), Instant::now());
        let expires = now + time::Duration::seconds(10);
        let g = generation(cache.lookup("h1", now, clock));
        cache.remember_valid("h1", key("key_1"), Some(expires), g, clock);
        assert!(matches!(cache.lookup("h1", expires - time::Duration::seconds(1), clock), Lookup::Valid(_)));
        assert!(matches!(cache.lookup("h1", expires, clock), Lookup::Invalid), "refused at the second it expires");
    }

    #[test]
    fn entries_age_out() {
        let cache = KeyCache::default();
        let (now, clock) = (OffsetDateTime::now_utc(), Instant::now());
        let g = generation(cache.lookup("h1", now, clock));
        cache.remember_valid("h1", key("key_1"), None, g, clock);
        cache.remember_invalid("bad", g, clock);
        assert!(matches!(cache.lookup("bad", now, clock + INVALID_TTL / 2), Lookup::Invalid));
        assert!(matches!(cache.lookup("bad", now, clock + INVALID_TTL), Lookup::Unknown(_)));
        assert!(matches!(cache.lookup("h1", now, clock + VALID_TTL), Lookup::Unknown(_)));
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_made_up_keys() {
        let cache = KeyCache::default();
        let (now, clock) = (OffsetDateTime::now_utc(), Instant::now());
        for n in 0..(MAX_INVALID + 10) {
            let hash = format!("{n:064x}");
            let g = generation(cache.lookup(&hash, now, clock));
            cache.remember_invalid(&hash, g, clock);
        }
        assert!(cache.len().1 <= MAX_INVALID);
    }
}
