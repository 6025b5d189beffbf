//! Failure limits with growing delays: after `limit` failures within a
//! minute a client (an address, or an account) is refused until its block
//! ends; each block in a row lasts twice the one before, up to `max_block`,
//! so guessing gets slower and slower while a victim whose account is being
//! guessed is never locked out for longer than that. IPv6 addresses are
//! counted per /64, since one host usually holds the whole block.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Clients tracked at most; beyond it, quiet ones are dropped first.
const MAX_CLIENTS: usize = 100_000;

pub struct FailureLimiter<K = IpAddr> {
    limit: u32,
    max_block: Duration,
    clients: Mutex<HashMap<K, Record>>,
    /// Whether any failure was ever counted: until then (the normal case
    /// for a healthy application) a check takes no lock.
    any: AtomicBool,
}

struct Record {
    window_start: Instant,
    failures: u32,
    /// Blocks in a row; the next one lasts `WINDOW * 2^strikes`.
    strikes: u32,
    blocked_until: Option<Instant>,
    last_failure: Instant,
}

impl<K: Hash + Eq + Clone> FailureLimiter<K> {
    pub fn new(limit: u32, max_block: Duration) -> Self {
        Self { limit, max_block, clients: Mutex::new(HashMap::new()), any: AtomicBool::new(false) }
    }

    /// `Err(seconds to wait)` while the client is blocked.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), u64> {
        if !self.any.load(Ordering::Relaxed) {
            return Ok(());
        }
        let clients = self.clients.lock().expect("limiter lock");
        match clients.get(key).and_then(|r| r.blocked_until) {
            Some(until) if now < until => Err(until.saturating_duration_since(now).as_secs().max(1)),
            _ => Ok(()),
        }
    }

    /// Counts one failure.
    pub fn fail(&self, key: &K, now: Instant) {
        let mut clients = self.clients.lock().expect("limiter lock");
        self.any.store(true, Ordering::Relaxed);
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(key) {
            let max_block = self.max_block;
            clients.retain(|_, r| now.saturating_duration_since(r.last_failure) < max_block);
            if clients.len() >= MAX_CLIENTS {
                // A flood from more clients than we track: forget the lot
                // rather than grow without bound.
                clients.clear();
            }
        }
        let record = clients.entry(key.clone()).or_insert(Record {
            window_start: now,
            failures: 0,
            strikes: 0,
            blocked_until: None,
            last_failure: now,
        });
        if now.saturating_duration_since(record.last_failure) >= self.max_block * 2 {
            // Quiet for long enough: start over.
            record.strikes = 0;
        }
        if now.saturating_duration_since(record.window_start) >= WINDOW {
            record.window_start = now;
            record.failures = 0;
        }
        record.last_failure = now;
        record.failures = record.failures.saturating_add(1);
        if record.failures >= self.limit {
            let block = WINDOW.saturating_mul(1 << record.strikes.min(16)).min(self.max_block);
            record.blocked_until = Some(now + block);
            record.strikes = record.strikes.saturating_add(1);
            record.window_start = now + block;
            record.failures = 0;
        }
    }

    /// A success ends the client's record (e.g. the account's owner got in).
    pub fn succeed(&self, key: &K) {
        if self.any.load(Ordering::Relaxed) {
            self.clients.lock().expect("limiter lock").remove(key);
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.clients.lock().unwrap().len()
    }
}

/// Sign-in attempts. Per account and address, 5 failures a minute and then
/// blocks of at most 5 minutes: someone guessing from one place cannot lock
/// the owner out, who signs in from another. Per account, a much higher
/// ceiling (100 a minute) for guessing spread over many addresses. Per
/// address, 20 and blocks of up to 15 minutes (one address trying many
/// accounts).
pub struct SignInLimits {
    pairs: FailureLimiter<(String, IpAddr)>,
    accounts: FailureLimiter<String>,
    addresses: FailureLimiter<IpAddr>,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            pairs: FailureLimiter::new(5, Duration::from_secs(300)),
            accounts: FailureLimiter::new(100, Duration::from_secs(300)),
            addresses: FailureLimiter::new(20, Duration::from_secs(900)),
        }
    }
}

