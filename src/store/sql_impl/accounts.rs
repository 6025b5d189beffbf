//! `AccountStore` in SQL.

use super::*;

#[async_trait]
impl AccountStore for Backend {
    async fn insert(&self, user: &NewUser) -> Result<User, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::accounts::INSERT)
            .bind(&user.id)
            .bind(&user.name)
            .bind(&user.email)
            .bind(&user.password_hash)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("email"))?;
        if let Some(mail) = &user.mail {
            mail::queue(&mut tx, mail).await?;
        }
        tx.commit().await?;
        Ok(User { id: user.id.clone(), name: user.name.clone(), email: user.email.clone() })
    }

    async fn by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query_as::<_, UserRow>(queries::accounts::BY_ID).bind(id).fetch_optional(&self.pool).await?;
        Ok(row.map(User::from))
    }

    async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query_as::<_, CredentialsRow>(queries::accounts::CREDENTIALS_BY_EMAIL)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(Credentials::from))
    }

    async fn set_last_project(&self, user_id: &str, project_id: &str) -> Result<(), StoreError> {
        sqlx::query(SET_LAST_PROJECT).bind(user_id).bind(project_id).execute(&self.pool).await?;
        Ok(())
    }

    async fn last_project(&self, user_id: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as(queries::accounts::LAST_PROJECT).bind(user_id).fetch_optional(&self.pool).await?;
        Ok(row.and_then(|(id,)| id))
    }

    async fn change_password(&self, user_id: &str, password_hash: &str, keep: &str) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed =
            sqlx::query(queries::accounts::SET_PASSWORD).bind(user_id).bind(password_hash).execute(&mut *tx).await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound(Resource::Account));
        }
        let ended =
            sqlx::query(queries::dashboard_sessions::END_OTHERS).bind(user_id).bind(keep).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(ended.rows_affected())
    }

    async fn by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query_as::<_, UserRow>(queries::accounts::ACCOUNT_BY_EMAIL)
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(User::from))
    }

    async fn is_verified(&self, user_id: &str) -> Result<bool, StoreError> {
        let row: Option<(bool,)> =
            sqlx::query_as(queries::accounts::IS_ACCOUNT_VERIFIED).bind(user_id).fetch_optional(&self.pool).await?;
        Ok(row.is_some_and(|(verified,)| verified))
    }

    async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(token) = mail::use_token(&mut tx, token_hash, MailKind::AccountReset, now).await? else {
            return Ok(None);
        };
        let changed = sqlx::query(queries::accounts::SET_PASSWORD)
            .bind(&token.subject_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Ok(None);
        }
        // Every session ends: whoever knew the old password is signed out.
        sqlx::query(queries::dashboard_sessions::END_OTHERS).bind(&token.subject_id).bind("").execute(&mut *tx).await?;
        sqlx::query(queries::mail::RETIRE_TOKENS)
            .bind(&token.subject_id)
            .bind(MailKind::AccountReset.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // The link came to their mailbox: that proves the address too.
        sqlx::query(queries::accounts::ACCOUNT_VERIFIED)
            .bind(&token.subject_id)
            .bind(now)
            .bind(&token.email)
            .execute(&mut *tx)
            .await?;
        let user =
            sqlx::query_as::<_, UserRow>(queries::accounts::BY_ID).bind(&token.subject_id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(user.into()))
    }

    async fn verify_email(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(token) = mail::use_token(&mut tx, token_hash, MailKind::AccountVerify, now).await? else {
            return Ok(None);
        };
        sqlx::query(queries::accounts::ACCOUNT_VERIFIED)
            .bind(&token.subject_id)
            .bind(now)
            .bind(&token.email)
            .execute(&mut *tx)
            .await?;
        let user = sqlx::query_as::<_, UserRow>(queries::accounts::BY_ID)
            .bind(&token.subject_id)
            .fetch_optional(&mut *tx)
            .await?;
        // Verified or not (the address changed since), the link is spent.
        tx.commit().await?;
        Ok(user.filter(|u| u.email.eq_ignore_ascii_case(&token.email)).map(User::from))
    }
}
