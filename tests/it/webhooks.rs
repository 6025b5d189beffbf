//! Webhooks as an app receives them: every change it cares about, signed
//! three ways, in order, retried, never lost, never sent where it must not
//! go. A real receiver on loopback; the server's settings as the README
//! gives them, with the retry schedule in seconds.

use crate::support;
use crate::support::{admin_call, assert_ok, assert_refused, eventually, sign_up_body, verifies, Browser};
use crate::support::{Backend, Receiver, Reply, Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const PASSWORD: &str = "correct horse";
/// Loopback allowed (the receiver runs there), retries after a second.
pub const SETTINGS: [&str; 6] = [
    "--webhook-allowed-networks",
    "127.0.0.0/8,::1/128",
    "--webhook-retry-schedule",
    "1,1,1,1",
    "--webhook-timeout",
    "2",
];
const WAIT: Duration = Duration::from_secs(20);

/// An endpoint of the tenant's project at `url`; its id and secret.
pub async fn endpoint(app: &TestApp, tenant: &Tenant, url: &str, types: Value) -> (String, String) {
    let made = admin_call(app, &tenant.key, "/banata/webhooks/create", json!({"url": url, "eventTypes": types})).await;
    assert_ok(&made);
    let secret = made.body["secret"].as_str().unwrap().to_string();
    (made.body["id"].as_str().unwrap().to_string(), secret)
}

async fn arrived(receiver: &Receiver, path: &str, count: usize) -> bool {
    eventually(WAIT, || async { receiver.at(path).len() >= count }).await
}

async fn endpoint_state(app: &TestApp, tenant: &Tenant, id: &str) -> Value {
    let listed = admin_call(app, &tenant.key, "/banata/webhooks/list", json!({})).await;
    assert_ok(&listed);
    listed.body["data"].as_array().unwrap().iter().find(|e| e["id"] == id).cloned().unwrap_or(Value::Null)
}

/// A user signs up, signs out and in, is banned; an organization is made;
/// a key is made and revoked: the app hears each, in order, each delivery
/// signed so that all three verifiers accept it, with no secret in it,
/// and the events API lists the same events.
async fn an_app_hears_every_change_in_order(backend: Backend) {
    let app = TestApp::start_with(backend, &SETTINGS).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Hears").await;
    let receiver = Receiver::start().await;
    let (id, secret) = endpoint(&app, &tenant, &receiver.url("/all"), json!([])).await;
    assert!(secret.starts_with("whsec_") && secret.len() == 70, "{secret}");
    let listed = admin_call(&app, &tenant.key, "/banata/webhooks/list", json!({})).await;
    assert!(!listed.text.contains(&secret[6..]), "the secret is shown once: {}", listed.text);
    assert_eq!(listed.body["data"][0]["id"], id);
    let (_, sessions_secret) = endpoint(&app, &tenant, &receiver.url("/sessions"), json!(["session.created"])).await;

    let email = support::email();
    let browser = Browser::new(&app, &tenant.key);
    assert_ok(&browser.post("/sign-up/email", sign_up_body(&email, PASSWORD)).await);
    assert_ok(&browser.post("/sign-out", json!({})).await);
    assert_ok(&browser.post("/sign-in/email", json!({"email": email, "password": PASSWORD})).await);
    let user_id = browser.session().await["user"]["id"].as_str().unwrap().to_string();
    let made = browser.post("/organization/create", json!({"name": "Acme", "slug": "acme-hears"})).await;
    assert_ok(&made);
    assert_ok(&admin_call(&app, &tenant.key, "/admin/ban-user", json!({"userId": user_id})).await);
    let key = admin_call(&app, &tenant.key, "/api-key/create", json!({"name": "worker"})).await;
    assert_ok(&key);
    let key_secret = key.body["key"].as_str().unwrap().to_string();
    let key_id = key.body["id"].as_str().unwrap().to_string();
    assert_ok(&admin_call(&app, &tenant.key, "/api-key/delete", json!({"keyId": key_id})).await);

    let expected = [
        "user.created",
        "session.created",
        "session.revoked",
        "session.created",
        "organization.created",
        "member.added",
        "session.revoked",
        "user.banned",
        "api_key.created",
        "api_key.revoked",
    ];
    assert!(arrived(&receiver, "/all", expected.len()).await, "got {:?}", receiver.types_at("/all"));
    assert_eq!(receiver.types_at("/all"), expected, "every change, in the order it happened");
    assert_eq!(receiver.types_at("/sessions"), ["session.created", "session.created"], "only what it subscribed to");
    for delivery in receiver.at("/all") {
        assert!(verifies(&delivery, &secret), "signed for every verifier: {:?}", delivery.headers);
        assert!(!verifies(&delivery, &sessions_secret), "and only with its endpoint's secret");
        let body = delivery.json();
        assert_eq!(delivery.header("webhook-id"), body["id"]);
        assert_eq!(delivery.header("content-type"), "application/json");
        assert_eq!(delivery.header("user-agent"), "Banata-Webhooks/1");
        for name in ["type", "event"] {
            assert_eq!(body[name], body["type"], "{name}");
        }
        for name in ["timestamp", "createdAt", "created_at"] {
            assert!(body[name].as_str().is_some_and(|t| t.ends_with('Z')), "{name}: {body}");
        }
        for secret in [PASSWORD, &key_secret, "password", "token"] {
            assert!(!delivery.body.contains(secret), "no secret in {}", delivery.body);
        }
    }
    let all = receiver.at("/all");
    assert_eq!(all[0].json()["data"]["email"], email.to_lowercase(), "the user as the admin API shows it");
    assert_eq!(all[1].json()["data"]["userId"], user_id);
    assert_eq!(all[4].json()["data"]["slug"], "acme-hears");
    assert_eq!(all[8].json()["data"]["id"], key_id);

    let events = admin_call(&app, &tenant.key, "/banata/events/list", json!({"order": "asc", "limit": 200})).await;
    assert_ok(&events);
    let ids: Vec<&str> = events.body["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    let delivered: Vec<String> = all.iter().map(|d| d.header("webhook-id").to_string()).collect();
    // The tenant's first key was made before any endpoint: listed, never delivered.
    assert_eq!(ids[1..], delivered, "the events API lists what the webhooks carried");
    assert_eq!(events.body["data"][0]["type"], "api_key.created");
    assert!(events.body["data"][0]["createdAt"].is_i64(), "epoch ms: {}", events.text);

    // The receiver has the last request before the server has recorded its answer.
    let counted =
        eventually(WAIT, || async { endpoint_state(&app, &tenant, &id).await["successCount"] == expected.len() });
    assert!(counted.await, "{}", endpoint_state(&app, &tenant, &id).await);
    let state = endpoint_state(&app, &tenant, &id).await;
    assert_eq!(state["successCount"], expected.len());
    assert_eq!(state["lastDeliveryStatus"], "success");
}

/// 500, then 200: one event, delivered on the second attempt with the same
/// id and body, a fresh timestamp and signature; the dashboard's numbers follow.
async fn a_failed_attempt_is_retried_with_the_same_bytes(backend: Backend) {
    let app = TestApp::start_with(backend, &SETTINGS).await;
    let tenant = Tenant::new(&app.db.store().await, "Retry").await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(500)]);
    let (id, secret) = endpoint(&app, &tenant, &receiver.url("/hook"), json!(["user.created"])).await;
    let browser = Browser::new(&app, &tenant.key);
    assert_ok(&browser.post("/sign-up/email", sign_up_body(&support::email(), PASSWORD)).await);
    assert!(arrived(&receiver, "/hook", 2).await, "retried: {:?}", receiver.types_at("/hook"));
    let [first, second] = <[_; 2]>::try_from(receiver.at("/hook")).unwrap();
    assert_eq!(first.header("webhook-id"), second.header("webhook-id"));
    assert_eq!(first.body, second.body, "the same bytes");
    assert!(second.header("webhook-timestamp") > first.header("webhook-timestamp"), "a fresh timestamp");
    assert_ne!(first.header("webhook-signature"), second.header("webhook-signature"));
    assert!(verifies(&first, &secret) && verifies(&second, &secret));
    let done = eventually(WAIT, || async {
        let listed = admin_call(&app, &tenant.key, "/banata/webhooks/deliveries/list", json!({"endpointId": id})).await;
        listed.body["data"][0]["status"] == "succeeded"
    })
    .await;
    assert!(done, "recorded as delivered");
    let listed = admin_call(&app, &tenant.key, "/banata/webhooks/deliveries/list", json!({"endpointId": id})).await;
    let delivery = &listed.body["data"][0];
    assert_eq!((delivery["attempts"].clone(), delivery["lastHttpStatus"].clone()), (json!(2), json!(200)));
    let state = endpoint_state(&app, &tenant, &id).await;
    assert_eq!((state["successCount"].clone(), state["failureCount"].clone()), (json!(1), json!(1)));
    assert_eq!(receiver.at("/hook").len(), 2, "once delivered, never again");
}

