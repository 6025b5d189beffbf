//! Persistence. `Store` is the only door to the database: SQL lives in
//! `queries` and nowhere else, and one implementation (`sql_impl.rs`, compiled
//! once per backend) runs it on PostgreSQL and on SQLite.

mod error;
mod interface;
mod postgres;
mod queries;
mod rows;
mod session_backend;
mod sqlite;
mod types;

pub use error::StoreError;
pub use interface::Store;
pub use session_backend::SessionBackend;
pub use types::*;

use std::sync::Arc;

/// Opens the database named by `url` (`postgres://…` or `sqlite:…`), applies
/// the migrations, and returns the store.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl)
    }
}
