//! PostgreSQL backend: for shared deployments with several instances.

use super::{
    Backend, Credentials, CredentialsRow, MembershipRow, NewProject, NewUser, SessionBackend,
    Store, StoreError, UserRow,
};
use crate::domain::{Membership, Role, User};
use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// Serialises migrations when several instances start at once.
const MIGRATION_LOCK: i64 = 0x6261_6e61_7461; // "banata"

pub struct PgStore {
    pool: PgPool,
    sessions: SessionBackend,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        let sessions =
            SessionBackend::Postgres(tower_sessions_sqlx_store::PostgresStore::new(pool.clone()));

        let mut lock = pool.acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        let migrated = async {
            sqlx::migrate!("migrations/postgres")
                .run(&mut *lock)
                .await?;
            sessions.migrate().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        migrated?;
        drop(lock);

        Ok(Self { pool, sessions })
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    fn sessions(&self) -> SessionBackend {
        self.sessions.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError> {
        sqlx::query("INSERT INTO users (id, name, email, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&user.id)
            .bind(&user.name)
            .bind(&user.email)
            .bind(&user.password_hash)
            .bind(user.created_at)
            .execute(&self.pool)
            .await
            .map_err(StoreError::unique("email"))?;
        Ok(User {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
        })
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        let row = sqlx::query_as::<_, UserRow>("SELECT id, name, email FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(User::from))
    }

    async fn credentials_by_email(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let row = sqlx::query_as::<_, CredentialsRow>(
            "SELECT id, name, email, password_hash FROM users WHERE lower(email) = lower($1)",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Credentials::from))
    }

    async fn insert_project(&self, project: &NewProject) -> Result<Membership, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO projects (id, name, slug, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&project.id)
            .bind(&project.name)
            .bind(&project.slug)
            .bind(project.created_at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        sqlx::query("INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&project.id)
            .bind(&project.owner_id)
            .bind(Role::Owner.as_str())
            .bind(project.created_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Membership {
            project_id: project.id.clone(),
            name: project.name.clone(),
            slug: project.slug.clone(),
            role: Role::Owner,
        })
    }

    async fn memberships(&self, user_id: &str) -> Result<Vec<Membership>, StoreError> {
        sqlx::query_as::<_, MembershipRow>(
            "SELECT p.id AS project_id, p.name, p.slug, m.role
             FROM project_members m JOIN projects p ON p.id = m.project_id
             WHERE m.user_id = $1
             ORDER BY m.created_at, p.name",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(Membership::try_from)
        .collect()
    }
}