/// A receiver that never answers: the attempt ends at the timeout and is
/// retried; a redirect is a failure and is not followed.
async fn hangs_time_out_and_redirects_are_not_followed(backend: Backend) {
    let app = TestApp::start_with(backend, &SETTINGS).await;
    let tenant = Tenant::new(&app.db.store().await, "Hang").await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Hang(30), Reply::Redirect(receiver.url("/elsewhere"))]);
    let (id, _) = endpoint(&app, &tenant, &receiver.url("/hook"), json!(["user.created"])).await;
    assert_ok(&Browser::new(&app, &tenant.key).post("/sign-up/email", sign_up_body(&support::email(), PASSWORD)).await);
    assert!(arrived(&receiver, "/hook", 3).await, "tried again after the timeout and the redirect");
    assert!(receiver.at("/elsewhere").is_empty(), "a redirect is never followed");
    // The receiver has the third request before the server has recorded its answer.
    let recorded = eventually(WAIT, || async {
        let listed = admin_call(&app, &tenant.key, "/banata/webhooks/deliveries/list", json!({"endpointId": id})).await;
        listed.body["data"][0]["status"] == "succeeded"
    });
    assert!(recorded.await, "delivered on the third attempt");
    let listed = admin_call(&app, &tenant.key, "/banata/webhooks/deliveries/list", json!({"endpointId": id})).await;
    assert_eq!(listed.body["data"][0]["status"], "succeeded", "{}", listed.text);
    assert_eq!(listed.body["data"][0]["attempts"], 3);
}

