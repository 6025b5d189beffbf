//! A project's webhook endpoints and their deliveries, as the dashboard
//! and the API show them (never a secret), and the retry rule.

use serde::{Deserialize, Serialize};

/// Why an endpoint stopped receiving.
pub const DISABLED_GONE: &str = "gone";
pub const DISABLED_FAILING: &str = "failing";
/// Failed deliveries (each after all its attempts) in a row that disable an endpoint.
pub const FAILED_DELIVERIES_TO_DISABLE: i64 = 3;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    /// Empty: every event.
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub success_count: i64,
    pub failure_count: i64,
    pub consecutive_failures: i64,
    /// RFC 3339, UTC.
    pub last_delivery_at: Option<String>,
    pub last_delivery_status: Option<String>,
    pub disabled_reason: Option<String>,
    /// Until when the previous secret still signs (a rotation's grace).
    pub previous_secret_until: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl WebhookEndpoint {
    /// Successful attempts out of all, in percent; `None` before any.
    pub fn success_rate(&self) -> Option<u32> {
        let total = self.success_count + self.failure_count;
        (total > 0).then(|| ((self.success_count * 100 + total / 2) / total) as u32)
    }
}

/// A delivery's id on the wire: its number, with a prefix that says what it is.
pub fn delivery_id(seq: i64) -> String {
    format!("dlv_{seq}")
}

/// The number in a delivery's id.
pub fn delivery_seq(id: &str) -> Option<i64> {
    id.strip_prefix("dlv_")?.parse().ok().filter(|n: &i64| *n > 0)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: String,
    pub endpoint_id: String,
    pub event_id: String,
    pub event_type: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub last_http_status: Option<i64>,
    pub last_error: Option<String>,
    pub last_duration_ms: Option<i64>,
    pub next_attempt_at: Option<String>,
    pub created_at: String,
}

/// A delivery with what it sent and what the receiver answered last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDeliveryDetail {
    pub delivery: WebhookDelivery,
    pub body: String,
    pub last_response: Option<String>,
}

/// The dashboard's Webhooks page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub endpoints: Vec<WebhookEndpoint>,
    /// Owners and developers add, change and delete; viewers look.
    pub can_change: bool,
}

/// An endpoint's page: the endpoint, its recent deliveries, and the one
/// opened (`?delivery=`), with what it sent and what came back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDetailView {
    pub endpoint: WebhookEndpoint,
    pub deliveries: Vec<WebhookDelivery>,
    pub opened: Option<WebhookDeliveryDetail>,
    pub can_change: bool,
}

/// A new signing secret, shown once (a new endpoint or a rotation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSecret {
    pub endpoint_id: String,
    pub url: String,
    pub secret: String,
    /// A rotation: until when the previous secret still signs.
    pub previous_until: Option<String>,
}

/// An add or an edit the server refused: its words, and what was typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFormRefusal {
    pub message: String,
    pub url: String,
    pub events: Vec<String>,
}

/// Seconds to wait before the next attempt after `attempts_made` failed
/// ones, or `None` when the schedule is spent. `jitter` in [-1, 1] moves the
/// wait by up to 10 %; a receiver's `Retry-After` is honoured up to that wait.
pub fn next_wait(schedule: &[u64], attempts_made: usize, retry_after: Option<u64>, jitter: f64) -> Option<u64> {
    let base = *schedule.get(attempts_made.checked_sub(1)?)?;
    let jittered = (base as f64 * (1.0 + 0.1 * jitter.clamp(-1.0, 1.0))).round().max(0.0) as u64;
    Some(retry_after.map_or(jittered, |asked| asked.min(jittered)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_follow_the_schedule_with_bounded_jitter() {
        let schedule = [300, 1800, 7200, 86400];
        assert_eq!(next_wait(&schedule, 1, None, 0.0), Some(300));
        assert_eq!(next_wait(&schedule, 4, None, 0.0), Some(86400));
        assert_eq!(next_wait(&schedule, 5, None, 0.0), None, "five attempts in all");
        assert_eq!(next_wait(&schedule, 0, None, 0.0), None);
        assert_eq!(next_wait(&schedule, 1, None, 1.0), Some(330));
        assert_eq!(next_wait(&schedule, 1, None, -1.0), Some(270));
        assert_eq!(next_wait(&schedule, 2, Some(10), 0.0), Some(10), "Retry-After sooner");
        assert_eq!(next_wait(&schedule, 1, Some(100_000), 0.0), Some(300), "capped at the wait");
    }

    #[test]
    fn success_rate_rounds() {
        let mut e = WebhookEndpoint {
            id: String::new(),
            url: String::new(),
            event_types: vec![],
            enabled: true,
            success_count: 0,
            failure_count: 0,
            consecutive_failures: 0,
            last_delivery_at: None,
            last_delivery_status: None,
            disabled_reason: None,
            previous_secret_until: None,
            created_at: String::new(),
            updated_at: String::new(),
        };
        assert_eq!(e.success_rate(), None);
        e.success_count = 2;
        e.failure_count = 1;
        assert_eq!(e.success_rate(), Some(67));
    }
}
