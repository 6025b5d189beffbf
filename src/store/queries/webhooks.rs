//! Webhook endpoints and deliveries, the same text on both backends.

use crate::store::DeliveryQuery;

const ENDPOINT_COLUMNS: &str = "id, url, event_types, enabled, success_count, failure_count,
    consecutive_failures, last_delivery_at, last_delivery_status, disabled_reason, previous_secret_until,
    created_at, updated_at";

pub(in crate::store) const INSERT_ENDPOINT: &str = "INSERT INTO webhook_endpoints
    (id, project_id, url, event_types, enabled, secret, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7)";

pub(in crate::store) fn endpoint() -> String {
    format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE project_id = $1 AND id = $2")
}

/// Oldest first, keyset-paged on (created_at, id); $2 is the cursor's id.
pub(in crate::store) fn endpoints(after: bool, limit: u32) -> String {
    let cursor = match after {
        true => {
            " AND (created_at, id) > (SELECT created_at, id FROM webhook_endpoints WHERE project_id = $1 AND id = $2)"
        }
        false => "",
    };
    format!(
        "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE project_id = $1{cursor}
         ORDER BY created_at, id LIMIT {limit}"
    )
}

/// $3 url, $4 event types, $5 enabled (each NULL: unchanged); enabling
/// clears the failures in a row and the reason.
pub(in crate::store) const UPDATE_ENDPOINT: &str = "UPDATE webhook_endpoints SET
    url = COALESCE($3, url),
    event_types = COALESCE($4, event_types),
    enabled = COALESCE($5, enabled),
    consecutive_failures = CASE WHEN $5 THEN 0 ELSE consecutive_failures END,
    disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END,
    updated_at = $6
    WHERE project_id = $1 AND id = $2";

pub(in crate::store) const ENDPOINT_EXISTS: &str = "SELECT id FROM webhook_endpoints WHERE project_id = $1 AND id = $2";

pub(in crate::store) const DELETE_ENDPOINT: &str = "DELETE FROM webhook_endpoints WHERE project_id = $1 AND id = $2";

pub(in crate::store) const ROTATE: &str = "UPDATE webhook_endpoints SET
    previous_secret = secret, previous_secret_until = $4, secret = $3, updated_at = $5
    WHERE project_id = $1 AND id = $2";

const DELIVERY_COLUMNS: &str = "d.seq, d.endpoint_id, e.id AS event_id, e.type AS event_type, d.status, d.attempts,
    d.last_http_status, d.last_error, d.last_duration_ms, d.next_attempt_at, d.created_at";

/// Newest first. Binds: project, then endpoint, status and cursor when present.
pub(in crate::store) fn deliveries(query: &DeliveryQuery) -> String {
    let mut sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
         WHERE d.project_id = $1"
    );
    let mut n = 1;
    let mut filter = |clause: &str, present: bool| {
        if present {
            n += 1;
            sql.push_str(&format!(" AND {clause} ${n}"));
        }
    };
    filter("d.endpoint_id =", query.endpoint_id.is_some());
    filter("d.status =", query.status.is_some());
    filter("d.seq <", query.after.is_some());
    sql.push_str(&format!(" ORDER BY d.seq DESC LIMIT {}", query.limit));
    sql
}

pub(in crate::store) fn delivery() -> String {
    format!(
        "SELECT {DELIVERY_COLUMNS}, e.body, d.last_response FROM webhook_deliveries d
         JOIN events e ON e.seq = d.event_seq WHERE d.project_id = $1 AND d.seq = $2"
    )
}

pub(in crate::store) const RETRY: &str = "UPDATE webhook_deliveries
    SET status = 'pending', attempts = 0, next_attempt_at = $3, updated_at = $3
    WHERE project_id = $1 AND seq = $2";

/// Whether any endpoint might have a delivery due ($1 = now): a read, so
/// that an idle worker's look takes no write lock (SQLite has one).
pub(in crate::store) const ANY_DUE: &str = "SELECT EXISTS (SELECT 1 FROM webhook_endpoints w
    WHERE w.enabled AND (w.lease_until IS NULL OR w.lease_until < $1)
      AND (SELECT d.next_attempt_at FROM webhook_deliveries d
           WHERE d.endpoint_id = w.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) <= $1)";

/// Leases up to $3 enabled endpoints, free or with a lapsed lease, whose
/// first pending delivery is due ($1 = now), until $2. `lock` is
/// PostgreSQL's `FOR UPDATE SKIP LOCKED` (which re-reads a row another
/// worker just leased, so two never lease one endpoint); SQLite has one
/// writer anyway.
pub(in crate::store) fn lease_due(lock: &str) -> String {
    format!(
        "UPDATE webhook_endpoints SET lease_until = $2
         WHERE id IN (SELECT w.id FROM webhook_endpoints w
             WHERE w.enabled AND (w.lease_until IS NULL OR w.lease_until < $1)
               AND (SELECT d.next_attempt_at FROM webhook_deliveries d
                    WHERE d.endpoint_id = w.id AND d.status = 'pending' ORDER BY d.seq LIMIT 1) <= $1
             LIMIT $3 {lock})
           AND (lease_until IS NULL OR lease_until < $1)
         RETURNING id, project_id, url, secret, previous_secret, previous_secret_until"
    )
}

/// Nothing while the endpoint is disabled (or deleted) meanwhile.
pub(in crate::store) const PENDING: &str = "SELECT d.seq, e.id AS event_id, e.body, d.attempts, d.next_attempt_at
    FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
    JOIN webhook_endpoints w ON w.id = d.endpoint_id AND w.enabled
    WHERE d.endpoint_id = $1 AND d.status = 'pending' ORDER BY d.seq LIMIT $2";

/// $3 status, $4 next attempt, $5 at, $6 HTTP status, $7 error, $8 duration, $9 response.
pub(in crate::store) const ATTEMPTED: &str = "UPDATE webhook_deliveries SET
    status = $3, attempts = attempts + 1, next_attempt_at = $4, updated_at = $5,
    last_http_status = $6, last_error = $7, last_duration_ms = $8, last_response = $9
    WHERE endpoint_id = $1 AND seq = $2 AND status = 'pending'";

/// $2 at, $3 lease, $4 'success'/'failure', $5 successes to add, $6
/// failures to add, $7 a delivery failed for good, $8 gone (410).
pub(in crate::store) const ENDPOINT_ATTEMPTED: &str = "UPDATE webhook_endpoints SET
    last_delivery_at = $2, lease_until = $3, last_delivery_status = $4,
    success_count = success_count + $5, failure_count = failure_count + $6,
    consecutive_failures = CASE WHEN $5 > 0 THEN 0 WHEN $7 THEN consecutive_failures + 1 ELSE consecutive_failures END,
    enabled = CASE WHEN $8 OR ($7 AND consecutive_failures + 1 >= $9) THEN FALSE ELSE enabled END,
    disabled_reason = CASE WHEN $8 THEN 'gone' WHEN $7 AND consecutive_failures + 1 >= $9 THEN 'failing'
        ELSE disabled_reason END
    WHERE id = $1";

pub(in crate::store) const RELEASE: &str = "UPDATE webhook_endpoints SET lease_until = NULL WHERE id = $1";
