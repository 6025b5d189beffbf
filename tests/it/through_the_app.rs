//! Standing in front of a customer's app, as anyone on the internet can: its
//! route handler forwards every `/api/auth/*` request a browser sends and
//! adds the project's key as `x-api-key`. Nothing sent that way may act with
//! the key's admin power, lock the app's users out, sign a visitor in to the
//! sender's account, or put the sender's words and links in a mail.

use crate::support;
use crate::support::smtp::SmtpSink;
use crate::support::{admin_post, answer, sign_up_body, Answer, Browser, APP_HOST, APP_ORIGIN};
use crate::support::{Backend, Tenant, TestApp};
use banata::domain::AuthSettings;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse";

/// A stranger's browser on the app: a cookie jar of its own, every request
/// forwarded with the project's key, the app's host and the app's origin.
fn stranger(app: &TestApp, tenant: &Tenant) -> Browser {
    Browser::new(app, &tenant.key)
}

/// Makes a user of the tenant's project with the admin API, as the app's
/// backend would; their id.
async fn user(app: &TestApp, tenant: &Tenant, email: &str) -> String {
    let body = json!({"email": email, "name": "Ada", "password": PASSWORD, "emailVerified": true});
    let (status, created) = admin_post(app, &tenant.key, "create-user", body).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    created["user"]["id"].as_str().unwrap().to_string()
}

fn admin_get(app: &TestApp, key: &str, path: &str) -> reqwest::RequestBuilder {
    app.client.get(app.url(path)).bearer_auth(key)
}

async fn key_ids(app: &TestApp, key: &str) -> Vec<String> {
    let listed: Value = admin_get(app, key, "/api/auth/api-key/list").send().await.unwrap().json().await.unwrap();
    listed.as_array().unwrap().iter().map(|k| k["id"].as_str().unwrap().to_string()).collect()
}

