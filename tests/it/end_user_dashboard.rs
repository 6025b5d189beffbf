//! The dashboard's side of a project's users, over real HTTP on both
//! backends: the Authentication settings and what the auth API makes of
//! them; the Users page's server functions (paging, a user's page, ban,
//! delete, revoke) with who may do what; the audit records of every change;
//! the chart's counts; JWT key rotation.

use crate::support;
use crate::support::{admin_post, answer, sign_up_body, Browser};
use crate::support::{Backend, Person, Tenant, TestApp, PASSWORD};
use banata::domain::{AuditAction, EndUserDetail, EndUserPage, EndUserStatus};
use banata::store::AuditQuery;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The tenant's owner, signed in to the dashboard.
pub(crate) async fn owner_of(app: &TestApp, tenant: &Tenant) -> Person {
    let client = support::client();
    let form = [("email", tenant.email.as_str()), ("password", PASSWORD)];
    let response = client.post(app.url("/api/dashboard/sign_in")).form(&form).send().await.unwrap();
    assert!(response.status().is_success() || response.status().is_redirection(), "{}", response.status());
    let id = app.db.store().await.accounts().credentials(&tenant.email).await.unwrap().unwrap().user.id;
    Person { client, email: tenant.email.clone(), id }
}

fn settings_form<'a>(slug: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("slug", slug), ("password_min", "8"), ("session_days", "7"), ("allowed_origins", "")];
    for (name, value) in extra {
        form.retain(|(n, _)| n != name);
        form.push((name, value));
    }
    form
}

/// Saves the Authentication settings as `person`: `settings_form` with `extra`.
async fn save_settings(person: &Person, app: &TestApp, slug: &str, extra: &[(&str, &str)]) -> (StatusCode, String) {
    person.call(app, "save_auth_settings", &settings_form(slug, extra)).await
}

async fn actions_of(app: &TestApp, project_id: &str, action: AuditAction) -> Vec<banata::domain::AuditEvent> {
    let query = AuditQuery { action: Some(action), actor_id: None, target_id: None, before: None, limit: 500 };
    app.db.store().await.audit().events(project_id, &query).await.unwrap()
}

