//! `KeyStore` in SQL.

use super::events::NewEvent;
use super::*;
use crate::domain::EventType;
use crate::store::views;

#[async_trait]
impl KeyStore for Backend {
    async fn insert(&self, key: &NewKey, by: &Actor) -> Result<ApiKey, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::keys::INSERT)
            .bind(&key.id)
            .bind(&key.project_id)
            .bind(&key.name)
            .bind(&key.prefix)
            .bind(&key.last4)
            .bind(&key.key_hash)
            .bind(&key.permissions)
            .bind(&key.created_by)
            .bind(key.created_at)
            .bind(key.expires_at)
            .bind(None::<String>)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("name"))?;
        let created = keys::key_on(&mut tx, &key.project_id, &key.id, key.created_at).await?;
        let event = NewEvent::new(&key.project_id, EventType::ApiKeyCreated, views::api_key(&created), key.created_at);
        audit::record(
            &mut tx,
            AuditRecord::new(
                &key.project_id,
                AuditAction::KeyCreated,
                by,
                (&key.id, &key.name),
                audit_text::expiry(key.expires_at),
                key.created_at,
            )
            .with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn list(&self, project_id: &str, query: &KeyQuery, now: OffsetDateTime) -> Result<Vec<ApiKey>, StoreError> {
        let sql = queries::keys::page(query);
        let mut select = sqlx::query_as::<_, KeyRow>(&sql).bind(project_id);
        if let Some(search) = &query.search {
            select = select.bind(queries::like_pattern(search));
        }
        if let Some(after) = &query.after {
            select = select.bind(after.as_str());
        }
        let rows = select.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|row| row.into_key(now)).collect())
    }

    async fn rename(
        &self,
        project_id: &str,
        key_id: &str,
        name: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::locked(&mut tx, project_id).await?;
        let old: Option<(String,)> =
            sqlx::query_as(queries::keys::ACTIVE_NAME).bind(project_id).bind(key_id).fetch_optional(&mut *tx).await?;
        let (old,) = old.ok_or(StoreError::NotFound(Resource::Key))?;
        sqlx::query(queries::keys::RENAME)
            .bind(key_id)
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("name"))?;
        audit::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::KeyRenamed,
                by,
                (key_id, name),
                audit_text::change(&old, name),
                at,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn count_active(&self, project_id: &str, now: OffsetDateTime) -> Result<i64, StoreError> {
        let (count,): (i64,) =
            sqlx::query_as(queries::keys::COUNT_ACTIVE).bind(project_id).bind(now).fetch_one(&self.pool).await?;
        Ok(count)
    }

    async fn count_expiring(
        &self,
        project_id: &str,
        now: OffsetDateTime,
        by: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(queries::keys::COUNT_EXPIRING)
            .bind(project_id)
            .bind(now)
            .bind(by)
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    async fn get(&self, project_id: &str, key_id: &str, now: OffsetDateTime) -> Result<ApiKey, StoreError> {
        let mut conn = self.pool.acquire().await?;
        keys::key_on(&mut conn, project_id, key_id, now).await
    }

    async fn by_hash(&self, key_hash: &str) -> Result<Option<KeyRecord>, StoreError> {
        Ok(sqlx::query_as::<_, KeyRecord>(queries::keys::BY_HASH).bind(key_hash).fetch_optional(&self.pool).await?)
    }

    async fn record_use(&self, uses: &[KeyUse]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for key in uses {
            sqlx::query(queries::keys::RECORD_USE).bind(&key.key_id).bind(key.last_used).execute(&mut *tx).await?;
            for (day, requests) in &key.days {
                sqlx::query(queries::keys::COUNT_REQUESTS)
                    .bind(&key.key_id)
                    .bind(day)
                    .bind(*requests)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn usage(&self, key_ids: &[String], since: &str) -> Result<Vec<(String, String, i64)>, StoreError> {
        if key_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = queries::keys::usage(key_ids.len());
        let mut select = sqlx::query_as::<_, (String, String, i64)>(&sql).bind(since);
        for id in key_ids {
            select = select.bind(id);
        }
        Ok(select.fetch_all(&self.pool).await?)
    }

    async fn revoke(
        &self,
        project_id: &str,
        key_id: &str,
        by: &Actor,
        now: OffsetDateTime,
    ) -> Result<ApiKey, StoreError> {
        let mut tx = self.pool.begin().await?;
        let revoked: Option<(String,)> = sqlx::query_as(queries::keys::REVOKE)
            .bind(project_id)
            .bind(key_id)
            .bind(now)
            .bind(&by.id)
            .fetch_optional(&mut *tx)
            .await?;
        let (name,) = revoked.ok_or(StoreError::NotFound(Resource::Key))?;
        let revoked = keys::key_on(&mut tx, project_id, key_id, now).await?;
        let event = NewEvent::new(project_id, EventType::ApiKeyRevoked, views::api_key(&revoked), now);
        let record = AuditRecord::new(project_id, AuditAction::KeyRevoked, by, (key_id, &name), String::new(), now);
        audit::record(&mut tx, record.with(event.prepare())).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    async fn roll(
        &self,
        project_id: &str,
        key_id: &str,
        new: &Replacement,
        by: &Actor,
    ) -> Result<(ApiKey, ApiKey), StoreError> {
        let now = new.created_at;
        let mut tx = self.pool.begin().await?;
        let claimed: Option<(String, String, OffsetDateTime, Option<OffsetDateTime>)> =
            sqlx::query_as(queries::keys::CLAIM_FOR_ROLL)
                .bind(project_id)
                .bind(key_id)
                .bind(&new.id)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
        let (name, permissions, created_at, expires_at) = claimed.ok_or(StoreError::NotFound(Resource::Key))?;
        sqlx::query(queries::keys::SHORTEN).bind(key_id).bind(new.old_until).execute(&mut *tx).await?;
        let new_expiry = replacement_expiry(created_at, expires_at, now);
        sqlx::query(queries::keys::INSERT)
            .bind(&new.id)
            .bind(project_id)
            .bind(&name)
            .bind(&new.prefix)
            .bind(&new.last4)
            .bind(&new.key_hash)
            .bind(&permissions)
            .bind(&by.id)
            .bind(now)
            .bind(new_expiry)
            .bind(key_id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::KeyRolled,
                by,
                (key_id, &name),
                audit_text::rolled(&new.id, new.old_until, now),
                now,
            ),
        )
        .await?;
        let old = keys::key_on(&mut tx, project_id, key_id, now).await?;
        let replacement = keys::key_on(&mut tx, project_id, &new.id, now).await?;
        let event = NewEvent::new(project_id, EventType::ApiKeyCreated, views::api_key(&replacement), now);
        audit::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::KeyCreated,
                by,
                (&new.id, &name),
                audit_text::replaces(key_id, new_expiry),
                now,
            )
            .with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok((old, replacement))
    }
}

/// One key of the project on `conn`: inside a change's transaction, the
/// row as that change left it.
pub(super) async fn key_on(
    conn: &mut Conn,
    project_id: &str,
    key_id: &str,
    now: OffsetDateTime,
) -> Result<ApiKey, StoreError> {
    let row = sqlx::query_as::<_, KeyRow>(&queries::keys::by_id())
        .bind(project_id)
        .bind(key_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Resource::Key))?;
    Ok(row.into_key(now))
}
