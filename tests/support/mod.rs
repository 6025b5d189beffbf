//! Shared test harness: real databases (a temporary SQLite file, or a fresh
//! PostgreSQL database per test, dropped afterwards) and a real server on
//! 127.0.0.1:0.
#![allow(dead_code)]

pub mod lost_answers;

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
    pub db: Arc<TestDb>,
    /// The server's key verifier, to see what its cache did.
    pub keys: Arc<banata::auth::verify::KeyVerifier>,
    stop: Option<oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        Self::start_with(backend, &[]).await
    }

    /// Starts a server with extra command-line settings, e.g. `--allow-signup=false`.
    pub async fn start_with(backend: Backend, args: &[&str]) -> TestApp {
        Self::start_on(Arc::new(TestDb::new(backend).await), args).await
    }

    /// A second instance on the same database, as behind a load balancer.
    pub async fn beside(other: &TestApp, args: &[&str]) -> TestApp {
        Self::start_on(other.db.clone(), args).await
    }

    async fn start_on(db: Arc<TestDb>, args: &[&str]) -> TestApp {
        let store = db.store().await;
        Self::start_on_store(db, store, args).await
    }

    /// A server on `store`, which may wrap the test database's own (to fail
    /// on purpose).
    pub async fn start_on_store(db: Arc<TestDb>, store: Arc<dyn Store>, args: &[&str]) -> TestApp {
        let mut argv = vec!["banata", "--database-url", db.url.as_str()];
        argv.extend_from_slice(args);
        let config = Cli::try_parse_from(argv).expect("valid test settings").config;
        let server = banata::server::build_on(config, store).await.expect("server builds");
        let keys = server.keys.clone();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(banata::server::serve(listener, server, async move {
            let _ = stopped.await;
        }));
        TestApp { base, client: client(), db, keys, stop: Some(stop) }
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

/// What the test clients send as their User-Agent.
pub const TEST_USER_AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64) banata-tests Firefox/128.0";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(TEST_USER_AGENT)
        .build()
        .unwrap()
}

/// A fresh, unique email for one test.
/// A member acting in a test, as the audit log records them.
pub fn actor(user_id: &str) -> banata::actor::Actor {
    banata::actor::Actor {
        kind: banata::domain::ActorKind::User,
        id: user_id.into(),
        name: "Test Member".into(),
        ip: Some("127.0.0.1".into()),
        user_agent: Some("banata-tests".into()),
    }
}

/// An application acting with the key `key_id` in a test.
pub fn key_actor(key_id: &str) -> banata::actor::Actor {
    banata::actor::Actor { kind: banata::domain::ActorKind::ApiKey, name: "test key".into(), ..actor(key_id) }
}

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

/// A superuser connection to a test's PostgreSQL database, for tests that
/// break things on purpose.
pub struct PgAdmin {
    conn: tokio::sync::Mutex<sqlx::PgConnection>,
    database: String,
}

impl PgAdmin {
    pub async fn new(url: &str) -> PgAdmin {
        let database = url.rsplit('/').next().unwrap().to_string();
        PgAdmin { conn: tokio::sync::Mutex::new(connect_admin(url).await), database }
    }

    /// Ends every backend that LISTENs on the database; returns how many.
    pub async fn terminate_listeners(&self) -> i64 {
        let sql = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                   WHERE datname = $1 AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()";
        let mut conn = self.conn.lock().await;
        sqlx::query_scalar(sql).bind(&self.database).fetch_one(&mut *conn).await.unwrap()
    }

    /// Backends LISTENing on the database now.
    pub async fn listeners(&self) -> i64 {
        let sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN%'";
        let mut conn = self.conn.lock().await;
        sqlx::query_scalar(sql).bind(&self.database).fetch_one(&mut *conn).await.unwrap()
    }
}