async fn the_projects_settings_decide_what_its_app_may_do(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Settings").await;
    let owner = owner_of(&app, &tenant).await;
    let browser = Browser::new(&app, &tenant.key);
    let config = browser.post("/banata/config/public", json!({})).await.body;
    assert_eq!(
        (config["features"]["signUp"].as_bool(), config["emailPassword"]["minPasswordLength"].as_i64()),
        (Some(true), Some(8))
    );

    // Refused settings change nothing.
    for bad in [
        ("password_min", "7"),
        ("password_min", "129"),
        ("session_days", "0"),
        ("session_days", "x"),
        ("allowed_origins", "https://a.example/path"),
    ] {
        let (status, body) = save_settings(&owner, &app, &tenant.slug, &[bad]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {body}");
    }
    assert_eq!(store.projects().auth_settings(&tenant.project_id).await.unwrap(), Default::default());

    // Closed: nobody signs up, and nothing is written.
    let closed = settings_form(&tenant.slug, &[]);
    let (status, body) = owner.call(&app, "save_auth_settings", &closed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refused = browser.post("/sign-up/email", sign_up_body(&support::email(), "correct horse")).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("EMAIL_PASSWORD_SIGN_UP_DISABLED"))
    );
    assert_eq!(store.end_users().list(&tenant.project_id, None, 10, 0).await.unwrap().1, 0);
    assert_eq!(browser.post("/banata/config/public", json!({})).await.body["features"]["signUp"], false);

    // Open, with verification first, a 12-character minimum, 30-day sessions
    // and a second trusted origin.
    let open = settings_form(
        &tenant.slug,
        &[
            ("sign_ups_open", "1"),
            ("require_email_verification", "1"),
            ("password_min", "12"),
            ("session_days", "30"),
            ("allowed_origins", "https://admin.example.test"),
        ],
    );
    let (status, body) = owner.call(&app, "save_auth_settings", &open).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let config = browser.post("/banata/config/public", json!({})).await.body;
    assert_eq!(config["emailPassword"]["minPasswordLength"], 12);
    assert_eq!(config["emailPassword"]["requireEmailVerification"], true);
    assert_eq!(config["sessions"]["expiresIn"], 30 * 86_400);
    let email = support::email();
    let short = browser.post("/sign-up/email", sign_up_body(&email, "elevenchars")).await;
    assert_eq!(short.body["code"], "PASSWORD_TOO_SHORT");
    let signed_up = browser.post("/sign-up/email", sign_up_body(&email, "twelve chars")).await;
    assert_eq!(signed_up.status, StatusCode::OK, "{}", signed_up.text);
    assert_eq!(signed_up.body["token"], Value::Null, "no session before verification");
    assert!(signed_up.cookies.is_empty(), "{:?}", signed_up.cookies);
    let unverified = browser.post("/sign-in/email", json!({"email": email, "password": "twelve chars"})).await;
    assert_eq!(
        (unverified.status, unverified.body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("EMAIL_NOT_VERIFIED"))
    );
    let wrong = browser.post("/sign-in/email", json!({"email": email, "password": "wrong password"})).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "the verification state is told only with the password");
    let user_id = signed_up.body["user"]["id"].as_str().unwrap().to_string();
    let (status, _) =
        admin_post(&app, &tenant.key, "update-user", json!({"userId": user_id, "emailVerified": true})).await;
    assert_eq!(status, StatusCode::OK);
    let signed_in = browser.post("/sign-in/email", json!({"email": email, "password": "twelve chars"})).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    assert!(signed_in.cookies.iter().any(|c| c.contains("Max-Age=2592000")), "{:?}", signed_in.cookies);
    assert!(signed_in.body.get("url").is_none(), "left out without a callback, as better-auth does");

    // The allowed origin may use the session; another may not.
    // Through the app's route handler, but from a page on `origin`.
    let from = |origin: &'static str| {
        browser
            .http
            .post(format!("{}/api/auth/update-user", browser.base))
            .header("x-api-key", &browser.key)
            .header("x-forwarded-host", crate::support::APP_HOST)
            .header("x-forwarded-proto", "http")
            .header("origin", origin)
            .json(&json!({"name": "Renamed"}))
    };
    assert_eq!(answer(from("https://admin.example.test")).await.status, StatusCode::OK);
    assert_eq!(answer(from("https://evil.example.test")).await.body["code"], "INVALID_ORIGIN");

    // A viewer sees the settings and cannot change them.
    let viewer = Person::sign_up(&app, "Vera Viewer").await;
    viewer.join(&app, &owner, &tenant.slug, "viewer").await;
    let (status, body) = viewer.call(&app, "get_auth_settings", &[("slug", &tenant.slug)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["password_min"], 12);
    let (status, _) = save_settings(&viewer, &app, &tenant.slug, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(store.projects().auth_settings(&tenant.project_id).await.unwrap().sign_ups_open, "unchanged");

    // Audited: three saves by the owner; the sign-up by the app (its key).
    let changes = actions_of(&app, &tenant.project_id, AuditAction::ProjectAuthSettingsChanged).await;
    assert_eq!(changes.len(), 2, "the refused saves wrote nothing");
    assert!(changes.iter().all(|e| e.actor_id == owner.id));
    let created = actions_of(&app, &tenant.project_id, AuditAction::EndUserCreated).await;
    assert_eq!(created.len(), 1);
    assert_eq!(
        (created[0].actor_kind, created[0].actor_id.as_str()),
        (banata::domain::ActorKind::App, tenant.key_id.as_str())
    );
    assert_eq!((created[0].target_name.as_str(), created[0].detail.as_str()), (email.as_str(), "signed up"));
}

async fn page(person: &Person, app: &TestApp, slug: &str, form: &[(&str, &str)]) -> EndUserPage {
    let mut full = vec![("slug", slug)];
    full.extend_from_slice(form);
    let (status, body) = person.call(app, "list_end_users", &full).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn user_page(person: &Person, app: &TestApp, slug: &str, user_id: &str) -> (StatusCode, Option<EndUserDetail>) {
    let (status, body) = person.call(app, "get_end_user", &[("slug", slug), ("user_id", user_id)]).await;
    (status, serde_json::from_str(&body).ok())
}

async fn the_users_page_lists_pages_and_moderates(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (tenant, other) = (Tenant::new(&store, "Shop").await, Tenant::new(&store, "Other").await);
    let owner = owner_of(&app, &tenant).await;
    let empty = page(&owner, &app, &tenant.slug, &[]).await;
    assert!(empty.users.is_empty() && empty.can_change && empty.next_cursor.is_none());
    assert_eq!(empty.sign_ins.len(), 30);

    // 55 users: a page of 50, then 5.
    for i in 0..55 {
        let (status, body) = admin_post(
            &app,
            &tenant.key,
            "create-user",
            json!({"email": format!("user{i:02}@example.com"), "name": format!("User {i}")}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let first = page(&owner, &app, &tenant.slug, &[]).await;
    assert_eq!(first.users.len(), 50);
    let cursor = first.next_cursor.clone().expect("a next page");
    let second = page(&owner, &app, &tenant.slug, &[("after", &cursor)]).await;
    assert_eq!(second.users.len(), 5);
    assert!(second.next_cursor.is_none());
    let mut all: Vec<String> = first.users.iter().chain(&second.users).map(|u| u.email.clone()).collect();
    all.dedup();
    assert_eq!(all.len(), 55, "each once");
    let found = page(&owner, &app, &tenant.slug, &[("search", "USER07@")]).await;
    assert_eq!(found.users.iter().map(|u| u.email.as_str()).collect::<Vec<_>>(), ["user07@example.com"]);
    for bad in ["garbage", "12.x y", "1.usr_1'--"] {
        let (status, _) = owner.call(&app, "list_end_users", &[("slug", &tenant.slug), ("after", bad)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }

    // "Add user" from the dashboard; bad input adds no one.
    let add = |email: &'static str| {
        vec![("slug", tenant.slug.as_str()), ("name", "Ada Added"), ("email", email), ("password", "a good password")]
    };
    let (status, body) = owner.call(&app, "create_end_user", &add("ada@example.com")).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    let ada = store.end_users().credentials(&tenant.project_id, "ada@example.com").await.unwrap().expect("added").user;
    for (field, value) in [("email", "not-an-email"), ("name", ""), ("password", "short")] {
        let mut form = add("bob@example.com");
        form.retain(|(n, _)| *n != field);
        form.push((field, value));
        let (status, _) = owner.call(&app, "create_end_user", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
    }
    let (status, _) = owner.call(&app, "create_end_user", &add("ada@example.com")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "taken");
    assert!(store.end_users().credentials(&tenant.project_id, "bob@example.com").await.unwrap().is_none());

    // Ada signs in twice; her page lists both sessions.
    let (one, two) = (Browser::new(&app, &tenant.key), Browser::new(&app, &tenant.key));
    for b in [&one, &two] {
        let signed_in =
            b.post("/sign-in/email", json!({"email": "ada@example.com", "password": "a good password"})).await;
        assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    }
    let (status, detail) = user_page(&owner, &app, &tenant.slug, &ada.id).await;
    let detail = detail.unwrap_or_else(|| panic!("{status}"));
    assert_eq!(detail.sessions.len(), 2);
    assert!(detail.user.last_sign_in_at.is_some());
    let serialized = serde_json::to_string(&detail).unwrap();
    let token = one.session().await["session"]["id"].as_str().unwrap().to_string();
    assert!(serialized.contains(&token), "sessions are listed by their handle");

    // Revoke one: that browser is signed out, the other not.
    let form = [("slug", tenant.slug.as_str()), ("user_id", ada.id.as_str()), ("session_id", token.as_str())];
    let (status, body) = owner.call(&app, "revoke_end_user_session", &form).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert_eq!(one.session().await, Value::Null);
    assert_ne!(two.session().await, Value::Null);

    // Another project's user, or a session of another user: not found, nothing changed.
    let stranger =
        admin_post(&app, &other.key, "create-user", json!({"email": "eve@example.com", "name": "Eve"})).await.1;
    let eve = stranger["user"]["id"].as_str().unwrap();
    assert_eq!(user_page(&owner, &app, &tenant.slug, eve).await.0, StatusCode::NOT_FOUND);
    let (status, _) = owner.call(&app, "ban_end_user", &[("slug", &tenant.slug), ("user_id", eve)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = owner.call(&app, "delete_end_user", &[("slug", &tenant.slug), ("user_id", eve)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(store.end_users().get(&other.project_id, eve).await.unwrap().is_some_and(|u| !u.banned));
    let two_id = two.session().await["session"]["id"].as_str().unwrap().to_string();
    let someone = &first.users[0].id;
    let (status, _) = owner
        .call(&app, "revoke_end_user_session", &[("slug", &tenant.slug), ("user_id", someone), ("session_id", &two_id)])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a session is revoked through its own user only");
    assert_ne!(two.session().await, Value::Null);

    // A viewer looks and cannot act.
    let viewer = Person::sign_up(&app, "Vic Viewer").await;
    viewer.join(&app, &owner, &tenant.slug, "viewer").await;
    assert!(!page(&viewer, &app, &tenant.slug, &[]).await.can_change);
    assert_eq!(user_page(&viewer, &app, &tenant.slug, &ada.id).await.0, StatusCode::OK);
    for function in ["ban_end_user", "unban_end_user", "delete_end_user", "revoke_end_user_sessions"] {
        let (status, _) = viewer.call(&app, function, &[("slug", &tenant.slug), ("user_id", &ada.id)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{function}");
    }
    assert_ne!(two.session().await, Value::Null, "the viewer changed nothing");

    // Ban with a reason and an end: signed out, and shown so.
    let (status, _) = owner
        .call(
            &app,
            "ban_end_user",
            &[("slug", &tenant.slug), ("user_id", &ada.id), ("reason", "spam"), ("until", "1999-01-01")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an end in the past");
    let (status, _) = owner
        .call(
            &app,
            "ban_end_user",
            &[("slug", &tenant.slug), ("user_id", &ada.id), ("reason", "spam"), ("until", "someday")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let until = (time::OffsetDateTime::now_utc() + time::Duration::days(3)).date().to_string();
    let (status, body) = owner
        .call(
            &app,
            "ban_end_user",
            &[("slug", &tenant.slug), ("user_id", &ada.id), ("reason", "spam"), ("until", &until)],
        )
        .await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert_eq!(two.session().await, Value::Null, "signed out at once");
    let banned = user_page(&owner, &app, &tenant.slug, &ada.id).await.1.unwrap();
    match banned.user.status {
        EndUserStatus::Banned { until: Some(end), reason } => {
            assert!(end.starts_with(&until), "{end}");
            assert_eq!(reason.as_deref(), Some("spam"));
        }
        other => panic!("{other:?}"),
    }
    let refused = one.post("/sign-in/email", json!({"email": "ada@example.com", "password": "a good password"})).await;
    assert_eq!(refused.body["code"], "BANNED_USER");
    let (status, _) = owner.call(&app, "unban_end_user", &[("slug", &tenant.slug), ("user_id", &ada.id)]).await;
    assert!(status.is_success() || status.is_redirection());
    let back = one.post("/sign-in/email", json!({"email": "ada@example.com", "password": "a good password"})).await;
    assert_eq!(back.status, StatusCode::OK);
    let (status, _) =
        owner.call(&app, "revoke_end_user_sessions", &[("slug", &tenant.slug), ("user_id", &ada.id)]).await;
    assert!(status.is_success() || status.is_redirection());
    assert_eq!(one.session().await, Value::Null);

    // The page renders on the server (no JavaScript needed), naming her.
    let html = owner
        .client
        .get(app.url(&format!("/projects/{}/users/{}", tenant.slug, ada.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("ada@example.com") && html.contains("Delete ada@example.com?"),
        "the confirm names the email"
    );
    let list = owner
        .client
        .get(app.url(&format!("/projects/{}/users?q=user07", tenant.slug)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("user07@example.com") && !list.contains("user08@example.com"));

    // Delete.
    let (status, _) = owner.call(&app, "delete_end_user", &[("slug", &tenant.slug), ("user_id", &ada.id)]).await;
    assert!(status.is_success() || status.is_redirection());
    assert_eq!(user_page(&owner, &app, &tenant.slug, &ada.id).await.0, StatusCode::NOT_FOUND);

    // Every change is audited, by whom.
    let by_owner = |events: Vec<banata::domain::AuditEvent>| events.iter().filter(|e| e.actor_id == owner.id).count();
    assert_eq!(
        by_owner(actions_of(&app, &tenant.project_id, AuditAction::EndUserCreated).await),
        1,
        "Ada, from the dashboard"
    );
    let by_key = actions_of(&app, &tenant.project_id, AuditAction::EndUserCreated).await;
    assert_eq!(by_key.iter().filter(|e| e.actor_kind == banata::domain::ActorKind::ApiKey).count(), 55);
    assert_eq!(by_owner(actions_of(&app, &tenant.project_id, AuditAction::EndUserBanned).await), 1);
    assert_eq!(by_owner(actions_of(&app, &tenant.project_id, AuditAction::EndUserUnbanned).await), 1);
    assert_eq!(by_owner(actions_of(&app, &tenant.project_id, AuditAction::EndUserSessionsRevoked).await), 2);
    let deleted = actions_of(&app, &tenant.project_id, AuditAction::EndUserDeleted).await;
    assert_eq!((deleted.len(), deleted[0].target_name.as_str()), (1, "ada@example.com"));
    assert!(actions_of(&app, &other.project_id, AuditAction::EndUserBanned).await.is_empty());
}

/// Sign-ins and sign-ups are counted in memory and reach the chart once
/// flushed.
async fn the_chart_counts_sign_ins_and_sign_ups(backend: Backend) {
    let app = TestApp::start_with(backend, &["--key-usage-flush", "1s"]).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Chart").await;
    let owner = owner_of(&app, &tenant).await;
    let browser = Browser::new(&app, &tenant.key);
    let email = support::email();
    assert_eq!(browser.post("/sign-up/email", sign_up_body(&email, "correct horse")).await.status, StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(
            browser.post("/sign-in/email", json!({"email": email, "password": "correct horse"})).await.status,
            StatusCode::OK
        );
    }
    browser.post("/sign-in/email", json!({"email": email, "password": "wrong horse"})).await;
    let counted = support::eventually(std::time::Duration::from_secs(10), || async {
        let page = page(&owner, &app, &tenant.slug, &[]).await;
        page.sign_ups.last() == Some(&1) && page.sign_ins.last() == Some(&2)
    })
    .await;
    let page = page(&owner, &app, &tenant.slug, &[]).await;
    assert!(counted, "today: {:?} sign-ups, {:?} sign-ins", page.sign_ups.last(), page.sign_ins.last());
    assert_eq!(page.sign_ins.iter().sum::<i64>(), 2, "a failed sign-in is no sign-in");
}

/// A one-day lifetime still slides for an active user (after half a day),
/// and a shortened lifetime ends sessions already idle for longer.
async fn short_lifetimes_slide_and_a_shortened_one_applies_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Short").await;
    let owner = owner_of(&app, &tenant).await;
    let (status, body) =
        save_settings(&owner, &app, &tenant.slug, &[("sign_ups_open", "1"), ("session_days", "1")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let browser = Browser::new(&app, &tenant.key);
    assert_eq!(
        browser.post("/sign-up/email", sign_up_body(&support::email(), "correct horse")).await.status,
        StatusCode::OK
    );
    let session_id = browser.session().await["session"]["id"].as_str().unwrap().to_string();
    let now = time::OffsetDateTime::now_utc();
    // Used 13 hours ago, expiring in 11: slid, on an instance with no cached copy.
    let then = now - time::Duration::hours(13);
    store.end_user_sessions().extend(&session_id, then, then + time::Duration::days(1)).await.unwrap();
    let second = TestApp::beside(&app, &[]).await;
    let through = Browser { http: browser.http.clone(), base: second.base.clone(), key: tenant.key.clone() };
    let got = through.get("/get-session").await;
    let expires_at = got.body["session"]["expiresAt"].as_str().expect("still signed in").to_string();
    let expires_at = time::OffsetDateTime::parse(&expires_at, &time::format_description::well_known::Rfc3339).unwrap();
    assert!(expires_at > now + time::Duration::hours(23), "moved forward: {expires_at}");
    assert!(got.cookies.iter().any(|c| c.contains("Max-Age=86400")), "{:?}", got.cookies);

    // Back to 30 days, a session idle for 3; then 2 days: it has ended.
    let (status, _) =
        save_settings(&owner, &app, &tenant.slug, &[("sign_ups_open", "1"), ("session_days", "30")]).await;
    assert_eq!(status, StatusCode::OK);
    let idle = now - time::Duration::days(3);
    store.end_user_sessions().extend(&session_id, idle, idle + time::Duration::days(30)).await.unwrap();
    let third = TestApp::beside(&app, &[]).await;
    let fresh = Browser { http: browser.http.clone(), base: third.base.clone(), key: tenant.key.clone() };
    let (status, _) = save_settings(&owner, &app, &tenant.slug, &[("sign_ups_open", "1"), ("session_days", "2")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fresh.session().await, Value::Null, "idle 3 days under a 2-day lifetime");
}

on_both_backends!(
    the_projects_settings_decide_what_its_app_may_do,
    short_lifetimes_slide_and_a_shortened_one_applies_at_once,
    the_users_page_lists_pages_and_moderates,
    the_chart_counts_sign_ins_and_sign_ups,
);