/// Every admin path, as the route handler forwards a stranger's request
/// (the key in `x-api-key` only), is the admin API's 401, and changes
/// nothing; the admin SDK's Bearer key still works, and decides alone.
async fn strangers_get_no_admin_power_through_the_app(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (tenant, other) = (Tenant::new(&store, "Shop").await, Tenant::new(&store, "Other").await);
    let email = support::email();
    let user_id = user(&app, &tenant, &email).await;
    let keys_before = key_ids(&app, &tenant.key).await;
    let browser = stranger(&app, &tenant);

    let attempts: Vec<(Method, &str, Value)> = vec![
        (Method::POST, "/admin/list-users", json!({})),
        (Method::GET, "/api-key/list", Value::Null),
        (Method::POST, "/api-key/create", json!({"name": "stolen"})),
        (Method::POST, "/api-key/delete", json!({"keyId": tenant.key_id})),
        (Method::POST, "/api-key/roll", json!({"keyId": tenant.key_id, "graceSeconds": 0})),
        (Method::GET, "/api-key/whoami", Value::Null),
        (Method::POST, "/admin/set-user-password", json!({"userId": user_id, "newPassword": "the stranger's"})),
        (Method::POST, "/admin/ban-user", json!({"userId": user_id})),
        (Method::POST, "/admin/remove-user", json!({"userId": user_id})),
        (Method::POST, "/admin/create-user", json!({"email": support::email(), "name": "Planted"})),
    ];
    for (method, path, body) in &attempts {
        let through_app = browser.request(method.clone(), path);
        let key_only =
            app.client.request(method.clone(), app.url(&format!("/api/auth{path}"))).header("x-api-key", &tenant.key);
        for (how, request) in [("through the app", through_app), ("x-api-key alone", key_only)] {
            let request = if body.is_null() { request } else { request.json(body) };
            let got = answer(request).await;
            assert_eq!(got.status, StatusCode::UNAUTHORIZED, "{how} {path}: {}", got.text);
            assert_eq!(got.body["code"], "authentication_required", "{how} {path}");
            assert!(!got.text.contains("sk_live_"), "no key in the answer to {path}");
        }
    }
    // Nothing happened: the same keys, the user not banned, her password hers.
    assert_eq!(key_ids(&app, &tenant.key).await, keys_before);
    let (status, listed) = admin_post(&app, &tenant.key, "list-users", json!({})).await;
    assert_eq!((status, listed["total"].as_i64()), (StatusCode::OK, Some(1)), "{listed}");
    let (_, got) = admin_post(&app, &tenant.key, "get-user", json!({"userId": user_id})).await;
    assert_eq!(got["banned"], false);
    let signed_in = stranger(&app, &tenant).post("/sign-in/email", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(signed_in.status, StatusCode::OK, "her own password still works: {}", signed_in.text);

    // A Bearer key that arrives with a browser's marks has leaked into a
    // browser: refused before it is checked.
    let marks: [(&str, &str); 4] = [
        ("origin", APP_ORIGIN),
        ("x-forwarded-host", APP_HOST),
        ("cookie", "better-auth.session_token=abc.def"),
        ("cookie", "__Secure-better-auth.session_token=abc.def"),
    ];
    for (name, value) in marks {
        let request = admin_get(&app, &tenant.key, "/api/auth/api-key/whoami").header(name, value);
        let got = answer(request).await;
        assert_eq!((got.status, got.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{name}");
        assert!(got.body["message"].as_str().unwrap().contains("from your server"), "{}", got.text);
    }

    // Bearer decides alone: another project's x-api-key beside it changes nothing.
    let both = admin_get(&app, &tenant.key, "/api/auth/api-key/whoami").header("x-api-key", &other.key);
    let whoami: Value = both.send().await.unwrap().json().await.unwrap();
    assert_eq!(whoami["project"]["id"], tenant.project_id.as_str());
    let planted = support::email();
    let create = app
        .client
        .post(app.url("/api/auth/admin/create-user"))
        .bearer_auth(&tenant.key)
        .header("x-api-key", &other.key)
        .json(&json!({"email": planted, "name": "Bea"}));
    assert_eq!(create.send().await.unwrap().status(), StatusCode::OK);
    let (_, mine) = admin_post(&app, &tenant.key, "list-users", json!({"email": planted})).await;
    let (_, theirs) = admin_post(&app, &other.key, "list-users", json!({"email": planted})).await;
    assert_eq!((mine["total"].as_i64(), theirs["total"].as_i64()), (Some(1), Some(0)), "the Bearer key's project only");
}

/// Signs in from `browser`; the answer.
async fn sign_in(browser: &Browser, email: &str, password: &str) -> Answer {
    browser.post("/sign-in/email", json!({"email": email, "password": password})).await
}

/// Hundreds of failed sign-ins for made-up emails refuse nobody; failures
/// for one email slow strangers trying it (never for good), while the
/// owner's own browser, where she signed in before, gets in at once.
async fn strangers_cannot_lock_out_a_projects_users(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Busy").await;
    let (ada, bob) = (support::email(), support::email());
    let ada_browser = stranger(&app, &tenant);
    assert_eq!(ada_browser.post("/sign-up/email", sign_up_body(&ada, PASSWORD)).await.status, StatusCode::OK);
    user(&app, &tenant, &bob).await;

    let attacker = stranger(&app, &tenant);
    let mut failures = Vec::new();
    for batch in 0..40 {
        let tries = (0..8).map(|n| {
            let attacker = &attacker;
            async move { sign_in(attacker, &format!("made-up-{batch}-{n}@example.com"), "guess").await.status }
        });
        failures.extend(futures_util::future::join_all(tries).await);
    }
    assert_eq!(failures.len(), 320);
    assert!(failures.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "no limit for the attacker to fill");
    let bob_in = sign_in(&stranger(&app, &tenant), &bob, PASSWORD).await;
    assert_eq!(bob_in.status, StatusCode::OK, "a real user signs in at once: {}", bob_in.text);

    // The attacker now guesses Ada's password.
    let mut limited = None;
    for _ in 0..8 {
        let got = sign_in(&attacker, &ada, "guess").await;
        if got.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(got);
            break;
        }
        assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    }
    let limited = limited.expect("guessing one email is slowed");
    let wait = limited.body["details"]["tryAgainIn"].as_u64().unwrap();
    assert!((1..=300).contains(&wait), "slowed, never locked for good: {wait}");
    let new_browser = sign_in(&stranger(&app, &tenant), &ada, PASSWORD).await;
    assert_eq!(new_browser.status, StatusCode::TOO_MANY_REQUESTS, "a browser she never used waits too");
    let own = sign_in(&ada_browser, &ada, PASSWORD).await;
    assert_eq!(own.status, StatusCode::OK, "her own browser gets in at once: {}", own.text);
    let device = own.cookies.iter().find(|c| c.starts_with("banata.known_device=")).expect("a known-device cookie");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/api/auth"] {
        assert!(device.contains(part), "{part} in {device}");
    }
    // Her browser's cookie is hers alone: for Bob it is no known device.
    let mut copied = stranger(&app, &tenant);
    copied.http = ada_browser.http.clone();
    for _ in 0..5 {
        assert_eq!(sign_in(&attacker, &bob, "guess").await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(sign_in(&copied, &bob, PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn start_with_mail(backend: Backend, sink: &SmtpSink) -> TestApp {
    let smtp = format!("--smtp-url={}", sink.url());
    TestApp::start_with(backend, &[&smtp, "--mail-from=Banata <no-reply@banata.test>"]).await
}

async fn settings(store: &std::sync::Arc<dyn banata::store::Store>, project_id: &str, settings: AuthSettings) {
    store
        .projects()
        .set_auth_settings(project_id, &settings, &support::actor("usr_test"), time::OffsetDateTime::now_utc())
        .await
        .unwrap();
}

/// The mails to `to`, waiting until there are `n`.
async fn mails_to(sink: &SmtpSink, to: &str, n: usize) -> Vec<support::smtp::Mail> {
    let arrived = support::eventually(std::time::Duration::from_secs(20), || async {
        sink.messages().iter().filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to))).count() >= n
    })
    .await;
    assert!(arrived, "{n} mail(s) to {to}");
    sink.messages().into_iter().filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to))).collect()
}

