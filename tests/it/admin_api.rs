//! The admin API over real HTTP on both backends, as the Banata SDK and our
//! typed client call it: the full cycle, project isolation, identical 401s,
//! bad input, limits, and last-used times that survive a restart.

use crate::support;
use crate::support::{eventually, Backend, RealServer, TestApp, TestDb};
use banata::admin::key_types::{CreateKeyRequest, ErrorBody};
use banata::auth::keys;
use banata::client::{Client, ClientError};
use banata::services::keys::{issue, KeySpec};
use banata::store::KeyQuery;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use time::OffsetDateTime;

use crate::support::{Tenant, PASSWORD};

fn create(name: &str) -> CreateKeyRequest {
    CreateKeyRequest { name: Some(name.into()), ..Default::default() }
}

fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    match result {
        Err(ClientError::Api { status, code, .. }) => (status, code),
        other => panic!("expected an error answer, got {other:?}"),
    }
}

/// A raw request with a Bearer key.
async fn raw(app: &TestApp, method: &str, path: &str, key: &str, body: Option<Value>) -> (StatusCode, Value) {
    let request = app.client.request(method.parse().unwrap(), app.url(path)).bearer_auth(key);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: JSON body expected: {text}")))
}

async fn the_full_cycle_through_the_typed_client(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Ada").await;
    let admin = tenant.client(&app.base);

    let created = admin.create(&create("  deploy-bot ")).await.unwrap();
    assert!(keys::is_well_formed(&created.key), "a full key comes back");
    assert_eq!(created.api_key.name, "deploy-bot");
    assert_eq!(created.api_key.prefix, created.key[..12]);
    assert_eq!(created.api_key.created_by, "API key root", "created by the key that asked");
    assert!(created.api_key.permissions.is_empty() && created.api_key.organization_id.is_none());

    // The new key works at once, in the same project.
    let second = Client::new(&app.base, &created.key);
    let me = second.whoami().await.unwrap();
    assert_eq!(me.project.id, tenant.project_id);
    assert_eq!(me.project.slug, tenant.slug);
    assert_eq!(me.key.id, created.api_key.id);

    let listed = second.list().await.unwrap();
    assert_eq!(listed.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["deploy-bot", "root"], "newest first");
    let text = serde_json::to_string(&listed).unwrap();
    assert!(!text.contains(&created.key[8..41]), "no secret in the list");
    assert!(!text.contains(&keys::hash(&created.key)) && !text.contains(&keys::hash(&tenant.key)), "no hash");

    // The dashboard sees the same key.
    let page = store
        .keys()
        .list(&tenant.project_id, &KeyQuery { limit: 10, ..Default::default() }, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert!(page.iter().any(|k| k.id == created.api_key.id && k.created_by == "API key root"));

    admin.delete(&created.api_key.id).await.unwrap();
    assert_eq!(api_error(second.whoami().await), (401, "authentication_required".into()), "dead at once");
    assert_eq!(api_error(admin.delete(&created.api_key.id).await), (404, "not_found".into()), "only once");
    assert_eq!(admin.list().await.unwrap().len(), 1, "deleted keys leave the list");

    // A key may delete itself; its next request fails.
    admin.delete(&tenant.key_id).await.unwrap();
    assert_eq!(api_error(admin.list().await).0, 401);
}

async fn paging_hands_out_each_key_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Pat").await;
    let admin = tenant.client(&app.base);
    for n in 0..6 {
        admin.create(&create(&format!("worker-{n}"))).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = admin.list_page(3, cursor.as_deref()).await.unwrap();
        assert!(page.keys.len() <= 3);
        seen.extend(page.keys.into_iter().map(|k| k.name));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let all: Vec<String> = admin.list().await.unwrap().into_iter().map(|k| k.name).collect();
    assert_eq!(seen, all);
    assert_eq!(all.len(), 7);
}

async fn a_key_acts_on_its_own_project_only(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let a = Tenant::new(&store, "Alice").await;
    let b = Tenant::new(&store, "Bob").await;
    let b_client = b.client(&app.base);
    let b_extra = b_client.create(&create("b-extra")).await.unwrap();
    let before = b_client.list().await.unwrap();

    let (ak, bp, bk) = (a.key.as_str(), b.project_id.as_str(), b.key_id.as_str());
    let cases: Vec<(&str, String, Option<Value>, StatusCode)> = vec![
        ("GET", format!("/api/auth/api-key/list?projectId={bp}"), None, StatusCode::FORBIDDEN),
        ("GET", format!("/api/auth/api-key/list?limit=5&cursor={bk}"), None, StatusCode::NOT_FOUND),
        ("GET", format!("/api/auth/api-key/whoami?projectId={bp}"), None, StatusCode::FORBIDDEN),
        ("POST", "/api/auth/api-key/create".into(), Some(json!({"name": "x", "projectId": bp})), StatusCode::FORBIDDEN),
        ("POST", "/api/auth/api-key/delete".into(), Some(json!({"keyId": bk})), StatusCode::NOT_FOUND),
        ("POST", "/api/auth/api-key/delete".into(), Some(json!({"keyId": b_extra.api_key.id})), StatusCode::NOT_FOUND),
        ("POST", "/api/auth/api-key/delete".into(), Some(json!({"keyId": bk, "projectId": bp})), StatusCode::FORBIDDEN),
    ];
    for (method, path, body, expected) in cases {
        let (status, answer) = raw(&app, method, &path, ak, body.clone()).await;
        assert_eq!(status, expected, "{method} {path} {body:?}: {answer}");
        let code = if expected == StatusCode::FORBIDDEN { "forbidden" } else { "not_found" };
        assert_eq!(answer["code"], code);
        assert!(!answer.to_string().contains("Bob"), "nothing about B leaks: {answer}");
    }
    assert_eq!(b_client.list().await.unwrap(), before, "B unchanged");
    assert_eq!(a.client(&app.base).list().await.unwrap().len(), 1, "A unchanged");

    // Naming one's own project is fine.
    let (status, _) = raw(&app, "GET", &format!("/api/auth/api-key/whoami?projectId={}", a.project_id), ak, None).await;
    assert_eq!(status, StatusCode::OK);
}

async fn every_refused_key_gets_the_same_bytes(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Cy").await;
    let admin = tenant.client(&app.base);
    let revoked = admin.create(&create("revoked")).await.unwrap();
    admin.delete(&revoked.api_key.id).await.unwrap();
    // An expired key: written with an expiry that has passed.
    let spec = KeySpec {
        project_id: &tenant.project_id,
        name: "expired".into(),
        permissions: vec![],
        expires_at: Some(OffsetDateTime::now_utc() - time::Duration::seconds(1)),
    };
    let by = support::key_actor(&tenant.key_id);
    let expired = issue(&*store, spec, &by, OffsetDateTime::now_utc()).await.unwrap().secret;
    let mut bad_checksum = tenant.key.clone().into_bytes();
    let last = bad_checksum.len() - 1;
    bad_checksum[last] = if bad_checksum[last] == b'A' { b'B' } else { b'A' };
    let bad_checksum = String::from_utf8(bad_checksum).unwrap();
    assert!(!keys::is_well_formed(&bad_checksum));
    let unknown = keys::generate_secret();

    let headers: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("no header", vec![]),
        ("empty bearer", vec![("authorization", "Bearer ".into())]),
        ("wrong scheme", vec![("authorization", format!("Basic {}", tenant.key))]),
        ("malformed", vec![("authorization", "Bearer hello".into())]),
        ("bad checksum", vec![("authorization", format!("Bearer {bad_checksum}"))]),
        ("unknown", vec![("authorization", format!("Bearer {unknown}"))]),
        ("revoked", vec![("authorization", format!("Bearer {}", revoked.key))]),
        ("expired", vec![("authorization", format!("Bearer {expired}"))]),
        ("empty x-api-key", vec![("x-api-key", String::new())]),
        ("revoked x-api-key", vec![("x-api-key", revoked.key.clone())]),
        // What an app's route handler adds to every browser request: it
        // selects a project on the end-user paths and grants nothing here.
        ("working x-api-key alone", vec![("x-api-key", tenant.key.clone())]),
    ];
    let mut bodies = Vec::new();
    for (what, pairs) in &headers {
        for path in ["/api/auth/api-key/list", "/api/auth/api-key/whoami"] {
            let mut request = app.client.get(app.url(path));
            for (name, value) in pairs {
                request = request.header(*name, value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
            assert_eq!(response.headers()["content-type"], "application/json", "{what}");
            bodies.push((what, response.bytes().await.unwrap()));
        }
    }
    let first = &bodies[0].1;
    for (what, body) in &bodies {
        assert_eq!(body, first, "{what} differs");
    }
    let body: ErrorBody = serde_json::from_slice(first).unwrap();
    assert_eq!(body.code, "authentication_required");

    // Bearer works, whatever x-api-key says beside it.
    let response = app
        .client
        .get(app.url("/api/auth/api-key/whoami"))
        .bearer_auth(&tenant.key)
        .header("x-api-key", revoked.key.clone())
        .send()
        .await;
    assert_eq!(response.unwrap().status(), StatusCode::OK);
}

async fn bad_input_is_refused_and_changes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Dee").await;
    let admin = tenant.client(&app.base);
    admin.create(&create("taken")).await.unwrap();
    let url = app.url("/api/auth/api-key/create");
    let key = tenant.key.as_str();
    let send = |content_type: &'static str, body: Vec<u8>| {
        app.client.post(&url).bearer_auth(key).header("content-type", content_type).body(body).send()
    };
    let past = (OffsetDateTime::now_utc() - time::Duration::days(1)).date().to_string();
    /// What, content type, body, status, code, first field in error.
    type Case<'a> = (&'a str, &'a str, Vec<u8>, u16, &'a str, Option<&'a str>);
    let cases: Vec<Case> = vec![
        ("not JSON", "application/json", b"{name: oops".to_vec(), 422, "validation_error", Some("body")),
        ("trailing garbage", "application/json", br#"{"name":"a"} x"#.to_vec(), 422, "validation_error", Some("body")),
        ("an array", "application/json", b"[]".to_vec(), 422, "validation_error", Some("body")),
        ("empty body", "application/json", Vec::new(), 422, "validation_error", Some("body")),
        ("form post", "application/x-www-form-urlencoded", b"name=a".to_vec(), 415, "unsupported_media_type", None),
        ("text", "text/plain", br#"{"name":"a"}"#.to_vec(), 415, "unsupported_media_type", None),
        ("no name", "application/json", b"{}".to_vec(), 422, "validation_error", Some("name")),
        ("empty name", "application/json", br#"{"name":""}"#.to_vec(), 422, "validation_error", Some("name")),
        (
            "101 chars",
            "application/json",
            json!({"name": "n".repeat(101)}).to_string().into(),
            422,
            "validation_error",
            Some("name"),
        ),
        ("name a number", "application/json", br#"{"name":5}"#.to_vec(), 422, "validation_error", Some("name")),
        ("name null", "application/json", br#"{"name":null}"#.to_vec(), 422, "validation_error", Some("name")),
        (
            "permissions a string",
            "application/json",
            br#"{"name":"p","permissions":"all"}"#.to_vec(),
            422,
            "validation_error",
            Some("permissions"),
        ),
        (
            "unknown permission",
            "application/json",
            br#"{"name":"p","permissions":["api_keys:read","admin"]}"#.to_vec(),
            422,
            "validation_error",
            Some("permissions[1]"),
        ),
        (
            "unparsable expiry",
            "application/json",
            br#"{"name":"e","expiresAt":"next week"}"#.to_vec(),
            422,
            "validation_error",
            Some("expiresAt"),
        ),
        (
            "past expiry",
            "application/json",
            json!({"name": "e", "expiresAt": past}).to_string().into(),
            422,
            "validation_error",
            Some("expiresAt"),
        ),
        ("taken name", "application/json", br#"{"name":"TAKEN"}"#.to_vec(), 409, "conflict", None),
    ];
    for (what, content_type, body, status, code, field) in cases {
        let response = send(content_type, body).await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{what}");
        let answer: ErrorBody = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(answer.code, code, "{what}");
        assert!(!answer.message.is_empty());
        if let Some(field) = field {
            assert_eq!(answer.errors.first().map(|e| e.field.as_str()), Some(field), "{what}: {answer:?}");
        }
    }
    // Unknown fields are ignored.
    let response = send("application/json", br#"{"name":"extra","colour":"blue"}"#.to_vec()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let (status, answer) = raw(&app, "POST", "/api/auth/api-key/delete", key, Some(json!({"keyId": "key_nope"}))).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    // Found by tests/fuzz.rs: PostgreSQL refuses NUL bytes; that is "unknown", not our fault.
    let (status, _) = raw(&app, "POST", "/api/auth/api-key/delete", key, Some(json!({"keyId": "key_\u{0}"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = raw(&app, "GET", "/api/auth/api-key/list?limit=5&cursor=key_%00", key, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let nul_slug = app.post_form("/api/dashboard/list_keys", &[("slug", "a\u{0}b")]).await.status();
    assert!(nul_slug.is_client_error(), "{nul_slug}");
    let (status, answer) = raw(&app, "POST", "/api/auth/api-key/delete", key, Some(json!({}))).await;
    assert_eq!((status, answer["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("keyId")));
    let (status, _) = raw(&app, "POST", "/api/auth/api-key/delete", key, Some(json!({"keyId": 7}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for limit in ["0", "101", "ten"] {
        let (status, answer) = raw(&app, "GET", &format!("/api/auth/api-key/list?limit={limit}"), key, None).await;
        assert_eq!((status, answer["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")));
    }
    let (status, answer) = raw(&app, "GET", "/api/auth/api-key/nope", key, None).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, answer) = raw(&app, "GET", "/api/auth/api-key/create", key, None).await;
    assert_eq!((status, answer["code"].as_str()), (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed")));

    // 1 MB, last and on a connection of its own: the server answers 413 and
    // closes the connection while the body is still arriving.
    let big = format!(r#"{{"name":"{}"}}"#, "x".repeat(1 << 20));
    let response = support::client()
        .post(&url)
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let answer: ErrorBody = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(answer.code, "payload_too_large");

    let names: Vec<String> = admin.list().await.unwrap().into_iter().map(|k| k.name).collect();
    assert_eq!(names, ["extra", "taken", "root"], "only the good requests changed anything");
}

async fn every_answer_matches_the_served_openapi_document(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Eli").await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "OpenAPI 3.1");
    let key = tenant.key.as_str();

    let body = json!({"name": "c", "expiresAt": support::date_in(400)});
    let created = raw(&app, "POST", "/api/auth/api-key/create", key, Some(body)).await;
    let new_id = created.1["id"].as_str().unwrap().to_string();
    let mut answers = vec![
        ("post", "/api/auth/api-key/create", created),
        ("get", "/api/auth/api-key/list", raw(&app, "GET", "/api/auth/api-key/list", key, None).await),
        ("get", "/api/auth/api-key/whoami", raw(&app, "GET", "/api/auth/api-key/whoami", key, None).await),
        (
            "post",
            "/api/auth/api-key/create",
            raw(&app, "POST", "/api/auth/api-key/create", key, Some(json!({"name": "c"}))).await,
        ),
        (
            "post",
            "/api/auth/api-key/create",
            raw(&app, "POST", "/api/auth/api-key/create", key, Some(json!({"name": 1}))).await,
        ),
        (
            "post",
            "/api/auth/api-key/delete",
            raw(&app, "POST", "/api/auth/api-key/delete", key, Some(json!({"keyId": new_id}))).await,
        ),
        (
            "post",
            "/api/auth/api-key/delete",
            raw(&app, "POST", "/api/auth/api-key/delete", key, Some(json!({"keyId": new_id}))).await,
        ),
        (
            "get",
            "/api/auth/api-key/whoami",
            raw(&app, "GET", "/api/auth/api-key/whoami?projectId=proj_other", key, None).await,
        ),
        ("get", "/api/auth/api-key/list", raw(&app, "GET", "/api/auth/api-key/list?limit=x", key, None).await),
        ("get", "/api/auth/api-key/list", raw(&app, "GET", "/api/auth/api-key/list", "sk_live_nope", None).await),
    ];
    let big = json!({"name": "x".repeat(70_000)});
    answers.push((
        "post",
        "/api/auth/api-key/create",
        raw(&app, "POST", "/api/auth/api-key/create", key, Some(big)).await,
    ));
    let statuses: Vec<u16> = answers.iter().map(|(_, _, (s, _))| s.as_u16()).collect();
    assert_eq!(statuses, [200, 200, 200, 409, 422, 200, 404, 403, 422, 401, 413]);

    for (method, path, (status, body)) in &answers {
        let schema = &doc["paths"][path][method]["responses"][status.as_str()]["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{method} {path} documents {status}");
        let mut rooted = schema.clone();
        rooted["components"] = doc["components"].clone();
        let validator = jsonschema::draft202012::new(&rooted).expect("a valid schema");
        let errors: Vec<String> = validator.iter_errors(body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{method} {path} {status}: {errors:?}\n{body}");
    }

    // The contract's fields, by name and type, on a created key and a listed one.
    let (_, listed) = raw(&app, "GET", "/api/auth/api-key/list", key, None).await;
    for object in [&answers[0].2 .1, &listed[0]] {
        for field in ["id", "name", "prefix", "createdAt"] {
            assert!(object[field].is_string(), "{field} in {object}");
        }
        assert!(object["organizationId"].is_null());
        assert!(object["permissions"].is_array());
        for field in ["expiresAt", "lastUsedAt"] {
            assert!(object[field].is_string() || object[field].is_null(), "{field} in {object}");
            assert!(object.get(field).is_some(), "{field} is always present");
        }
    }
    assert!(answers[0].2 .1["key"].is_string(), "create returns the secret");
    assert!(listed[0].get("key").is_none(), "list never does");
}

async fn repeated_failures_from_one_client_get_429(backend: Backend) {
    let app =
        TestApp::start_with(backend, &["--key-failure-limit", "3", "--client-ip-header", "x-forwarded-for"]).await;
    let tenant = Tenant::new(&app.db.store().await, "Flo").await;
    let whoami = |key: &str, ip: &'static str| {
        app.client
            .get(app.url("/api/auth/api-key/whoami"))
            .bearer_auth(key)
            .header("x-forwarded-for", format!("10.9.9.9, {ip}"))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(whoami("sk_live_guess", "203.0.113.5").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let refused = whoami("sk_live_guess", "203.0.113.5").await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: ErrorBody = refused.json().await.unwrap();
    assert_eq!(body.code, "rate_limit_exceeded");
    // A key that works is never refused for the address's failures (behind
    // a proxy, one address is every client)...
    for _ in 0..3 {
        assert_eq!(whoami(&tenant.key, "203.0.113.5").await.unwrap().status(), StatusCode::OK);
    }
    // ...while failures from it stay refused, and other addresses are unaffected.
    assert_eq!(whoami("sk_live_guess", "203.0.113.5").await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(whoami("sk_live_guess", "203.0.113.6").await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

/// A project (or a leaked key of it) cannot make keys without bound.
async fn active_keys_are_bounded_per_project(backend: Backend) {
    let app = TestApp::start_with(backend, &["--max-active-keys", "3"]).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Quota").await;
    let other = Tenant::new(&store, "Bystander").await;
    let admin = tenant.client(&app.base);
    let first = admin.create(&create("one")).await.unwrap();
    admin.create(&create("two")).await.unwrap();
    match admin.create(&create("three")).await {
        Err(ClientError::Api { status: 409, code, message, .. }) => {
            assert_eq!(code, "conflict");
            assert!(message.contains("3 active keys"), "{message}");
        }
        other => panic!("expected 409, got {other:?}"),
    }
    assert_eq!(store.keys().count_active(&tenant.project_id, OffsetDateTime::now_utc()).await.unwrap(), 3);
    // Another project's quota is its own, and revoking frees a place.
    other.client(&app.base).create(&create("theirs")).await.unwrap();
    admin.delete(&first.api_key.id).await.unwrap();
    admin.create(&create("three")).await.unwrap();
}

async fn request_ids_come_back_on_every_answer(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Gus").await;
    for (key, path) in [(tenant.key.as_str(), "/api/auth/api-key/whoami"), ("bad", "/api/auth/api-key/list")] {
        let response =
            app.client.get(app.url(path)).bearer_auth(key).header("x-request-id", "trace-42.a_b").send().await.unwrap();
        assert_eq!(response.headers()["x-request-id"], "trace-42.a_b", "a sane id is echoed");
        let response = app.client.get(app.url(path)).header("x-request-id", "no spaces allowed").send().await.unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert!(id.starts_with("req_") && !id.contains(' '), "an insane one is replaced: {id}");
    }
}

async fn last_use_shows_within_the_flush_interval(backend: Backend) {
    let app = TestApp::start_with(backend, &["--key-usage-flush", "1s"]).await;
    let tenant = Tenant::new(&app.db.store().await, "Hal").await;

    let store = app.db.store().await;
    let page = KeyQuery { limit: 10, ..Default::default() };
    let unused = store.keys().list(&tenant.project_id, &page, OffsetDateTime::now_utc()).await.unwrap();
    assert!(unused[0].last_used_at.is_none(), "never used yet");
    let admin = tenant.client(&app.base);
    let before = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    admin.whoami().await.unwrap();
    let shown =
        eventually(Duration::from_secs(10), || async { admin.list().await.unwrap()[0].last_used_at.is_some() }).await;
    assert!(shown, "lastUsedAt appears in the API list");
    let at = admin.list().await.unwrap()[0].last_used_at.clone().unwrap();
    let at = OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339).unwrap();
    assert!(at >= before, "{at} >= {before}");

    // And on the dashboard.
    let signed_in = app.sign_in(&tenant.email, PASSWORD).await;
    assert!(signed_in.headers().contains_key("location"), "signed in: {}", signed_in.status());
    let listed = app.post_form("/api/dashboard/list_keys", &[("slug", tenant.slug.as_str())]).await;
    let listed: Value = listed.json().await.unwrap();
    assert!(listed["keys"][0]["last_used_at"].is_string(), "{listed}");
}

async fn last_use_survives_a_graceful_restart(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let tenant = Tenant::new(&store, "Ivy").await;
    // A flush interval far beyond the test: only the shutdown flush can save it.
    let mut server = RealServer::start(&db.url, &["--key-usage-flush", "1h"]);
    let admin = tenant.client(&server.base);
    admin.whoami().await.unwrap();
    let created = admin.create(&create("log-scan")).await.unwrap();
    Client::new(&server.base, &created.key).whoami().await.unwrap();
    let log = server.stop_gracefully();

    let page = KeyQuery { limit: 10, ..Default::default() };
    let keys = store.keys().list(&tenant.project_id, &page, OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.last_used_at.is_some()), "both uses saved at shutdown: {keys:?}");
    assert!(log.contains("saved when keys were last used"), "{log}");
    assert!(log.contains("/api/auth/api-key/whoami"), "requests are logged: {log}");
    let today = banata::auth::usage::day_text(OffsetDateTime::now_utc().date());
    let ids = [tenant.key_id.clone(), created.api_key.id.clone()];
    let counted: Vec<i64> = store.keys().usage(&ids, &today).await.unwrap().into_iter().map(|(.., n)| n).collect();
    let root_first = if ids[0] < ids[1] { vec![2, 1] } else { vec![1, 2] };
    assert_eq!(counted, root_first, "requests per day saved at shutdown, exactly");
    for secret in [&tenant.key, &created.key] {
        assert!(!log.contains(&secret[8..41]), "a key is in the log");
    }

    let server = RealServer::start(&db.url, &[]);
    let listed = tenant.client(&server.base).list().await.unwrap();
    assert!(listed.iter().all(|k| k.last_used_at.is_some()), "and served after the restart");
}

on_both_backends!(
    the_full_cycle_through_the_typed_client,
    paging_hands_out_each_key_once,
    a_key_acts_on_its_own_project_only,
    every_refused_key_gets_the_same_bytes,
    bad_input_is_refused_and_changes_nothing,
    every_answer_matches_the_served_openapi_document,
    repeated_failures_from_one_client_get_429,
    active_keys_are_bounded_per_project,
    request_ids_come_back_on_every_answer,
    last_use_shows_within_the_flush_interval,
    last_use_survives_a_graceful_restart,
);
