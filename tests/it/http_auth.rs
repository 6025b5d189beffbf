//! Sign-up, sign-in, sessions and their defences, over real HTTP against a
//! real server on 127.0.0.1:0, on both backends.

use crate::support;
use crate::support::{session_cookie, Backend, TestApp};
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN};
use reqwest::StatusCode;

const PASSWORD: &str = "correct horse battery";

fn location(response: &reqwest::Response) -> String {
    response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// The `name=value` part of a Set-Cookie header, for replaying it by hand.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

async fn dashboard_status(app: &TestApp, cookie: &str) -> StatusCode {
    let response = support::client().get(app.url("/")).header(COOKIE, cookie).send().await.unwrap();
    let target = location(&response);
    if target.starts_with("/sign-in") {
        StatusCode::UNAUTHORIZED
    } else {
        assert!(target.starts_with("/projects/"), "unexpected redirect {target}");
        StatusCode::OK
    }
}

async fn sign_up_signs_in_and_lands_in_the_default_project(backend: Backend) {
    let app = TestApp::start(backend).await;
    let email = support::email();
    let response = app.sign_up("Grace Hopper", &email, PASSWORD).await;
    assert!(response.status().is_redirection() || response.status().is_success(), "{}", response.status());
    let target = location(&response);
    assert_eq!(target, "/projects/grace-hopper-s-project/api-keys");

    let cookie = session_cookie(&response).expect("a session cookie");
    let lower = cookie.to_lowercase();
    assert!(lower.contains("httponly"), "{cookie}");
    assert!(lower.contains("samesite=lax"), "{cookie}");
    assert!(lower.contains("path=/"), "{cookie}");
    assert!(!lower.contains("secure"), "plain http must not set Secure: {cookie}");

    let page = app.get(&target).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Grace Hopper&#x27;s project") || html.contains("Grace Hopper's project"), "{html}");
    assert!(html.contains("API Keys"));
}

async fn sign_in_cycles_the_session_id(backend: Backend) {
    let app = TestApp::start(backend).await;
    let email = support::email();
    let first = session_cookie(&app.sign_up("Ada", &email, PASSWORD).await).unwrap();

    let response = app.sign_in(&email.to_uppercase(), PASSWORD).await;
    assert_eq!(location(&response), "/projects/ada-s-project/api-keys");
    let second = session_cookie(&response).expect("sign-in sets a new cookie");
    assert_ne!(cookie_pair(&first), cookie_pair(&second), "the id changes at sign-in");

    assert_eq!(dashboard_status(&app, &cookie_pair(&second)).await, StatusCode::OK);
    assert_eq!(dashboard_status(&app, &cookie_pair(&first)).await, StatusCode::UNAUTHORIZED, "old id is dead");
}

async fn wrong_password_and_unknown_email_answer_alike(backend: Backend) {
    let app = TestApp::start(backend).await;
    let email = support::email();
    app.sign_up("Ada", &email, PASSWORD).await;

    // A client with no session, as an attacker would be.
    let outsider = support::client();
    let attempt = |email: String| {
        let request = outsider.post(app.url("/api/dashboard/sign_in"));
        async move { request.form(&[("email", email.as_str()), ("password", "not the password")]).send().await.unwrap() }
    };
    let wrong = attempt(email.clone()).await;
    let (wrong_status, wrong_body) = (wrong.status(), wrong.text().await.unwrap());
    let unknown = attempt("nobody-at-all@example.com".into()).await;
    let (unknown_status, unknown_body) = (unknown.status(), unknown.text().await.unwrap());

    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_status, wrong_status);
    assert_eq!(unknown_body, wrong_body);
    assert!(wrong_body.contains("InvalidCredentials"), "{wrong_body}");
}

async fn sign_out_destroys_the_session_server_side(backend: Backend) {
    let app = TestApp::start(backend).await;
    let cookie = cookie_pair(&session_cookie(&app.sign_up("Ada", &support::email(), PASSWORD).await).unwrap());
    assert_eq!(dashboard_status(&app, &cookie).await, StatusCode::OK);

    let response = app.post_form("/api/dashboard/sign_out", &[]).await;
    assert_eq!(location(&response), "/sign-in");
    // Replaying the old cookie by hand: the server no longer knows it.
    assert_eq!(dashboard_status(&app, &cookie).await, StatusCode::UNAUTHORIZED);
}