/// 410 disables the endpoint at once; three failed deliveries in a row
/// disable another as failing; re-enabling clears the failures.
async fn gone_and_failing_endpoints_are_disabled(backend: Backend) {
    let args = ["--webhook-allowed-networks", "127.0.0.0/8", "--webhook-retry-schedule", "1", "--webhook-timeout", "2"];
    let app = TestApp::start_with(backend, &args).await;
    let tenant = Tenant::new(&app.db.store().await, "Gone").await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(410)]);
    let (gone, _) = endpoint(&app, &tenant, &receiver.url("/gone"), json!(["api_key.created"])).await;
    assert_ok(&admin_call(&app, &tenant.key, "/api-key/create", json!({"name": "one"})).await);
    assert!(
        eventually(WAIT, || async { endpoint_state(&app, &tenant, &gone).await["disabledReason"] == "gone" }).await
    );
    assert_eq!(endpoint_state(&app, &tenant, &gone).await["enabled"], false);

    let failing = Receiver::start().await;
    failing.script(std::iter::repeat_n(Reply::Status(503), 6));
    let (id, _) = endpoint(&app, &tenant, &failing.url("/fail"), json!(["api_key.created"])).await;
    for name in ["two", "three", "four"] {
        assert_ok(&admin_call(&app, &tenant.key, "/api-key/create", json!({"name": name})).await);
    }
    let disabled =
        eventually(WAIT, || async { endpoint_state(&app, &tenant, &id).await["disabledReason"] == "failing" });
    assert!(disabled.await, "{}", endpoint_state(&app, &tenant, &id).await);
    let state = endpoint_state(&app, &tenant, &id).await;
    assert_eq!((state["consecutiveFailures"].clone(), state["failureCount"].clone()), (json!(3), json!(6)));
    assert_eq!(failing.at("/fail").len(), 6, "two attempts each, then nothing");
    assert_eq!(receiver.at("/gone").len(), 1, "a gone endpoint hears nothing more");

    let enabled = admin_call(&app, &tenant.key, "/banata/webhooks/update", json!({"id": id, "enabled": true})).await;
    assert_ok(&enabled);
    assert_eq!((enabled.body["enabled"].clone(), enabled.body["consecutiveFailures"].clone()), (json!(true), json!(0)));
    assert_eq!(enabled.body["disabledReason"], Value::Null);
}

