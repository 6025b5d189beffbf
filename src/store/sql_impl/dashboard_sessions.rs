//! `DashboardSessionStore` in SQL.

use super::*;

#[async_trait]
impl DashboardSessionStore for Backend {
    async fn insert(&self, session: &NewSession, stale_before: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::dashboard_sessions::DELETE_STALE)
            .bind(&session.user_id)
            .bind(stale_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query(queries::dashboard_sessions::INSERT)
            .bind(&session.id)
            .bind(&session.user_id)
            .bind(session.at)
            .bind(session.ip.as_deref())
            .bind(session.user_agent.as_deref())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn account_of(&self, session_id: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query_as::<_, UserRow>(queries::dashboard_sessions::USER)
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(User::from))
    }

    async fn touch(&self, session_id: &str, at: OffsetDateTime, ip: Option<&str>) -> Result<(), StoreError> {
        sqlx::query(queries::dashboard_sessions::TOUCH).bind(session_id).bind(at).bind(ip).execute(&self.pool).await?;
        Ok(())
    }

    async fn of_account(&self, user_id: &str, seen_after: OffsetDateTime) -> Result<Vec<SessionRecord>, StoreError> {
        Ok(sqlx::query_as::<_, SessionRecord>(queries::dashboard_sessions::LIST)
            .bind(user_id)
            .bind(seen_after)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn sweep(&self, idle_before: OffsetDateTime, signed_in_before: OffsetDateTime) -> Result<u64, StoreError> {
        let swept = sqlx::query(queries::dashboard_sessions::SWEEP)
            .bind(idle_before)
            .bind(signed_in_before)
            .execute(&self.pool)
            .await?;
        Ok(swept.rows_affected())
    }

    async fn forget(&self, session_id: &str) -> Result<(), StoreError> {
        sqlx::query(queries::dashboard_sessions::DELETE).bind(session_id).execute(&self.pool).await?;
        Ok(())
    }

    async fn end(&self, user_id: &str, session_id: &str) -> Result<(), StoreError> {
        let done =
            sqlx::query(queries::dashboard_sessions::END).bind(user_id).bind(session_id).execute(&self.pool).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(Resource::Session));
        }
        Ok(())
    }

    async fn end_others(&self, user_id: &str, keep: &str) -> Result<u64, StoreError> {
        let done =
            sqlx::query(queries::dashboard_sessions::END_OTHERS).bind(user_id).bind(keep).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }
}
