//! The one bounded cache behind everything verified recently (keys, end
//! users' sessions): a concurrent map from `moka` (no global lock, TinyLFU
//! admission, a time to live), with the rule that keeps it honest when
//! something ends: a lookup that raced the forgetting of what its entry
//! depends on never stores (`ForgetLog`), and forgetting a user's or a
//! project's entries is a lazy predicate, never a scan under a lock.

use super::forget_log::{ForgetLog, Ticket};
use moka::sync::Cache;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A cache answer: the value, or ask the database (passing the ticket to
/// `remember`).
pub enum Found<V> {
    Hit(V),
    Miss(Ticket),
}

pub struct ForgettingCache<V: Clone + Send + Sync + 'static> {
    entries: Cache<String, V>,
    forgotten: ForgetLog,
    misses: AtomicU64,
}

impl<V: Clone + Send + Sync + 'static> ForgettingCache<V> {
    /// At most `capacity` entries, each trusted for `ttl` at most (the last
    /// line of defence should an invalidation ever be missed). Forgets are
    /// remembered for as long, longer than any lookup takes.
    pub fn new(capacity: u64, ttl: Duration) -> Self {
        let entries = Cache::builder().max_capacity(capacity).time_to_live(ttl).support_invalidation_closures().build();
        let forgotten = ForgetLog::new(ttl, usize::try_from(capacity).unwrap_or(usize::MAX));
        Self { entries, forgotten, misses: AtomicU64::new(0) }
    }

    pub fn get(&self, key: &str) -> Found<V> {
        // The ticket first: a forget from here on voids what this lookup reads.
        let ticket = self.forgotten.ticket();
        match self.entries.get(key) {
            Some(value) => Found::Hit(value),
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                Found::Miss(ticket)
            }
        }
    }

    /// Stores what a lookup holding `ticket` read, unless any of `marks`
    /// (what the entry depends on) was forgotten since. Inserted first and
    /// checked after: a forget that lands in between has its mark seen here
    /// or its invalidation run after the insert, so the stale entry goes
    /// either way.
    pub fn remember(&self, key: &str, value: V, ticket: Ticket, marks: &[&str]) {
        if !self.forgotten.may_store(ticket, marks) {
            return;
        }
        self.entries.insert(key.to_string(), value);
        if !self.forgotten.may_store(ticket, marks) {
            self.entries.invalidate(key);
        }
    }

    /// `mark` changed; the entry at `key` (if any) goes.
    pub fn forget_key(&self, key: &str, mark: String) {
        self.forgotten.forget(mark, Instant::now());
        self.entries.invalidate(key);
    }

    /// `mark` changed; every entry `matches` picks goes (lazily: each is
    /// checked when next read, or when the cache next tidies up).
    pub fn forget_where(&self, mark: String, matches: impl Fn(&V) -> bool + Send + Sync + 'static) {
        self.forgotten.forget(mark, Instant::now());
        if self.entries.invalidate_entries_if(move |_, value| matches(value)).is_err() {
            // Cannot happen (closures are enabled above); fail safe anyway.
            self.entries.invalidate_all();
        }
    }

    /// Anything may have changed (notices were missed).
    pub fn forget_all(&self) {
        self.forgotten.forget_everything();
        self.entries.invalidate_all();
    }

    /// Times the database had to be asked.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// Entries held, once pending evictions and invalidations are applied.
    pub fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn ticket(cache: &ForgettingCache<u32>, key: &str) -> Ticket {
        match cache.get(key) {
            Found::Miss(ticket) => ticket,
            Found::Hit(_) => panic!("expected a miss"),
        }
    }

    #[test]
    fn a_lookup_stores_unless_what_it_depends_on_was_forgotten_meanwhile() {
        let cache = ForgettingCache::new(100, MINUTE);
        let t = ticket(&cache, "a");
        cache.forget_key("b", "s:b".into());
        cache.remember("a", 1, t, &["s:a", "u:1"]);
        assert!(matches!(cache.get("a"), Found::Hit(1)), "another entry's forget changes nothing");
        let t = ticket(&cache, "c");
        cache.forget_where("u:2".into(), |v: &u32| *v == 2);
        cache.remember("c", 2, t, &["s:c", "u:2"]);
        assert!(matches!(cache.get("c"), Found::Miss(_)), "its user was forgotten while it read");
    }

    #[test]
    fn forgetting_by_predicate_takes_only_the_matching_entries() {
        let cache = ForgettingCache::new(100, MINUTE);
        for (key, value) in [("a", 1), ("b", 2), ("c", 1)] {
            let t = ticket(&cache, key);
            cache.remember(key, value, t, &[]);
        }
        cache.forget_where("u:1".into(), |v: &u32| *v == 1);
        assert!(matches!(cache.get("a"), Found::Miss(_)) && matches!(cache.get("c"), Found::Miss(_)));
        assert!(matches!(cache.get("b"), Found::Hit(2)));
        assert_eq!(cache.len(), 1);
        cache.forget_all();
        assert!(cache.is_empty());
    }

    #[test]
    fn entries_age_out() {
        let cache = ForgettingCache::new(100, Duration::from_millis(50));
        let t = ticket(&cache, "a");
        cache.remember("a", 1, t, &[]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(cache.get("a"), Found::Hit(_)) {
            assert!(Instant::now() < deadline, "still cached long after its time to live");
            std::thread::yield_now();
        }
    }

    #[test]
    fn it_stays_bounded_without_emptying_itself() {
        let cache = ForgettingCache::new(1_000, MINUTE);
        for n in 0..5_000u32 {
            let key = n.to_string();
            let t = ticket(&cache, &key);
            cache.remember(&key, n, t, &[]);
        }
        let held = cache.len();
        assert!(held <= 1_000, "{held}");
        assert!(held > 500, "at capacity it admits and evicts, it does not clear: {held}");
    }
}