/// The real `banata` binary, its log collected as it runs.
pub struct RealServer {
    pub base: String,
    child: std::process::Child,
    log: Arc<std::sync::Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl RealServer {
    /// Starts the binary on a free port and waits for its "listening" line.
    pub fn start(db_url: &str, args: &[&str]) -> RealServer {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_banata"))
            .args(["--addr", "127.0.0.1:0", "--database-url", db_url])
            .args(args)
            .env("BANATA_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the banata binary");
        let mut lines = BufReader::new(child.stdout.take().unwrap());
        let log = Arc::new(std::sync::Mutex::new(String::new()));
        let base = loop {
            let mut line = String::new();
            let read = lines.read_line(&mut line).unwrap();
            log.lock().unwrap().push_str(&line);
            assert!(read > 0, "server exited: {}", log.lock().unwrap());
            if let Some(at) = line.find("listening on ") {
                break line[at + "listening on ".len()..].trim().to_string();
            }
        };
        // Keep draining the pipe so that the server never blocks on logging.
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        RealServer { base, child, log, reader: Some(reader) }
    }

    /// SIGTERM, as an orchestrator stops it; waits for a clean exit.
    pub fn stop_gracefully(&mut self) -> String {
        let status = std::process::Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
        assert!(self.child.wait().unwrap().success(), "a clean exit");
        self.finish()
    }

    /// SIGKILL: no chance to save anything.
    pub fn kill(&mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.finish()
    }

    fn finish(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.log.lock().unwrap().clone()
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// Polls `check` until it holds; false if it never did within `within`.
/// (Waiting on a condition, never on a fixed time.)
pub async fn eventually<F, Fut>(within: std::time::Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + within;
    while std::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

/// A user, their project, and one working key of it.
pub struct Tenant {
    pub email: String,
    pub project_id: String,
    pub slug: String,
    pub key: String,
    pub key_id: String,
}

impl Tenant {
    /// Made straight in the store, as the dashboard would.
    pub async fn new(store: &Arc<dyn Store>, name: &str) -> Tenant {
        let email = email();
        let user = banata::auth::accounts::sign_up(&**store, name, &email, PASSWORD).await.unwrap();
        let project = banata::auth::accounts::home_project(&**store, &user).await.unwrap();
        let spec = banata::services::keys::KeySpec {
            project_id: &project.project_id,
            name: "root".into(),
            permissions: vec![],
            expires_at: None,
        };
        let now = time::OffsetDateTime::now_utc();
        let created = banata::services::keys::issue(&**store, spec, &actor(&user.id), now).await.unwrap();
        Tenant {
            email,
            project_id: project.project_id,
            slug: project.slug,
            key: created.secret,
            key_id: created.key.id,
        }
    }

    pub fn client(&self, base: &str) -> banata::client::Client {
        banata::client::Client::new(base, &self.key)
    }
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

/// A signed-in person with their own cookie jar.
pub struct Person {
    pub client: reqwest::Client,
    pub email: String,
    pub id: String,
}

impl Person {
    pub async fn sign_up(app: &TestApp, name: &str) -> Person {
        Person::sign_up_as(app, name, &email()).await
    }

    pub async fn sign_up_as(app: &TestApp, name: &str, email: &str) -> Person {
        let client = client();
        let response = client
            .post(app.url("/api/dashboard/sign_up"))
            .form(&[("name", name), ("email", email), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success() || response.status().is_redirection(), "sign-up: {}", response.status());
        let id = app.db.store().await.credentials_by_email(email).await.unwrap().unwrap().user.id;
        Person { client, email: email.to_string(), id }
    }

    pub async fn call(&self, app: &TestApp, function: &str, form: &[(&str, &str)]) -> (reqwest::StatusCode, String) {
        let response =
            self.client.post(app.url(&format!("/api/dashboard/{function}"))).form(form).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

/// Checks that the audit log tells the same story as the keys table: one
/// `api_key.created` for every key, one `api_key.revoked` for every revoked
/// key, and nothing else about keys. Returns how many events it checked.
pub async fn assert_audit_matches_keys(store: &Arc<dyn Store>, project_id: &str) -> usize {
    use banata::domain::AuditAction;
    use std::collections::BTreeSet;
    let all = store::KeyQuery { include_revoked: true, limit: u32::MAX, ..Default::default() };
    let keys = store.list_keys(project_id, &all, time::OffsetDateTime::now_utc()).await.unwrap();
    let key_ids: BTreeSet<String> = keys.iter().map(|k| k.id.clone()).collect();
    let revoked_ids: BTreeSet<String> = keys.iter().filter(|k| k.revoked_at.is_some()).map(|k| k.id.clone()).collect();
    let query = store::AuditQuery { limit: u32::MAX, ..Default::default() };
    let events = store.audit_events(project_id, &query).await.unwrap();
    let targets = |action: AuditAction| -> Vec<String> {
        events.iter().filter(|e| e.action == action).map(|e| e.target_id.clone()).collect()
    };
    let (created, revoked) = (targets(AuditAction::KeyCreated), targets(AuditAction::KeyRevoked));
    assert_eq!(created.len(), created.iter().collect::<BTreeSet<_>>().len(), "one create event per key");
    assert_eq!(revoked.len(), revoked.iter().collect::<BTreeSet<_>>().len(), "one revoke event per key");
    assert_eq!(created.into_iter().collect::<BTreeSet<_>>(), key_ids, "a create event for exactly the stored keys");
    assert_eq!(
        revoked.into_iter().collect::<BTreeSet<_>>(),
        revoked_ids,
        "a revoke event for exactly the revoked keys"
    );
    events.len()
}
