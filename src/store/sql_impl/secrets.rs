//! `SecretStore` in SQL.

use super::*;

#[async_trait]
impl SecretStore for Backend {
    async fn jwt_keys(&self, project_id: &str, since: OffsetDateTime) -> Result<Vec<JwtKey>, StoreError> {
        let keys: Vec<JwtKey> =
            sqlx::query_as(queries::secrets::JWT_PUBLISHED).bind(project_id).bind(since).fetch_all(&self.pool).await?;
        if keys.is_empty() {
            let exists = sqlx::query(queries::projects::NAME_AND_SLUG).bind(project_id).fetch_optional(&self.pool);
            exists.await?.ok_or(StoreError::NotFound(Resource::Project))?;
        }
        Ok(keys)
    }

    async fn add_jwt_key(&self, project_id: &str, key: &JwtKey, replace: bool, keep: u32) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        found(projects::lock(&mut tx, project_id).await?, Resource::Project)?;
        if replace {
            sqlx::query(queries::secrets::JWT_RETIRE_CURRENT)
                .bind(project_id)
                .bind(key.created_at)
                .execute(&mut *tx)
                .await?;
        } else {
            let (current,): (i64,) =
                sqlx::query_as(queries::secrets::JWT_HAS_CURRENT).bind(project_id).fetch_one(&mut *tx).await?;
            if current > 0 {
                return Ok(());
            }
        }
        sqlx::query(queries::secrets::JWT_INSERT)
            .bind(&key.kid)
            .bind(project_id)
            .bind(&key.private_pem)
            .bind(key.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(queries::secrets::JWT_PRUNE).bind(project_id).bind(i64::from(keep)).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn load(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as(queries::secrets::SECRET).bind(name).fetch_optional(&self.pool).await?;
        Ok(row.map(|(value,)| value))
    }

    async fn get_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(queries::secrets::INSERT_SECRET)
            .bind(name)
            .bind(candidate)
            .bind(OffsetDateTime::now_utc())
            .execute(&self.pool)
            .await?;
        let (value,): (String,) = sqlx::query_as(queries::secrets::SECRET).bind(name).fetch_one(&self.pool).await?;
        Ok(value)
    }
}
