//! PostgreSQL backend: for shared deployments with several instances.

use super::{
    found, keeps_an_owner, key_queries, like_pattern, role_column, Credentials, CredentialsRow, InvitationRecord,
    InvitationRow, KeyQuery, KeyRecord, KeyRow, MemberRow, MembershipRow, NewInvitation, NewKey, NewProject, NewUser,
    PendingRow, SessionBackend, Store, StoreError, SummaryRow, UserRow,
};
use crate::domain::{ApiKey, Member, Membership, PendingInvitation, ProjectSummary, Role, User};
use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;
use time::OffsetDateTime;

/// Serialises migrations when several instances start at once.
const MIGRATION_LOCK: i64 = 0x6261_6e61_7461; // "banata"

pub struct PgStore {
    pool: PgPool,
    sessions: SessionBackend,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool =
            PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(5)).connect(url).await?;
        let sessions = SessionBackend::Postgres(tower_sessions_sqlx_store::PostgresStore::new(pool.clone()));

        let mut lock = pool.acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK).execute(&mut *lock).await?;
        let migrated = async {
            sqlx::migrate!("migrations/postgres").run(&mut *lock).await?;
            sessions.migrate().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        sqlx::query("SELECT pg_advisory_unlock($1)").bind(MIGRATION_LOCK).execute(&mut *lock).await?;
        migrated?;
        drop(lock);

        Ok(Self { pool, sessions })
    }
}

super::sql_store::sql_store!(
    PgStore,
    // A row lock on the project serialises membership changes.
    lock_project: "SELECT id FROM projects WHERE id = $1 FOR UPDATE",
    set_last_project: "UPDATE users SET last_project_id = $2 WHERE id = $1 AND last_project_id IS DISTINCT FROM $2",
);
