//! Security headers on every kind of response, and sign-in brute force
//! limits, against a real server on both backends.

use crate::support;
use crate::support::{Backend, Person, TestApp, PASSWORD};
use banata::store::AuditQuery;
use reqwest::StatusCode;
use time::OffsetDateTime;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers().get(name).map(|v| v.to_str().unwrap()).unwrap_or_else(|| panic!("no {name} header"))
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let page = app.get("/sign-in").await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = header(&page, "content-security-policy").to_string();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce").to_string();
    assert!(nonce.len() >= 16, "{nonce}");
    assert_eq!(header(&page, "cache-control"), "no-store");
    let html = app.client.get(app.url("/sign-in")).send().await.unwrap();
    let html_csp = header(&html, "content-security-policy").to_string();
    let html_nonce = html_csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap().to_string();
    let html = html.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{html_nonce}\"")), "the inline hydration script carries the nonce");
    let again = app.get("/sign-in").await;
    assert!(!header(&again, "content-security-policy").contains(&nonce), "a fresh nonce per response");

    let api = app.get("/api/auth/api-key/whoami").await;
    let health = app.get("/healthz").await;
    let missing = app.get("/no-such-page").await;
    for response in [&page, &again, &api, &health, &missing] {
        // Every kind of answer: a page, JSON, plain text, a 404 page.
        assert_eq!(header(response, "x-frame-options"), "DENY");
        assert_eq!(header(response, "x-content-type-options"), "nosniff");
        assert_eq!(header(response, "referrer-policy"), "same-origin");
        assert!(header(response, "content-security-policy").contains("frame-ancestors 'none'"));
        assert!(response.headers().get("strict-transport-security").is_none(), "not over plain http");
    }
    assert_eq!(header(&api, "cache-control"), "no-store", "API answers are never cached");

    let behind_https = TestApp::start_with(backend, &["--public-url", "https://banata.example.com"]).await;
    let page = behind_https.get("/sign-in").await;
    assert!(header(&page, "strict-transport-security").starts_with("max-age="));
}

