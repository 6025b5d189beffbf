//! Keys verified recently, so that a working key costs no database query,
//! and keys refused recently, so that a flood of made-up keys costs at most
//! one query per distinct key per minute. Both are bounded
//! (`ForgettingCache`).
//!
//! Revocation must win over the cache: forgetting a key, its project or
//! everything drops the entries and voids any lookup that raced it (it
//! could predate the revocation).

use super::forget_log::Ticket;
use super::forgetting_cache::{ForgettingCache, Found};
use super::verified_key::VerifiedKey;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// How long a working key is trusted without asking the database again: the
/// last line of defence should an invalidation ever be missed.
const VALID_TTL: Duration = Duration::from_secs(300);
/// How long a refused key is refused without asking again.
const INVALID_TTL: Duration = Duration::from_secs(60);
const MAX_VALID: u64 = 100_000;
const MAX_INVALID: u64 = 50_000;

pub enum Lookup {
    Valid(Arc<VerifiedKey>),
    Invalid,
    /// Ask the database; pass the tickets to `remember_*`.
    Unknown(Tickets),
}

/// What a lookup that asks the database holds, one ticket per map.
#[derive(Clone, Copy, Debug)]
pub struct Tickets {
    valid: Ticket,
    invalid: Ticket,
}

pub struct KeyCache {
    valid: ForgettingCache<Valid>,
    invalid: ForgettingCache<()>,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self {
            valid: ForgettingCache::new(MAX_VALID, VALID_TTL),
            invalid: ForgettingCache::new(MAX_INVALID, INVALID_TTL),
        }
    }
}

#[derive(Clone)]
struct Valid {
    key: Arc<VerifiedKey>,
    expires_at: Option<OffsetDateTime>,
}

fn hash_mark(hash: &str) -> String {
    format!("h:{hash}")
}
fn id_mark(key_id: &str) -> String {
    format!("k:{key_id}")
}
fn project_mark(project_id: &str) -> String {
    format!("p:{project_id}")
}

impl KeyCache {
    /// `now` decides expiry (to the second, on every instance).
    pub fn lookup(&self, hash: &str, now: OffsetDateTime) -> Lookup {
        match self.valid.get(hash) {
            Found::Hit(entry) => match entry.expires_at {
                Some(at) if at <= now => Lookup::Invalid,
                _ => Lookup::Valid(entry.key),
            },
            Found::Miss(valid) => match self.invalid.get(hash) {
                Found::Hit(()) => Lookup::Invalid,
                Found::Miss(invalid) => Lookup::Unknown(Tickets { valid, invalid }),
            },
        }
    }

    pub fn remember_valid(
        &self,
        hash: &str,
        key: Arc<VerifiedKey>,
        expires_at: Option<OffsetDateTime>,
        tickets: Tickets,
    ) {
        let marks = [hash_mark(hash), id_mark(&key.id), project_mark(&key.project_id)];
        self.valid.remember(hash, Valid { key, expires_at }, tickets.valid, &marks.each_ref().map(String::as_str));
    }

    pub fn remember_invalid(&self, hash: &str, tickets: Tickets) {
        self.invalid.remember(hash, (), tickets.invalid, &[&hash_mark(hash)]);
    }

    /// The key with this id must be looked up again.
    pub fn forget_id(&self, key_id: &str) {
        let id = key_id.to_string();
        self.valid.forget_where(id_mark(key_id), move |entry| entry.key.id == id);
    }

    /// The key with this hash must be looked up again.
    pub fn forget_hash(&self, hash: &str) {
        self.valid.forget_key(hash, hash_mark(hash));
        self.invalid.forget_key(hash, hash_mark(hash));
    }

    /// Every key of this project must be looked up again (its name or slug
    /// changed, or it was deleted). Other projects' keys stay: one tenant's
    /// changes must not cost every other tenant its cache.
    pub fn forget_project(&self, project_id: &str) {
        let id = project_id.to_string();
        self.valid.forget_where(project_mark(project_id), move |entry| entry.key.project_id == id);
    }

    /// Every key must be looked up again (changes may have been missed).
    pub fn forget_all(&self) {
        self.valid.forget_all();
        self.invalid.forget_all();
    }

    /// Entries held: (valid, invalid).
    pub fn len(&self) -> (usize, usize) {
        (self.valid.len() as usize, self.invalid.len() as usize)
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

    fn generation(lookup: Lookup) -> Tickets {
        match lookup {
            Lookup::Unknown(g) => g,
            _ => panic!("expected a miss"),
        }
    }

    #[test]
    fn a_forgotten_key_is_looked_up_again() {
        let cache = KeyCache::default();
        let now = OffsetDateTime::now_utc();
        let g = generation(cache.lookup("h1", now));
        cache.remember_valid("h1", key("key_1"), None, g);
        assert!(matches!(cache.lookup("h1", now), Lookup::Valid(_)));
        cache.forget_id("key_1");
        assert!(matches!(cache.lookup("h1", now), Lookup::Unknown(_)));

        let g = generation(cache.lookup("h1", now));
        cache.remember_valid("h1", key("key_1"), None, g);
        cache.forget_hash("h1");
        assert!(matches!(cache.lookup("h1", now), Lookup::Unknown(_)));
    }

    #[test]
    fn a_project_change_forgets_only_that_projects_keys() {
        let cache = KeyCache::default();
        let now = OffsetDateTime::now_utc();
        let other = Arc::new(VerifiedKey { project_id: "proj_2".into(), ..(*key("key_2")).clone() });
        let g = generation(cache.lookup("h1", now));
        cache.remember_valid("h1", key("key_1"), None, g);
        cache.remember_valid("h2", other, None, g);
        cache.forget_project("proj_1");
        assert!(matches!(cache.lookup("h1", now), Lookup::Unknown(_)));
        assert!(matches!(cache.lookup("h2", now), Lookup::Valid(_)), "another tenant's key stays cached");
        cache.forget_id("key_1");
        assert_eq!(cache.len(), (1, 0));
    }

    #[test]
    fn a_lookup_that_raced_a_revocation_stores_nothing() {
        let cache = KeyCache::default();
        let now = OffsetDateTime::now_utc();
        let g = generation(cache.lookup("h1", now));
        // The database said "valid", then the key was revoked here...
        cache.forget_id("key_1");
        // ...so what the lookup read is stale and must not be kept.
        cache.remember_valid("h1", key("key_1"), None, g);
        assert!(matches!(cache.lookup("h1", now), Lookup::Unknown(_)));
        cache.forget_all();
        cache.remember_invalid("h2", g);
        assert!(matches!(cache.lookup("h2", now), Lookup::Unknown(_)));
    }

    #[test]
    fn expiry_is_checked_on_every_hit() {
        let cache = KeyCache::default();
        let now = OffsetDateTime::now_utc();
        let expires = now + time::Duration::seconds(10);
        let g = generation(cache.lookup("h1", now));
        cache.remember_valid("h1", key("key_1"), Some(expires), g);
        assert!(matches!(cache.lookup("h1", expires - time::Duration::seconds(1)), Lookup::Valid(_)));
        assert!(matches!(cache.lookup("h1", expires), Lookup::Invalid), "refused at the second it expires");
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_made_up_keys() {
        let cache = KeyCache::default();
        let now = OffsetDateTime::now_utc();
        for n in 0..(MAX_INVALID + 10) {
            let hash = format!("{n:064x}");
            let g = generation(cache.lookup(&hash, now));
            cache.remember_invalid(&hash, g);
        }
        assert!(cache.len().1 as u64 <= MAX_INVALID);
    }
}