impl SignInLimits {
    /// `Err(seconds to wait)` while the account (from this address or from
    /// everywhere) or the address is blocked.
    pub fn check(&self, email: &str, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let (account, ip) = (account(email), bucket(ip));
        let waits = [
            self.pairs.check(&(account.clone(), ip), now),
            self.accounts.check(&account, now),
            self.addresses.check(&ip, now),
        ];
        match waits.into_iter().filter_map(Result::err).max() {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn failed(&self, email: &str, ip: IpAddr, now: Instant) {
        let (account, ip) = (account(email), bucket(ip));
        self.pairs.fail(&(account.clone(), ip), now);
        self.accounts.fail(&account, now);
        self.addresses.fail(&ip, now);
    }

    pub fn succeeded(&self, email: &str, ip: IpAddr) {
        let account = account(email);
        self.pairs.succeed(&(account.clone(), bucket(ip)));
        self.accounts.succeed(&account);
    }
}

/// Sign-ups per address: `limit` a minute, then blocks that double up to an
/// hour. Every attempt counts, since each costs a password hash.
pub struct SignUpLimits {
    addresses: FailureLimiter<IpAddr>,
}

impl SignUpLimits {
    pub fn new(limit: u32) -> Self {
        Self { addresses: FailureLimiter::new(limit, Duration::from_secs(3600)) }
    }

    /// Counts an attempt, or `Err(seconds to wait)` while the address is blocked.
    pub fn attempt(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let ip = bucket(ip);
        self.addresses.check(&ip, now)?;
        self.addresses.fail(&ip, now);
        Ok(())
    }
}

/// Requests that send mail ("Forgot password?", a new verification link):
/// per address 5 a minute, then blocks of up to an hour. A project's users'
/// requests all come from the app server's address: per (project, email) 5
/// a minute, under a per-project ceiling of 1,000, so nobody can silence a
/// project's mail by asking for one address over and over. Per account,
/// the store counts the links made in the last hour.
pub struct MailLimits {
    addresses: FailureLimiter<IpAddr>,
    pairs: FailureLimiter<(String, String)>,
    projects: FailureLimiter<String>,
}

impl Default for MailLimits {
    fn default() -> Self {
        Self {
            addresses: FailureLimiter::new(5, Duration::from_secs(3600)),
            pairs: FailureLimiter::new(5, Duration::from_secs(3600)),
            projects: FailureLimiter::new(1000, Duration::from_secs(300)),
        }
    }
}

impl MailLimits {
    /// Counts a request from a dashboard visitor, or `Err(seconds to wait)`.
    pub fn address(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let ip = bucket(ip);
        self.addresses.check(&ip, now)?;
        self.addresses.fail(&ip, now);
        Ok(())
    }

    /// Counts a request of a project's app for `email`, or `Err(seconds to wait)`.
    pub fn app(&self, project_id: &str, email: &str, now: Instant) -> Result<(), u64> {
        let pair = (project_id.to_string(), email.to_string());
        let project = project_id.to_string();
        self.pairs.check(&pair, now)?;
        self.projects.check(&project, now)?;
        self.pairs.fail(&pair, now);
        self.projects.fail(&project, now);
        Ok(())
    }
}

/// Failed sign-ins of a project's end users. Every request comes from the
/// app server's address, so addresses tell nothing: per (project, email), 5
/// failures a minute then blocks of up to 5 minutes; per project, a ceiling
/// of 300 a minute, so one busy app never throttles itself on its users'
/// typos while a guesser spread over many emails is still slowed.
pub struct EndUserLimits {
    pairs: FailureLimiter<(String, String)>,
    projects: FailureLimiter<String>,
}

impl Default for EndUserLimits {
    fn default() -> Self {
        Self {
            pairs: FailureLimiter::new(5, Duration::from_secs(300)),
            projects: FailureLimiter::new(300, Duration::from_secs(300)),
        }
    }
}

impl EndUserLimits {
    pub fn check(&self, project_id: &str, email: &str, now: Instant) -> Result<(), u64> {
        let pair = self.pairs.check(&(project_id.to_string(), account(email)), now);
        let project = self.projects.check(&project_id.to_string(), now);
        match (pair, project) {
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(a), _) | (_, Err(a)) => Err(a),
            _ => Ok(()),
        }
    }

    pub fn failed(&self, project_id: &str, email: &str, now: Instant) {
        self.pairs.fail(&(project_id.to_string(), account(email)), now);
        self.projects.fail(&project_id.to_string(), now);
    }

    pub fn succeeded(&self, project_id: &str, email: &str) {
        self.pairs.succeed(&(project_id.to_string(), account(email)));
    }
}

fn account(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The address a limit counts: IPv6 per /64.
pub fn bucket(ip: IpAddr) -> IpAddr {
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

    const FIFTEEN_MINUTES: Duration = Duration::from_secs(900);

    #[test]
    fn refuses_after_the_limit_until_the_block_ends() {
        let limiter = FailureLimiter::new(3, FIFTEEN_MINUTES);
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check(&ip, t0).is_ok());
            limiter.fail(&ip, t0);
        }
        assert_eq!(limiter.check(&ip, t0), Err(60));
        assert_eq!(limiter.check(&ip, t0 + Duration::from_secs(45)), Err(15));
        assert!(limiter.check(&"192.0.2.8".parse().unwrap(), t0).is_ok(), "other clients unaffected");
        assert!(limiter.check(&ip, t0 + WINDOW).is_ok(), "the block ends");
        limiter.fail(&ip, t0 + WINDOW);
        assert!(limiter.check(&ip, t0 + WINDOW).is_ok(), "counting starts again");
    }

