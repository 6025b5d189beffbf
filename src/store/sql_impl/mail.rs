//! `MailStore` in SQL.

use super::*;

#[async_trait]
impl MailStore for Backend {
    async fn queue(&self, mail: &QueuedMail) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        mail::queue(&mut tx, mail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn queue_limited(&self, mail: &QueuedMail, most: i64, since: OffsetDateTime) -> Result<bool, StoreError> {
        let Some(token) = &mail.token else {
            return Err(StoreError::Corrupt("a limited mail needs its token".into()));
        };
        let mut tx = self.pool.begin().await?;
        sqlx::query(LOCK_SUBJECT).bind(&token.subject_id).execute(&mut *tx).await?;
        let (count,): (i64,) = sqlx::query_as(queries::mail::COUNT_RECENT_TOKENS)
            .bind(&token.subject_id)
            .bind(token.purpose.as_str())
            .bind(since)
            .fetch_one(&mut *tx)
            .await?;
        if count >= most {
            return Ok(false);
        }
        mail::queue(&mut tx, mail).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn claim(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<ClaimedMail>, StoreError> {
        Ok(sqlx::query_as::<_, ClaimedMail>(&queries::mail::claim(SKIP_LOCKED))
            .bind(now)
            .bind(lease_until)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn arm_token(&self, token_id: &str, token_hash: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        let armed =
            sqlx::query(queries::mail::ARM_TOKEN).bind(token_id).bind(token_hash).bind(now).execute(&self.pool).await?;
        Ok(armed.rows_affected() == 1)
    }

    async fn finish(
        &self,
        id: &str,
        attempt: i64,
        outcome: &MailOutcome,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        match outcome {
            MailOutcome::Sent => sqlx::query(queries::mail::SENT).bind(id).bind(attempt).bind(at),
            MailOutcome::Retry(next, error) => {
                sqlx::query(queries::mail::RETRY).bind(id).bind(attempt).bind(*next).bind(error)
            }
            MailOutcome::Failed(error) => sqlx::query(queries::mail::FAILED).bind(id).bind(attempt).bind(error),
        }
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sweep(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let tokens = sqlx::query(queries::mail::SWEEP_TOKENS).bind(before).execute(&self.pool).await?;
        let mail = sqlx::query(queries::mail::SWEEP_MAIL).bind(before).execute(&self.pool).await?;
        Ok(tokens.rows_affected() + mail.rows_affected())
    }

    async fn insert_token(&self, token: &NewMailToken) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        mail::insert_token(&mut tx, token).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn recent(&self, project_id: &str, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        sqlx::query_as::<_, DeliveryRow>(queries::mail::RECENT)
            .bind(project_id)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Delivery::try_from)
            .collect()
    }

    async fn token(&self, token_hash: &str) -> Result<Option<MailTokenRecord>, StoreError> {
        Ok(sqlx::query_as::<_, MailTokenRecord>(queries::mail::TOKEN_BY_HASH)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn count_tokens(
        &self,
        subject_id: &str,
        purpose: MailKind,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(queries::mail::COUNT_RECENT_TOKENS)
            .bind(subject_id)
            .bind(purpose.as_str())
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }
}

/// Writes a mail (and its token) to the outbox on the change's own
/// connection: it is sent if and only if the change commits.
pub(super) async fn queue(conn: &mut Conn, mail: &QueuedMail) -> Result<(), StoreError> {
    if let Some(token) = &mail.token {
        mail::insert_token(conn, token).await?;
    }
    sqlx::query(queries::mail::INSERT_MAIL)
        .bind(&mail.id)
        .bind(mail.project_id.as_deref())
        .bind(mail.kind.as_str())
        .bind(&mail.recipient)
        .bind(mail.token.as_ref().map(|t| t.id.as_str()))
        .bind(&mail.data)
        .bind(mail.created_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(super) async fn insert_token(conn: &mut Conn, token: &NewMailToken) -> Result<(), StoreError> {
    sqlx::query(queries::mail::INSERT_TOKEN)
        .bind(&token.id)
        .bind(token.purpose.as_str())
        .bind(token.token_hash.as_deref())
        .bind(&token.subject_id)
        .bind(token.project_id.as_deref())
        .bind(&token.email)
        .bind(token.created_at)
        .bind(token.expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every unused link for `subject_id` stops working (and its unsent mail
/// is given up on when its turn comes).
pub(super) async fn retire_links(conn: &mut Conn, subject_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
    sqlx::query(queries::mail::RETIRE_SUBJECT).bind(subject_id).bind(at).execute(&mut *conn).await?;
    Ok(())
}

/// Spends a token of `purpose`: of two uses one wins; an unknown, used
/// or expired token is `None`.
pub(super) async fn use_token(
    conn: &mut Conn,
    token_hash: &str,
    purpose: MailKind,
    now: OffsetDateTime,
) -> Result<Option<MailTokenRecord>, StoreError> {
    Ok(sqlx::query_as::<_, MailTokenRecord>(queries::mail::USE_TOKEN)
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?)
}
