//! Mail to the users of a customer's app, through the app: verifying an
//! address, resetting a password; and an app told when this server sends no
//! mail.

use super::*;
use crate::support::smtp::SmtpSink;
use crate::support::{self, Backend, Tenant, TestApp};
use crate::support::{sign_up_body, Browser, APP_ORIGIN};
use banata::domain::{AuditAction, AuthSettings};
use banata::store::{AuditQuery, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

async fn verification_settings(store: &Arc<dyn Store>, project_id: &str) {
    let settings = AuthSettings {
        require_email_verification: true,
        mail_sender_name: Some("Acme Shop".into()),
        allowed_origins: vec![APP_ORIGIN.into()],
        ..AuthSettings::default()
    };
    store
        .projects()
        .set_auth_settings(project_id, &settings, &support::actor("usr_test"), time::OffsetDateTime::now_utc())
        .await
        .unwrap();
}

async fn a_projects_users_verify_and_reset_through_their_app(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Shop").await;
    let other = Tenant::new(&store, "Elsewhere").await;
    verification_settings(&store, &tenant.project_id).await;
    let browser = Browser::new(&app, &tenant.key);
    let intruder = Browser::new(&app, &other.key);
    let email = support::email();
    let password = "correct horse battery";

    let signed_up = browser.post("/sign-up/email", sign_up_body(&email, password)).await;
    assert_eq!(
        (signed_up.status, signed_up.body["token"].clone()),
        (StatusCode::OK, Value::Null),
        "{}",
        signed_up.text
    );
    let mail = mail_to(&sink, &email, "Verify your email for").await;
    assert!(
        mail.header("from").unwrap().starts_with("Acme Shop"),
        "the project's sender name: {:?}",
        mail.header("from")
    );
    assert!(mail.subject.contains("Shop"), "the mail names the project: {}", mail.subject);
    let link = mail.link(&format!("{APP_ORIGIN}/api/auth/verify-email?token="));
    both_parts_carry(&mail, &link).await;
    let token = param(&link, "token");
    let refused = browser.post("/sign-in/email", json!({"email": email, "password": password})).await;
    assert_eq!((refused.status, refused.body["code"].as_str()), (StatusCode::FORBIDDEN, Some("EMAIL_NOT_VERIFIED")));

    let path = |t: &str| format!("/verify-email?token={t}");
    let elsewhere = intruder.get(&path(&token)).await;
    assert_eq!(
        (elsewhere.status, elsewhere.body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("INVALID_TOKEN")),
        "another project's key"
    );
    let tampered_answer = browser.get(&path(&tampered(&token))).await;
    assert_eq!(tampered_answer.body["code"].as_str(), Some("INVALID_TOKEN"));
    let off_site = browser.get(&format!("{}&callbackURL=https://evil.example/x", path(&token))).await;
    assert_eq!(off_site.status, StatusCode::FORBIDDEN, "the callback obeys the origin rules");
    let verified = browser.get(&format!("{}&callbackURL=/welcome", path(&token))).await;
    assert_eq!(
        (verified.status, verified.headers.get("location").and_then(|v| v.to_str().ok())),
        (StatusCode::FOUND, Some("/welcome"))
    );
    let again = browser.get(&format!("{}&callbackURL=/welcome", path(&token))).await;
    assert_eq!(
        again.headers.get("location").and_then(|v| v.to_str().ok()),
        Some("/welcome?error=invalid_token"),
        "once"
    );
    let signed_in = browser.post("/sign-in/email", json!({"email": email, "password": password})).await;
    assert_eq!(signed_in.status, StatusCode::OK, "verified users sign in: {}", signed_in.text);
    assert_eq!(signed_in.body["user"]["emailVerified"], json!(true));

    // Reset: the same answer for an unknown email; the link goes through the app.
    let asked =
        browser.post("/request-password-reset", json!({"email": support::email(), "redirectTo": "/reset"})).await;
    assert_eq!((asked.status, asked.body["status"].clone()), (StatusCode::OK, json!(true)), "{}", asked.text);
    let nowhere = browser.post("/request-password-reset", json!({"email": email})).await;
    assert_eq!(nowhere.status, StatusCode::BAD_REQUEST, "a reset link must lead to a page: {}", nowhere.text);
    // A forged forwarded host (the route handler passes the browser's on)
    // does not put the forger's site in the mail: links go to allowed origins.
    let forged = browser
        .http
        .post(format!("{}/api/auth/request-password-reset", browser.base))
        .header("x-api-key", &browser.key)
        .header("origin", APP_ORIGIN)
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-proto", "https")
        .json(&json!({"email": email, "redirectTo": "/reset"}));
    let asked = crate::support::answer(forged).await;
    assert_eq!((asked.status, asked.body["status"].clone()), (StatusCode::OK, json!(true)), "{}", asked.text);
    let off_site =
        browser.post("/request-password-reset", json!({"email": email, "redirectTo": "https://evil.example"})).await;
    assert_eq!(off_site.status, StatusCode::FORBIDDEN);
    let mail = mail_to(&sink, &email, "Reset your password for").await;
    let link = mail.link(&format!("{APP_ORIGIN}/api/auth/reset-password/"));
    assert!(link.ends_with("?callbackURL=/reset"), "{link}");
    let token = link[format!("{APP_ORIGIN}/api/auth/reset-password/").len()..].split('?').next().unwrap().to_string();
    let location = |answer: &crate::support::Answer| {
        answer.headers.get("location").and_then(|v| v.to_str().ok()).map(str::to_owned)
    };
    let theirs = intruder.get(&format!("/reset-password/{token}?callbackURL=/reset")).await;
    assert_eq!(location(&theirs).as_deref(), Some("/reset?error=INVALID_TOKEN"), "another project's key");
    let sent_on = browser.get(&format!("/reset-password/{token}?callbackURL=/reset")).await;
    assert_eq!((sent_on.status, location(&sent_on)), (StatusCode::FOUND, Some(format!("/reset?token={token}"))));
    let new_password = "a new password for the shop";
    for (who, body, code) in [
        (&intruder, json!({"token": token, "newPassword": new_password}), "INVALID_TOKEN"),
        (&browser, json!({"token": tampered(&token), "newPassword": new_password}), "INVALID_TOKEN"),
        (&browser, json!({"token": token, "newPassword": "short"}), "PASSWORD_TOO_SHORT"),
        (&browser, json!({"newPassword": new_password}), "INVALID_TOKEN"),
    ] {
        let refused = who.post("/reset-password", body).await;
        assert_eq!(
            (refused.status, refused.body["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{}",
            refused.text
        );
    }
    let reset = browser.post("/reset-password", json!({"token": token, "newPassword": new_password})).await;
    assert_eq!((reset.status, reset.body["status"].clone()), (StatusCode::OK, json!(true)), "{}", reset.text);
    assert_eq!(browser.session().await, Value::Null, "the reset ended the session");
    let old = browser.post("/sign-in/email", json!({"email": email, "password": password})).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = browser.post("/sign-in/email", json!({"email": email, "password": new_password})).await;
    assert_eq!(new.status, StatusCode::OK);
    let reused = browser.post("/reset-password", json!({"token": token, "newPassword": "and one more time"})).await;
    assert_eq!(reused.body["code"].as_str(), Some("INVALID_TOKEN"), "once");

    let query = AuditQuery {
        action: Some(AuditAction::EndUserPasswordChanged),
        actor_id: None,
        target_id: None,
        before: None,
        limit: 10,
    };
    let events = store.audit().events(&tenant.project_id, &query).await.unwrap();
    assert!(events.iter().any(|e| e.detail.starts_with("reset by mail")), "audited: {events:?}");
    let (status, body) = crate::end_user_dashboard::owner_of(&app, &tenant)
        .await
        .call(&app, "get_deliveries", &[("slug", &tenant.slug)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains(&token), "no link on the deliveries page");

    // The app heard of both, with who and which address, and no token.
    let listed = crate::support::admin_call(
        &app,
        &tenant.key,
        "/banata/events/list",
        json!({"eventTypes": ["email.verified", "password.reset"]}),
    )
    .await;
    let heard: Vec<(String, Value)> = listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap().to_string(), e["data"]["email"].clone()))
        .collect();
    let address = json!(email.to_lowercase());
    assert_eq!(heard, [("password.reset".to_string(), address.clone()), ("email.verified".to_string(), address)]);
    assert!(!listed.text.contains(&token), "{}", listed.text);
}

async fn without_mail_links_are_shown_and_apps_are_told(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Quiet").await;
    let owner = crate::end_user_dashboard::owner_of(&app, &tenant).await;
    let (status, body) = owner
        .call(&app, "add_member", &[("slug", &tenant.slug), ("email", &support::email()), ("role", "viewer")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(support::parse::<Value>(&body)["mailed"], json!(false), "the link is there to copy");
    let (status, body) = owner.call(&app, "forgot_password", &[("email", &tenant.email)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "the page says mail is off: {body}");
    assert_eq!(
        viewer(&owner.client, &app).await.1["needs_verification"].as_bool(),
        Some(false),
        "no banner without mail"
    );
    let (_, body) = owner.call(&app, "get_deliveries", &[("slug", &tenant.slug)]).await;
    assert_eq!(support::parse::<Value>(&body)["mail_on"], json!(false));
    let settings =
        owner.client.get(app.url(&format!("/projects/{}/authentication", tenant.slug))).send().await.unwrap();
    assert!(settings.text().await.unwrap().contains("Mail is off on this server"), "the settings say so");
    let browser = Browser::new(&app, &tenant.key);
    let asked = browser.post("/request-password-reset", json!({"email": support::email()})).await;
    assert_eq!((asked.status, asked.body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("MAIL_NOT_CONFIGURED")));
    let asked = browser.post("/send-verification-email", json!({"email": support::email()})).await;
    assert_eq!(asked.body["code"].as_str(), Some("MAIL_NOT_CONFIGURED"));
}

on_both_backends!(a_projects_users_verify_and_reset_through_their_app, without_mail_links_are_shown_and_apps_are_told,);
