//! The admin SDK's `webhooks`, `events` and `auditLogs` resources
//! (`@banata-auth/sdk` 0.2, `packages/sdk/src/resources/{webhooks,events,
//! audit-logs}.ts`), every method, sent as its `HttpClient` sends them
//! (POST, JSON, `Authorization: Bearer`, its User-Agent, the exact body
//! keys: `targets`, `changes` and `metadata` as JSON strings, times in ms)
//! and read as it reads the answers (raw JSON, no mapping). Banata's own
//! server answers these but never delivers a webhook; ours does (webhooks.rs).

use crate::support::{answer, Answer, Backend, Tenant, TestApp};
use serde_json::{json, Value};

/// One SDK request: `HttpClient.request("POST", path, {body})`.
async fn sdk(app: &TestApp, key: &str, path: &str, body: Value) -> Answer {
    let request = app
        .client
        .post(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .header("user-agent", "banata-auth-sdk/0.1.0")
        .body(body.to_string());
    let got = answer(request).await;
    assert!(got.status.is_success(), "{path} {body}: {} {}", got.status, got.text);
    assert!(!got.text.is_empty(), "{path}: the SDK parses every 2xx body as JSON");
    got
}

const W: &str = "/api/auth/banata/webhooks";

async fn every_method_of_webhooks_events_and_audit_logs(backend: Backend) {
    let app = TestApp::start_with(backend, &["--webhook-allowed-networks", "127.0.0.0/8"]).await;
    let tenant = Tenant::new(&app.db.store().await, "SDK").await;
    let key = tenant.key.as_str();

    // webhooks.createEndpoint(opts): opts verbatim; the docs' `events` too.
    let made =
        sdk(&app, key, &format!("{W}/create"), json!({"url": "http://127.0.0.1:9/a", "eventTypes": ["user.created"]}))
            .await;
    assert!(made.body["secret"].as_str().is_some_and(|s| s.starts_with("whsec_")));
    assert_eq!(made.body["eventTypes"], json!(["user.created"]), "an array, as the SDK's type says");
    for field in [
        "id",
        "url",
        "enabled",
        "successCount",
        "failureCount",
        "lastDeliveryAt",
        "lastDeliveryStatus",
        "createdAt",
        "updatedAt",
    ] {
        assert!(made.body.get(field).is_some(), "{field}: {}", made.text);
    }
    let docs =
        sdk(&app, key, &format!("{W}/create"), json!({"url": "http://127.0.0.1:9/b", "events": ["member.joined"]}))
            .await;
    assert_eq!(docs.body["eventTypes"], json!(["member.added"]), "the docs' alias");
    let id = made.body["id"].as_str().unwrap().to_string();

    // webhooks.listEndpoints(): `{}`; with options, `{limit, after}`.
    let listed = sdk(&app, key, &format!("{W}/list"), json!({})).await;
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(2));
    assert!(listed.body["listMetadata"].get("after").is_some());
    let page = sdk(&app, key, &format!("{W}/list"), json!({"limit": 1})).await;
    let after = page.body["listMetadata"]["after"].clone();
    assert_eq!(after, json!(id));
    let next = sdk(&app, key, &format!("{W}/list"), json!({"limit": 1, "after": after})).await;
    assert_eq!(next.body["data"][0]["id"], docs.body["id"]);
    assert!(!listed.text.contains("whsec_"), "no secret in a list");

    // webhooks.updateEndpoint({endpointId, ...rest}) sends {id, ...rest}.
    let updated = sdk(&app, key, &format!("{W}/update"), json!({"id": id, "enabled": false, "eventTypes": []})).await;
    assert_eq!((updated.body["enabled"].clone(), updated.body["eventTypes"].clone()), (json!(false), json!([])));
    assert!(updated.body.get("secret").is_none());

    // webhooks.deleteEndpoint(id) sends {id}; the docs' call shape {id: {endpointId}} works too.
    let deleted = sdk(&app, key, &format!("{W}/delete"), json!({"id": id})).await;
    assert_eq!(deleted.body, json!({"success": true}));
    let docs_delete = sdk(&app, key, &format!("{W}/delete"), json!({"id": {"endpointId": docs.body["id"]}})).await;
    assert_eq!(docs_delete.body, json!({"success": true}));
    assert_eq!(sdk(&app, key, &format!("{W}/list"), json!({})).await.body["data"], json!([]));

    // events.listEvents(): `{}`, and with every option it has.
    let all = sdk(&app, key, "/api/auth/banata/events/list", json!({})).await;
    let first = &all.body["data"][0];
    assert!(
        first["createdAt"].is_i64()
            && first["id"].is_string()
            && first["type"].is_string()
            && first["data"].is_object()
    );
    assert!(all.body["hasMore"].is_boolean());
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let body = json!({"eventTypes": ["api_key.created"], "limit": 10, "rangeStart": now - 3_600_000, "rangeEnd": now + 60_000});
    let ranged = sdk(&app, key, "/api/auth/banata/events/list", body).await;
    assert_eq!(ranged.body["data"].as_array().map(Vec::len), Some(1), "{}", ranged.text);

    // auditLogs.createEvent(o): JSON strings and ms, as the SDK sends them.
    let record = json!({
        "action": "invoice.paid", "actorType": "admin", "actorId": "adm_1", "actorName": "Finance bot",
        "targets": json!([{"type": "invoice", "id": "inv_7"}]).to_string(),
        "changes": json!({"after": {"paid": true}}).to_string(),
        "metadata": json!({"source": "stripe"}).to_string(),
        "occurredAt": now, "idempotencyKey": "inv_7-paid",
    });
    let created = sdk(&app, key, "/api/auth/banata/audit-logs/create", record).await;
    for field in ["id", "action", "version", "actor", "targets", "context", "occurredAt", "createdAt"] {
        assert!(created.body.get(field).is_some(), "{field}: {}", created.text);
    }
    assert_eq!(created.body["actor"]["type"], "admin", "any actor type the SDK allows");
    assert_eq!(created.body["metadata"]["source"], "stripe");

    // auditLogs.listEvents(o) and exportEvents(o).
    let listed =
        sdk(&app, key, "/api/auth/banata/audit-logs/list", json!({"action": "invoice.paid", "limit": 10})).await;
    assert_eq!(listed.body["data"][0]["id"], created.body["id"]);
    assert!(listed.body["listMetadata"].is_object());
    let body = json!({"format": "json", "startDate": now - 3_600_000, "endDate": now + 60_000, "limit": 1000});
    let exported = sdk(&app, key, "/api/auth/banata/audit-logs/export", body).await;
    assert!(exported.body["count"].as_i64().is_some_and(|n| n >= 2), "{}", exported.text);
    assert_eq!(exported.body["nextCursor"], Value::Null);
    let csv = sdk(&app, key, "/api/auth/banata/audit-logs/export", json!({"format": "csv"})).await;
    assert!(csv.body["data"].as_str().is_some_and(|t| t.contains("invoice.paid")));
}

on_both_backends!(every_method_of_webhooks_events_and_audit_logs);
