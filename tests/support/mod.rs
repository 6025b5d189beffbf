//! Shared test harness: real databases (a temporary SQLite file, or a fresh
//! PostgreSQL database per test, dropped afterwards) and a real server on
//! 127.0.0.1:0.
#![allow(dead_code)]

use banata::config::Cli;
use banata::store::{self, Store};
use clap::Parser;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

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

fn unique(prefix: &str) -> String {
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
                let base = std::env::var("BANATA_TEST_POSTGRES_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
                let base = base.trim_end_matches('/').to_string();
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

async fn connect_admin(url: &str) -> sqlx::PgConnection {
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

/// A real server for one test.
pub struct TestApp {
    pub base: String,
    /// Keeps cookies, never follows redirects (tests look at them).
    pub client: reqwest::Client,
    pub db: TestDb,
    stop: Option<oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        Self::start_with(backend, &[]).await
    }

    /// Starts a server with extra command-line settings, e.g. `--allow-signup=false`.
    pub async fn start_with(backend: Backend, args: &[&str]) -> TestApp {
        let db = TestDb::new(backend).await;
        let mut argv = vec!["banata", "--database-url", db.url.as_str()];
        argv.extend_from_slice(args);
        let config = Cli::try_parse_from(argv).expect("valid test settings").config;
        let router = banata::server::build(config).await.expect("server builds");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(banata::server::serve(listener, router, async move {
            let _ = stopped.await;
        }));
        TestApp { base, client: client(), db, stop: Some(stop) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts a form the way a fetch from our own page does.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(form).send().await.expect("request")
    }

    pub async fn sign_up(&self, name: &str, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/api/dashboard/sign_up", &[("name", name), ("email", email), ("password", password)]).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/api/dashboard/sign_in", &[("email", email), ("password", password)]).await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// A fresh, unique email for one test.
pub fn email() -> String {
    format!("{}@example.com", unique("user"))
}

/// The `Set-Cookie` header of the session cookie, if the response set one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{}=", banata::http::SESSION_COOKIE)))
        .map(str::to_owned)
}

/// Runs a test body once per backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::support::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::support::Backend::Postgres).await })*
        }
    };
}