/// An endpoint deleted while a delivery waits for its retry: nothing more
/// goes to it.
async fn a_deleted_endpoint_receives_nothing_pending(backend: Backend) {
    let args = ["--webhook-allowed-networks", "127.0.0.0/8", "--webhook-retry-schedule", "2", "--webhook-timeout", "2"];
    let app = TestApp::start_with(backend, &args).await;
    let tenant = Tenant::new(&app.db.store().await, "Deleted").await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(500)]);
    let (doomed, _) = endpoint(&app, &tenant, &receiver.url("/doomed"), json!(["api_key.created"])).await;
    assert_ok(&admin_call(&app, &tenant.key, "/api-key/create", json!({"name": "one"})).await);
    assert!(arrived(&receiver, "/doomed", 1).await);
    let pending = || admin_call(&app, &tenant.key, "/banata/webhooks/deliveries/list", json!({"status": "pending"}));
    // The failed attempt is recorded a moment after the receiver answered it.
    assert!(eventually(WAIT, || async { pending().await.body["data"][0]["attempts"] == 1 }).await);
    let waiting = pending().await;
    let retry_at = waiting.body["data"][0]["nextAttemptAt"].as_str().expect("a retry is due").to_string();
    assert_ok(&admin_call(&app, &tenant.key, "/banata/webhooks/delete", json!({"id": doomed})).await);
    let due = time::OffsetDateTime::parse(&retry_at, &time::format_description::well_known::Rfc3339).unwrap();
    assert!(eventually(WAIT, || async { time::OffsetDateTime::now_utc() > due + time::Duration::seconds(1) }).await);
    let (_, _) = endpoint(&app, &tenant, &receiver.url("/after"), json!(["api_key.created"])).await;
    assert_ok(&admin_call(&app, &tenant.key, "/api-key/create", json!({"name": "two"})).await);
    assert!(arrived(&receiver, "/after", 1).await);
    assert_eq!(receiver.at("/doomed").len(), 1, "the pending retry never went out");
    let gone = admin_call(&app, &tenant.key, "/banata/webhooks/deliveries/list", json!({"endpointId": doomed})).await;
    assert_eq!(gone.body["data"], json!([]));
}

/// Project A's endpoint hears only A; B's key cannot see, change, test or
/// retry anything of A's.
async fn projects_never_hear_or_touch_each_others(backend: Backend) {
    let app = TestApp::start_with(backend, &SETTINGS).await;
    let store = app.db.store().await;
    let (a, b) = (Tenant::new(&store, "A").await, Tenant::new(&store, "B").await);
    let receiver = Receiver::start().await;
    let (a_id, _) = endpoint(&app, &a, &receiver.url("/a"), json!([])).await;
    endpoint(&app, &b, &receiver.url("/b"), json!([])).await;
    assert_ok(&admin_call(&app, &b.key, "/api-key/create", json!({"name": "b-only"})).await);
    assert_ok(&admin_call(&app, &a.key, "/api-key/create", json!({"name": "a-only"})).await);
    assert!(arrived(&receiver, "/a", 1).await && arrived(&receiver, "/b", 1).await);
    assert!(receiver.at("/a").iter().all(|d| d.json()["data"]["name"] == "a-only"), "{:?}", receiver.types_at("/a"));
    let a_delivery = admin_call(&app, &a.key, "/banata/webhooks/deliveries/list", json!({})).await;
    let delivery_id = a_delivery.body["data"][0]["id"].as_str().unwrap().to_string();
    for (path, body) in [
        ("/banata/webhooks/update", json!({"id": a_id, "enabled": false})),
        ("/banata/webhooks/delete", json!({"id": a_id})),
        ("/banata/webhooks/test", json!({"id": a_id})),
        ("/banata/webhooks/rotate-secret", json!({"id": a_id})),
        ("/banata/webhooks/deliveries/retry", json!({"deliveryId": delivery_id})),
    ] {
        let got = admin_call(&app, &b.key, path, body).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{path}: {}", got.text);
    }
    let b_sees = admin_call(&app, &b.key, "/banata/webhooks/deliveries/list", json!({"endpointId": a_id})).await;
    assert_eq!(b_sees.body["data"], json!([]));
    let events = admin_call(&app, &b.key, "/banata/events/list", json!({})).await;
    assert!(!events.text.contains("a-only"), "{}", events.text);
    assert_eq!(endpoint_state(&app, &a, &a_id).await["enabled"], true, "nothing of A's changed");
    let named = admin_call(&app, &b.key, "/banata/webhooks/list", json!({"projectId": a.project_id})).await;
    assert_refused(&named, StatusCode::FORBIDDEN, "PROJECT_MISMATCH");
}

