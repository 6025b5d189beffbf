//! Nothing acknowledged is lost: 50 clients creating, revoking and listing
//! at once, and a server killed with SIGKILL in the middle of a burst. After
//! each, the keys table must match exactly what the clients were told, and
//! the audit log must match the keys table.

use crate::support;
use crate::support::{Backend, RealServer, Tenant, TestApp, TestDb};
use banata::admin::key_types::CreateKeyRequest;
use banata::client::{Client, ClientError};
use banata::store::KeyQuery;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// What the server acknowledged: keys created, keys revoked.
#[derive(Default)]
struct Ledger {
    created: BTreeSet<String>,
    revoked: BTreeSet<String>,
    operations: u64,
}

/// One client: create, sometimes revoke one of its keys, list; until `until`.
/// Returns the unexpected errors it saw.
async fn client_loop(
    client: Client,
    n: usize,
    until: Instant,
    ledger: Arc<Mutex<Ledger>>,
    tolerate_transport: bool,
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut mine: Vec<String> = Vec::new();
    let mut seq = 0;
    while Instant::now() < until {
        seq += 1;
        let request = CreateKeyRequest { name: Some(format!("c{n}-{seq}")), ..Default::default() };
        match client.create(&request).await {
            Ok(created) => {
                mine.push(created.api_key.id.clone());
                let mut ledger = ledger.lock().unwrap();
                ledger.created.insert(created.api_key.id);
                ledger.operations += 1;
            }
            Err(ClientError::Transport(_)) if tolerate_transport => break,
            Err(e) => errors.push(format!("create: {e}")),
        }
        if seq % 3 == 0 {
            if let Some(id) = mine.pop() {
                match client.delete(&id).await {
                    Ok(()) => {
                        let mut ledger = ledger.lock().unwrap();
                        ledger.revoked.insert(id);
                        ledger.operations += 1;
                    }
                    Err(ClientError::Transport(_)) if tolerate_transport => break,
                    Err(e) => errors.push(format!("delete: {e}")),
                }
            }
        }
        match client.list_page(20, None).await {
            Ok(_) => ledger.lock().unwrap().operations += 1,
            Err(ClientError::Transport(_)) if tolerate_transport => break,
            Err(e) => errors.push(format!("list: {e}")),
        }
    }
    errors
}

/// The project's keys in the database: (active, revoked), without the root key.
async fn stored(db: &TestDb, tenant: &Tenant) -> (BTreeSet<String>, BTreeSet<String>) {
    let store = db.store().await;
    let query = KeyQuery { include_revoked: true, limit: u32::MAX, ..Default::default() };
    let keys = store.keys().list(&tenant.project_id, &query, OffsetDateTime::now_utc()).await.unwrap();
    let (mut active, mut revoked) = (BTreeSet::new(), BTreeSet::new());
    for key in keys.into_iter().filter(|k| k.id != tenant.key_id) {
        if key.revoked_at.is_some() {
            revoked.insert(key.id);
        } else {
            active.insert(key.id);
        }
    }
    (active, revoked)
}

fn seconds() -> u64 {
    std::env::var("BANATA_STRESS_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30)
}

async fn fifty_clients_at_once_leave_a_consistent_state(backend: Backend) {
    // Fifty clients make thousands of keys: far past the default quota of
    // active keys, which has a test of its own.
    let app = TestApp::start_with(backend, &["--max-active-keys", "1000000"]).await;
    let tenant = Tenant::new(&app.db.store().await, "Busy").await;
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let until = Instant::now() + Duration::from_secs(seconds());
    let tasks: Vec<_> =
        (0..50).map(|n| tokio::spawn(client_loop(tenant.client(&app.base), n, until, ledger.clone(), false))).collect();
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    assert!(errors.is_empty(), "{} unexpected errors, first: {:?}", errors.len(), errors.first());
    let (active, revoked) = stored(&app.db, &tenant).await;
    // Every client has finished: take what they recorded.
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    assert!(ledger.operations > 500, "the load was real: {} operations", ledger.operations);
    assert_eq!(revoked, ledger.revoked, "exactly the acknowledged revokes");
    let expected: BTreeSet<String> = ledger.created.difference(&ledger.revoked).cloned().collect();
    assert_eq!(active, expected, "exactly the acknowledged creates, minus the revoked");
    let (operations, created) = (ledger.operations, ledger.created.len());
    let events = support::assert_audit_matches_keys(&app.db.store().await, &tenant.project_id).await;
    println!(
        "{backend:?}: {operations} operations by 50 clients, {created} keys, {} revoked, {events} audit events match",
        revoked.len()
    );
}

async fn acknowledged_writes_survive_a_kill(backend: Backend) {
    let db = TestDb::new(backend).await;
    let tenant = Tenant::new(&db.store().await, "Crash").await;
    let mut server = RealServer::start(&db.url, &[]);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let until = Instant::now() + Duration::from_secs(60);
    let tasks: Vec<_> = (0..10)
        .map(|n| tokio::spawn(client_loop(tenant.client(&server.base), n, until, ledger.clone(), true)))
        .collect();
    // Kill in the middle of the burst, once real work has been acknowledged.
    let started = Instant::now();
    while ledger.lock().unwrap().operations < 200 {
        assert!(started.elapsed() < Duration::from_secs(60), "the burst made no progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill();
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    assert!(errors.is_empty(), "only transport errors after the kill: {:?}", errors.first());

    // Restart on the same database; everything acknowledged is there.
    let _restarted = RealServer::start(&db.url, &[]);
    let (active, revoked) = stored(&db, &tenant).await;
    // Every client has finished: take what they recorded.
    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    assert!(
        ledger.created.is_subset(&active.union(&revoked).cloned().collect()),
        "every acknowledged create is stored"
    );
    assert!(ledger.revoked.is_subset(&revoked), "every acknowledged revoke is stored");
    let unacknowledged: Vec<_> = active.union(&revoked).filter(|k| !ledger.created.contains(*k)).collect();
    assert!(unacknowledged.len() <= 10, "at most one create in flight per client: {unacknowledged:?}");
    let (operations, landed) = (ledger.operations, unacknowledged.len());
    let events = support::assert_audit_matches_keys(&db.store().await, &tenant.project_id).await;
    println!(
        "{backend:?}: killed after {operations} acknowledged operations; {landed} in flight landed; {events} audit events match"
    );
}

on_both_backends!(fifty_clients_at_once_leave_a_consistent_state, acknowledged_writes_survive_a_kill);
