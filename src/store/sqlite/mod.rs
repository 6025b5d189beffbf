//! SQLite backend: the zero-setup default, one file on disk.

use super::{SessionBackend, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

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

/// The shared implementation, compiled for SQLite.
// On purpose: the one implementation, compiled for each backend.
#[allow(clippy::duplicate_mod)]
#[path = "../sql_impl/mod.rs"]
mod sql_impl;

mod dialect;

type Backend = SqliteStore;
type Conn = sqlx::SqliteConnection;
type Db = sqlx::Sqlite;

/// One process owns the file, and it forgets its own changes as it makes
/// them: there is nobody else to hear from.
async fn watch_key_changes(_: &SqlitePool, _: tokio::sync::mpsc::UnboundedSender<super::CacheChange>) {}
