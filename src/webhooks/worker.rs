//! Sends what is due. Each round leases endpoints whose first pending
//! delivery is due (no other worker sends to a leased endpoint) and gives
//! each its own task, so a slow receiver holds up nobody else; a task sends
//! its endpoint's deliveries one at a time, in order, and stops at the
//! first that fails (the rest wait behind it, keeping the order). Nothing
//! secret is logged: a delivery is named by its endpoint and event ids.

use super::sender::{Answer, Sender};
use super::signature;
use crate::config::webhook_settings::{AllowedNetworks, RetrySchedule};
use crate::domain::webhooks::next_wait;
use crate::store::{events_queued, AttemptOutcome, AttemptRecord, DueDelivery, LeasedEndpoint, Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::task::JoinSet;

/// Endpoints one instance sends to at once.
const CONCURRENT_ENDPOINTS: usize = 32;
/// Deliveries read per look at an endpoint's queue (bodies up to 256 KB).
const BATCH: u32 = 16;
/// How often an idle worker looks for deliveries other instances queued,
/// or whose retry came due.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// After a wake: the queuing transaction commits just after it notifies.
const AFTER_WAKE: Duration = Duration::from_millis(10);

pub struct Worker {
    store: Arc<dyn Store>,
    sender: Sender,
    schedule: Vec<u64>,
    timeout: Duration,
}

impl Worker {
    pub fn new(store: Arc<dyn Store>, allowed: AllowedNetworks, schedule: RetrySchedule, timeout: Duration) -> Worker {
        Worker { store, sender: Sender::new(allowed, timeout), schedule: schedule.0, timeout }
    }

    /// A lease outlasts the slowest attempt and its recording; each
    /// attempt renews it. One left by a dead instance lapses after this.
    fn lease(&self) -> time::Duration {
        time::Duration::seconds(2 * i64::try_from(self.timeout.as_secs()).unwrap_or(30) + 5)
    }

    /// Runs for ever.
    pub async fn run(self) {
        let this = Arc::new(self);
        let mut tasks = JoinSet::new();
        loop {
            let woken = events_queued().notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match this.start_due(&mut tasks).await {
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not read the webhook queue; will retry"),
            }
            tokio::select! {
                _ = &mut woken => tokio::time::sleep(AFTER_WAKE).await,
                Some(_) = tasks.join_next() => {}
                _ = tokio::time::sleep(IDLE_POLL) => {}
            }
        }
    }

    /// Leases what is due and starts a task per endpoint; how many started.
    async fn start_due(self: &Arc<Self>, tasks: &mut JoinSet<()>) -> Result<usize, StoreError> {
        let free = CONCURRENT_ENDPOINTS.saturating_sub(tasks.len());
        if free == 0 {
            return Ok(0);
        }
        let now = OffsetDateTime::now_utc();
        let leased = self.store.webhooks().lease_due(now, now + self.lease(), free as u32).await?;
        let count = leased.len();
        for endpoint in leased {
            let this = self.clone();
            tasks.spawn(async move {
                let id = endpoint.id.clone();
                if let Err(error) = this.drain(&endpoint).await {
                    tracing::warn!(endpoint = %id, %error, "webhook delivery interrupted; will retry");
                }
                if let Err(error) = this.store.webhooks().release(&id).await {
                    tracing::warn!(endpoint = %id, %error, "could not release a webhook lease; it lapses");
                }
            });
        }
        Ok(count)
    }

    /// Sends the endpoint's due deliveries in order, until one fails or
    /// none is due.
    async fn drain(&self, endpoint: &LeasedEndpoint) -> Result<(), StoreError> {
        loop {
            let batch = self.store.webhooks().pending(&endpoint.id, BATCH).await?;
            if batch.is_empty() {
                return Ok(());
            }
            for delivery in batch {
                let now = OffsetDateTime::now_utc();
                if delivery.next_attempt_at.is_some_and(|at| at > now) {
                    return Ok(());
                }
                let answer = self.attempt(endpoint, &delivery, now).await;
                let record = self.record(&delivery, &answer);
                let outcome = record.outcome;
                log(endpoint, &delivery, &answer, outcome);
                let lease = OffsetDateTime::now_utc() + self.lease();
                let kept = self.store.webhooks().record_attempt(&endpoint.id, delivery.seq, &record, lease).await?;
                if !kept || outcome != AttemptOutcome::Succeeded {
                    return Ok(());
                }
            }
        }
    }

    async fn attempt(&self, endpoint: &LeasedEndpoint, delivery: &DueDelivery, now: OffsetDateTime) -> Answer {
        let previous = match endpoint.previous_secret_until {
            Some(until) if until > now => endpoint.previous_secret.as_deref(),
            _ => None,
        };
        // A fresh timestamp (and so signature) on every attempt; the same body.
        let headers = signature::headers(
            &delivery.event_id,
            now.unix_timestamp(),
            delivery.body.as_bytes(),
            &endpoint.secret,
            previous,
        );
        self.sender.send(&endpoint.url, &headers, &delivery.body).await
    }

    fn record(&self, delivery: &DueDelivery, answer: &Answer) -> AttemptRecord {
        let at = OffsetDateTime::now_utc();
        let outcome = if answer.succeeded() {
            AttemptOutcome::Succeeded
        } else if answer.http_status == Some(410) {
            AttemptOutcome::Gone
        } else {
            let made = usize::try_from(delivery.attempts).unwrap_or(0) + 1;
            let jitter = rand::random::<f64>() * 2.0 - 1.0;
            match next_wait(&self.schedule, made, answer.retry_after, jitter) {
                Some(wait) => AttemptOutcome::RetryAt(at + time::Duration::seconds(wait as i64)),
                None => AttemptOutcome::Failed,
            }
        };
        let error = match (&answer.error, answer.http_status) {
            (Some(error), _) => Some(error.clone()),
            (None, Some(status)) if !answer.succeeded() => Some(format!("answered {status}")),
            _ => None,
        };
        AttemptRecord {
            at,
            http_status: answer.http_status.map(i64::from),
            error,
            duration_ms: answer.duration_ms,
            response: answer.body.clone(),
            outcome,
        }
    }
}

fn log(endpoint: &LeasedEndpoint, delivery: &DueDelivery, answer: &Answer, outcome: AttemptOutcome) {
    let (id, event) = (&endpoint.id, &delivery.event_id);
    let status = answer.http_status.unwrap_or(0);
    match outcome {
        AttemptOutcome::Succeeded => tracing::debug!(endpoint = %id, %event, status, "webhook delivered"),
        AttemptOutcome::RetryAt(at) => {
            tracing::info!(endpoint = %id, %event, status, error = ?answer.error, retry_at = %at, "webhook attempt failed")
        }
        AttemptOutcome::Failed => tracing::warn!(endpoint = %id, %event, status, "webhook delivery failed for good"),
        AttemptOutcome::Gone => tracing::warn!(endpoint = %id, %event, "webhook endpoint answered 410; disabled"),
    }
}