async fn dashboard_pages_send_visitors_to_sign_in_with_next(backend: Backend) {
    let app = TestApp::start(backend).await;
    let response = app.get("/projects/some-project/api-keys?tab=all").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/sign-in?next=%2Fprojects%2Fsome-project%2Fapi-keys%3Ftab%3Dall");

    let root = app.get("/").await;
    assert!(location(&root).starts_with("/sign-in"));
    // The sign-in page itself is public.
    assert_eq!(app.get("/sign-in").await.status(), StatusCode::OK);
}

async fn next_never_leaves_the_site(backend: Backend) {
    let app = TestApp::start(backend).await;
    let email = support::email();
    app.sign_up("Ada", &email, PASSWORD).await;
    let home = "/projects/ada-s-project/api-keys";
    for (next, expected) in [
        ("/projects/ada-s-project/api-keys?x=1", "/projects/ada-s-project/api-keys?x=1"),
        ("https://evil.example/phish", home),
        ("//evil.example", home),
        ("/\\evil.example", home),
    ] {
        let response =
            app.post_form("/api/dashboard/sign_in", &[("email", &email), ("password", PASSWORD), ("next", next)]).await;
        assert_eq!(location(&response), expected, "next={next}");
    }
    // Already signed in, the sign-in page forwards to a safe `next` only.
    assert_eq!(location(&app.get("/sign-in?next=%2F%2Fevil.example").await), "/");
}

async fn cross_site_posts_are_refused_before_any_handler(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let email = support::email();
    let form = [("name", "Mallory"), ("email", email.as_str()), ("password", PASSWORD)];

    let by_fetch_metadata = app
        .client
        .post(app.url("/api/dashboard/sign_up"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(by_fetch_metadata.status(), StatusCode::FORBIDDEN);

    let by_origin = app
        .client
        .post(app.url("/api/dashboard/sign_up"))
        .header(ORIGIN, "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(by_origin.status(), StatusCode::FORBIDDEN);
    assert!(store.accounts().credentials(&email).await.unwrap().is_none(), "nothing was written");

    // Our own origin is fine.
    let ours = app
        .client
        .post(app.url("/api/dashboard/sign_up"))
        .header(ORIGIN, app.base.as_str())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(ours.status().is_redirection() || ours.status().is_success(), "{}", ours.status());
    assert!(store.accounts().credentials(&email).await.unwrap().is_some());
}

async fn bad_sign_up_input_is_refused_and_writes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let long_name = "n".repeat(101);
    let long_password = "p".repeat(257);
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("empty name", support::email(), "", PASSWORD),
        ("long name", support::email(), &long_name, PASSWORD),
        ("empty email", String::new(), "Ada", PASSWORD),
        ("malformed email", "ada-at-example.com".into(), "Ada", PASSWORD),
        ("short password", support::email(), "Ada", "short"),
        ("long password", support::email(), "Ada", &long_password),
    ];
    for (what, email, name, password) in cases {
        let response = app.sign_up(name, &email, password).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let body = response.text().await.unwrap();
        assert!(body.contains("Invalid") && body.contains("field"), "{what}: {body}");
        if !email.is_empty() {
            assert!(store.accounts().credentials(&email).await.unwrap().is_none(), "{what} wrote a user");
        }
    }
}

async fn unreadable_and_huge_bodies_get_clear_errors(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let email = support::email();
    let url = app.url("/api/dashboard/sign_up");

    let json = app
        .client
        .post(&url)
        .header(CONTENT_TYPE, "application/json")
        .body(format!(r#"{{"name":"Ada","email":"{email}","password":"{PASSWORD}"}}"#))
        .send()
        .await
        .unwrap();
    assert!(json.status().is_client_error(), "wrong content type: {}", json.status());

    let mut invalid_utf8 = format!("name=Ada&email={email}&password=").into_bytes();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xfd, b'x', b'x', b'x', b'x', b'x', b'x', b'x', b'x']);
    let garbled = app
        .client
        .post(&url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(invalid_utf8)
        .send()
        .await
        .unwrap();
    assert!(garbled.status().is_client_error(), "invalid UTF-8: {}", garbled.status());

    // A 2 MB body is refused from its declared length, before it is read.
    // The request is written by hand: the server answers before the body
    // is sent, which an HTTP client may report as a broken pipe.
    assert_eq!(declared_body_status(&app, "/api/dashboard/sign_up", 2 * 1024 * 1024).await, 413);

    assert!(store.accounts().credentials(&email).await.unwrap().is_none(), "nothing was written");
}

/// Sends only the head of a POST declaring `length` bytes and returns the
/// status the server answers with.
async fn declared_body_status(app: &TestApp, path: &str, length: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {length}\r\n\r\nname=Ada&email="
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 256];
    let read = stream.read(&mut answer).await.unwrap();
    let status_line = String::from_utf8_lossy(&answer[..read]).lines().next().unwrap_or_default().to_string();
    status_line.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0)
}

