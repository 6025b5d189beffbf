//! The account endpoints of the auth API an app's account page calls
//! (profile, password, sessions), and sessions over time and across
//! instances: sliding, "remember me", the cache, endings reaching every
//! instance.

use crate::support;
use crate::support::{admin_post, answer, sign_up_body, Backend, Browser, Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// What an app's account page calls: profile, password and sessions, each
/// for the signed-in user only.
async fn an_account_page_manages_its_own_user(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Accounts").await;
    let email = support::email();
    let laptop = Browser::new(&app, &tenant.key);
    assert_eq!(laptop.post("/sign-up/email", sign_up_body(&email, "correct horse")).await.status, StatusCode::OK);
    let phone = Browser::new(&app, &tenant.key);
    let signed_in = phone.post("/sign-in/email", json!({"email": email, "password": "correct horse"})).await;
    assert_eq!(signed_in.status, StatusCode::OK);
    let other = Browser::new(&app, &tenant.key);
    assert_eq!(
        other.post("/sign-up/email", sign_up_body(&support::email(), "other horse")).await.status,
        StatusCode::OK
    );

    // Profile: name and image; never the email; wrong types refused.
    assert_eq!(
        laptop.post("/update-user", json!({"name": "Ada Renamed", "image": "https://img.example/a.png"})).await.body,
        json!({"status": true})
    );
    let session = laptop.session().await;
    assert_eq!(
        (session["user"]["name"].as_str(), session["user"]["image"].as_str()),
        (Some("Ada Renamed"), Some("https://img.example/a.png"))
    );
    let email_change = laptop.post("/update-user", json!({"email": "new@example.com"})).await;
    assert_eq!(
        (email_change.status, email_change.body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("EMAIL_CAN_NOT_BE_UPDATED"))
    );
    assert_eq!(laptop.post("/update-user", json!({"name": ""})).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(laptop.post("/update-user", json!({"name": 7})).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(laptop.post("/update-user", json!({"image": null})).await.status, StatusCode::OK);
    assert_eq!(laptop.session().await["user"]["image"], Value::Null);
    assert_eq!(laptop.session().await["user"]["email"], email, "unchanged");
    let signed_out = Browser::new(&app, &tenant.key);
    assert_eq!(signed_out.post("/update-user", json!({"name": "x"})).await.status, StatusCode::UNAUTHORIZED);

    // Sessions: two browsers listed, with handles and never a secret.
    let listed = laptop.get("/list-sessions").await;
    assert_eq!(listed.status, StatusCode::OK);
    let sessions = listed.body.as_array().unwrap().clone();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    let phone_token = signed_in.body["token"].as_str().unwrap();
    assert!(!listed.text.contains(phone_token), "no session secret in a list");
    let laptop_handle = laptop.session().await["session"]["id"].clone();
    let phone_handle =
        sessions.iter().map(|s| s["token"].as_str().unwrap()).find(|h| *h != laptop_handle).unwrap().to_string();
    assert!(phone_handle.starts_with("ses_"));
    // Someone else, or nobody, cannot end it.
    assert_eq!(other.post("/revoke-session", json!({"token": phone_handle})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(laptop.post("/revoke-session", json!({"token": "ses_unknown"})).await.status, StatusCode::NOT_FOUND);
    assert!(phone.session().await["user"].is_object());
    assert_eq!(laptop.post("/revoke-session", json!({"token": phone_handle})).await.body, json!({"status": true}));
    assert_eq!(phone.session().await, Value::Null, "the phone is signed out");

    // Password: the current one is required; length rules hold; the other
    // sessions end when asked, and this browser gets a new session.
    let phone_again = phone.post("/sign-in/email", json!({"email": email, "password": "correct horse"})).await;
    assert_eq!(phone_again.status, StatusCode::OK);
    let wrong =
        laptop.post("/change-password", json!({"currentPassword": "wrong", "newPassword": "battery staple"})).await;
    assert_eq!((wrong.status, wrong.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("INVALID_PASSWORD")));
    let short =
        laptop.post("/change-password", json!({"currentPassword": "correct horse", "newPassword": "short"})).await;
    assert_eq!(short.body["code"], "PASSWORD_TOO_SHORT");
    let kept = laptop
        .post("/change-password", json!({"currentPassword": "correct horse", "newPassword": "battery staple"}))
        .await;
    assert_eq!((kept.status, &kept.body["token"]), (StatusCode::OK, &Value::Null));
    assert_eq!(phone.session().await, Value::Null, "a password change ends the other sessions, asked or not");
    assert!(laptop.session().await["user"].is_object(), "this browser stays signed in");
    let phone_back = phone.post("/sign-in/email", json!({"email": email, "password": "battery staple"})).await;
    assert_eq!(phone_back.status, StatusCode::OK);
    let changed = laptop
        .post(
            "/change-password",
            json!({"currentPassword": "battery staple", "newPassword": "horse battery", "revokeOtherSessions": true}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert!(changed.body["token"].is_string());
    assert_eq!(phone.session().await, Value::Null, "ended with the change");
    assert!(laptop.session().await["user"].is_object(), "this browser has its new session");
    let old = Browser::new(&app, &tenant.key)
        .post("/sign-in/email", json!({"email": email, "password": "correct horse"}))
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "the old password is gone");

    // Revoke the others, then all.
    let phone_last = phone.post("/sign-in/email", json!({"email": email, "password": "horse battery"})).await;
    assert_eq!(phone_last.status, StatusCode::OK);
    assert_eq!(laptop.post("/revoke-other-sessions", json!({})).await.body, json!({"status": true}));
    assert_eq!(phone.session().await, Value::Null);
    assert!(laptop.session().await["user"].is_object());
    assert_eq!(laptop.post("/revoke-sessions", json!({})).await.status, StatusCode::OK);
    assert_eq!(laptop.session().await, Value::Null);
    assert!(other.session().await["user"].is_object(), "another user of the app is untouched");
}

/// `get-session` is asked on every page view: in steady state it costs no
/// database query, and an ending made here still wins at once.
async fn a_session_in_steady_state_costs_no_lookup(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Busy").await;
    let browser = Browser::new(&app, &tenant.key);
    let email = support::email();
    assert_eq!(browser.post("/sign-up/email", sign_up_body(&email, "correct horse")).await.status, StatusCode::OK);
    assert!(browser.session().await["user"].is_object());
    let before = app.end_user_sessions.lookups();
    for _ in 0..50 {
        assert!(browser.session().await["user"].is_object());
        assert_eq!(browser.get("/convex/token").await.status, StatusCode::OK);
    }
    assert_eq!(app.end_user_sessions.lookups(), before, "100 answers from the cache");
    assert_eq!(browser.post("/sign-out", json!({})).await.status, StatusCode::OK);
    let signed_in = browser.post("/sign-in/email", json!({"email": email, "password": "correct horse"})).await;
    let user_id = signed_in.body["user"]["id"].as_str().unwrap().to_string();
    assert!(browser.session().await["user"].is_object());
    let (status, _) = admin_post(&app, &tenant.key, "ban-user", json!({"userId": user_id})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(browser.session().await, Value::Null, "a ban wins over the cache at once");
}

/// Behind a load balancer: a session ended on one instance (sign-out, a
/// ban, a revoke, a deletion) is refused by another that had it cached.
async fn an_ending_reaches_every_instance() {
    let one = TestApp::start(Backend::Postgres).await;
    let two = TestApp::beside(&one, &[]).await;
    let tenant = Tenant::new(&one.db.store().await, "Spread").await;
    let sign_up = |app: &TestApp| {
        let browser = Browser::new(app, &tenant.key);
        async move {
            let email = support::email();
            let signed_up = browser.post("/sign-up/email", sign_up_body(&email, "correct horse")).await;
            assert_eq!(signed_up.status, StatusCode::OK);
            (browser, signed_up.body["user"]["id"].as_str().unwrap().to_string())
        }
    };
    // The same cookie jar through the other instance.
    let through = |browser: &Browser, app: &TestApp| Browser {
        http: browser.http.clone(),
        base: app.base.clone(),
        key: browser.key.clone(),
    };
    let refused_on_two = |browser: Browser| async move {
        support::eventually(std::time::Duration::from_secs(5), || async { browser.session().await == Value::Null })
            .await
    };

    // Sign-out: the jar drops its cookie, so two is asked with a copy of it.
    let signed_out = Browser::new(&one, &tenant.key);
    let signed_up = signed_out.post("/sign-up/email", sign_up_body(&support::email(), "correct horse")).await;
    let cookie = signed_up.cookies[0].split(';').next().unwrap().to_string();
    let copy = Browser { http: reqwest::Client::new(), base: two.base.clone(), key: tenant.key.clone() };
    let ask_with_copy = || answer(copy.request(reqwest::Method::GET, "/get-session").header("cookie", &cookie));
    assert!(ask_with_copy().await.body["user"].is_object(), "cached on two");
    assert_eq!(signed_out.post("/sign-out", json!({})).await.status, StatusCode::OK);
    let gone =
        support::eventually(std::time::Duration::from_secs(5), || async { ask_with_copy().await.body == Value::Null });
    assert!(gone.await, "sign-out reached the second instance");
    let (banned, banned_id) = sign_up(&one).await;
    let (revoked, revoked_id) = sign_up(&one).await;
    let (deleted, deleted_id) = sign_up(&one).await;
    for browser in [&banned, &revoked, &deleted] {
        assert!(through(browser, &two).session().await["user"].is_object(), "cached on two");
    }
    assert_eq!(admin_post(&one, &tenant.key, "ban-user", json!({"userId": banned_id})).await.0, StatusCode::OK);
    assert_eq!(
        admin_post(&one, &tenant.key, "revoke-user-sessions", json!({"userId": revoked_id})).await.0,
        StatusCode::OK
    );
    assert_eq!(admin_post(&one, &tenant.key, "remove-user", json!({"userId": deleted_id})).await.0, StatusCode::OK);
    for (what, browser) in [("ban", &banned), ("revoke", &revoked), ("delete", &deleted)] {
        assert!(refused_on_two(through(browser, &two)).await, "{what} reached the second instance");
    }
}

/// A session used after a day has its expiry moved forward and its cookie
/// set again; `rememberMe: false` gives a cookie without `Max-Age`, kept so.
async fn sessions_slide_and_remember_me_is_honoured(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Sliding").await;
    let browser = Browser::new(&app, &tenant.key);
    let body = json!({"name": "Ada", "email": support::email(), "password": "correct horse", "rememberMe": false});
    let signed_up = browser.post("/sign-up/email", body).await;
    assert_eq!(signed_up.status, StatusCode::OK, "{}", signed_up.text);
    let session = signed_up.cookies.iter().find(|c| c.starts_with("better-auth.session_token=")).unwrap();
    assert!(!session.contains("Max-Age"), "a browser-session cookie: {session}");
    assert!(signed_up.cookies.iter().any(|c| c.starts_with("better-auth.dont_remember=")));
    let session_id = browser.session().await["session"]["id"].as_str().unwrap().to_string();
    assert!(browser.get("/get-session").await.cookies.is_empty(), "not refreshed while fresh");

    // As if last refreshed a day and a half ago; a second instance has no
    // cached copy of it.
    let now = time::OffsetDateTime::now_utc();
    let then = now - time::Duration::hours(36);
    store.end_user_sessions().extend(&session_id, then, then + time::Duration::days(7)).await.unwrap();
    let second = TestApp::beside(&app, &[]).await;
    let through = Browser { http: browser.http.clone(), base: second.base.clone(), key: tenant.key.clone() };
    let got = through.get("/get-session").await;
    let expires_at = got.body["session"]["expiresAt"].as_str().unwrap();
    let expires_at = time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339).unwrap();
    assert!(expires_at > now + time::Duration::days(6), "moved forward: {expires_at}");
    let again =
        got.cookies.iter().find(|c| c.starts_with("better-auth.session_token=")).expect("the cookie is set again");
    assert!(!again.contains("Max-Age"), "still not remembered: {again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ending_reaches_every_instance_on_postgres() {
    an_ending_reaches_every_instance().await
}

on_both_backends!(
    an_account_page_manages_its_own_user,
    a_session_in_steady_state_costs_no_lookup,
    sessions_slide_and_remember_me_is_honoured,
);
