//! PostgreSQL backend: for shared deployments with several instances.

// The backend-independent types, rows and helpers of the store.
use super::*;
use async_trait::async_trait;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;

/// Serialises migrations when several instances start at once.
const MIGRATION_LOCK: i64 = 0x6261_6e61_7461; // "banata"

pub struct PgStore {
    pool: PgPool,
    sessions: SessionBackend,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool =
            PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(3)).connect(url).await?;
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
    conn: sqlx::PgConnection,
    // A row lock on the project serialises membership changes.
    lock_project: "SELECT id FROM projects WHERE id = $1 FOR UPDATE",
    set_last_project: "UPDATE users SET last_project_id = $2 WHERE id = $1 AND last_project_id IS DISTINCT FROM $2",
    extra: {
        async fn watch_key_changes(&self, changes: UnboundedSender<KeyChange>) {
            listen_for_key_changes(&self.pool, changes).await
        }
    },
);

/// The channel the `api_keys` and `projects` triggers notify (migration 0003).
const KEY_CHANGES: &str = "banata_key_changes";

/// LISTENs for key changes, reconnecting for ever. After every (re)connect
/// it sends `All`: what happened while nobody listened is unknown.
async fn listen_for_key_changes(pool: &PgPool, changes: UnboundedSender<KeyChange>) {
    let mut retry = Duration::from_millis(100);
    while !changes.is_closed() {
        let listening = async {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.listen(KEY_CHANGES).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listening.await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for key changes; retrying");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        retry = Duration::from_millis(100);
        tracing::debug!("listening for key changes");
        let _ = changes.send(KeyChange::All);
        loop {
            match listener.try_recv().await {
                Ok(Some(notice)) => {
                    let change = match notice.payload() {
                        "*" => KeyChange::All,
                        hash => KeyChange::Key(hash.to_string()),
                    };
                    if changes.send(change).is_err() {
                        return;
                    }
                }
                // The connection dropped; the next try_recv reconnects, and
                // notices sent meanwhile are lost.
                Ok(None) => {
                    tracing::warn!("lost the key-change connection; reconnecting");
                    let _ = changes.send(KeyChange::All);
                }
                Err(error) => {
                    tracing::warn!(%error, "key-change listener failed; reconnecting");
                    break;
                }
            }
        }
    }
}
