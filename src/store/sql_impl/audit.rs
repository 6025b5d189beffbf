//! `AuditStore` in SQL.

use super::*;
use crate::domain::dates::whole_millis;

#[async_trait]
impl AuditStore for Backend {
    async fn create_record(&self, r: &NewAuditLog) -> Result<AuditLogRecord, StoreError> {
        if let Some(first) = self.record_by_key(&r.project_id, r.idempotency_key.as_deref()).await? {
            return Ok(first);
        }
        let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(queries::audit::INSERT_APP_RECORD)
            .bind(&r.project_id)
            .bind(&r.action)
            .bind(&r.actor_type)
            .bind(&r.actor_id)
            .bind(&r.actor_name)
            .bind(r.actor_email.as_deref())
            .bind(&r.target.0)
            .bind(&r.target.1)
            .bind(r.ip.as_deref())
            .bind(r.user_agent.as_deref())
            .bind(r.organization_id.as_deref())
            .bind(&r.targets)
            .bind(r.changes.as_deref())
            .bind(r.metadata.as_deref())
            .bind(r.idempotency_key.as_deref())
            .bind(whole_millis(r.occurred_at))
            .bind(whole_millis(r.at))
            .fetch_one(&self.pool)
            .await;
        let seq = match inserted {
            Ok((seq,)) => seq,
            // Two creates with one key at once: the first one stored wins.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return self
                    .record_by_key(&r.project_id, r.idempotency_key.as_deref())
                    .await?
                    .ok_or(StoreError::NotFound(Resource::AuditRecord));
            }
            Err(e) => return Err(e.into()),
        };
        Ok(sqlx::query_as::<_, AuditLogRecord>(&queries::audit::record_by_seq())
            .bind(&r.project_id)
            .bind(seq)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn records(&self, project_id: &str, query: &AuditLogQuery) -> Result<Vec<AuditLogRecord>, StoreError> {
        let sql = queries::audit::records(query, COMPARABLE_TIME);
        let mut select = sqlx::query_as::<_, AuditLogRecord>(&sql).bind(project_id);
        for text in [&query.organization_id, &query.action, &query.actor_id].into_iter().flatten() {
            select = select.bind(text.as_str());
        }
        for at in [query.start, query.end].into_iter().flatten() {
            select = select.bind(at);
        }
        for seq in [query.older_than, query.newer_than].into_iter().flatten() {
            select = select.bind(seq);
        }
        Ok(select.fetch_all(&self.pool).await?)
    }

    async fn events(&self, project_id: &str, query: &AuditQuery) -> Result<Vec<AuditEvent>, StoreError> {
        let sql = queries::audit::page(query);
        let mut select = sqlx::query_as::<_, AuditRow>(&sql).bind(project_id);
        if let Some(action) = query.action {
            select = select.bind(action.as_str());
        }
        for text in [&query.actor_id, &query.target_id].into_iter().flatten() {
            select = select.bind(text.as_str());
        }
        if let Some(before) = query.before {
            select = select.bind(before);
        }
        select.fetch_all(&self.pool).await?.into_iter().map(AuditEvent::try_from).collect()
    }

    async fn actors(&self, project_id: &str) -> Result<Vec<AuditActor>, StoreError> {
        sqlx::query_as::<_, AuditActorRow>(queries::audit::ACTORS)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(AuditActor::try_from)
            .collect()
    }
}

impl Backend {
    async fn record_by_key(&self, project_id: &str, key: Option<&str>) -> Result<Option<AuditLogRecord>, StoreError> {
        let Some(key) = key else { return Ok(None) };
        Ok(sqlx::query_as::<_, AuditLogRecord>(&queries::audit::record_by_key())
            .bind(project_id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }
}

/// Writes an audit event on the change's own connection, so it
/// commits or rolls back with the change.
pub(super) async fn record(conn: &mut Conn, event: AuditRecord<'_>) -> Result<(), StoreError> {
    sqlx::query(queries::audit::INSERT)
        .bind(event.project_id)
        .bind(event.action.as_str())
        .bind(event.actor.kind.as_str())
        .bind(&event.actor.id)
        .bind(&event.actor.name)
        .bind(event.target_id)
        .bind(event.target_name)
        .bind(&event.detail)
        .bind(event.actor.ip.as_deref())
        .bind(event.actor.user_agent.as_deref())
        .bind(whole_millis(event.at))
        .bind(event.event.as_ref().map(|e| e.id.as_str()))
        .bind(event.event.as_ref().map(|e| e.kind))
        .bind(event.event.as_ref().and_then(|e| e.organization_id.as_deref()))
        .bind(event.event.as_ref().map(|e| e.body.as_str()))
        .execute(&mut *conn)
        .await?;
    if event.event.is_some() {
        events_queued().notify_waiters();
    }
    Ok(())
}
