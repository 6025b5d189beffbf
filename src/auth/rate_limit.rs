//! Failed key checks per client: after `limit` failures within a minute, a
//! client is refused (429) until its minute is over, so guessing keys costs
//! an attacker time and costs us nothing. IPv6 clients are counted per /64,
//! since one host usually holds the whole block.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Clients tracked at most; beyond it, finished windows are dropped first.
const MAX_CLIENTS: usize = 100_000;

pub struct FailureLimiter {
    limit: u32,
    clients: Mutex<HashMap<IpAddr, Window>>,
    /// Whether any failure was ever counted: until then (the normal case
    /// for a healthy application) a check takes no lock.
    any: AtomicBool,
}

struct Window {
    started: Instant,
    failures: u32,
}

impl FailureLimiter {
    pub fn new(limit: u32) -> Self {
        Self { limit, clients: Mutex::new(HashMap::new()), any: AtomicBool::new(false) }
    }

    /// `Err(seconds to wait)` when the client has used up its failures.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        if !self.any.load(Ordering::Relaxed) {
            return Ok(());
        }
        let clients = self.clients.lock().expect("limiter lock");
        match clients.get(&bucket(ip)) {
            Some(w) if w.failures >= self.limit && now < w.started + WINDOW => {
                let left = (w.started + WINDOW).saturating_duration_since(now);
                Err(left.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one failed check.
    pub fn fail(&self, ip: IpAddr, now: Instant) {
        let mut clients = self.clients.lock().expect("limiter lock");
        self.any.store(true, Ordering::Relaxed);
        if clients.len() >= MAX_CLIENTS {
            clients.retain(|_, w| now < w.started + WINDOW);
            if clients.len() >= MAX_CLIENTS {
                // A flood from more addresses than we track: forget the lot
                // rather than grow without bound.
                clients.clear();
            }
        }
        let window = clients.entry(bucket(ip)).or_insert(Window { started: now, failures: 0 });
        if now >= window.started + WINDOW {
            *window = Window { started: now, failures: 0 };
        }
        window.failures = window.failures.saturating_add(1);
    }
}

fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_limit_until_the_window_ends() {
        let limiter = FailureLimiter::new(3);
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(ip, t0).is_ok());
            limiter.fail(ip, t0);
        }
        assert_eq!(limiter.check(ip, t0), Err(60));
        assert_eq!(limiter.check(ip, t0 + Duration::from_secs(45)), Err(15));
        assert!(limiter.check("192.0.2.8".parse().unwrap(), t0).is_ok(), "other clients unaffected");
        assert!(limiter.check(ip, t0 + WINDOW).is_ok(), "a new minute");
        limiter.fail(ip, t0 + WINDOW);
        assert!(limiter.check(ip, t0 + WINDOW).is_ok(), "counting starts again");
    }

    #[test]
    fn ipv6_counts_per_slash_64() {
        let limiter = FailureLimiter::new(1);
        let t0 = Instant::now();
        limiter.fail("2001:db8:1:2::1".parse().unwrap(), t0);
        assert!(limiter.check("2001:db8:1:2::ffff".parse().unwrap(), t0).is_err());
        assert!(limiter.check("2001:db8:1:3::1".parse().unwrap(), t0).is_ok());
    }

    #[test]
    fn memory_stays_bounded_under_a_flood() {
        let limiter = FailureLimiter::new(5);
        let t0 = Instant::now();
        for n in 0..(MAX_CLIENTS as u32 + 10) {
            limiter.fail(IpAddr::V4(n.into()), t0);
        }
        assert!(limiter.clients.lock().unwrap().len() <= MAX_CLIENTS);
    }
}
