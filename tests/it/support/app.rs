//! A real server for one test, in this process on 127.0.0.1:0, and the
//! HTTP client tests talk to it with.

use super::{Backend, TestDb};
use banata::config::Cli;
use banata::store::Store;
use clap::Parser;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A real server for one test.
pub struct TestApp {
    pub base: String,
    /// Keeps cookies, never follows redirects (tests look at them).
    pub client: reqwest::Client,
    pub db: Arc<TestDb>,
    /// The server's key verifier, to see what its cache did.
    pub keys: Arc<banata::auth::verify::KeyVerifier>,
    /// The server's end-user session cache, likewise.
    pub end_user_sessions: Arc<banata::auth::session_cache::SessionCache>,
    /// The server's organization roles cache, likewise.
    pub org_roles: Arc<banata::auth::role_cache::RoleCache>,
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
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut argv = vec!["banata", "--database-url", db.url.as_str()];
        // Mail needs the URL its links point at: where this server listens.
        if args.iter().any(|a| a.starts_with("--smtp-url")) && !args.iter().any(|a| a.starts_with("--public-url")) {
            argv.extend(["--public-url", base.as_str()]);
        }
        argv.extend_from_slice(args);
        let config = Cli::try_parse_from(argv).expect("valid test settings").config;
        let server = banata::server::build_on(config, store).await.expect("server builds");
        let keys = server.keys.clone();
        let end_user_sessions = server.end_user_sessions.clone();
        let org_roles = server.org_roles.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(banata::server::serve(listener, server, async move {
            let _ = stopped.await;
        }));
        TestApp { base, client: client(), db, keys, end_user_sessions, org_roles, stop: Some(stop) }
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
