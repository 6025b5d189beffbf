//! `EndUserSessionStore` in SQL.

use super::events::NewEvent;
use super::*;
use crate::domain::EventType;
use crate::store::queries::end_user_sessions::returning;
use crate::store::views;

#[async_trait]
impl EndUserSessionStore for Backend {
    async fn insert(&self, session: &NewEndUserSession) -> Result<EndUserSession, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::end_user_sessions::INSERT_SESSION)
            .bind(&session.id)
            .bind(&session.project_id)
            .bind(&session.user_id)
            .bind(&session.token_hash)
            .bind(session.at)
            .bind(session.expires_at)
            .bind(session.ip.as_deref())
            .bind(session.user_agent.as_deref())
            .execute(&mut *tx)
            .await?;
        sqlx::query(queries::end_users::SIGNED_IN).bind(&session.user_id).bind(session.at).execute(&mut *tx).await?;
        let row = sqlx::query_as::<_, EndUserSession>(&queries::end_user_sessions::session_by_id())
            .bind(&session.id)
            .fetch_one(&mut *tx)
            .await?;
        let created = NewEvent::new(&session.project_id, EventType::SessionCreated, views::session(&row), session.at);
        events::emit(&mut tx, created).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn live(
        &self,
        project_id: &str,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<EndUserSession>, StoreError> {
        Ok(sqlx::query_as::<_, EndUserSession>(&queries::end_user_sessions::session_by_token())
            .bind(token_hash)
            .bind(project_id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn extend(&self, session_id: &str, at: OffsetDateTime, expires_at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query(queries::end_user_sessions::EXTEND_SESSION)
            .bind(session_id)
            .bind(at)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn end_by_token(&self, project_id: &str, token_hash: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let ended = sqlx::query_as::<_, EndUserSession>(&returning(queries::end_user_sessions::DELETE_SESSION))
            .bind(token_hash)
            .bind(project_id)
            .fetch_all(&mut *tx)
            .await?;
        revoked(&mut tx, project_id, &ended, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_by_id(
        &self,
        project_id: &str,
        session_id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let owner: Option<(String, String)> = sqlx::query_as(queries::end_user_sessions::SESSION_OWNER)
            .bind(project_id)
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (user_id, email) = owner.ok_or(StoreError::NotFound(Resource::Session))?;
        let ended = sqlx::query_as::<_, EndUserSession>(&returning(queries::end_user_sessions::DELETE_PROJECT_SESSION))
            .bind(project_id)
            .bind(session_id)
            .fetch_all(&mut *tx)
            .await?;
        found(ended.len() as u64, Resource::Session)?;
        end_user_sessions::record_ended(&mut tx, project_id, by, (&user_id, &email), 1, at).await?;
        revoked(&mut tx, project_id, &ended, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn of_user(
        &self,
        project_id: &str,
        user_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<EndUserSession>, StoreError> {
        Ok(sqlx::query_as::<_, EndUserSession>(&queries::end_user_sessions::sessions_of_user())
            .bind(project_id)
            .bind(user_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn end_of_user(
        &self,
        project_id: &str,
        user_id: &str,
        session_id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let email = end_users::email_of(&mut tx, project_id, user_id).await?;
        let ended = sqlx::query_as::<_, EndUserSession>(&returning(queries::end_user_sessions::DELETE_SESSION_BY_ID))
            .bind(project_id)
            .bind(user_id)
            .bind(session_id)
            .fetch_all(&mut *tx)
            .await?;
        found(ended.len() as u64, Resource::Session)?;
        end_user_sessions::record_ended(&mut tx, project_id, by, (user_id, &email), 1, at).await?;
        revoked(&mut tx, project_id, &ended, at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_all_of_user(
        &self,
        project_id: &str,
        user_id: &str,
        keep: Option<&str>,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let email = end_users::email_of(&mut tx, project_id, user_id).await?;
        let sessions = end_of_user_on(&mut tx, project_id, user_id, keep).await?;
        let ended = sessions.len() as u64;
        if ended > 0 {
            end_user_sessions::record_ended(&mut tx, project_id, by, (user_id, &email), ended, at).await?;
        }
        revoked(&mut tx, project_id, &sessions, at).await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn sweep(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let swept = sqlx::query(queries::end_user_sessions::SWEEP_SESSIONS).bind(now).execute(&self.pool).await?;
        Ok(swept.rows_affected())
    }
}

/// Ends every session of the user but `keep` on the change's connection,
/// and returns them, for `revoked` to tell the app of at the change's end.
pub(super) async fn end_of_user_on(
    conn: &mut Conn,
    project_id: &str,
    user_id: &str,
    keep: Option<&str>,
) -> Result<Vec<EndUserSession>, StoreError> {
    Ok(sqlx::query_as::<_, EndUserSession>(&returning(queries::end_user_sessions::DELETE_SESSIONS_OF_USER))
        .bind(project_id)
        .bind(user_id)
        .bind(keep)
        .fetch_all(&mut *conn)
        .await?)
}

/// A `session.revoked` event for each session ended.
pub(super) async fn revoked(
    conn: &mut Conn,
    project_id: &str,
    sessions: &[EndUserSession],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    for session in sessions {
        events::emit(conn, NewEvent::new(project_id, EventType::SessionRevoked, views::session(session), at)).await?;
    }
    Ok(())
}

pub(super) async fn record_ended(
    conn: &mut Conn,
    project_id: &str,
    by: &Actor,
    user: (&str, &str),
    ended: u64,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let detail = audit_text::sessions(ended);
    let record = AuditRecord::new(project_id, AuditAction::EndUserSessionsRevoked, by, user, detail, at);
    audit::record(conn, record).await
}
