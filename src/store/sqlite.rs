//! SQLite backend: the zero-setup default, one file on disk.

// The backend-independent types, rows and helpers of the store.
use super::*;
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;

pub struct SqliteStore {
    pool: SqlitePool,
    sessions: SessionBackend,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let sessions = SessionBackend::Sqlite(tower_sessions_sqlx_store::SqliteStore::new(pool.clone()));
        sessions.migrate().await?;
        Ok(Self { pool, sessions })
    }
}

super::sql_store::sql_store!(
    SqliteStore,
    conn: sqlx::SqliteConnection,
    // A write first takes SQLite's write lock before anything is read.
    lock_project: "UPDATE projects SET id = id WHERE id = $1",
    set_last_project: "UPDATE users SET last_project_id = $2 WHERE id = $1 AND last_project_id IS NOT $2",
);
