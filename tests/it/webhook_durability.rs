//! Webhooks survive what servers go through: a kill with deliveries due
//! (they go out after the restart, each once) and several instances
//! draining one queue (each event reaches each endpoint exactly once).

use super::webhooks::{endpoint, SETTINGS};
use crate::support::{
    admin_call, assert_ok, eventually, Backend, RealServer, Receiver, Reply, Tenant, TestApp, TestDb,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

/// Every `webhook-id` that arrived at `path`, with how many times.
fn counts(receiver: &Receiver, path: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for delivery in receiver.at(path) {
        *counts.entry(delivery.header("webhook-id").to_string()).or_default() += 1;
    }
    counts
}

/// The server dies (SIGKILL) while deliveries wait for their retry; the
/// restarted server sends each once.
async fn deliveries_due_at_a_kill_go_out_after_the_restart(backend: Backend) {
    let db = TestDb::new(backend).await;
    let tenant = Tenant::new(&db.store().await, "Kill").await;
    let receiver = Receiver::start().await;
    // Every first attempt fails, so all five wait for a retry when the server dies.
    receiver.script(std::iter::repeat_n(Reply::Status(503), 1));
    let args = ["--webhook-allowed-networks", "127.0.0.0/8", "--webhook-retry-schedule", "3", "--webhook-timeout", "2"];
    let mut server = RealServer::start(&db.url, &args);
    let client = reqwest::Client::new();
    let made = client
        .post(format!("{}/api/auth/banata/webhooks/create", server.base))
        .bearer_auth(&tenant.key)
        .json(&json!({"url": receiver.url("/hook"), "eventTypes": ["api_key.created"]}))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success());
    for n in 0..5 {
        let created = client
            .post(format!("{}/api/auth/api-key/create", server.base))
            .bearer_auth(&tenant.key)
            .json(&json!({"name": format!("k{n}")}))
            .send()
            .await
            .unwrap();
        assert!(created.status().is_success());
    }
    assert!(eventually(Duration::from_secs(20), || async { !receiver.at("/hook").is_empty() }).await);
    server.kill();
    let before = receiver.at("/hook").len();
    assert_eq!(before, 1, "the first failed; the rest wait behind it, in order");

    let _restarted = RealServer::start(&db.url, &args);
    let all_once = eventually(Duration::from_secs(30), || async { counts(&receiver, "/hook").len() == 5 }).await;
    assert!(all_once, "{:?}", counts(&receiver, "/hook"));
    // The first event arrived twice (its failed attempt and its retry); every other once.
    let mut times: Vec<usize> = counts(&receiver, "/hook").into_values().collect();
    times.sort();
    assert_eq!(times, [1, 1, 1, 1, 2], "each delivered once after the restart");
    let names: Vec<String> =
        receiver.at("/hook").iter().map(|d| d.json()["data"]["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["k0", "k0", "k1", "k2", "k3", "k4"], "in the order they happened");
}

/// Two PostgreSQL instances behind one load balancer drain one queue:
/// every event reaches every endpoint exactly once, in order.
async fn two_instances_deliver_each_event_once(backend: Backend) {
    let one = TestApp::start_with(backend, &SETTINGS).await;
    let two = TestApp::beside(&one, &SETTINGS).await;
    let tenant = Tenant::new(&one.db.store().await, "Pair").await;
    let receiver = Receiver::start().await;
    for path in ["/a", "/b", "/c"] {
        endpoint(&one, &tenant, &receiver.url(path), json!(["api_key.created"])).await;
    }
    for n in 0..30 {
        let app = if n % 2 == 0 { &one } else { &two };
        assert_ok(&admin_call(app, &tenant.key, "/api-key/create", json!({"name": format!("k{n:02}")})).await);
    }
    for path in ["/a", "/b", "/c"] {
        assert!(eventually(Duration::from_secs(30), || async { counts(&receiver, path).len() == 30 }).await);
    }
    // A late duplicate would show up here.
    let settled = eventually(Duration::from_secs(2), || async { receiver.received().len() > 90 }).await;
    assert!(!settled, "no event twice: {} requests", receiver.received().len());
    for path in ["/a", "/b", "/c"] {
        assert!(counts(&receiver, path).values().all(|n| *n == 1), "{path}: each once");
        let names: Vec<String> =
            receiver.at(path).iter().map(|d| d.json()["data"]["name"].as_str().unwrap().to_string()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{path}: in order");
    }
}

on_both_backends!(deliveries_due_at_a_kill_go_out_after_the_restart, two_instances_deliver_each_event_once);
