//! The events API and the audit logs API as the admin SDK calls them, and
//! every endpoint of this issue refusing bad input without changing anything.

use crate::support::{admin_call, assert_ok, assert_refused, Backend, Tenant, TestApp};
use banata::domain::AuditAction;
use banata::store::AuditQuery;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn make_keys(app: &TestApp, tenant: &Tenant, names: &[&str]) {
    for name in names {
        assert_ok(&admin_call(app, &tenant.key, "/api-key/create", json!({"name": name})).await);
    }
}

fn names(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["data"]["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Newest first by default; `asc` with `after` catches up page by page;
/// types and time ranges narrow; `cursor` only when more follow.
async fn events_page_filter_and_catch_up(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Events").await;
    make_keys(&app, &tenant, &["e1", "e2", "e3", "e4", "e5"]).await;
    let newest =
        admin_call(&app, &tenant.key, "/banata/events/list", json!({"eventTypes": ["api_key.created"], "limit": 2}))
            .await;
    assert_ok(&newest);
    assert_eq!(names(&newest.body), ["e5", "e4"]);
    assert_eq!(newest.body["hasMore"], true);
    let cursor = newest.body["cursor"].as_str().unwrap().to_string();
    let older = admin_call(
        &app,
        &tenant.key,
        "/banata/events/list",
        json!({"eventTypes": ["api_key.created"], "limit": 2, "after": cursor}),
    )
    .await;
    assert_eq!(names(&older.body), ["e3", "e2"]);

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = json!({"eventTypes": ["api_key.created"], "order": "asc", "limit": 2, "after": after});
        let page = admin_call(&app, &tenant.key, "/banata/events/list", body).await;
        assert_ok(&page);
        seen.extend(names(&page.body));
        if page.body["hasMore"] != true {
            assert!(page.body.get("cursor").is_none(), "no cursor on the last page");
            break;
        }
        after = page.body["cursor"].as_str().map(str::to_string);
    }
    assert_eq!(
        seen,
        ["root", "e1", "e2", "e3", "e4", "e5"],
        "catch-up polling sees each once, in order (the tenant's own key first)"
    );

    let all = admin_call(&app, &tenant.key, "/banata/events/list", json!({"order": "asc", "limit": 200})).await;
    let times: Vec<i64> =
        all.body["data"].as_array().unwrap().iter().map(|e| e["createdAt"].as_i64().unwrap()).collect();
    let (first, last) = (times[0], times[times.len() - 1]);
    let ranged = admin_call(&app, &tenant.key, "/banata/events/list", json!({"rangeStart": last + 1})).await;
    assert_eq!(ranged.body["data"], json!([]), "nothing after the last");
    let ranged =
        admin_call(&app, &tenant.key, "/banata/events/list", json!({"rangeStart": first, "rangeEnd": last})).await;
    assert_eq!(ranged.body["data"].as_array().unwrap().len(), times.len());
    let revoked =
        admin_call(&app, &tenant.key, "/banata/events/list", json!({"eventTypes": ["api_key.deleted"]})).await;
    assert_eq!(revoked.body["data"], json!([]), "Banata's alias names the same type");
}

/// The SDK's `auditLogs`: create (JSON strings, as it sends them), the same
/// idempotency key returns the first record, list newest first with real
/// cursors, export within dates, as JSON and as CSV; our own records read
/// in the same shape; the dashboard's log shows the app's record.
async fn audit_logs_api_writes_and_reads_the_projects_log(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Audit").await;
    make_keys(&app, &tenant, &["audited"]).await;
    let record = json!({
        "action": "document.shared", "actorType": "user", "actorId": "usr_42", "actorName": "Ada",
        "actorEmail": "ada@example.com", "targets": "[{\"type\":\"document\",\"id\":\"doc_1\",\"name\":\"Plan\"}]",
        "changes": "{\"before\":{\"shared\":false},\"after\":{\"shared\":true}}", "metadata": "{\"via\":\"link\"}",
        "organizationId": "org_9", "ipAddress": "203.0.113.5", "idempotencyKey": "share-1", "occurredAt": 1_700_000_000_000_i64,
    });
    let made = admin_call(&app, &tenant.key, "/banata/audit-logs/create", record.clone()).await;
    assert_ok(&made);
    assert_eq!(made.body["actor"], json!({"type": "user", "id": "usr_42", "name": "Ada", "email": "ada@example.com"}));
    assert_eq!(made.body["targets"][0]["id"], "doc_1");
    assert_eq!(made.body["changes"]["after"]["shared"], true);
    assert_eq!(made.body["context"]["organizationId"], "org_9");
    assert_eq!(made.body["occurredAt"], "2023-11-14T22:13:20.000Z");
    let again = admin_call(&app, &tenant.key, "/banata/audit-logs/create", record).await;
    assert_eq!(again.body["id"], made.body["id"], "the same key returns the first record");

    let listed = admin_call(&app, &tenant.key, "/banata/audit-logs/list", json!({"limit": 1})).await;
    assert_ok(&listed);
    assert_eq!(listed.body["data"][0]["action"], "document.shared", "newest first");
    let after = listed.body["listMetadata"]["after"].clone();
    let older = admin_call(&app, &tenant.key, "/banata/audit-logs/list", json!({"limit": 1, "after": after})).await;
    assert_eq!(older.body["data"][0]["action"], "api_key.created", "ours, in the same shape: {}", older.text);
    assert_eq!(older.body["data"][0]["actor"]["type"], "api_key");
    assert_eq!(older.body["data"][0]["targets"][0]["name"], "audited");
    let only = admin_call(&app, &tenant.key, "/banata/audit-logs/list", json!({"organizationId": "org_9"})).await;
    assert_eq!(only.body["data"].as_array().unwrap().len(), 1);

    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let exported = admin_call(
        &app,
        &tenant.key,
        "/banata/audit-logs/export",
        json!({"startDate": now_ms - 3_600_000, "endDate": now_ms + 60_000, "limit": 1}),
    )
    .await;
    assert_ok(&exported);
    assert_eq!(exported.body["count"], 1);
    let cursor = exported.body["nextCursor"].clone();
    assert!(cursor.is_i64(), "{}", exported.text);
    let rest =
        admin_call(&app, &tenant.key, "/banata/audit-logs/export", json!({"cursor": cursor, "limit": 1000})).await;
    assert_eq!(rest.body["nextCursor"], Value::Null);
    let before_all = admin_call(&app, &tenant.key, "/banata/audit-logs/export", json!({"endDate": 1_000})).await;
    assert_eq!(before_all.body["count"], 0, "the date range is honoured");
    let csv = admin_call(&app, &tenant.key, "/banata/audit-logs/export", json!({"format": "csv"})).await;
    let text = csv.body["data"].as_str().unwrap();
    assert!(text.starts_with("id,occurredAt,action") && text.contains("document.shared"), "{text}");

    // The dashboard's Audit log reads the same records: the app's shows under its own name.
    let store = app.db.store().await;
    let logged =
        store.audit().events(&tenant.project_id, &AuditQuery { limit: 10, ..AuditQuery::default() }).await.unwrap();
    let app_record =
        logged.iter().find(|e| e.action_name == "document.shared").expect("the app's record is in the log");
    assert_eq!((app_record.action, app_record.actor_name.as_str()), (AuditAction::AppRecorded, "Ada"));
}

/// Empty, too long, wrong type, unknown id, another project's id, a
/// read-only key, no key, `x-api-key` alone, a huge body: each a clear
/// error, and nothing changed.
async fn bad_input_changes_nothing(backend: Backend) {
    let app = TestApp::start_with(backend, &["--webhook-allowed-networks", "127.0.0.0/8"]).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Bad").await;
    let call = |path: &'static str, body: Value| admin_call(&app, &tenant.key, path, body);
    let long = format!("https://example.com/{}", "a".repeat(3000));
    for (path, body) in [
        ("/banata/webhooks/create", json!({})),
        ("/banata/webhooks/create", json!({"url": long})),
        ("/banata/webhooks/create", json!({"url": "http://127.0.0.1:9/x", "eventTypes": ["user.exploded"]})),
        ("/banata/webhooks/create", json!({"url": "http://127.0.0.1:9/x", "eventTypes": "user.created"})),
        ("/banata/webhooks/create", json!({"url": 42})),
        ("/banata/webhooks/deliveries/list", json!({"status": "lost"})),
        ("/banata/webhooks/rotate-secret", json!({"id": "wh_x", "graceSeconds": -1})),
        ("/banata/events/list", json!({"limit": 0})),
        ("/banata/events/list", json!({"limit": 201})),
        ("/banata/events/list", json!({"order": "sideways"})),
        ("/banata/events/list", json!({"eventTypes": ["nope"]})),
        ("/banata/audit-logs/create", json!({"action": "x"})),
        ("/banata/audit-logs/create", json!({"action": "a b", "actorType": "user", "actorId": "u"})),
        (
            "/banata/audit-logs/create",
            json!({"action": "x.y", "actorType": "user", "actorId": "u", "targets": "{not json"}),
        ),
        ("/banata/audit-logs/create", json!({"action": "x.y", "actorType": "user", "actorId": "u", "metadata": "[1]"})),
        ("/banata/audit-logs/list", json!({"limit": 500})),
        ("/banata/audit-logs/export", json!({"format": "xml"})),
    ] {
        let got = call(path, body.clone()).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{path} {body}: {}", got.text);
        assert!(got.body["code"].is_string() && got.body["message"].is_string(), "{}", got.text);
    }
    for (path, body) in [
        ("/banata/webhooks/update", json!({"id": "wh_unknown", "enabled": false})),
        ("/banata/webhooks/delete", json!({"id": "wh_unknown"})),
        ("/banata/webhooks/test", json!({"id": ""})),
        ("/banata/webhooks/deliveries/retry", json!({"deliveryId": "dlv_999999"})),
        ("/banata/webhooks/deliveries/retry", json!({"deliveryId": "nonsense"})),
        ("/banata/events/list", json!({"after": "evt_unknown"})),
    ] {
        let got = call(path, body.clone()).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{path} {body}: {}", got.text);
    }
    let made = call("/banata/webhooks/create", json!({"url": "http://127.0.0.1:9/ok"})).await;
    assert_ok(&made);
    let id = made.body["id"].as_str().unwrap().to_string();
    let bad_update = call("/banata/webhooks/update", json!({"id": id, "url": "https://10.1.1.1/x"})).await;
    assert_eq!(bad_update.status, StatusCode::BAD_REQUEST);

    let read_only = banata::services::keys::KeySpec {
        project_id: &tenant.project_id,
        name: "reader".into(),
        permissions: vec![banata::domain::READ_KEYS.to_string()],
        expires_at: None,
    };
    let actor = crate::support::key_actor(&tenant.key_id);
    let reader =
        banata::services::keys::issue(&*store, read_only, &actor, time::OffsetDateTime::now_utc()).await.unwrap();
    let listed = admin_call(&app, &reader.secret, "/banata/webhooks/list", json!({})).await;
    assert_ok(&listed);
    assert_ok(&admin_call(&app, &reader.secret, "/banata/audit-logs/list", json!({})).await);
    for (path, body) in [
        ("/banata/webhooks/create", json!({"url": "http://127.0.0.1:9/x"})),
        ("/banata/webhooks/delete", json!({"id": id})),
        ("/banata/audit-logs/create", json!({"action": "x.y", "actorType": "user", "actorId": "u"})),
    ] {
        let got = admin_call(&app, &reader.secret, path, body).await;
        assert_eq!(got.status, StatusCode::FORBIDDEN, "{path}: {}", got.text);
    }
    for key in ["", "sk_live_malformed", "Bearer"] {
        let got = admin_call(&app, key, "/banata/webhooks/list", json!({})).await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED, "{key:?}: {}", got.text);
    }
    let through_the_app = crate::support::answer(
        app.client
            .post(app.url("/api/auth/banata/webhooks/create"))
            .header("x-api-key", &tenant.key)
            .json(&json!({"url": "http://127.0.0.1:9/x"})),
    )
    .await;
    assert_refused(&through_the_app, StatusCode::UNAUTHORIZED, "INVALID_API_KEY");
    let huge = json!({"action": "x.y", "actorType": "user", "actorId": "u", "metadata": {"pad": "x".repeat(70_000)}});
    assert_eq!(call("/banata/audit-logs/create", huge).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    let not_json = app
        .client
        .post(app.url("/api/auth/banata/events/list"))
        .bearer_auth(&tenant.key)
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);

    let endpoints = call("/banata/webhooks/list", json!({})).await;
    assert_eq!(endpoints.body["data"].as_array().unwrap().len(), 1, "only the one good create");
    assert_eq!(endpoints.body["data"][0]["url"], "http://127.0.0.1:9/ok", "no bad update landed");
    let records = call("/banata/audit-logs/list", json!({"action": "x.y"})).await;
    assert_eq!(records.body["data"], json!([]), "no bad record landed");
}

/// After a month events go, with their finished deliveries; one still to
/// be delivered stays.
async fn old_events_are_swept_but_not_undelivered_ones(backend: Backend) {
    let app = TestApp::start_with(
        backend,
        &["--webhook-allowed-networks", "127.0.0.0/8", "--webhook-retry-schedule", "3600"],
    )
    .await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Sweep").await;
    make_keys(&app, &tenant, &["before"]).await;
    let made =
        admin_call(&app, &tenant.key, "/banata/webhooks/create", json!({"url": "http://127.0.0.1:9/dead"})).await;
    assert_ok(&made);
    make_keys(&app, &tenant, &["waiting"]).await;
    let later = time::OffsetDateTime::now_utc() + time::Duration::seconds(1);
    assert_eq!(store.events().sweep(later).await.unwrap(), 2, "the tenant's first key and `before`");
    let left = admin_call(&app, &tenant.key, "/banata/events/list", json!({})).await;
    assert_eq!(names(&left.body), ["waiting"], "its delivery is still to be made");
}

on_both_backends!(
    old_events_are_swept_but_not_undelivered_ones,
    events_page_filter_and_catch_up,
    audit_logs_api_writes_and_reads_the_projects_log,
    bad_input_changes_nothing,
);
