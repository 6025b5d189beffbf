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
#[path = "sql_impl.rs"]
mod sql_impl;

type Backend = SqliteStore;
type Conn = sqlx::SqliteConnection;
/// A write first takes SQLite's write lock before anything is read.
/// SQLite compares text bytewise already.
const BYTE_ORDER: &str = "";
/// A write statement takes SQLite's one write lock, even when it changes
/// no row: links for one subject are counted and made one request at a time.
const LOCK_SUBJECT: &str = "UPDATE mail_tokens SET id = id WHERE subject_id = $1 AND 0";
/// One writer at a time: a claim cannot race another.
const SKIP_LOCKED: &str = "";
const LOCK_PROJECT: &str = "UPDATE projects SET id = id WHERE id = $1";
const SET_LAST_PROJECT: &str = "UPDATE users SET last_project_id = $2 WHERE id = $1 AND last_project_id IS NOT $2";

/// One process owns the file, and it forgets its own changes as it makes
/// them: there is nobody else to hear from.
async fn watch_key_changes(_: &SqlitePool, _: tokio::sync::mpsc::UnboundedSender<super::CacheChange>) {}
