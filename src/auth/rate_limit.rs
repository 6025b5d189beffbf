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

/// Requests that send mail ("Forgot password?", a new verification link).
/// A dashboard visitor: per address 5 a minute, then blocks of up to an
/// hour. A project's users' requests all come from the app server's
/// address, so addresses tell nothing: per recipient (project, email) 5 a
/// minute, and per project a ceiling on mail actually *sent* (1,000 a
/// minute), so a flood of requests for addresses nobody has never stops
/// mail to real users. Per account, the store counts the links made in the
/// last hour.
pub struct MailLimits {
    addresses: FailureLimiter<IpAddr>,
    recipients: FailureLimiter<(String, String)>,
    sent: FailureLimiter<String>,
}

impl Default for MailLimits {
    fn default() -> Self {
        Self {
            addresses: FailureLimiter::new(5, Duration::from_secs(3600)),
            recipients: FailureLimiter::new(5, Duration::from_secs(3600)),
            sent: FailureLimiter::new(1000, Duration::from_secs(300)),
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
    pub fn app_request(&self, project_id: &str, email: &str, now: Instant) -> Result<(), u64> {
        let recipient = (project_id.to_string(), account(email));
        self.recipients.check(&recipient, now)?;
        self.recipients.fail(&recipient, now);
        Ok(())
    }

    /// Counts a mail about to be sent to a user of the project, or
    /// `Err(seconds to wait)` while the project is over its ceiling.
    pub fn app_send(&self, project_id: &str, now: Instant) -> Result<(), u64> {
        let project = project_id.to_string();
        self.sent.check(&project, now)?;
        self.sent.fail(&project, now);
        Ok(())
    }
}

/// Failed sign-ins of a project's end users. Every request comes from the
/// app server's address, so addresses tell nothing, and only failures are
/// charged, never a correct password:
/// - from a browser the email has not signed in on before, per (project,
///   email): 5 failures a minute, then blocks doubling up to 5 minutes, so
///   a guesser is slowed and the owner is never locked out for longer;
/// - from a browser the email signed in on before (its known-device
///   cookie), per that browser: someone guessing elsewhere does not slow
///   the owner's own browser at all (OWASP's "device cookies").
///
/// There is no per-project ceiling: strangers could fill it, and every
/// user of the project would be refused.
pub struct EndUserLimits {
    unknown_clients: FailureLimiter<(String, String)>,
    known_devices: FailureLimiter<String>,
}

impl Default for EndUserLimits {
    fn default() -> Self {
        Self {
            unknown_clients: FailureLimiter::new(5, Duration::from_secs(300)),
            known_devices: FailureLimiter::new(5, Duration::from_secs(300)),
        }
    }
}

/// Who is trying: a browser the email signed in on before (by its device
/// cookie's nonce, already checked for this project and email), or anyone.
#[derive(Clone, Copy, Debug)]
pub enum Client<'a> {
    Unknown,
    KnownDevice(&'a str),
}

impl EndUserLimits {
    pub fn check(&self, project_id: &str, email: &str, client: Client<'_>, now: Instant) -> Result<(), u64> {
        match client {
            Client::Unknown => self.unknown_clients.check(&(project_id.to_string(), account(email)), now),
            Client::KnownDevice(nonce) => self.known_devices.check(&nonce.to_string(), now),
        }
    }

    pub fn failed(&self, project_id: &str, email: &str, client: Client<'_>, now: Instant) {
        match client {
            Client::Unknown => self.unknown_clients.fail(&(project_id.to_string(), account(email)), now),
            Client::KnownDevice(nonce) => self.known_devices.fail(&nonce.to_string(), now),
        }
    }

    pub fn succeeded(&self, project_id: &str, email: &str, client: Client<'_>) {
        self.unknown_clients.succeed(&(project_id.to_string(), account(email)));
        if let Client::KnownDevice(nonce) = client {
            self.known_devices.succeed(&nonce.to_string());
        }
    }
}

/// Sign-ups per project and hour, up to the project's own setting: each
/// sign-up can mail an address its requester names, and every request comes
/// from the app server, so the project is what can be counted. Counted per
/// instance, in fixed hours.
#[derive(Default)]
pub struct SignUpQuota {
    projects: Mutex<HashMap<String, (Instant, u32)>>,
}

impl SignUpQuota {
    const HOUR: Duration = Duration::from_secs(3600);

    /// Counts a sign-up of the project, or `Err(seconds until the hour turns)`.
    pub fn take(&self, project_id: &str, per_hour: u32, now: Instant) -> Result<(), u64> {
        let mut projects = self.projects.lock().expect("sign-up quota lock");
        let (start, count) = projects.entry(project_id.to_string()).or_insert((now, 0));
        if now.saturating_duration_since(*start) >= Self::HOUR {
            (*start, *count) = (now, 0);
        }
        if *count >= per_hour {
            return Err((*start + Self::HOUR).saturating_duration_since(now).as_secs().max(1));
        }
        *count += 1;
        Ok(())
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
    fn strangers_failing_for_made_up_emails_never_refuse_a_real_user() {
        let limits = EndUserLimits::default();
        let now = Instant::now();
        for n in 0..1000 {
            limits.failed("proj_1", &format!("made-up-{n}@example.com"), Client::Unknown, now);
        }
        assert!(limits.check("proj_1", "ada@example.com", Client::Unknown, now).is_ok());
    }

    #[test]
    fn guessing_an_email_slows_strangers_but_not_the_owners_known_browser() {
        let limits = EndUserLimits::default();
        let mut now = Instant::now();
        for _ in 0..3 {
            for _ in 0..5 {
                limits.failed("proj_1", "ada@example.com", Client::Unknown, now);
            }
            let wait = limits.check("proj_1", "ada@example.com", Client::Unknown, now).unwrap_err();
            assert!(wait <= 300, "never locked for good: {wait}");
            assert!(limits.check("proj_1", "ada@example.com", Client::KnownDevice("n1"), now).is_ok());
            now += Duration::from_secs(wait);
            assert!(limits.check("proj_1", "ada@example.com", Client::Unknown, now).is_ok(), "the block ends");
        }
        assert!(limits.check("proj_2", "ada@example.com", Client::Unknown, now).is_ok(), "another project");
        for _ in 0..5 {
            limits.failed("proj_1", "ada@example.com", Client::KnownDevice("stolen"), now);
        }
        assert!(limits.check("proj_1", "ada@example.com", Client::KnownDevice("stolen"), now).is_err());
        assert!(limits.check("proj_1", "ada@example.com", Client::KnownDevice("n1"), now).is_ok());
    }

    #[test]
    fn mail_is_limited_per_recipient_and_by_what_is_sent() {
        let limits = MailLimits::default();
        let now = Instant::now();
        for n in 0..5000 {
            assert!(limits.app_request("proj_1", &format!("nobody-{n}@example.com"), now).is_ok());
        }
        for _ in 0..5 {
            assert!(limits.app_request("proj_1", "ada@example.com", now).is_ok());
        }
        assert!(limits.app_request("proj_1", "ADA@example.com", now).is_err(), "per recipient");
        assert!(limits.app_send("proj_1", now).is_ok(), "requests for nobody sent nothing");
        for _ in 0..1000 {
            let _ = limits.app_send("proj_2", now);
        }
        assert!(limits.app_send("proj_2", now).is_err(), "a ceiling on what is sent");
        assert!(limits.app_send("proj_1", now).is_ok());
    }

    #[test]
    fn sign_ups_are_bounded_per_project_and_hour() {
        let quota = SignUpQuota::default();
        let now = Instant::now();
        for _ in 0..3 {
            assert!(quota.take("proj_1", 3, now).is_ok());
        }
        assert_eq!(quota.take("proj_1", 3, now + Duration::from_secs(600)), Err(3000));
        assert!(quota.take("proj_2", 3, now).is_ok(), "another project");
        assert!(quota.take("proj_1", 3, now + SignUpQuota::HOUR).is_ok(), "a new hour");
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