async fn closed_sign_up_refuses_and_writes_nothing(backend: Backend) {
    let app = TestApp::start_with(backend, &["--allow-signup", "false"]).await;
    let store = app.db.store().await;
    let email = support::email();
    let response = app.sign_up("Ada", &email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("SignupClosed"));
    assert!(store.accounts().credentials(&email).await.unwrap().is_none());
    let page = app.get("/sign-up").await.text().await.unwrap();
    assert!(page.contains("Sign-up is closed"), "the page says so");
}

async fn secure_cookies_behind_https(backend: Backend) {
    let app = TestApp::start_with(backend, &["--public-url", "https://banata.example.com"]).await;
    let response = app.sign_up("Ada", &support::email(), PASSWORD).await;
    let cookie = session_cookie(&response).unwrap().to_lowercase();
    assert!(cookie.contains("secure"), "{cookie}");
}

async fn plain_form_posts_redirect_with_the_error(backend: Backend) {
    let app = TestApp::start(backend).await;
    let referer = app.url("/sign-in");
    let response = app
        .client
        .post(app.url("/api/dashboard/sign_in"))
        .header(ACCEPT, "text/html")
        .header("referer", &referer)
        .form(&[("email", "nobody@example.com"), ("password", "whatever123")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let target = location(&response);
    assert!(target.starts_with(&referer) && target.contains("__err="), "{target}");
    let page = app.get(&target.replace(&app.base, "")).await.text().await.unwrap();
    assert!(page.contains("Invalid email or password."), "the page shows the error without JavaScript");
}

async fn health_and_request_ids(backend: Backend) {
    let app = TestApp::start(backend).await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().get("x-request-id").is_some_and(|v| v.to_str().unwrap().starts_with("req_")));
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);

    let echoed = app.client.get(app.url("/healthz")).header("x-request-id", "trace-42.a_b").send().await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-42.a_b");
    let insane = app.client.get(app.url("/healthz")).header("x-request-id", "a b<script>").send().await.unwrap();
    assert_ne!(insane.headers()["x-request-id"], "a b<script>");
}

async fn unknown_pages_answer_404(backend: Backend) {
    let app = TestApp::start(backend).await;
    assert_eq!(app.get("/no/such/page").await.status(), StatusCode::NOT_FOUND);
    app.sign_up("Ada", &support::email(), PASSWORD).await;
    let other = app.get("/projects/not-my-project/api-keys").await;
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

on_both_backends!(
    sign_up_signs_in_and_lands_in_the_default_project,
    sign_in_cycles_the_session_id,
    wrong_password_and_unknown_email_answer_alike,
    sign_out_destroys_the_session_server_side,
    dashboard_pages_send_visitors_to_sign_in_with_next,
    next_never_leaves_the_site,
    cross_site_posts_are_refused_before_any_handler,
    bad_sign_up_input_is_refused_and_writes_nothing,
    unreadable_and_huge_bodies_get_clear_errors,
    closed_sign_up_refuses_and_writes_nothing,
    secure_cookies_behind_https,
    plain_form_posts_redirect_with_the_error,
    health_and_request_ids,
    unknown_pages_answer_404,
);
