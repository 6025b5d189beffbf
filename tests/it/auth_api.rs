//! The end-user auth API a customer's app calls (`/api/auth/*` with its key),
//! over real HTTP with a cookie jar, on both backends: the contract's flows,
//! projects that never cross, and bad input that changes nothing.

use crate::support;
use crate::support::{answer, sign_up_body, verified_claims, Backend, Browser, Tenant, TestApp, APP_HOST, APP_ORIGIN};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn sign_up_sign_out_sign_in_with_a_cookie_jar(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Shop").await;
    let browser = Browser::new(&app, &tenant.key);
    let email = support::email();
    assert_eq!(browser.session().await, Value::Null, "no session yet");

    let signed_up = browser.post("/sign-up/email", sign_up_body(&email.to_uppercase(), "correct horse")).await;
    assert_eq!(signed_up.status, StatusCode::OK, "{}", signed_up.text);
    let user = &signed_up.body["user"];
    assert_eq!(user["email"], email, "stored lower-cased");
    assert_eq!(user["name"], "Ada App-User");
    assert_eq!(user["emailVerified"], false);
    assert!(user["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(signed_up.body["token"].as_str().unwrap().len() >= 32);
    let cookie = signed_up.cookies.iter().find(|c| c.starts_with("better-auth.session_token=")).expect("cookie");
    for part in ["Max-Age=604800", "Path=/", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "lands on the app's host: {cookie}");
    // `<token>.<signature>`, URL-encoded: the token the body names, signed.
    let value = cookie.split(';').next().unwrap().trim_start_matches("better-auth.session_token=");
    let token = signed_up.body["token"].as_str().unwrap();
    let signature = value.strip_prefix(&format!("{token}.")).expect("the body's token, then its signature");
    assert!(signature.ends_with("%3D") && signature.len() >= 44, "padded base64 HMAC-SHA256: {signature}");

    let session = browser.session().await;
    assert_eq!(session["user"]["id"], user["id"]);
    assert_eq!(session["session"]["userId"], user["id"]);
    assert!(session["session"]["id"].as_str().unwrap().starts_with("ses_"));
    assert!(session["session"]["expiresAt"].is_string());

    let out = browser.post("/sign-out", json!({})).await;
    assert_eq!((out.status, &out.body), (StatusCode::OK, &json!({"success": true})));
    assert!(out.cookies.iter().any(|c| c.starts_with("better-auth.session_token=;") && c.contains("Max-Age=0")));
    assert_eq!(browser.session().await, Value::Null, "signed out");

    // Wrong password and unknown email answer the same bytes.
    let wrong = browser.post("/sign-in/email", json!({"email": email, "password": "wrong horse"})).await;
    let unknown = browser.post("/sign-in/email", json!({"email": support::email(), "password": "wrong horse"})).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["code"], "INVALID_EMAIL_OR_PASSWORD");
    assert_eq!(wrong.text, unknown.text);

    let signed_in = browser
        .post("/sign-in/email", json!({"email": email, "password": "correct horse", "callbackURL": "/welcome"}))
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    assert_eq!(signed_in.body["redirect"], true);
    assert_eq!(signed_in.body["url"], "/welcome");
    assert_eq!(signed_in.headers["location"], "/welcome");
    assert_eq!(signed_in.body["user"]["id"], user["id"]);
    assert_eq!(browser.session().await["user"]["id"], user["id"]);

    // The session's secret is kept only as a hash.
    let token = signed_in.body["token"].as_str().unwrap();
    let store = app.db.store().await;
    let now = time::OffsetDateTime::now_utc();
    assert!(store.end_user_sessions().live(&tenant.project_id, token, now).await.unwrap().is_none());
    let hash = banata::auth::tokens::hash(token);
    assert!(store.end_user_sessions().live(&tenant.project_id, &hash, now).await.unwrap().is_some());
}

/// The same email in two projects is two users with two passwords, and a
/// session of one project is no session under the other's key.
async fn projects_never_cross(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (a, b) = (Tenant::new(&store, "A").await, Tenant::new(&store, "B").await);
    let email = support::email();
    let in_a = Browser::new(&app, &a.key);
    let in_b = Browser::new(&app, &b.key);
    assert_eq!(in_a.post("/sign-up/email", sign_up_body(&email, "password of a")).await.status, StatusCode::OK);
    assert_eq!(in_b.post("/sign-up/email", sign_up_body(&email, "password of b")).await.status, StatusCode::OK);
    let user_a = in_a.session().await["user"]["id"].clone();
    let user_b = in_b.session().await["user"]["id"].clone();
    assert_ne!(user_a, user_b, "two users");

    let wrong_project = in_b.post("/sign-in/email", json!({"email": email, "password": "password of a"})).await;
    assert_eq!(wrong_project.status, StatusCode::UNAUTHORIZED, "A's password is not B's user's");

    // A's cookie jar presented with B's key: no session, and A's stays.
    let crossed = Browser { key: b.key.clone(), http: in_a.http.clone(), base: in_a.base.clone() };
    assert_eq!(crossed.session().await, Value::Null);
    assert_eq!(in_a.session().await["user"]["id"], user_a, "still signed in to A");
    // Signing out under B's key does not end A's session.
    assert_eq!(crossed.post("/sign-out", json!({})).await.status, StatusCode::OK);
    let again = Browser::new(&app, &a.key);
    let back_in = again.post("/sign-in/email", json!({"email": email, "password": "password of a"})).await;
    assert_eq!(back_in.status, StatusCode::OK);
    assert_eq!(back_in.body["user"]["id"], user_a);

    // A projectId that is not the key's project is refused, wherever it is sent.
    let named = in_a
        .post("/sign-in/email", json!({"email": email, "password": "password of a", "projectId": b.project_id}))
        .await;
    assert_eq!((named.status, named.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("PROJECT_MISMATCH")));
    let header =
        answer(in_a.request(reqwest::Method::GET, "/get-session").header("x-banata-project-id", &b.project_id)).await;
    assert_eq!(header.status, StatusCode::FORBIDDEN);
    let query = in_a.get(&format!("/get-session?projectId={}", b.project_id)).await;
    assert_eq!(query.status, StatusCode::FORBIDDEN);
    let own = in_a.get(&format!("/get-session?projectId={}", a.project_id)).await;
    assert_eq!(own.status, StatusCode::OK, "its own project is fine");
}

async fn bad_input_is_refused_and_changes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Strict").await;
    let browser = Browser::new(&app, &tenant.key);
    let email = support::email();
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (json!({"email": email, "password": "correct horse"}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        (json!({"name": "", "email": email, "password": "correct horse"}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        (
            json!({"name": "x".repeat(101), "email": email, "password": "correct horse"}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (json!({"name": 5, "email": email, "password": "correct horse"}), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        (json!({"name": "N", "email": "", "password": "correct horse"}), StatusCode::BAD_REQUEST, "INVALID_EMAIL"),
        (
            json!({"name": "N", "email": "not-an-email", "password": "correct horse"}),
            StatusCode::BAD_REQUEST,
            "INVALID_EMAIL",
        ),
        (
            json!({"name": "N", "email": format!("{}@x.io", "a".repeat(300)), "password": "correct horse"}),
            StatusCode::BAD_REQUEST,
            "INVALID_EMAIL",
        ),
        (json!({"name": "N", "email": email, "password": "short"}), StatusCode::BAD_REQUEST, "PASSWORD_TOO_SHORT"),
        (
            json!({"name": "N", "email": email, "password": "x".repeat(129)}),
            StatusCode::BAD_REQUEST,
            "PASSWORD_TOO_LONG",
        ),
        (
            json!({"name": "N", "email": email, "password": ["correct horse"]}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (json!(["not", "an", "object"]), StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
    ];
    for (body, status, code) in cases {
        let got = browser.post("/sign-up/email", body.clone()).await;
        assert_eq!((got.status, got.body["code"].as_str()), (status, Some(code)), "{body}: {}", got.text);
        assert!(got.cookies.is_empty(), "no session for a refused sign-up");
    }
    let not_json = browser.request(reqwest::Method::POST, "/sign-up/email").header("content-type", "application/json");
    assert_eq!(answer(not_json.body("{not json")).await.status, StatusCode::BAD_REQUEST);
    let untyped = answer(browser.request(reqwest::Method::POST, "/sign-up/email").body("{\"name\": \"N\"}")).await;
    assert_eq!(
        (untyped.status, untyped.body["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("UNSUPPORTED_MEDIA_TYPE")),
        "a body not sent as JSON"
    );
    let huge = json!({"name": "N", "email": email, "password": "x".repeat(200_000)});
    assert_eq!(browser.post("/sign-up/email", huge).await.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(store.end_users().credentials(&tenant.project_id, &email).await.unwrap().is_none(), "nothing was created");

    // Taken, ignoring case: 422, and the first user keeps their password.
    assert_eq!(browser.post("/sign-up/email", sign_up_body(&email, "first password")).await.status, StatusCode::OK);
    let taken = Browser::new(&app, &tenant.key)
        .post("/sign-up/email", sign_up_body(&email.to_uppercase(), "second password"))
        .await;
    assert_eq!(
        (taken.status, taken.body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"))
    );
    let first = Browser::new(&app, &tenant.key)
        .post("/sign-in/email", json!({"email": email, "password": "first password"}))
        .await;
    assert_eq!(first.status, StatusCode::OK);

    // Missing, malformed, unknown and revoked keys: the same 401 bytes.
    let revoked = Tenant::new(&store, "Gone").await;
    tenant_revoke(&app, &revoked).await;
    let mut answers = Vec::new();
    // A well-formed key (valid checksum) that was never issued, made here.
    let unknown = banata::auth::keys::generate_secret();
    for key in [None, Some("nope"), Some(unknown.as_str()), Some(revoked.key.as_str())] {
        let mut request = support::client().get(app.url("/api/auth/get-session"));
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let got = answer(request).await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED, "{key:?}");
        answers.push(got.text);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");

    // A cookie with a bad signature is no session, and is cleared.
    let forged = answer(
        browser.request(reqwest::Method::GET, "/get-session").header("cookie", "better-auth.session_token=abc.def%3D"),
    )
    .await;
    assert_eq!(forged.body, Value::Null);
    assert!(forged.cookies.iter().any(|c| c.starts_with("better-auth.session_token=;") && c.contains("Max-Age=0")));
}

async fn tenant_revoke(app: &TestApp, tenant: &Tenant) {
    tenant.client(&app.base).delete(&tenant.key_id).await.unwrap();
}

/// A cookie may act only from the app's own pages, and send the user back
/// only to them.
async fn origins_and_callbacks_are_checked(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Guarded").await;
    let browser = Browser::new(&app, &tenant.key);
    let email = support::email();
    assert_eq!(browser.post("/sign-up/email", sign_up_body(&email, "correct horse")).await.status, StatusCode::OK);
    let sign_out_from = |origin: Option<&'static str>| {
        let mut request = browser.http.post(app.url("/api/auth/sign-out")).header("x-api-key", &tenant.key);
        request = request.header("x-forwarded-host", APP_HOST).header("x-forwarded-proto", "http").json(&json!({}));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        answer(request)
    };
    let missing = sign_out_from(None).await;
    assert_eq!(
        (missing.status, missing.body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("MISSING_OR_NULL_ORIGIN"))
    );
    let foreign = sign_out_from(Some("https://evil.example")).await;
    assert_eq!((foreign.status, foreign.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("INVALID_ORIGIN")));
    assert!(browser.session().await["user"].is_object(), "still signed in: nothing was done");

    for bad in ["https://evil.example/welcome", "//evil.example"] {
        let body = json!({"email": email, "password": "correct horse", "callbackURL": bad});
        let got = Browser::new(&app, &tenant.key).post("/sign-in/email", body).await;
        assert_eq!(
            (got.status, got.body["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("INVALID_CALLBACK_URL")),
            "{bad}"
        );
        assert!(got.cookies.is_empty());
    }
    let on_app = json!({"email": email, "password": "correct horse", "callbackURL": format!("{APP_ORIGIN}/home")});
    assert_eq!(Browser::new(&app, &tenant.key).post("/sign-in/email", on_app).await.status, StatusCode::OK);
}

/// Failures are limited per (project, email): a guesser is slowed, and
/// other users of the same app (all behind one app server address) are not.
async fn guessing_one_users_password_is_limited(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Popular").await;
    let browser = Browser::new(&app, &tenant.key);
    let (victim, bystander) = (support::email(), support::email());
    for email in [&victim, &bystander] {
        assert_eq!(browser.post("/sign-up/email", sign_up_body(email, "correct horse")).await.status, StatusCode::OK);
    }
    for _ in 0..5 {
        let got = browser.post("/sign-in/email", json!({"email": victim, "password": "guess"})).await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED);
    }
    let limited = browser.post("/sign-in/email", json!({"email": victim, "password": "correct horse"})).await;
    assert_eq!((limited.status, limited.body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("RATE_LIMITED")));
    let wait = limited.body["details"]["tryAgainIn"].as_u64().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(limited.headers["retry-after"].to_str().unwrap(), wait.to_string());
    let other = browser.post("/sign-in/email", json!({"email": bystander, "password": "correct horse"})).await;
    assert_eq!(other.status, StatusCode::OK, "another user of the app signs in");
}

async fn the_public_config_says_what_to_show(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Config").await;
    let config = Browser::new(&app, &tenant.key).post("/banata/config/public", json!({})).await;
    assert_eq!(config.status, StatusCode::OK);
    assert_eq!(config.body["authMethods"]["emailPassword"], true);
    assert_eq!(config.body["emailPassword"]["minPasswordLength"], 8);
    assert_eq!(config.body["emailPassword"]["maxPasswordLength"], 128);
    let no_key = answer(support::client().post(app.url("/api/auth/banata/config/public")).json(&json!({}))).await;
    assert_eq!(no_key.status, StatusCode::UNAUTHORIZED);
}

/// The app's backend learns who is signed in from a JWT it can verify with
/// the public keys; each project's tokens name that project as audience.
async fn the_apps_backend_gets_a_verifiable_token(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (a, b) = (Tenant::new(&store, "A").await, Tenant::new(&store, "B").await);
    let browser = Browser::new(&app, &a.key);
    let no_session = browser.get("/convex/token").await;
    assert_eq!((no_session.status, no_session.body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("UNAUTHORIZED")));
    let signed_up = browser.post("/sign-up/email", sign_up_body(&support::email(), "correct horse")).await;
    let user = signed_up.body["user"].clone();

    let got = browser.get("/convex/token").await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    let token = got.body["token"].as_str().unwrap().to_string();
    // Public, with no key: verifiers fetch these on their own.
    let jwks_url = app.url(&format!("/api/auth/projects/{}/jwks", a.project_id));
    let jwks: Value = support::client().get(&jwks_url).send().await.unwrap().json().await.unwrap();
    let claims = verified_claims(&token, &jwks);
    assert_eq!(claims["sub"], user["id"]);
    assert_eq!(claims["aud"], a.project_id.as_str());
    assert_eq!(claims["projectId"], a.project_id.as_str());
    assert_eq!(claims["email"], user["email"]);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 900);
    assert!(claims["sessionId"].as_str().unwrap().starts_with("ses_"));
    let discovery = browser.get("/convex/.well-known/openid-configuration").await.body;
    assert_eq!(discovery["issuer"], claims["iss"], "the issuer is the one tokens name");
    assert!(discovery["jwks_uri"].as_str().unwrap().ends_with(&format!("/api/auth/projects/{}/jwks", a.project_id)));

    // Asked again soon, the same token (no signature per page view).
    assert_eq!(browser.get("/convex/token").await.body["token"], token.as_str());
    // A's cookie under B's key is no session; after sign-out, none at all.
    let crossed = Browser { key: b.key.clone(), http: browser.http.clone(), base: browser.base.clone() };
    assert_eq!(crossed.get("/convex/token").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(browser.post("/sign-out", json!({})).await.status, StatusCode::OK);
    assert_eq!(browser.get("/convex/token").await.status, StatusCode::UNAUTHORIZED);

    // Every instance signs with the same stored key.
    let second = TestApp::beside(&app, &[]).await;
    let theirs_url = second.url(&format!("/api/auth/projects/{}/jwks", a.project_id));
    let theirs: Value = support::client().get(&theirs_url).send().await.unwrap().json().await.unwrap();
    assert_eq!(theirs, jwks);
}

on_both_backends!(
    sign_up_sign_out_sign_in_with_a_cookie_jar,
    projects_never_cross,
    bad_input_is_refused_and_changes_nothing,
    origins_and_callbacks_are_checked,
    guessing_one_users_password_is_limited,
    the_public_config_says_what_to_show,
    the_apps_backend_gets_a_verifiable_token,
);
