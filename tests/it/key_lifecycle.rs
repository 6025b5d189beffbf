//! A key's life past create and revoke, on both backends: rolling with a
//! grace period, read-only keys, expiry made visible, requests per day,
//! renaming, and "Test a key".

use crate::support;
use crate::support::{eventually, Backend, Person, Tenant, TestApp};
use banata::admin::key_types::CreateKeyRequest;
use banata::client::{Client, ClientError};
use banata::domain::{KeyCheck, KeyDetail, KeyPage, KeyVerdict, READ_KEYS};
use banata::services::keys::{issue, KeySpec};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use time::OffsetDateTime;

fn create(name: &str) -> CreateKeyRequest {
    CreateKeyRequest { name: Some(name.into()), ..Default::default() }
}

fn status_of<T: std::fmt::Debug>(result: Result<T, ClientError>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(ClientError::Api { status, .. }) => status,
        Err(other) => panic!("{other:?}"),
    }
}

async fn post_json(app: &TestApp, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = app.client.post(app.url(path)).bearer_auth(key).json(&body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn a_rolled_key_works_for_its_grace_period_and_then_stops(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Rolf").await;
    let admin = tenant.client(&app.base);
    let old_end = crate::support::date_in(400);
    let request = CreateKeyRequest { expires_at: Some(old_end.clone()), ..create("deploy") };
    let old = admin.create(&request).await.unwrap();
    let old_client = Client::new(&app.base, &old.key);
    old_client.whoami().await.unwrap(); // cached now

    let new = admin.roll(&old.api_key.id, 3600).await.unwrap();
    assert_eq!(new.api_key.name, "deploy", "same name");
    assert_eq!(new.api_key.replaces.as_deref(), Some(old.api_key.id.as_str()));
    assert_ne!(new.key, old.key);
    let new_client = Client::new(&app.base, &new.key);
    assert_eq!(new_client.whoami().await.unwrap().key.name, "deploy");
    assert!(old_client.whoami().await.is_ok(), "the old key works during the grace period");
    let listed = admin.list().await.unwrap();
    let old_now = listed.iter().find(|k| k.id == old.api_key.id).expect("still listed");
    assert_eq!(old_now.replaced_by.as_deref(), Some(new.api_key.id.as_str()));
    let until =
        OffsetDateTime::parse(old_now.expires_at.as_deref().unwrap(), &time::format_description::well_known::Rfc3339)
            .unwrap();
    let left = (until - OffsetDateTime::now_utc()).whole_seconds();
    assert!((3500..=3600).contains(&left), "the old key now ends in an hour: {left}s");
    // The replacement keeps the old key's lifetime (created now, same length).
    let new_end = OffsetDateTime::parse(
        new.api_key.expires_at.as_deref().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(new_end > crate::support::day_start_in(400), "later than the old key's end: {new_end}");

    // A replaced key cannot be rolled again; neither can a revoked one.
    assert_eq!(status_of(admin.roll(&old.api_key.id, 0).await), 404);
    let gone = admin.create(&create("gone")).await.unwrap();
    admin.delete(&gone.api_key.id).await.unwrap();
    assert_eq!(status_of(admin.roll(&gone.api_key.id, 0).await), 404);
    let spec = KeySpec {
        project_id: &tenant.project_id,
        name: "expired".into(),
        permissions: vec![],
        expires_at: Some(OffsetDateTime::now_utc() - time::Duration::seconds(1)),
    };
    let expired = issue(&*store, spec, &support::actor("usr_test"), OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(status_of(admin.roll(&expired.key.id, 0).await), 404);

    // Grace "now": the old key is refused on the very next request.
    let second = new_client.roll(&new.api_key.id, 0).await.unwrap();
    assert_eq!(status_of(new_client.whoami().await), 401);
    assert!(Client::new(&app.base, &second.key).whoami().await.is_ok());

    // A short grace ends by itself, to the second.
    let short = Client::new(&app.base, &second.key).roll(&second.api_key.id, 1).await.unwrap();
    let second_client = Client::new(&app.base, &second.key);
    assert!(
        eventually(Duration::from_secs(10), || async { status_of(second_client.whoami().await) == 401 }).await,
        "the old key stops once its grace period is over"
    );
    assert!(Client::new(&app.base, &short.key).whoami().await.is_ok());

    // Both links and each roll are in the audit log.
    let events = store
        .audit()
        .events(&tenant.project_id, &banata::store::AuditQuery { limit: 100, ..Default::default() })
        .await
        .unwrap();
    let rolls: Vec<_> = events.iter().filter(|e| e.action.as_str() == "api_key.rolled").collect();
    assert_eq!(rolls.len(), 3);
    assert!(rolls.iter().any(|e| e.target_id == old.api_key.id && e.detail.contains(&new.api_key.id)));
    support::assert_audit_matches_keys(&store, &tenant.project_id).await;
}

async fn concurrent_rolls_of_one_key_make_one_replacement(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Race").await;
    let admin = tenant.client(&app.base);
    let target = admin.create(&create("contested")).await.unwrap();
    let rolls: Vec<_> = (0..8)
        .map(|_| {
            let client = tenant.client(&app.base);
            let id = target.api_key.id.clone();
            tokio::spawn(async move { status_of(client.roll(&id, 60).await) })
        })
        .collect();
    let mut statuses = Vec::new();
    for roll in rolls {
        statuses.push(roll.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [200, 404, 404, 404, 404, 404, 404, 404]);
    let listed = admin.list().await.unwrap();
    let replacements = listed.iter().filter(|k| k.replaces.as_deref() == Some(target.api_key.id.as_str())).count();
    assert_eq!(replacements, 1);
    support::assert_audit_matches_keys(&store, &tenant.project_id).await;
}

async fn roll_input_is_checked(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Ingrid").await;
    let key = tenant.client(&app.base).create(&create("k")).await.unwrap().api_key.id;
    let cases = [
        (json!({"keyId": key}), 422, "graceSeconds"),
        (json!({"keyId": key, "graceSeconds": -1}), 422, "graceSeconds"),
        (json!({"keyId": key, "graceSeconds": 604_801}), 422, "graceSeconds"),
        (json!({"keyId": key, "graceSeconds": "1h"}), 422, "graceSeconds"),
        (json!({"graceSeconds": 60}), 422, "keyId"),
        (json!({"keyId": "key_doesnotexist", "graceSeconds": 60}), 404, ""),
        (json!({"keyId": key, "graceSeconds": 60, "projectId": "proj_other"}), 403, ""),
    ];
    for (body, status, field) in cases {
        let (got, answer) = post_json(&app, &tenant.key, "/api/auth/api-key/roll", body.clone()).await;
        assert_eq!(got.as_u16(), status, "{body}: {answer}");
        assert!(answer["message"].is_string() && answer["code"].is_string(), "{answer}");
        if !field.is_empty() {
            assert!(answer.to_string().contains(field), "{body}: the error names {field}: {answer}");
        }
    }
    // Nothing was rolled by any of them.
    let listed = tenant.client(&app.base).list().await.unwrap();
    assert!(listed.iter().all(|k| k.replaced_by.is_none() && k.replaces.is_none()));
}

async fn read_only_keys_read_and_change_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Rhea").await;
    let admin = tenant.client(&app.base);
    let request = CreateKeyRequest { permissions: Some(vec![READ_KEYS.into(), READ_KEYS.into()]), ..create("reader") };
    let reader = admin.create(&request).await.unwrap();
    assert_eq!(reader.api_key.permissions, [READ_KEYS], "once");
    let reader_secret = reader.key.clone();
    let reader = Client::new(&app.base, &reader_secret);

    assert!(reader.whoami().await.is_ok());
    assert!(reader.list().await.is_ok());
    let victim = admin.create(&create("victim")).await.unwrap().api_key.id;
    for (what, status) in [
        ("create", status_of(reader.create(&create("escalated")).await)),
        (
            "create full access",
            status_of(reader.create(&CreateKeyRequest { permissions: Some(vec![]), ..create("x") }).await),
        ),
        ("delete", status_of(reader.delete(&victim).await)),
        ("roll", status_of(reader.roll(&victim, 0).await)),
    ] {
        assert_eq!(status, 403, "{what}");
    }
    let (_, answer) = post_json(&app, &reader_secret, "/api/auth/api-key/create", json!({"name": "n"})).await;
    assert_eq!(answer["code"], "forbidden");
    let names: Vec<String> = admin.list().await.unwrap().into_iter().map(|k| k.name).collect();
    assert!(names.contains(&"victim".to_string()) && !names.iter().any(|n| n == "escalated" || n == "x"));

    // From the dashboard: chosen in the create form.
    let owner = Person::sign_up(&app, "Dash Board").await;
    let slug = store.project_members().of_account(&owner.id).await.unwrap().remove(0).slug;
    let form = [("slug", slug.as_str()), ("name", "dash-reader"), ("expires", "never"), ("access", "read")];
    let (status, body) = owner.call(&app, "create_key", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(READ_KEYS), "{body}");
    let secret: Value = serde_json::from_str(&body).unwrap();
    let dash_reader = Client::new(&app.base, secret["secret"].as_str().unwrap());
    assert_eq!(status_of(dash_reader.create(&create("nope")).await), 403);
    let bad = [("slug", slug.as_str()), ("name", "admin"), ("expires", "never"), ("access", "admin")];
    let (status, body) = owner.call(&app, "create_key", &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn expiry_is_visible_and_usage_is_counted(backend: Backend) {
    let app = TestApp::start_with(backend, &["--key-usage-flush", "1s"]).await;
    let store = app.db.store().await;
    let owner = Person::sign_up(&app, "Una Usage").await;
    let project = store.project_members().of_account(&owner.id).await.unwrap().remove(0);
    let slug = project.slug.as_str();
    let by = support::actor(&owner.id);
    let spec = |name: &str, days: i64| KeySpec {
        project_id: &project.project_id,
        name: name.into(),
        permissions: vec![],
        expires_at: Some(OffsetDateTime::now_utc() + time::Duration::days(days)),
    };
    let soon = issue(&*store, spec("soon", 3), &by, OffsetDateTime::now_utc()).await.unwrap();
    issue(&*store, spec("later", 30), &by, OffsetDateTime::now_utc()).await.unwrap();
    let (status, body) = owner.call(&app, "expiring_keys", &[("slug", slug)]).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "1"));

    let client = Client::new(&app.base, &soon.secret);
    for _ in 0..7 {
        client.whoami().await.unwrap();
    }
    let detail = || async {
        let (_, body) = owner.call(&app, "get_key", &[("slug", slug), ("key_id", &soon.key.id)]).await;
        serde_json::from_str::<KeyDetail>(&body).unwrap()
    };
    assert!(
        eventually(Duration::from_secs(10), || async { detail().await.key.daily_requests.last() == Some(&7) }).await,
        "seven requests counted today"
    );
    let shown = detail().await;
    assert_eq!(shown.key.daily_requests.len(), 30);
    assert_eq!(shown.key.daily_requests.iter().sum::<i64>(), 7, "exactly");
    assert!(shown.key.expires_soon());
    assert!(shown.events.iter().any(|e| e.action.as_str() == "api_key.created"));
    let (_, body) = owner.call(&app, "list_keys", &[("slug", slug)]).await;
    let page: KeyPage = serde_json::from_str(&body).unwrap();
    let listed = page.keys.iter().find(|k| k.name == "soon").unwrap();
    assert_eq!(listed.daily_requests.iter().sum::<i64>(), 7);
    assert!(listed.expires_in.is_some_and(|s| s > 2 * 86_400 && s <= 3 * 86_400));
    assert!(!page.keys.iter().find(|k| k.name == "later").unwrap().expires_soon());

    // Renamed: recorded, and the key answers with its new name at once.
    let (status, _) =
        owner.call(&app, "rename_key", &[("slug", slug), ("key_id", &soon.key.id), ("name", "renamed")]).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    assert_eq!(client.whoami().await.unwrap().key.name, "renamed");
    let (status, body) =
        owner.call(&app, "rename_key", &[("slug", slug), ("key_id", &soon.key.id), ("name", "LATER")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a taken name: {body}");
    let (status, _) = owner.call(&app, "rename_key", &[("slug", slug), ("key_id", &soon.key.id), ("name", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(detail()
        .await
        .events
        .iter()
        .any(|e| e.action.as_str() == "api_key.renamed" && e.detail == "soon → renamed"));
}

async fn testing_a_key_tells_what_it_is_only_to_members(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let owner = Person::sign_up(&app, "Tess Tester").await;
    let stranger = Tenant::new(&store, "Stranger").await;
    let slug = store.project_members().of_account(&owner.id).await.unwrap().remove(0).slug;
    let made = |name: &'static str| {
        let form = [("slug", slug.clone()), ("name", name.to_string()), ("expires", "never".into())];
        let owner = &owner;
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (_, body) = owner.call(app, "create_key", &form).await;
            let body: Value = serde_json::from_str(&body).unwrap();
            (body["key"]["id"].as_str().unwrap().to_string(), body["secret"].as_str().unwrap().to_string())
        }
    };
    let (_, good) = made("good").await;
    let (revoked_id, revoked) = made("revoked").await;
    owner.call(&app, "revoke_key", &[("slug", &slug), ("key_id", &revoked_id)]).await;
    let test = |key: String| {
        let owner = &owner;
        let (app, slug) = (&app, slug.clone());
        async move {
            let (status, body) = owner.call(app, "test_key", &[("slug", slug.as_str()), ("key", key.as_str())]).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            serde_json::from_str::<KeyCheck>(&body).unwrap()
        }
    };
    let valid = test(format!("  {good}\n")).await;
    assert_eq!(valid.verdict, KeyVerdict::Valid);
    assert_eq!(valid.key_name.as_deref(), Some("good"));
    assert!(valid.project_name.is_some());
    assert_eq!(test(revoked).await.verdict, KeyVerdict::Revoked);
    let foreign = test(stranger.key.clone()).await;
    assert_eq!(foreign.verdict, KeyVerdict::NotVisible);
    assert!(foreign.key_name.is_none() && foreign.project_name.is_none(), "nothing about another's key");
    assert_eq!(test(banata::auth::keys::generate_secret()).await.verdict, KeyVerdict::NotVisible);
    assert_eq!(test("sk_live_short".into()).await.verdict, KeyVerdict::Malformed);

    // Every failed answer counts against the address: a guessing machine it is not.
    let mut limited = false;
    for _ in 0..40 {
        let (status, _) = owner.call(&app, "test_key", &[("slug", slug.as_str()), ("key", "sk_live_x")]).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "refused with 429 after too many failed checks");
}

/// Without JavaScript, rolling and testing are plain form posts answered
/// with a page.
async fn roll_and_test_work_as_plain_forms(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let owner = Person::sign_up(&app, "Noah Script").await;
    let slug = store.project_members().of_account(&owner.id).await.unwrap().remove(0).slug;
    let (_, body) =
        owner.call(&app, "create_key", &[("slug", slug.as_str()), ("name", "plain"), ("expires", "never")]).await;
    let body: Value = serde_json::from_str(&body).unwrap();
    let (id, secret) = (body["key"]["id"].as_str().unwrap(), body["secret"].as_str().unwrap());
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let client = owner.client.clone();
        let url = app.url(&path);
        async move {
            let response = client.post(url).form(&form).send().await.unwrap();
            let cache = response.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string());
            (response.status(), cache, response.text().await.unwrap())
        }
    };
    let (status, cache, page) =
        post(format!("/projects/{slug}/api-keys/roll"), vec![("key_id", id.to_string()), ("grace", "24h".into())])
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache.as_deref(), Some("no-store"));
    assert!(page.contains("Your new key") && page.contains("sk_live_"), "{page}");
    let (status, _, _) =
        post(format!("/projects/{slug}/api-keys/roll"), vec![("key_id", id.to_string()), ("grace", "forever".into())])
            .await;
    assert!(status.is_redirection(), "a bad grace goes back to the page with its message: {status}");

    let (status, _, page) = post(format!("/projects/{slug}/test-key"), vec![("key", secret.to_string())]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("This key works for now"), "rolled, in its grace period: {page}");
    assert!(!page.contains(secret), "the key is not echoed back");
}

on_both_backends!(
    a_rolled_key_works_for_its_grace_period_and_then_stops,
    concurrent_rolls_of_one_key_make_one_replacement,
    roll_input_is_checked,
    read_only_keys_read_and_change_nothing,
    expiry_is_visible_and_usage_is_counted,
    testing_a_key_tells_what_it_is_only_to_members,
    roll_and_test_work_as_plain_forms,
);