/// A thousand reset requests for addresses nobody has: every one answered
/// alike, and a real user's reset mail still goes.
async fn a_flood_of_resets_for_nobody_does_not_stop_real_mail(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Mailer").await;
    settings(
        &store,
        &tenant.project_id,
        AuthSettings { allowed_origins: vec![APP_ORIGIN.into()], ..Default::default() },
    )
    .await;
    let ada = support::email();
    user(&app, &tenant, &ada).await;
    let attacker = stranger(&app, &tenant);
    for batch in 0..126 {
        let asks = (0..8).map(|n| {
            let body = json!({"email": format!("nobody-{batch}-{n}@example.com"), "redirectTo": "/reset"});
            let attacker = &attacker;
            async move { attacker.post("/request-password-reset", body).await.status }
        });
        for status in futures_util::future::join_all(asks).await {
            assert_eq!(status, StatusCode::OK, "the same answer for every address");
        }
    }
    let asked =
        stranger(&app, &tenant).post("/request-password-reset", json!({"email": ada, "redirectTo": "/reset"})).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.text);
    let mails = mails_to(&sink, &ada, 1).await;
    assert!(mails[0].subject.starts_with("Reset your password for"), "{}", mails[0].subject);
}

/// Sign-ups are bounded per project, and a verification mail to an
/// address nobody has proven carries none of the requester's words.
async fn sign_ups_are_bounded_and_mail_carries_no_strangers_words(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let store = app.db.store().await;
    let (tenant, other) = (Tenant::new(&store, "Bounded").await, Tenant::new(&store, "Elsewhere").await);
    let bounded = AuthSettings {
        allowed_origins: vec![APP_ORIGIN.into()],
        require_email_verification: true,
        sign_ups_per_hour: 3,
        ..Default::default()
    };
    settings(&store, &tenant.project_id, bounded).await;
    let victim = support::email();
    let lure = "Claim your prize at https://prize.example now";
    let body = json!({"name": lure, "email": victim, "password": PASSWORD});
    let signed_up = stranger(&app, &tenant).post("/sign-up/email", body).await;
    assert_eq!(signed_up.status, StatusCode::OK, "{}", signed_up.text);
    let mail = mails_to(&sink, &victim, 1).await.remove(0);
    for part in [mail.text.as_deref().unwrap(), mail.html.as_deref().unwrap(), mail.subject.as_str()] {
        assert!(!part.contains("prize"), "the stranger's words reached the mail: {part}");
    }
    for _ in 0..2 {
        let got = stranger(&app, &tenant).post("/sign-up/email", sign_up_body(&support::email(), PASSWORD)).await;
        assert_eq!(got.status, StatusCode::OK);
    }
    let fourth = support::email();
    let refused = stranger(&app, &tenant).post("/sign-up/email", sign_up_body(&fourth, PASSWORD)).await;
    assert_eq!((refused.status, refused.body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("RATE_LIMITED")));
    assert!(refused.headers.contains_key("retry-after"));
    let (_, listed) = admin_post(&app, &tenant.key, "list-users", json!({"email": fourth})).await;
    assert_eq!(listed["total"], 0, "nothing written");
    let elsewhere = stranger(&app, &other).post("/sign-up/email", sign_up_body(&support::email(), PASSWORD)).await;
    assert_eq!(elsewhere.status, StatusCode::OK, "another project's sign-ups are its own");
}