/// A rotated secret: both sign during the grace, only the new one after.
async fn a_rotated_secret_signs_beside_the_old_one_until_the_grace_ends(backend: Backend) {
    let app = TestApp::start_with(backend, &SETTINGS).await;
    let tenant = Tenant::new(&app.db.store().await, "Rotate").await;
    let receiver = Receiver::start().await;
    let (id, old) = endpoint(&app, &tenant, &receiver.url("/hook"), json!([])).await;
    let rotated =
        admin_call(&app, &tenant.key, "/banata/webhooks/rotate-secret", json!({"id": id, "graceSeconds": 3600})).await;
    assert_ok(&rotated);
    let new = rotated.body["secret"].as_str().unwrap().to_string();
    assert_ne!(old, new);
    assert_ok(&admin_call(&app, &tenant.key, "/banata/webhooks/test", json!({"id": id})).await);
    assert!(arrived(&receiver, "/hook", 1).await);
    let during = &receiver.at("/hook")[0];
    assert_eq!(during.json()["type"], "webhook.test");
    assert_eq!(during.json()["data"]["endpointId"], id);
    assert!(verifies(during, &new), "the new secret leads and ends the header");
    let v1: Vec<&str> = during.header("webhook-signature").split(',').filter(|p| p.starts_with("v1=")).collect();
    assert_eq!(v1.len(), 4, "new, old, old, new");
    assert_eq!(during.header("svix-signature").split(' ').count(), 2, "svix tries each");

    let again =
        admin_call(&app, &tenant.key, "/banata/webhooks/rotate-secret", json!({"id": id, "graceSeconds": 0})).await;
    let newest = again.body["secret"].as_str().unwrap().to_string();
    assert_ok(&admin_call(&app, &tenant.key, "/banata/webhooks/test", json!({"id": id})).await);
    assert!(arrived(&receiver, "/hook", 2).await);
    let after = &receiver.at("/hook")[1];
    assert!(verifies(after, &newest));
    assert!(!verifies(after, &new), "the old secret no longer signs after its grace");
    assert_eq!(after.header("webhook-signature").split(',').count(), 3, "t and two v1");
}

/// A receiver on a private address is refused at create, and again at
/// delivery when the operator no longer allows it.
async fn private_addresses_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Private").await;
    for url in [
        "http://127.0.0.1:9/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.8/hook",
        "https://[::1]/hook",
        "https://localhost/hook",
        "http://example.com/hook",
        "ftp://example.com/hook",
        "",
    ] {
        let got = admin_call(&app, &tenant.key, "/banata/webhooks/create", json!({"url": url})).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{url}: {}", got.text);
    }
    let listed = admin_call(&app, &tenant.key, "/banata/webhooks/list", json!({})).await;
    assert_eq!(listed.body["data"], json!([]), "nothing made");

    // An endpoint made while loopback was allowed, on a server that no longer allows it.
    let receiver = Receiver::start().await;
    let made = banata::store::NewEndpoint {
        id: "wh_madewhileallowed".into(),
        project_id: tenant.project_id.clone(),
        url: receiver.url("/hook"),
        event_types: vec![],
        enabled: true,
        secret: "whsec_00".into(),
        at: time::OffsetDateTime::now_utc(),
    };
    store.webhooks().create_endpoint(&made).await.unwrap();
    assert_ok(&admin_call(&app, &tenant.key, "/banata/webhooks/test", json!({"id": made.id})).await);
    let refused = eventually(WAIT, || async {
        let listed = admin_call(&app, &tenant.key, "/banata/webhooks/deliveries/list", json!({})).await;
        listed.body["data"][0]["lastError"].as_str().is_some_and(|e| e.contains("private"))
    });
    assert!(refused.await);
    assert!(receiver.received().is_empty(), "nothing reached the private address");
}

on_both_backends!(
    an_app_hears_every_change_in_order,
    a_failed_attempt_is_retried_with_the_same_bytes,
    hangs_time_out_and_redirects_are_not_followed,
    gone_and_failing_endpoints_are_disabled,
    a_deleted_endpoint_receives_nothing_pending,
    projects_never_hear_or_touch_each_others,
    a_rotated_secret_signs_beside_the_old_one_until_the_grace_ends,
    private_addresses_are_refused,
);
