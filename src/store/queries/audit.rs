//! Audit log SQL, the same text on both backends.

use crate::store::{AuditLogQuery, AuditQuery};

/// $12 to $15: the event it carries, if any (the table's trigger writes it).
pub(in crate::store) const INSERT: &str = "INSERT INTO audit_events
    (project_id, action, actor_kind, actor_id, actor_name, target_id, target_name, detail, ip, user_agent, created_at,
     event_id, event_type, event_organization_id, event_body)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

/// A page of a project's events, newest first, keyset-paged on `seq`. Only
/// the filters in use are in the text; binds, in order: project, then action,
/// actor, target and cursor when present.
pub(in crate::store) fn page(query: &AuditQuery) -> String {
    let mut sql = String::from(
        "SELECT seq, created_at, action, actor_kind, actor_id, actor_name, target_id, target_name, detail, ip, user_agent
         FROM audit_events WHERE project_id = $1",
    );
    let mut n = 1;
    let mut filter = |column: &str, op: &str, present: bool| {
        if present {
            n += 1;
            sql.push_str(&format!(" AND {column} {op} ${n}"));
        }
    };
    filter("action", "=", query.action.is_some());
    filter("actor_id", "=", query.actor_id.is_some());
    filter("target_id", "=", query.target_id.is_some());
    filter("seq", "<", query.before.is_some());
    // Our own number, in the text so the plan knows it.
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT {}", query.limit));
    sql
}

/// Everyone in a project's log, each with the name of their latest event.
pub(in crate::store) const ACTORS: &str = "SELECT a.actor_id AS id, a.actor_name AS name, a.actor_kind AS kind
    FROM audit_events a
    WHERE a.project_id = $1
      AND a.seq = (SELECT max(b.seq) FROM audit_events b WHERE b.project_id = $1 AND b.actor_id = a.actor_id)
    ORDER BY lower(a.actor_name), a.actor_id";

/// A record the app writes; `target_*` name its first target, for the dashboard.
pub(in crate::store) const INSERT_APP_RECORD: &str = "INSERT INTO audit_events
    (project_id, action, actor_kind, actor_type, actor_id, actor_name, actor_email, target_id, target_name,
     detail, ip, user_agent, organization_id, targets, changes, metadata, idempotency_key, occurred_at, created_at)
    VALUES ($1, $2, 'app', $3, $4, $5, $6, $7, $8, '', $9, $10, $11, $12, $13, $14, $15, $16, $17)
    RETURNING seq";

const RECORD_COLUMNS: &str = "seq, action, actor_kind, actor_type, actor_id, actor_name, actor_email, target_id,
    target_name, detail, targets, changes, metadata, organization_id, ip, user_agent, idempotency_key, occurred_at,
    created_at";

pub(in crate::store) fn record_by_seq() -> String {
    format!("SELECT {RECORD_COLUMNS} FROM audit_events WHERE project_id = $1 AND seq = $2")
}

pub(in crate::store) fn record_by_key() -> String {
    format!("SELECT {RECORD_COLUMNS} FROM audit_events WHERE project_id = $1 AND idempotency_key = $2")
}

/// Records of a project; only the filters in use are in the text. Binds,
/// in order: project, organization, action, actor, start, end, older-than
/// seq, newer-than seq. `time` wraps a time for comparing.
pub(in crate::store) fn records(query: &AuditLogQuery, (open, close): (&str, &str)) -> String {
    let mut sql = format!("SELECT {RECORD_COLUMNS} FROM audit_events WHERE project_id = $1");
    let mut n = 1;
    let mut filter = |clause: &str, end: &str, present: bool| {
        if present {
            n += 1;
            sql.push_str(&format!(" AND {clause}${n}{end}"));
        }
    };
    filter("organization_id = ", "", query.organization_id.is_some());
    filter("action = ", "", query.action.is_some());
    filter("actor_id = ", "", query.actor_id.is_some());
    filter(&format!("{open}created_at{close} >= {open}"), close, query.start.is_some());
    filter(&format!("{open}created_at{close} <= {open}"), close, query.end.is_some());
    filter("seq < ", "", query.older_than.is_some());
    filter("seq > ", "", query.newer_than.is_some());
    let order = if query.ascending { "ASC" } else { "DESC" };
    sql.push_str(&format!(" ORDER BY seq {order} LIMIT {}", query.limit));
    sql
}
