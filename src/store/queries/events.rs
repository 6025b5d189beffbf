//! Events, the same text on both backends.

use crate::store::EventQuery;

/// The table's triggers number it in the project's order and fan it out
/// to the subscribed endpoints (see the migration).
pub(in crate::store) const INSERT: &str = "INSERT INTO events (id, project_id, type, organization_id, body, created_at)
    VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq";

/// To one endpoint only (the test event), enabled or not.
pub(in crate::store) const TO_ONE: &str = "INSERT INTO webhook_deliveries
    (project_id, endpoint_id, event_seq, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT $1, id, $2, 'pending', 0, $3, $3, $3 FROM webhook_endpoints WHERE project_id = $1 AND id = $4";

/// Its deliveries go with it (ON DELETE CASCADE); pending ones keep it.
pub(in crate::store) const SWEEP: &str = "DELETE FROM events WHERE created_at < $1
    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_seq = events.seq AND d.status = 'pending')";

pub(in crate::store) const SEQ_OF: &str = "SELECT seq FROM events WHERE project_id = $1 AND id = $2";

/// A page of a project's events; only the filters in use are in the text.
/// Binds, in order: project, each type, organization, range start, range
/// end, cursor (a seq). `time` wraps a time for comparing (the backend's
/// `COMPARABLE_TIME`).
pub(in crate::store) fn page(query: &EventQuery, after: bool, (open, close): (&str, &str)) -> String {
    let mut sql = String::from("SELECT seq, id, type, body, created_at FROM events WHERE project_id = $1");
    let mut n = 1;
    if !query.types.is_empty() {
        let list: Vec<String> = query
            .types
            .iter()
            .map(|_| {
                n += 1;
                format!("${n}")
            })
            .collect();
        sql.push_str(&format!(" AND type IN ({})", list.join(", ")));
    }
    let mut filter = |clause: &str, end: &str, present: bool| {
        if present {
            n += 1;
            sql.push_str(&format!(" AND {clause}${n}{end}"));
        }
    };
    filter("organization_id = ", "", query.organization_id.is_some());
    filter(&format!("{open}created_at{close} >= {open}"), close, query.range_start.is_some());
    filter(&format!("{open}created_at{close} <= {open}"), close, query.range_end.is_some());
    let (op, order) = if query.ascending { (">", "ASC") } else { ("<", "DESC") };
    filter(&format!("seq {op} "), "", after);
    sql.push_str(&format!(" ORDER BY seq {order} LIMIT {}", query.limit));
    sql
}
