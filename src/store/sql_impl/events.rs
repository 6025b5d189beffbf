//! `EventStore` in SQL, and `emit`, which every change that an app hears
//! about calls inside its own transaction.

use super::*;
use crate::domain::dates::{iso_millis, whole_millis};
use crate::domain::EventType;
use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};

#[async_trait]
impl EventStore for Backend {
    async fn list(&self, project_id: &str, query: &EventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        let after = match &query.after {
            Some(id) => {
                let seq: Option<(i64,)> = sqlx::query_as(queries::events::SEQ_OF)
                    .bind(project_id)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                Some(seq.ok_or(StoreError::NotFound(Resource::Event))?.0)
            }
            None => None,
        };
        let sql = queries::events::page(query, after.is_some(), COMPARABLE_TIME);
        let mut select = sqlx::query_as::<_, StoredEvent>(&sql).bind(project_id);
        for kind in &query.types {
            select = select.bind(kind.as_str());
        }
        if let Some(org) = &query.organization_id {
            select = select.bind(org.clone());
        }
        for at in [query.range_start, query.range_end].into_iter().flatten() {
            select = select.bind(at);
        }
        if let Some(seq) = after {
            select = select.bind(seq);
        }
        Ok(select.fetch_all(&self.pool).await?)
    }

    async fn sweep(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        Ok(sqlx::query(queries::events::SWEEP).bind(before).execute(&self.pool).await?.rows_affected())
    }
}

/// An event about to be written in a change's transaction.
pub(super) struct NewEvent<'a> {
    pub(super) project_id: &'a str,
    pub(super) kind: EventType,
    pub(super) organization_id: Option<&'a str>,
    pub(super) data: Value,
    pub(super) at: OffsetDateTime,
}

impl<'a> NewEvent<'a> {
    pub(super) fn new(project_id: &'a str, kind: EventType, data: Value, at: OffsetDateTime) -> Self {
        NewEvent { project_id, kind, organization_id: None, data, at }
    }

    pub(super) fn in_organization(mut self, organization_id: &'a str) -> Self {
        self.organization_id = Some(organization_id);
        self
    }
}

impl NewEvent<'_> {
    /// Its id and its body: one body that every reader finds its names in
    /// (see the contract), in whole milliseconds.
    pub(super) fn prepare(self) -> PreparedEvent {
        let id = format!("evt_{}", Alphanumeric.sample_string(&mut rand::rng(), 24));
        let at = whole_millis(self.at);
        let (name, when) = (self.kind.as_str(), iso_millis(at));
        let body = json!({
            "id": id, "type": name, "event": name,
            "timestamp": when, "createdAt": when, "created_at": when,
            "data": self.data,
        })
        .to_string();
        PreparedEvent { id, kind: name, organization_id: self.organization_id.map(str::to_string), body, at }
    }
}

/// Writes the event and (by the table's trigger) one pending delivery per
/// subscribed, enabled endpoint on the change's connection, so all of it
/// commits or rolls back with the change. A change that writes an audit
/// record passes its event with it instead (`AuditRecord::with`). Call it
/// as the transaction's last writes: on PostgreSQL it takes the project's
/// event order lock, held until the commit.
pub(super) async fn emit(conn: &mut Conn, event: NewEvent<'_>) -> Result<String, StoreError> {
    emit_to(conn, event, None).await
}

/// `emit`, to one endpoint only (`only`: the test event), or to the subscribers.
pub(super) async fn emit_to(conn: &mut Conn, event: NewEvent<'_>, only: Option<&str>) -> Result<String, StoreError> {
    let project_id = event.project_id.to_string();
    let event = event.prepare();
    let (seq,): (i64,) = sqlx::query_as(queries::events::INSERT)
        .bind(&event.id)
        .bind(&project_id)
        .bind(event.kind)
        .bind(event.organization_id.as_deref())
        .bind(&event.body)
        .bind(event.at)
        .fetch_one(&mut *conn)
        .await?;
    if let Some(endpoint) = only {
        sqlx::query(queries::events::TO_ONE)
            .bind(&project_id)
            .bind(seq)
            .bind(event.at)
            .bind(endpoint)
            .execute(&mut *conn)
            .await?;
    }
    events_queued().notify_waiters();
    Ok(event.id)
}
