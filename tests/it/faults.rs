//! The database goes away mid-traffic: a private PostgreSQL (initdb into a
//! temporary directory, its own port) is stopped under a running server.
//! Requests get a clear 503 instead of hanging or a 500, /readyz says so,
//! and when PostgreSQL is back the server recovers by itself with nothing
//! acknowledged lost and nothing refused written.

use crate::support;
use crate::support::{RealServer, Tenant};
use banata::admin::key_types::CreateKeyRequest;
use banata::client::ClientError;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A PostgreSQL cluster of this test's own.
struct PrivatePostgres {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    fn start() -> PrivatePostgres {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("PostgreSQL server binaries in /usr/lib/postgresql")
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|p| p.join("initdb").exists())
            .max()
            .expect("an initdb");
        let dir = std::env::temp_dir().join(format!("banata_pg_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let pg = PrivatePostgres { dir, bin, port };
        if is_root() {
            // initdb refuses to run as root: the cluster belongs to postgres.
            assert!(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&pg.dir).status().unwrap().success());
        }
        let data = pg.dir.join("data");
        pg.run("initdb", &["-D", data.to_str().unwrap(), "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        pg.up();
        pg
    }

    /// `tool` from the server binaries, as the postgres user when we are root
    /// (PostgreSQL refuses to run as root).
    fn command(&self, tool: &str) -> Command {
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
            command
        } else {
            Command::new(self.bin.join(tool))
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let output = self.command(tool).args(args).output().unwrap();
        assert!(output.status.success(), "{tool}: {}", String::from_utf8_lossy(&output.stderr));
    }

    fn ctl(&self, args: &[&str]) {
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        let mut all = vec!["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap(), "-w"];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    fn up(&self) {
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.display());
        self.ctl(&["-o", &options, "start"]);
    }

    fn down(&self) {
        self.ctl(&["-m", "fast", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.command("pg_ctl").args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn is_root() -> bool {
    Path::new("/proc/self").exists()
        && std::fs::read_to_string("/proc/self/status")
            .map(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")))
            .unwrap_or(false)
}

fn create(name: &str) -> CreateKeyRequest {
    CreateKeyRequest { name: Some(name.into()), ..Default::default() }
}

async fn status_of(http: &reqwest::Client, url: &str) -> Option<u16> {
    http.get(url).send().await.ok().map(|r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_stops_and_comes_back() {
    let pg = PrivatePostgres::start();
    let store = banata::store::connect(&pg.url()).await.expect("migrate the private cluster");
    let tenant = Tenant::new(&store, "Fay").await;
    drop(store);
    let server = RealServer::start(&pg.url(), &[]);
    let api = tenant.client(&server.base);
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
    let ready = format!("{}/readyz", server.base);

    let mut acknowledged = Vec::new();
    for n in 0..5 {
        acknowledged.push(api.create(&create(&format!("before-{n}"))).await.unwrap().api_key.id);
    }
    assert_eq!(status_of(&http, &ready).await, Some(200));

    pg.down();
    let started = Instant::now();
    let mut readiness = None;
    while started.elapsed() < Duration::from_secs(15) {
        readiness = status_of(&http, &ready).await;
        if readiness == Some(503) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(readiness, Some(503), "/readyz reports the outage");
    let asked = Instant::now();
    match api.create(&create("during")).await {
        Err(ClientError::Api { status: 503, code, .. }) => assert_eq!(code, "service_unavailable"),
        other => panic!("a clear 503, got {other:?}"),
    }
    match api.delete(&acknowledged[0]).await {
        Err(ClientError::Api { status: 503, .. }) => {}
        other => panic!("a revoke during the outage is refused clearly, got {other:?}"),
    }
    assert!(asked.elapsed() < Duration::from_secs(15), "answered, not hung: {:?}", asked.elapsed());
    let unknown_key = banata::client::Client::new(&server.base, &banata::auth::keys::generate_secret());
    assert_eq!(unknown_key.whoami().await.err().and_then(|e| e.status()), Some(503), "unknown keys cannot be checked");
    assert!(api.whoami().await.is_ok(), "a cached key still answers who it is");

    pg.up();
    let started = Instant::now();
    while status_of(&http, &ready).await != Some(200) {
        assert!(started.elapsed() < Duration::from_secs(30), "the server reconnects by itself");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    acknowledged.push(api.create(&create("after")).await.unwrap().api_key.id);
    let listed: Vec<String> = api.list().await.unwrap().into_iter().map(|k| k.name).collect();
    for name in ["before-0", "before-4", "after"] {
        assert!(listed.iter().any(|n| n == name), "{name} kept: {listed:?}");
    }
    assert!(!listed.iter().any(|n| n == "during"), "the refused create wrote nothing");
    assert_eq!(listed.len(), acknowledged.len() + 1, "the acknowledged keys and the root key");
    // Key, audit row and cache agree: the refused revoke left the key working
    // and unrecorded, the refused create left no event behind.
    let revoked_after = api.delete(&acknowledged[1]).await;
    assert!(revoked_after.is_ok(), "{revoked_after:?}");
    let store = banata::store::connect(&pg.url()).await.unwrap();
    let events = support::assert_audit_matches_keys(&store, &tenant.project_id).await;
    assert_eq!(events, 1 + acknowledged.len() + 1, "root key, acknowledged creates, one revoke");
}
