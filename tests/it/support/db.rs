//! Test databases: a temporary SQLite file, or a fresh PostgreSQL database
//! per test, dropped afterwards.

use banata::store::{self, Store};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test and is removed when dropped.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Database { admin_url: String, name: String },
}

pub(super) fn unique(prefix: &str) -> String {
    use rand::distr::{Alphanumeric, SampleString};
    format!("{prefix}_{}", Alphanumeric.sample_string(&mut rand::rng(), 12).to_lowercase())
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique("banata_test"));
                std::fs::create_dir_all(&dir).unwrap();
                TestDb { url: format!("sqlite://{}/banata.db", dir.display()), cleanup: Cleanup::Dir(dir) }
            }
            Backend::Postgres => {
                let base = server_url();
                let admin_url = format!("{base}/postgres");
                let name = unique("banata_test");
                let mut admin = connect_admin(&admin_url).await;
                sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                TestDb { url: format!("{base}/{name}"), cleanup: Cleanup::Database { admin_url, name } }
            }
        }
    }

    /// A second, independent connection to the same database, for checking
    /// what a server wrote.
    pub async fn store(&self) -> Arc<dyn Store> {
        store::connect(&self.url).await.expect("connect to test database")
    }
}

/// The PostgreSQL server tests make their databases on
/// (`BANATA_TEST_POSTGRES_URL`), without a database name.
pub(super) fn server_url() -> String {
    let base =
        std::env::var("BANATA_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    base.trim_end_matches('/').to_string()
}

pub(super) async fn connect_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL is needed for these tests (BANATA_TEST_POSTGRES_URL, default 127.0.0.1:5432): {e}")
    })
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name } => {
                // Drop runs inside the test's runtime: do the async work on a
                // thread of its own and wait for it.
                let (admin_url, sql) = (admin_url.clone(), format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    runtime.block_on(async move {
                        let mut admin = connect_admin(&admin_url).await;
                        let _ = sqlx::Executor::execute(&mut admin, sql.as_str()).await;
                    });
                })
                .join();
            }
        }
    }
}