    #[test]
    fn each_block_in_a_row_lasts_twice_as_long_up_to_the_maximum() {
        let limiter = FailureLimiter::new(2, Duration::from_secs(300));
        let key = "ada@example.com".to_string();
        let mut now = Instant::now();
        let mut blocks = Vec::new();
        for _ in 0..5 {
            limiter.fail(&key, now);
            limiter.fail(&key, now);
            let wait = limiter.check(&key, now).unwrap_err();
            blocks.push(wait);
            now += Duration::from_secs(wait);
            assert!(limiter.check(&key, now).is_ok(), "the block ends on time");
        }
        assert_eq!(blocks, [60, 120, 240, 300, 300], "never longer than the maximum");
        limiter.succeed(&key);
        limiter.fail(&key, now);
        limiter.fail(&key, now);
        assert_eq!(limiter.check(&key, now), Err(60), "a success starts over");
    }

    #[test]
    fn ipv6_counts_per_slash_64() {
        let limiter = FailureLimiter::new(1, FIFTEEN_MINUTES);
        let t0 = Instant::now();
        limiter.fail(&bucket("2001:db8:1:2::1".parse().unwrap()), t0);
        assert!(limiter.check(&bucket("2001:db8:1:2::ffff".parse().unwrap()), t0).is_err());
        assert!(limiter.check(&bucket("2001:db8:1:3::1".parse().unwrap()), t0).is_ok());
    }

    #[test]
    fn memory_stays_bounded_under_a_flood() {
        let limiter = FailureLimiter::new(5, FIFTEEN_MINUTES);
        let t0 = Instant::now();
        for n in 0..(MAX_CLIENTS as u32 + 10) {
            limiter.fail(&IpAddr::V4(n.into()), t0);
        }
        assert!(limiter.tracked() <= MAX_CLIENTS);
    }

    #[test]
    fn guessing_from_one_address_does_not_lock_the_owner_out() {
        let limits = SignInLimits::default();
        let attacker: IpAddr = "198.51.100.9".parse().unwrap();
        let owner: IpAddr = "192.0.2.1".parse().unwrap();
        let mut now = Instant::now();
        // An hour of five wrong passwords every five minutes.
        for _ in 0..12 {
            for _ in 0..5 {
                limits.failed("ada@example.com", attacker, now);
            }
            assert!(limits.check("ada@example.com", attacker, now).is_err(), "the guesser is blocked");
            assert!(limits.check("ada@example.com", owner, now).is_ok(), "the owner is not");
            now += Duration::from_secs(300);
        }
    }

    #[test]
    fn guessing_from_many_addresses_meets_the_account_ceiling() {
        let limits = SignInLimits::default();
        let now = Instant::now();
        for n in 0..100u32 {
            limits.failed("ada@example.com", IpAddr::V4((0x0a00_0000 + n).into()), now);
        }
        assert!(limits.check("ada@example.com", "192.0.2.1".parse().unwrap(), now).is_err());
        assert!(limits.check("bob@example.com", "192.0.2.1".parse().unwrap(), now).is_ok());
    }
}
