//! The sessions page's server functions over real HTTP, on both backends:
//! sessions are listed with their device, ended one by one or all at once
//! from another browser, and a password change ends every other session.

use crate::support::{self, Backend, Person, TestApp, PASSWORD};
use banata::domain::SessionInfo;
use banata::store::NewSession;
use reqwest::StatusCode;
use time::{Duration, OffsetDateTime};

const PHONE: &str =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Safari/604.1";

/// Another browser of `person`, signed in with `password`.
async fn another_browser(app: &TestApp, person: &Person, user_agent: &str, password: &str) -> Person {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
        .unwrap();
    let response = client
        .post(app.url("/api/dashboard/sign_in"))
        .form(&[("email", person.email.as_str()), ("password", password)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success() || response.status().is_redirection(), "signed in: {}", response.status());
    Person { client, email: person.email.clone(), id: person.id.clone() }
}

async fn sessions(person: &Person, app: &TestApp) -> Vec<SessionInfo> {
    let (status, body) = person.call(app, "list_sessions", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// Whether this browser is still signed in, asked of a server function and
/// of a page.
async fn signed_in(person: &Person, app: &TestApp) -> bool {
    let (status, _) = person.call(app, "list_projects", &[]).await;
    let page = person.client.get(app.url("/projects")).send().await.unwrap();
    assert_eq!(status == StatusCode::OK, page.status() == StatusCode::OK, "server functions and pages agree");
    status == StatusCode::OK
}

async fn sessions_are_listed_and_ended_from_another_browser(backend: Backend) {
    let app = TestApp::start(backend).await;
    let laptop = Person::sign_up(&app, "Sam Sessions").await;
    let phone = another_browser(&app, &laptop, PHONE, PASSWORD).await;
    let stranger = Person::sign_up(&app, "Stranger").await;

    let listed = sessions(&laptop, &app).await;
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[0].current, "this browser first");
    assert_eq!(listed[0].device, "Firefox on Linux");
    assert_eq!(listed[1].device, "Safari on iOS");
    assert!(listed.iter().all(|s| s.ip.as_deref() == Some("127.0.0.1") && s.id.starts_with("ses_")));
    let phone_session = listed[1].id.clone();
    assert!(sessions(&phone, &app).await.iter().any(|s| s.current && s.id == phone_session));

    // Someone else's session, or none at all, cannot be ended.
    let theirs = sessions(&stranger, &app).await.remove(0).id;
    for id in [theirs.as_str(), "ses_doesnotexist", "", &"x".repeat(5000)] {
        let (status, body) = laptop.call(&app, "end_session", &[("session_id", id)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    assert!(signed_in(&stranger, &app).await, "their session is untouched");

    let (status, _) = laptop.call(&app, "end_session", &[("session_id", &phone_session)]).await;
    assert!(status.is_success() || status.is_redirection(), "{status}");
    assert!(!signed_in(&phone, &app).await, "the phone is signed out on its next request");
    assert!(signed_in(&laptop, &app).await);
    assert_eq!(sessions(&laptop, &app).await.len(), 1);

    // All others at once: two more browsers go, this one stays.
    let second = another_browser(&app, &laptop, PHONE, PASSWORD).await;
    let third = another_browser(&app, &laptop, "curl/8.5.0", PASSWORD).await;
    assert_eq!(sessions(&laptop, &app).await.len(), 3);
    let (status, body) = laptop.call(&app, "end_other_sessions", &[]).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert!(!signed_in(&second, &app).await && !signed_in(&third, &app).await);
    assert!(signed_in(&laptop, &app).await);

    // Ending one's own session is signing out: gone from the list too.
    let (status, _) = laptop.call(&app, "end_session", &[("session_id", &sessions(&laptop, &app).await[0].id)]).await;
    assert!(status.is_redirection() || status.is_success(), "{status}");
    assert!(!signed_in(&laptop, &app).await);
    let store = app.db.store().await;
    let left = store
        .dashboard_sessions()
        .of_account(&laptop.id, time::OffsetDateTime::now_utc() - time::Duration::days(1))
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

async fn changing_the_password_ends_every_other_session(backend: Backend) {
    let app = TestApp::start(backend).await;
    let laptop = Person::sign_up(&app, "Pat Password").await;
    let phone = another_browser(&app, &laptop, PHONE, PASSWORD).await;
    let new_password = "a much better passphrase";

    let refused = [
        (("wrong password", new_password), "current_password"),
        ((PASSWORD, "short"), "new_password"),
        ((PASSWORD, &"x".repeat(300)), "new_password"),
        (("", new_password), "current_password"),
    ];
    for ((current, new), field) in refused {
        let form = [("current_password", current), ("new_password", new)];
        let (status, body) = laptop.call(&app, "change_password", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(field), "the error names {field}: {body}");
    }
    assert!(signed_in(&phone, &app).await, "a refused change ends nothing");
    assert_eq!(sessions(&laptop, &app).await.len(), 2);

    let form = [("current_password", PASSWORD), ("new_password", new_password)];
    let (status, body) = laptop.call(&app, "change_password", &form).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    assert!(!signed_in(&phone, &app).await, "the other session ended");
    assert!(signed_in(&laptop, &app).await, "this one goes on");

    let old = app.sign_in(&laptop.email, PASSWORD).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED, "the old password no longer works");
    let new = another_browser(&app, &laptop, PHONE, new_password).await;
    assert!(signed_in(&new, &app).await);
}

async fn guessing_the_current_password_is_limited(backend: Backend) {
    let app = TestApp::start(backend).await;
    let thief = Person::sign_up(&app, "Left Signed In").await;
    let form = [("current_password", "guess"), ("new_password", "taken over for good")];
    for _ in 0..5 {
        assert_eq!(thief.call(&app, "change_password", &form).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let right = [("current_password", PASSWORD), ("new_password", "taken over for good")];
    let (status, body) = thief.call(&app, "change_password", &right).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    let error: banata::error::AppError = serde_json::from_str(&body).unwrap();
    assert!(error.to_string().starts_with("Too many attempts. Try again in"), "the page shows: {error}");
}

/// The rows the sessions page lists hold an address and a browser: they go
/// when their session ends by timeout, not only when someone signs out.
async fn rows_of_timed_out_sessions_are_swept(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let person = Person::sign_up(&app, "Sam Sweep").await;
    let now = OffsetDateTime::now_utc();
    let row = |id: &str, at: OffsetDateTime| NewSession {
        id: id.into(),
        user_id: person.id.clone(),
        ip: Some("192.0.2.4".into()),
        user_agent: Some("old browser".into()),
        at,
    };
    // Idle for longer than the 7-day default; signed in longer ago than the
    // 30-day default though seen today.
    store
        .dashboard_sessions()
        .insert(&row("ses_idle", now - Duration::days(8)), OffsetDateTime::UNIX_EPOCH)
        .await
        .unwrap();
    store
        .dashboard_sessions()
        .insert(&row("ses_old", now - Duration::days(31)), OffsetDateTime::UNIX_EPOCH)
        .await
        .unwrap();
    store.dashboard_sessions().touch("ses_old", now, None).await.unwrap();
    let ids = || async {
        let rows = store.dashboard_sessions().of_account(&person.id, OffsetDateTime::UNIX_EPOCH).await.unwrap();
        let mut ids: Vec<String> = rows.into_iter().map(|r| r.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids().await.len(), 3);
    // A second instance sweeps when it starts (and every minute after).
    let _second = TestApp::beside(&app, &[]).await;
    let swept = support::eventually(std::time::Duration::from_secs(10), || async { ids().await.len() == 1 }).await;
    let left = ids().await;
    assert!(swept, "{left:?}");
    assert!(left[0] != "ses_idle" && left[0] != "ses_old", "the live one stays: {left:?}");
    assert!(signed_in(&person, &app).await);
}

/// Signing in as someone else in a browser already signed in ends the
/// first sign-in: its row is not left listed as live.
async fn signing_in_over_another_account_ends_its_session(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let first = Person::sign_up(&app, "First Person").await;
    let second = Person::sign_up(&app, "Second Person").await;
    assert_eq!(store.dashboard_sessions().of_account(&first.id, OffsetDateTime::UNIX_EPOCH).await.unwrap().len(), 1);
    let response = first
        .client
        .post(app.url("/api/dashboard/sign_in"))
        .form(&[("email", second.email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success() || response.status().is_redirection(), "{}", response.status());
    assert!(store.dashboard_sessions().of_account(&first.id, OffsetDateTime::UNIX_EPOCH).await.unwrap().is_empty());
    assert_eq!(store.dashboard_sessions().of_account(&second.id, OffsetDateTime::UNIX_EPOCH).await.unwrap().len(), 2);
}

on_both_backends!(
    sessions_are_listed_and_ended_from_another_browser,
    changing_the_password_ends_every_other_session,
    guessing_the_current_password_is_limited,
    rows_of_timed_out_sessions_are_swept,
    signing_in_over_another_account_ends_its_session,
);
