//! PostgreSQL backend: for shared deployments with several instances.

use super::{CacheChange, SessionBackend, StoreError};
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use std::time::Duration;
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

/// The shared implementation, compiled for PostgreSQL.
// On purpose: the one implementation, compiled for each backend.
#[allow(clippy::duplicate_mod)]
#[path = "../sql_impl/mod.rs"]
mod sql_impl;

mod dialect;

type Backend = PgStore;
type Conn = sqlx::PgConnection;
type Db = sqlx::Postgres;

/// The channel the `api_keys` and `projects` triggers notify (migrations
/// 0003 and 0007).
const KEY_CHANGES: &str = "banata_key_changes";

/// What a notice on `KEY_CHANGES` says: a key's hash, `project:<id>` for a
/// renamed, moved or deleted project, or `*` (sent by older instances'
/// triggers) for anything.
fn key_change(payload: &str) -> CacheChange {
    if payload == "*" {
        return CacheChange::All;
    }
    let (kind, rest) = payload.split_once(':').unwrap_or(("", payload));
    match kind {
        "project" => CacheChange::Project(rest.to_string()),
        "session" => CacheChange::Session(rest.to_string()),
        "user" => CacheChange::EndUser(rest.to_string()),
        "jwt" => CacheChange::JwtKeys(rest.to_string()),
        "roles" => CacheChange::Roles(rest.to_string()),
        _ => CacheChange::Hash(payload.to_string()),
    }
}

/// LISTENs for key changes, reconnecting for ever. After every (re)connect
/// it sends `All`: what happened while nobody listened is unknown. The order
/// matters: `All` must come after LISTEN is in force again, or a change made
/// between the two would be missed for good; so sqlx is told explicitly to
/// reconnect (and re-LISTEN) inside `try_recv` before reporting the loss.
async fn watch_key_changes(pool: &PgPool, changes: UnboundedSender<CacheChange>) {
    let mut retry = Duration::from_millis(100);
    while !changes.is_closed() {
        let listening = async {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.eager_reconnect(true);
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
        let _ = changes.send(CacheChange::All);
        loop {
            match listener.try_recv().await {
                Ok(Some(notice)) => {
                    if changes.send(key_change(notice.payload())).is_err() {
                        return;
                    }
                }
                // The connection dropped and sqlx has already listened again
                // on a new one; notices sent in between are lost.
                Ok(None) => {
                    tracing::warn!("lost the key-change connection; listening again");
                    let _ = changes.send(CacheChange::All);
                }
                Err(error) => {
                    tracing::warn!(%error, "key-change listener failed; reconnecting");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_a_key_a_project_or_everything() {
        let hash = "ab".repeat(32);
        assert_eq!(key_change(&hash), CacheChange::Hash(hash.clone()));
        assert_eq!(key_change("project:proj_1"), CacheChange::Project("proj_1".into()));
        assert_eq!(key_change("*"), CacheChange::All);
        assert_eq!(key_change("session:abc"), CacheChange::Session("abc".into()));
        assert_eq!(key_change("user:usr_1"), CacheChange::EndUser("usr_1".into()));
        assert_eq!(key_change("jwt:proj_1"), CacheChange::JwtKeys("proj_1".into()));
    }
}
