//! `WebhookStore` in SQL.

use super::events::{emit_to, NewEvent};
use super::*;
use crate::domain::webhooks::{WebhookDelivery, WebhookDeliveryDetail, WebhookEndpoint, FAILED_DELIVERIES_TO_DISABLE};
use crate::domain::EventType;
use serde_json::json;

/// Stored as ",a,b," so that one LIKE finds a type; "" for every event.
fn types_column(types: &[String]) -> String {
    match types.is_empty() {
        true => String::new(),
        false => format!(",{},", types.join(",")),
    }
}

#[async_trait]
impl WebhookStore for Backend {
    async fn create_endpoint(&self, e: &NewEndpoint) -> Result<WebhookEndpoint, StoreError> {
        sqlx::query(queries::webhooks::INSERT_ENDPOINT)
            .bind(&e.id)
            .bind(&e.project_id)
            .bind(&e.url)
            .bind(types_column(&e.event_types))
            .bind(e.enabled)
            .bind(&e.secret)
            .bind(e.at)
            .execute(&self.pool)
            .await?;
        self.endpoint(&e.project_id, &e.id).await?.ok_or(StoreError::NotFound(Resource::Webhook))
    }

    async fn endpoints(
        &self,
        project_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<WebhookEndpoint>, StoreError> {
        let sql = queries::webhooks::endpoints(after.is_some(), limit);
        let mut select = sqlx::query_as::<_, EndpointRow>(&sql).bind(project_id);
        if let Some(after) = after {
            select = select.bind(after);
        }
        Ok(select.fetch_all(&self.pool).await?.into_iter().map(WebhookEndpoint::from).collect())
    }

    async fn endpoint(&self, project_id: &str, id: &str) -> Result<Option<WebhookEndpoint>, StoreError> {
        let row = sqlx::query_as::<_, EndpointRow>(&queries::webhooks::endpoint())
            .bind(project_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(WebhookEndpoint::from))
    }

    async fn update_endpoint(
        &self,
        project_id: &str,
        id: &str,
        changes: &EndpointChanges,
        at: OffsetDateTime,
    ) -> Result<WebhookEndpoint, StoreError> {
        let changed = sqlx::query(queries::webhooks::UPDATE_ENDPOINT)
            .bind(project_id)
            .bind(id)
            .bind(changes.url.as_deref())
            .bind(changes.event_types.as_deref().map(types_column))
            .bind(changes.enabled)
            .bind(at)
            .execute(&self.pool)
            .await?;
        found(changed.rows_affected(), Resource::Webhook)?;
        self.endpoint(project_id, id).await?.ok_or(StoreError::NotFound(Resource::Webhook))
    }

    async fn delete_endpoint(&self, project_id: &str, id: &str) -> Result<(), StoreError> {
        let deleted =
            sqlx::query(queries::webhooks::DELETE_ENDPOINT).bind(project_id).bind(id).execute(&self.pool).await?;
        found(deleted.rows_affected(), Resource::Webhook)
    }

    async fn rotate_secret(
        &self,
        project_id: &str,
        id: &str,
        secret: &str,
        grace_until: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<WebhookEndpoint, StoreError> {
        let changed = sqlx::query(queries::webhooks::ROTATE)
            .bind(project_id)
            .bind(id)
            .bind(secret)
            .bind(grace_until)
            .bind(at)
            .execute(&self.pool)
            .await?;
        found(changed.rows_affected(), Resource::Webhook)?;
        self.endpoint(project_id, id).await?.ok_or(StoreError::NotFound(Resource::Webhook))
    }

    async fn deliveries(&self, project_id: &str, query: &DeliveryQuery) -> Result<Vec<WebhookDelivery>, StoreError> {
        let sql = queries::webhooks::deliveries(query);
        let mut select = sqlx::query_as::<_, WebhookDeliveryRow>(&sql).bind(project_id);
        for text in [&query.endpoint_id, &query.status].into_iter().flatten() {
            select = select.bind(text.as_str());
        }
        if let Some(after) = query.after {
            select = select.bind(after);
        }
        Ok(select.fetch_all(&self.pool).await?.into_iter().map(WebhookDelivery::from).collect())
    }

    async fn delivery(&self, project_id: &str, id: i64) -> Result<Option<WebhookDeliveryDetail>, StoreError> {
        let row = sqlx::query_as::<_, WebhookDeliveryDetailRow>(&queries::webhooks::delivery())
            .bind(project_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| WebhookDeliveryDetail {
            delivery: WebhookDelivery::from(r.delivery),
            body: r.body,
            last_response: r.last_response,
        }))
    }

    async fn retry_delivery(
        &self,
        project_id: &str,
        id: i64,
        at: OffsetDateTime,
    ) -> Result<WebhookDelivery, StoreError> {
        let changed =
            sqlx::query(queries::webhooks::RETRY).bind(project_id).bind(id).bind(at).execute(&self.pool).await?;
        found(changed.rows_affected(), Resource::Delivery)?;
        events_queued().notify_waiters();
        let detail = self.delivery(project_id, id).await?.ok_or(StoreError::NotFound(Resource::Delivery))?;
        Ok(detail.delivery)
    }

    async fn send_test(&self, project_id: &str, id: &str, at: OffsetDateTime) -> Result<String, StoreError> {
        let mut tx = self.pool.begin().await?;
        let exists: Option<(String,)> = sqlx::query_as(queries::webhooks::ENDPOINT_EXISTS)
            .bind(project_id)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        exists.ok_or(StoreError::NotFound(Resource::Webhook))?;
        let event = NewEvent::new(project_id, EventType::WebhookTest, json!({"endpointId": id}), at);
        let event_id = emit_to(&mut tx, event, Some(id)).await?;
        tx.commit().await?;
        events_queued().notify_waiters();
        Ok(event_id)
    }

    async fn lease_due(
        &self,
        now: OffsetDateTime,
        until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<LeasedEndpoint>, StoreError> {
        let (any,): (bool,) = sqlx::query_as(queries::webhooks::ANY_DUE).bind(now).fetch_one(&self.pool).await?;
        if !any {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as::<_, LeasedEndpoint>(&queries::webhooks::lease_due(SKIP_LOCKED))
            .bind(now)
            .bind(until)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn pending(&self, endpoint_id: &str, limit: u32) -> Result<Vec<DueDelivery>, StoreError> {
        Ok(sqlx::query_as::<_, DueDelivery>(queries::webhooks::PENDING)
            .bind(endpoint_id)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn record_attempt(
        &self,
        endpoint_id: &str,
        delivery_seq: i64,
        attempt: &AttemptRecord,
        lease_until: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let (status, next) = match attempt.outcome {
            AttemptOutcome::Succeeded => ("succeeded", None),
            AttemptOutcome::RetryAt(at) => ("pending", Some(at)),
            AttemptOutcome::Failed | AttemptOutcome::Gone => ("failed", None),
        };
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(queries::webhooks::ATTEMPTED)
            .bind(endpoint_id)
            .bind(delivery_seq)
            .bind(status)
            .bind(next)
            .bind(attempt.at)
            .bind(attempt.http_status)
            .bind(attempt.error.as_deref())
            .bind(attempt.duration_ms)
            .bind(attempt.response.as_deref())
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Ok(false);
        }
        let succeeded = attempt.outcome == AttemptOutcome::Succeeded;
        sqlx::query(queries::webhooks::ENDPOINT_ATTEMPTED)
            .bind(endpoint_id)
            .bind(attempt.at)
            .bind(lease_until)
            .bind(if succeeded { "success" } else { "failure" })
            .bind(i64::from(succeeded))
            .bind(i64::from(!succeeded))
            .bind(attempt.outcome == AttemptOutcome::Failed)
            .bind(attempt.outcome == AttemptOutcome::Gone)
            .bind(FAILED_DELIVERIES_TO_DISABLE)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn release(&self, endpoint_id: &str) -> Result<(), StoreError> {
        sqlx::query(queries::webhooks::RELEASE).bind(endpoint_id).execute(&self.pool).await?;
        Ok(())
    }
}
