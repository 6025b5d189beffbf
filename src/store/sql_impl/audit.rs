//! `AuditStore` in SQL.

use super::*;

#[async_trait]
impl AuditStore for Backend {
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
        .bind(event.at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
