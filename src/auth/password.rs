//! Password hashing with argon2id. Hashing is deliberately slow, so it runs
//! on a pool of (cores - 1) threads of its own, never on the async workers:
//! a burst of sign-ins queues instead of taking every core from the requests
//! that carry API keys, and memory stays at one 19 MiB buffer per thread.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock};

/// The hash of a new password (sign-up, a change, a reset), or `Internal`
/// with the cause in the log: one place for the work and its error.
pub async fn hash_new(password: &str) -> Result<String, crate::error::AppError> {
    hash(password.to_string()).await.map_err(|error| {
        tracing::error!(%error, "hashing a new password");
        crate::error::AppError::Internal
    })
}

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
fn workers() -> &'static Sender<Job> {
    static QUEUE: OnceLock<Sender<Job>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (queue, jobs) = channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_sub(1).max(1);
        for n in 0..threads {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || run_jobs(&jobs))
                .expect("start a password hashing thread");
        }
        queue
    })
}

fn run_jobs(jobs: &Mutex<Receiver<Job>>) {
    loop {
        let job = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Runs `work` on a hashing thread and waits for it without blocking.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    workers()
        .send(Box::new(move || {
            let _ = done.send(work());
        }))
        .ok()?;
    result.await.ok()
}

/// How many password checks may wait for the hashing threads at once. A
/// flood beyond it is answered at once (503) instead of queueing without
/// bound and slowing every sign-in behind it.
pub struct PasswordQueue {
    slots: Arc<tokio::sync::Semaphore>,
}

/// A place in the queue, held while the password is hashed or checked.
pub struct QueueSlot(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

/// The queue is full.
#[derive(Debug, PartialEq, Eq)]
pub struct QueueFull;

impl PasswordQueue {
    pub fn new(capacity: usize) -> Self {
        Self { slots: Arc::new(tokio::sync::Semaphore::new(capacity)) }
    }

    pub fn admit(&self) -> Result<QueueSlot, QueueFull> {
        self.slots.clone().try_acquire_owned().map(QueueSlot).map_err(|_| QueueFull)
    }
}

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// 16 random bytes from the thread-local CSPRNG (seeded by the OS).
fn new_salt() -> SaltString {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    SaltString::encode_b64(&bytes).expect("16 bytes fit a salt")
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError;

pub async fn hash(password: String) -> Result<String, HashError> {
    hashing(move || {
        let salt = new_salt();
        hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| HashError)
    })
    .await
    .ok_or(HashError)?
}

/// Checks `password` against `stored`; with `None` (unknown email) it checks
/// against a dummy hash so both paths cost the same and answer `false`.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    hashing(move || {
        let known = stored.is_some();
        let phc = stored.unwrap_or_else(|| dummy_hash().to_string());
        let matches = PasswordHash::new(&phc)
            .map(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        known && matches
    })
    .await
    .unwrap_or(false)
}

/// A real hash of a random password, made once, with the same parameters.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = new_salt();
        let secret = new_salt();
        hasher().hash_password(secret.as_str().as_bytes(), &salt).expect("hashing a dummy password").to_string()
    })
}

/// Builds the dummy hash ahead of the first sign-in, so that sign-in is not
/// slower for unknown emails the first time.
pub async fn warm_up() {
    let _ = tokio::task::spawn_blocking(dummy_hash).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let stored = hash("correct horse".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse".into(), Some(stored.clone())).await);
        assert!(!verify("wrong horse".into(), Some(stored)).await);
    }

    #[test]
    fn a_full_queue_refuses_at_once_and_frees_its_places() {
        let queue = PasswordQueue::new(2);
        let first = queue.admit().unwrap();
        let _second = queue.admit().unwrap();
        assert!(queue.admit().is_err(), "a third waiter is refused");
        drop(first);
        assert!(queue.admit().is_ok(), "a place freed is taken again");
    }

    #[tokio::test]
    async fn unknown_user_never_verifies() {
        assert!(!verify("anything at all".into(), None).await);
    }
}