/// Another site's page posting the attacker's credentials (a form, or
/// `text/plain`, which needs no leave from the browser) signs nobody in.
async fn another_site_cannot_sign_a_visitor_in(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Csrf").await;
    let attackers = support::email();
    user(&app, &tenant, &attackers).await;
    let credentials = json!({"email": attackers, "password": PASSWORD}).to_string();
    let visitor = stranger(&app, &tenant);
    let cross_site = |content_type: &'static str, origin: &'static str| {
        let request = visitor.http.post(app.url("/api/auth/sign-in/email")).header("x-api-key", &tenant.key);
        let request = request.header("x-forwarded-host", APP_HOST).header("x-forwarded-proto", "http");
        answer(request.header("origin", origin).header("content-type", content_type).body(credentials.clone()))
    };
    for (content_type, status) in [
        ("text/plain", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("text/plain;charset=UTF-8", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/x-www-form-urlencoded", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("multipart/form-data; boundary=x", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("application/json", StatusCode::FORBIDDEN),
    ] {
        let got = cross_site(content_type, "https://evil.example").await;
        assert_eq!(got.status, status, "{content_type}: {}", got.text);
        assert!(got.cookies.is_empty(), "{content_type}: no cookie set");
    }
    let null = cross_site("application/json", "null").await;
    assert_eq!((null.status, null.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("MISSING_OR_NULL_ORIGIN")));
    assert_eq!(visitor.session().await, Value::Null, "the visitor is signed in to nothing");
    let sign_up = visitor.http.post(app.url("/api/auth/sign-up/email")).header("x-api-key", &tenant.key);
    let planted = support::email();
    let body = sign_up_body(&planted, PASSWORD).to_string();
    let got =
        answer(sign_up.header("origin", "https://evil.example").header("content-type", "text/plain").body(body)).await;
    assert_eq!(got.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (_, listed) = admin_post(&app, &tenant.key, "list-users", json!({"email": planted})).await;
    assert_eq!(listed["total"], 0, "no user made");

    // The app's own page, and a server calling with no Origin and no cookie, pass.
    assert_eq!(sign_in(&visitor, &attackers, PASSWORD).await.status, StatusCode::OK);
    let server = app.client.post(app.url("/api/auth/sign-in/email")).header("x-api-key", &tenant.key);
    assert_eq!(answer(server.json(&json!({"email": attackers, "password": PASSWORD}))).await.status, StatusCode::OK);
    // better-auth's client posts sign-out with an empty body.
    let out = visitor.request(Method::POST, "/sign-out").send().await.unwrap();
    assert_eq!(out.status(), StatusCode::OK);
}

/// A user's own password change ends every other session, whatever the
/// client asks; the browser that made it stays signed in.
async fn a_password_change_ends_every_other_session(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Stolen").await;
    let email = support::email();
    let mine = stranger(&app, &tenant);
    assert_eq!(mine.post("/sign-up/email", sign_up_body(&email, PASSWORD)).await.status, StatusCode::OK);
    let thief = stranger(&app, &tenant);
    assert_eq!(sign_in(&thief, &email, PASSWORD).await.status, StatusCode::OK);
    assert!(thief.session().await["user"].is_object(), "cached as signed in");
    let changed =
        mine.post("/change-password", json!({"currentPassword": PASSWORD, "newPassword": "a new horse"})).await;
    assert_eq!((changed.status, &changed.body["token"]), (StatusCode::OK, &Value::Null), "{}", changed.text);
    assert_eq!(thief.session().await, Value::Null, "the other session ended");
    assert!(mine.session().await["user"].is_object(), "this one stays");
    assert_eq!(sign_in(&thief, &email, PASSWORD).await.status, StatusCode::UNAUTHORIZED);
}

/// One project's sign-outs, a thousand of them with one cookie, cost
/// another project's users no database lookup: only what ended is forgotten.
async fn sign_outs_in_one_project_cost_another_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (noisy, quiet) = (Tenant::new(&store, "Noisy").await, Tenant::new(&store, "Quiet").await);
    let looper = stranger(&app, &noisy);
    let signed_up = looper.post("/sign-up/email", sign_up_body(&support::email(), PASSWORD)).await;
    let cookie = signed_up.cookies.iter().find(|c| c.starts_with("better-auth.session_token=")).unwrap();
    let cookie = cookie.split(';').next().unwrap().to_string();
    let bystander = stranger(&app, &quiet);
    assert_eq!(
        bystander.post("/sign-up/email", sign_up_body(&support::email(), PASSWORD)).await.status,
        StatusCode::OK
    );

    let before = app.end_user_sessions.lookups();
    let done = std::sync::atomic::AtomicBool::new(false);
    let sign_outs = async {
        let no_jar = reqwest::Client::new();
        for _ in 0..1000 {
            // The same (still validly signed) cookie every time, though the
            // first sign-out ended its session.
            let request = no_jar
                .post(app.url("/api/auth/sign-out"))
                .header("x-api-key", &noisy.key)
                .header("x-forwarded-host", APP_HOST)
                .header("x-forwarded-proto", "http")
                .header("origin", APP_ORIGIN)
                .header("cookie", &cookie)
                .json(&json!({}));
            assert_eq!(request.send().await.unwrap().status(), StatusCode::OK);
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let reads = async {
        let mut reads = 0;
        while !done.load(std::sync::atomic::Ordering::SeqCst) || reads < 50 {
            assert!(bystander.session().await["user"].is_object());
            reads += 1;
        }
        reads
    };
    let ((), reads) = tokio::join!(sign_outs, reads);
    assert!(reads >= 50);
    assert_eq!(app.end_user_sessions.lookups() - before, 1, "one lookup in {reads} reads: the first");
}

/// The links in mails go to the one origin the project chose, whichever
/// allowed origin (or forged one) the request came through.
async fn mail_links_go_to_the_origin_the_project_chose(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Links").await;
    let chosen = "https://shop.example.com";
    let origins = vec!["http://localhost:3000".to_string(), chosen.to_string()];
    let two = AuthSettings { allowed_origins: origins, mail_link_origin: Some(chosen.into()), ..Default::default() };
    settings(&store, &tenant.project_id, two).await;
    let ada = support::email();
    user(&app, &tenant, &ada).await;
    for (proto, host) in [("http", "localhost:3000"), ("https", "evil.example")] {
        let request = app
            .client
            .post(app.url("/api/auth/request-password-reset"))
            .header("x-api-key", &tenant.key)
            .header("x-forwarded-proto", proto)
            .header("x-forwarded-host", host)
            .header("origin", "http://localhost:3000")
            .json(&json!({"email": ada, "redirectTo": "/reset"}));
        assert_eq!(answer(request).await.status, StatusCode::OK);
    }
    let mails = mails_to(&sink, &ada, 2).await;
    for mail in &mails {
        let link = mail.link("http");
        assert!(link.starts_with(&format!("{chosen}/api/auth/reset-password/")), "{link}");
    }
}

on_both_backends!(
    strangers_get_no_admin_power_through_the_app,
    strangers_cannot_lock_out_a_projects_users,
    a_flood_of_resets_for_nobody_does_not_stop_real_mail,
    sign_ups_are_bounded_and_mail_carries_no_strangers_words,
    another_site_cannot_sign_a_visitor_in,
    a_password_change_ends_every_other_session,
    sign_outs_in_one_project_cost_another_nothing,
    mail_links_go_to_the_origin_the_project_chose,
);
