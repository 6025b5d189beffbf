//! The rule that keeps a cache honest: a lookup that raced a forget must not
//! store what it read (it may predate the change the forget announced).
//!
//! A lookup takes a `Ticket` before it asks the database; a forget writes a
//! mark for exactly what changed (a session, a user, a project), newer than
//! every ticket taken before it. Storing checks only the marks of the entry
//! being stored, so forgetting one thing never stops another tenant's
//! lookups from being cached (a single counter for everything did: a loop of
//! sign-outs kept every project's sessions out of the cache).
//!
//! Marks are kept for `horizon` (longer than any lookup takes) and at most
//! `cap` of them; dropping one raises a floor below which tickets are void,
//! so forgetting old marks can only make the cache store less, never wrongly.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Taken before a lookup reads the database.
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

pub struct ForgetLog {
    seq: AtomicU64,
    horizon: Duration,
    cap: usize,
    inner: Mutex<Marks>,
}

#[derive(Default)]
struct Marks {
    /// What was forgotten → the sequence number of its latest forget.
    latest: HashMap<String, u64>,
    /// The same marks in the order they were made, for pruning.
    order: VecDeque<(u64, Instant, String)>,
    /// Tickets older than this are void (their marks may have been dropped).
    floor: u64,
}

impl ForgetLog {
    pub fn new(horizon: Duration, cap: usize) -> Self {
        Self { seq: AtomicU64::new(0), horizon, cap, inner: Mutex::new(Marks::default()) }
    }

    pub fn ticket(&self) -> Ticket {
        Ticket(self.seq.load(Ordering::Acquire))
    }

    /// Marks `what` as changed now.
    pub fn forget(&self, what: String, clock: Instant) {
        let mut marks = self.inner.lock().expect("forget log lock");
        let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
        marks.latest.insert(what.clone(), seq);
        marks.order.push_back((seq, clock, what));
        while let Some((seq, at, _)) = marks.order.front() {
            if marks.order.len() <= self.cap && clock.saturating_duration_since(*at) < self.horizon {
                break;
            }
            let (seq, what) = (*seq, marks.order.pop_front().expect("a front").2);
            if marks.latest.get(&what) == Some(&seq) {
                marks.latest.remove(&what);
            }
            marks.floor = marks.floor.max(seq);
        }
    }

    /// Everything changed: every ticket taken so far is void.
    pub fn forget_everything(&self) {
        let mut marks = self.inner.lock().expect("forget log lock");
        let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
        marks.latest.clear();
        marks.order.clear();
        marks.floor = seq;
    }

    /// Whether a lookup holding `ticket` may store an entry that depends on
    /// each of `what`: none of them was forgotten since the ticket was taken.
    pub fn may_store(&self, ticket: Ticket, what: &[&str]) -> bool {
        let marks = self.inner.lock().expect("forget log lock");
        ticket.0 >= marks.floor && what.iter().all(|w| marks.latest.get(*w).is_none_or(|seq| *seq <= ticket.0))
    }

    #[cfg(test)]
    fn held(&self) -> usize {
        self.inner.lock().unwrap().order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn only_what_was_forgotten_since_the_ticket_stops_a_store() {
        let log = ForgetLog::new(MINUTE, 100);
        let t0 = Instant::now();
        log.forget("s:old".into(), t0);
        let ticket = log.ticket();
        assert!(log.may_store(ticket, &["s:old"]), "forgotten before the lookup began");
        log.forget("s:a".into(), t0);
        assert!(!log.may_store(ticket, &["s:a", "u:1"]), "raced a forget");
        assert!(log.may_store(ticket, &["s:b", "u:2"]), "someone else's forget changes nothing");
        assert!(log.may_store(log.ticket(), &["s:a"]), "a lookup after the forget stores");
        log.forget_everything();
        assert!(!log.may_store(ticket, &["s:b"]));
    }

    #[test]
    fn marks_are_bounded_and_dropping_one_voids_only_older_tickets() {
        let log = ForgetLog::new(MINUTE, 3);
        let t0 = Instant::now();
        let early = log.ticket();
        for n in 0..10 {
            log.forget(format!("s:{n}"), t0);
        }
        assert!(log.held() <= 3);
        assert!(!log.may_store(early, &["s:unrelated"]), "its marks are gone: it may not store");
        assert!(log.may_store(log.ticket(), &["s:0"]));
        let later = log.ticket();
        log.forget("s:x".into(), t0 + MINUTE * 2);
        assert_eq!(log.held(), 1, "old marks age out");
        assert!(log.may_store(later, &["s:y"]), "a recent ticket survives the pruning");
        assert!(!log.may_store(later, &["s:x"]));
    }
}