async fn guessing_a_password_is_slowed_down(backend: Backend) {
    let app = TestApp::start_with(backend, &["--client-ip-header", "x-forwarded-for"]).await;
    let email = support::email();
    assert!(app.sign_up("Vic Tim", &email, PASSWORD).await.headers().contains_key("location"));
    let sign_in = |from: &'static str, email: String, password: &'static str| {
        let url = app.url("/api/dashboard/sign_in");
        async move {
            let form = [("email", email.as_str()), ("password", password)];
            support::client().post(url).header("x-forwarded-for", from).form(&form).send().await.unwrap()
        }
    };
    const GUESSER: &str = "198.51.100.9";

    // Four wrong, then the owner signs in: the count starts over.
    for _ in 0..4 {
        assert_eq!(sign_in(GUESSER, email.clone(), "wrong guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(sign_in(GUESSER, email.clone(), PASSWORD).await.headers().contains_key("location"));
    for _ in 0..4 {
        assert_eq!(sign_in(GUESSER, email.to_uppercase(), "wrong guess").await.status(), StatusCode::UNAUTHORIZED);
    }
    // The fifth failure in a minute blocks the account from that address,
    // even for the right password.
    assert_eq!(sign_in(GUESSER, email.clone(), "wrong guess").await.status(), StatusCode::UNAUTHORIZED);
    let blocked = sign_in(GUESSER, email.clone(), PASSWORD).await;
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    let error: banata::error::AppError = serde_json::from_str(&blocked.text().await.unwrap()).unwrap();
    let message = error.to_string();
    assert!(message.starts_with("Too many attempts. Try again in"), "the page shows: {message}");
    // The owner, from an address with no failures, still gets in: guessing
    // is no way to lock someone out.
    let owner = sign_in("192.0.2.50", email.clone(), PASSWORD).await;
    assert!(owner.headers().contains_key("location"), "{}", owner.status());

    // One address trying many accounts is stopped too.
    for n in 0..20 {
        let status = sign_in(GUESSER, format!("nobody{n}@example.com"), "guess").await.status();
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
    }
    let status = sign_in(GUESSER, support::email(), "guess").await.status();
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "the address is blocked for every account");
}

async fn sign_ups_are_limited_per_address(backend: Backend) {
    let app = TestApp::start_with(backend, &["--signup-limit", "3", "--client-ip-header", "x-forwarded-for"]).await;
    let store = app.db.store().await;
    let sign_up = |from: &'static str, email: String| {
        let url = app.url("/api/dashboard/sign_up");
        async move {
            let form = [("name", "Flood"), ("email", email.as_str()), ("password", PASSWORD)];
            support::client().post(url).header("x-forwarded-for", from).form(&form).send().await.unwrap()
        }
    };
    for _ in 0..3 {
        assert!(sign_up("198.51.100.7", support::email()).await.headers().contains_key("location"));
    }
    let refused_email = support::email();
    let refused = sign_up("198.51.100.7", refused_email.clone()).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = header(&refused, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(store.accounts().credentials(&refused_email).await.unwrap().is_none(), "no account was made");
    // Another address is not held back by the flood.
    assert!(sign_up("198.51.100.8", support::email()).await.headers().contains_key("location"));
}

/// A flood of password checks is answered at once with 503 and Retry-After
/// instead of queueing behind the hashing threads without bound.
async fn a_password_flood_is_refused_at_once_not_queued(backend: Backend) {
    let app = TestApp::start_with(backend, &["--password-queue", "1", "--client-ip-header", "x-forwarded-for"]).await;
    let email = support::email();
    assert!(app.sign_up("Vic Tim", &email, PASSWORD).await.headers().contains_key("location"));
    let attempts = (0..24).map(|n| {
        let (url, email) = (app.url("/api/dashboard/sign_in"), email.clone());
        tokio::spawn(async move {
            let form = [("email", email.as_str()), ("password", "wrong guess")];
            let from = format!("198.51.100.{n}");
            let response = support::client().post(url).header("x-forwarded-for", from).form(&form).send().await;
            let response = response.unwrap();
            let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
            (response.status(), retry_after, response.text().await.unwrap())
        })
    });
    let mut busy = 0;
    for attempt in attempts.collect::<Vec<_>>() {
        let (status, retry_after, body) = attempt.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert_eq!(retry_after.as_deref(), Some("1"), "{body}");
                let error: banata::error::AppError = serde_json::from_str(&body).unwrap();
                assert!(error.to_string().starts_with("The server is busy"), "{error}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(busy > 0, "with one place in the queue, some of 24 at once are refused");
    // The queue frees its places: the owner signs in afterwards.
    let owner = app.sign_in(&email, PASSWORD).await;
    assert!(owner.headers().contains_key("location"), "{}", owner.status());
}

/// Every server function and plain-form route refuses a request from a
/// foreign page, as a form post and as a fetch, before doing anything, even
/// with the victim's session cookie.
async fn every_server_function_refuses_foreign_origins(backend: Backend) {
    let app = TestApp::start(backend).await;
    let victim = Person::sign_up(&app, "Vic Tim").await;
    let store = app.db.store().await;
    let project = store.project_members().of_account(&victim.id).await.unwrap().remove(0);
    let slug = project.slug.as_str();
    let (status, _) = victim.call(&app, "create_key", &[("slug", slug), ("name", "kept"), ("expires", "never")]).await;
    assert_eq!(status, StatusCode::OK);
    let audit = || async {
        let query = AuditQuery { limit: 1000, ..AuditQuery::default() };
        store.audit().events(&project.project_id, &query).await.unwrap().len()
    };
    let before = (
        audit().await,
        store.dashboard_sessions().of_account(&victim.id, OffsetDateTime::UNIX_EPOCH).await.unwrap().len(),
    );

    let mut paths: Vec<String> = server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    assert!(paths.len() >= 20, "{paths:?}");
    let plain = banata::http::project_route_list().into_iter().filter(|(method, _)| *method == "POST");
    paths.extend(plain.map(|(_, path)| path.replace("{slug}", slug)));
    assert!(paths.iter().any(|p| p.ends_with("/api-keys/roll")) && paths.iter().any(|p| p.ends_with("/test-key")));
    let all = banata::store::KeyQuery { limit: 10, ..Default::default() };
    let kept = store.keys().list(&project.project_id, &all, OffsetDateTime::now_utc()).await.unwrap();
    let kept_id = kept.first().map(|k| k.id.clone()).unwrap();
    let form = [
        ("slug", slug),
        ("name", "stolen"),
        ("expires", "never"),
        ("email", "x@evil.example"),
        ("role", "owner"),
        ("key_id", kept_id.as_str()),
        ("grace", "now"),
        ("key", "sk_live_nothing"),
    ];
    let mut refused = 0;
    for path in &paths {
        let as_form = victim.client.post(app.url(path)).header("origin", "http://evil.example").form(&form);
        let as_fetch = victim
            .client
            .post(app.url(path))
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/json")
            .body(r#"{"slug":"x","name":"stolen"}"#);
        for request in [as_form, as_fetch] {
            let status = request.send().await.unwrap().status();
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            refused += 1;
        }
    }
    let after = (
        audit().await,
        store.dashboard_sessions().of_account(&victim.id, OffsetDateTime::UNIX_EPOCH).await.unwrap().len(),
    );
    assert_eq!(after, before, "nothing changed");
    assert!(victim.call(&app, "list_projects", &[]).await.0.is_success(), "and the victim is still signed in");
    println!("{backend:?}: {refused} cross-site requests refused on {} routes", paths.len());
}

/// Script in every free-text field is shown as text, never run.
async fn markup_in_names_is_rendered_inert(backend: Backend) {
    let app = TestApp::start(backend).await;
    let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let signed_up = app.sign_up(payload, &support::email(), PASSWORD).await;
    let slug = signed_up.headers()["location"].to_str().unwrap().split('/').nth(2).unwrap().to_string();
    let created = app
        .post_form("/api/dashboard/create_key", &[("slug", slug.as_str()), ("name", payload), ("expires", "never")])
        .await;
    assert!(created.status().is_success());
    let renamed = app.post_form("/api/dashboard/rename_project", &[("slug", slug.as_str()), ("name", payload)]).await;
    assert!(renamed.status().is_success());
    let pages = ["api-keys", "members", "audit-log"].map(|page| format!("/projects/{slug}/{page}"));
    for path in pages.into_iter().chain(["/projects".to_string()]) {
        let html = app.get(&path).await.text().await.unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path} shows the name as text");
        assert!(!html.contains("<script>alert(1)") && !html.contains("<img src=x"), "{path} renders markup");
    }
    let audit = app.get(&format!("/projects/{slug}/audit-log")).await.text().await.unwrap();
    assert!(audit.contains("Created API key") && audit.contains("Renamed project"), "the events are listed");

    // A name a spreadsheet would run as a formula stays text in the export.
    for (n, formula) in ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2", "@SUM(A1)"].into_iter().enumerate() {
        let name = format!("{formula} {n}");
        let created = app
            .post_form("/api/dashboard/create_key", &[("slug", slug.as_str()), ("name", &name), ("expires", "never")])
            .await;
        assert!(created.status().is_success(), "{name}");
    }
    let csv = app.get(&format!("/projects/{slug}/audit-log/export?format=csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(header(&csv, "content-disposition").starts_with("attachment;"));
    let csv = csv.text().await.unwrap();
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\") 0\""), "{csv}");
    for escaped in ["\"'+1+1 1\"", "\"'-2 2\"", "\"'@SUM(A1) 3\""] {
        assert!(csv.contains(escaped), "{escaped} in {csv}");
    }
    assert!(!csv.lines().skip(1).any(|line| line.contains(",\"=") || line.contains(",=")), "no cell starts a formula");
    assert!(csv.contains(payload.replace('"', "\"\"").as_str()), "markup stays as plain text in the file");
    let ndjson = app.get(&format!("/projects/{slug}/audit-log/export?format=ndjson")).await.text().await.unwrap();
    for line in ndjson.lines() {
        let row: serde_json::Value = serde_json::from_str(line).expect("one JSON object per line");
        assert!(row["action"].is_string() && row["actor"]["name"].is_string(), "{row}");
    }
}

on_both_backends!(
    every_server_function_refuses_foreign_origins,
    every_response_carries_the_security_headers,
    guessing_a_password_is_slowed_down,
    sign_ups_are_limited_per_address,
    a_password_flood_is_refused_at_once_not_queued,
    markup_in_names_is_rendered_inert,
);
