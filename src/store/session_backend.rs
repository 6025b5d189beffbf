//! tower-sessions needs one concrete store type; this picks the sqlx store
//! of whichever database we run on.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

#[derive(Clone, Debug)]
pub enum SessionBackend {
    Postgres(PostgresStore),
    Sqlite(SqliteStore),
}

impl SessionBackend {
    pub(crate) async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            SessionBackend::Postgres(store) => store.migrate().await,
            SessionBackend::Sqlite(store) => store.migrate().await,
        }
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Postgres(store) => store.create(record).await,
            SessionBackend::Sqlite(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Postgres(store) => store.save(record).await,
            SessionBackend::Sqlite(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            SessionBackend::Postgres(store) => store.load(id).await,
            SessionBackend::Sqlite(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            SessionBackend::Postgres(store) => store.delete(id).await,
            SessionBackend::Sqlite(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionBackend {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            SessionBackend::Postgres(store) => store.delete_expired().await,
            SessionBackend::Sqlite(store) => store.delete_expired().await,
        }
    }
}
