//! Mail end to end: a real SMTP server on loopback (aiosmtpd, one per test),
//! the real server sending through it, and each flow followed by reading
//! the mail that arrived and opening its link. On both backends; two
//! instances on one PostgreSQL outbox; a mail server that is down; a
//! server killed with mail queued; links that are spent, tampered with,
//! expired or another project's.

use crate::auth_api::{sign_up_body, Browser, APP_ORIGIN};
use crate::support::smtp::{Mail, SmtpSink};
use crate::support::{self, eventually, Backend, Person, RealServer, Tenant, TestApp, PASSWORD};
use banata::domain::{AuditAction, AuthSettings, DeliveryStatus, MailKind};
use banata::store::{AuditQuery, MailOutcome, NewMailToken, Store};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

const FROM: &str = "Banata <no-reply@banata.test>";
const WITHIN: Duration = Duration::from_secs(20);

fn mail_args(sink: &SmtpSink) -> Vec<String> {
    vec![format!("--smtp-url={}", sink.url()), format!("--mail-from={FROM}")]
}

async fn start_with_mail(backend: Backend, sink: &SmtpSink) -> TestApp {
    let args = mail_args(sink);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    TestApp::start_with(backend, &args).await
}

/// The one mail to `to` whose subject starts with `subject`, waiting for it.
async fn mail_to(sink: &SmtpSink, to: &str, subject: &str) -> Mail {
    mail_to_within(sink, to, subject, WITHIN).await
}

async fn mail_to_within(sink: &SmtpSink, to: &str, subject: &str, within: Duration) -> Mail {
    let found = eventually(within, || async {
        sink.messages()
            .iter()
            .any(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.subject.starts_with(subject))
    })
    .await;
    assert!(
        found,
        "no mail {subject:?} to {to}; got {:#?}",
        sink.messages().iter().map(|m| (&m.to, &m.subject)).collect::<Vec<_>>()
    );
    let mut matching: Vec<Mail> = sink
        .messages()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.subject.starts_with(subject))
        .collect();
    assert_eq!(matching.len(), 1, "one mail {subject:?} to {to}");
    matching.remove(0)
}

/// The query parameter `name` of a URL.
fn param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

/// The same token with its last character changed.
fn tampered(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let last = chars.last_mut().unwrap();
    *last = if *last == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

async fn viewer(person_client: &reqwest::Client, app: &TestApp) -> (StatusCode, Value) {
    let response = person_client.post(app.url("/api/dashboard/viewer")).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn both_parts_carry(mail: &Mail, link: &str) {
    let html = mail.html.as_deref().expect("an HTML part");
    assert!(html.contains(&link.replace('&', "&amp;")), "the HTML part has the link");
    assert!(mail.text.as_deref().unwrap().contains(link), "the text part has the link");
}

async fn a_forgotten_dashboard_password_is_reset_by_mail_once(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let person = Person::sign_up(&app, "Ada Lovelace").await;
    let other_browser = support::client();
    let signed_in = other_browser
        .post(app.url("/api/dashboard/sign_in"))
        .form(&[("email", person.email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(signed_in.status().is_redirection() || signed_in.status().is_success());

    let stranger = support::client();
    let unknown = support::email();
    let asked = stranger
        .post(app.url("/api/dashboard/forgot_password"))
        .form(&[("email", unknown.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK, "the same answer for an unknown email");
    let upper = person.email.to_uppercase();
    let asked = stranger
        .post(app.url("/api/dashboard/forgot_password"))
        .form(&[("email", upper.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let bad = stranger
        .post(app.url("/api/dashboard/forgot_password"))
        .form(&[("email", "not an email")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "a malformed email is a field error");

    let mail = mail_to(&sink, &person.email, "Reset your Banata password").await;
    assert!(mail.header("from").unwrap().contains("no-reply@banata.test"));
    let link = mail.link(&format!("{}/reset-password?token=", app.base));
    both_parts_carry(&mail, &link).await;
    assert!(sink.messages().iter().all(|m| !m.to.contains(&unknown)), "nothing went to an unknown address");
    let token = param(&link, "token");

    let page = app.get(&format!("/reset-password?token={token}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("New password"), "the reset form");
    for wrong in [tampered(&token), String::new(), "x".repeat(300)] {
        let checked = stranger
            .post(app.url("/api/dashboard/check_reset_link"))
            .form(&[("token", wrong.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(checked.status(), StatusCode::GONE, "a tampered or made-up token is refused");
    }
    let short = stranger
        .post(app.url("/api/dashboard/reset_password"))
        .form(&[("token", token.as_str()), ("password", "short")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        short.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a short password is refused and the link still works"
    );

    let new_password = "a brand new passphrase";
    let reset_browser = support::client();
    let reset = reset_browser
        .post(app.url("/api/dashboard/reset_password"))
        .form(&[("token", token.as_str()), ("password", new_password)])
        .send()
        .await
        .unwrap();
    assert!(reset.status().is_redirection() || reset.status().is_success(), "{}", reset.status());
    assert_eq!(viewer(&reset_browser, &app).await.0, StatusCode::OK, "the reset signs in here");
    assert_eq!(viewer(&person.client, &app).await.0, StatusCode::UNAUTHORIZED, "every other session ended");
    assert_eq!(viewer(&other_browser, &app).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.sign_in(&person.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    let again = stranger
        .post(app.url("/api/dashboard/reset_password"))
        .form(&[("token", token.as_str()), ("password", "yet another passphrase")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::GONE, "a link works once");
    let fresh = support::client();
    let ok = fresh
        .post(app.url("/api/dashboard/sign_in"))
        .form(&[("email", person.email.as_str()), ("password", new_password)])
        .send()
        .await
        .unwrap();
    assert!(ok.status().is_redirection() || ok.status().is_success(), "the new password signs in");
    // The link came to the mailbox: the address is proven too.
    assert!(app.db.store().await.account_verified(&person.id).await.unwrap());

    // Three links an hour per account; the address limit (5 a minute) stops the sixth request.
    for _ in 0..3 {
        let asked = stranger
            .post(app.url("/api/dashboard/forgot_password"))
            .form(&[("email", person.email.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(asked.status(), StatusCode::OK);
    }
    let limited = stranger
        .post(app.url("/api/dashboard/forgot_password"))
        .form(&[("email", person.email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let store = app.db.store().await;
    let since = OffsetDateTime::now_utc() - time::Duration::hours(1);
    let three = eventually(WITHIN, || async {
        sink.messages().iter().filter(|m| m.subject.starts_with("Reset your Banata password")).count() == 3
    })
    .await;
    assert!(three, "three reset mails in the hour, not four");
    assert_eq!(store.count_mail_tokens(&person.id, MailKind::AccountReset, since).await.unwrap(), 3);
}

async fn a_new_account_proves_its_address_by_mail(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let person = Person::sign_up(&app, "Grace Hopper").await;
    let (status, me) = viewer(&person.client, &app).await;
    assert_eq!((status, me["needs_verification"].as_bool()), (StatusCode::OK, Some(true)), "the banner shows");
    let page = person
        .client
        .get(app.url(&format!("/projects/{}/api-keys", me["projects"][0]["slug"].as_str().unwrap())))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("is not verified yet"), "the server-rendered banner");

    let mail = mail_to(&sink, &person.email, "Verify your email for Banata").await;
    let link = mail.link(&format!("{}/verify-email?token=", app.base));
    both_parts_carry(&mail, &link).await;
    let token = param(&link, "token");
    let page = app.get(&format!("/verify-email?token={token}")).await.text().await.unwrap();
    assert!(page.contains("Verify email"), "opening the link shows a button");
    assert_eq!(
        viewer(&person.client, &app).await.1["needs_verification"].as_bool(),
        Some(true),
        "opening the link (as a mail scanner does) changes nothing"
    );
    let verify = |token: String| {
        let client = support::client();
        let url = app.url("/api/dashboard/verify_email");
        async move { client.post(url).form(&[("token", token.as_str())]).send().await.unwrap().status() }
    };
    assert_eq!(verify(tampered(&token)).await, StatusCode::GONE, "a tampered link verifies nothing");
    assert_eq!(viewer(&person.client, &app).await.1["needs_verification"].as_bool(), Some(true));
    let verified = verify(token.clone()).await;
    assert!(verified.is_redirection() || verified.is_success(), "the button verifies, signed in or not: {verified}");
    let done = app.get("/verify-email?verified=1").await.text().await.unwrap();
    assert!(done.contains("is verified"));
    assert_eq!(viewer(&person.client, &app).await.1["needs_verification"].as_bool(), Some(false), "the banner goes");
    assert_eq!(verify(token).await, StatusCode::GONE, "a link works once");
    let resend = person.call(&app, "resend_verification", &[]).await;
    assert_eq!(resend.0, StatusCode::CONFLICT, "nothing to resend once verified: {}", resend.1);
}

async fn invitations_are_mailed_and_the_mailed_link_joins(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Team").await;
    let owner = crate::end_user_dashboard::owner_of(&app, &tenant).await;
    let invitee = support::email();
    let (status, body) =
        owner.call(&app, "add_member", &[("slug", &tenant.slug), ("email", &invitee), ("role", "developer")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(support::parse::<Value>(&body)["mailed"], json!(true));
    let copied = support::invitation_token(&body);

    let mail = mail_to(&sink, &invitee, "Team").await;
    assert!(mail.subject.contains("invited you to"), "{}", mail.subject);
    let link = mail.link(&format!("{}/invite/", app.base));
    let mailed = link.rsplit('/').next().unwrap().to_string();
    assert_ne!(mailed, copied, "the mail carries its own token");
    let person = Person::sign_up_as(&app, "Invited", &invitee).await;
    let (status, body) = person.call(&app, "accept_invitation", &[("token", &tampered(&mailed))]).await;
    assert_eq!(status, StatusCode::GONE, "a tampered link joins nothing: {body}");
    let (status, body) = person.call(&app, "accept_invitation", &[("token", &mailed)]).await;
    assert!(status.is_success() || status.is_redirection(), "the mailed link joins: {status} {body}");
    assert!(store.membership(&person.id, &tenant.slug).await.unwrap().is_some());
    let (status, _) = person.call(&app, "accept_invitation", &[("token", &copied)]).await;
    assert_eq!(status, StatusCode::GONE, "either link works once, for both");

    let (status, body) = owner.call(&app, "get_deliveries", &[("slug", &tenant.slug)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains(&mailed) && !body.contains(&copied), "no link on the deliveries page");
    let page: Value = support::parse(&body);
    assert_eq!(page["mail_on"], json!(true));
    let invitation = page["deliveries"].as_array().unwrap().iter().find(|d| d["recipient"] == json!(invitee)).cloned();
    assert_eq!(
        invitation.map(|d| (d["kind"].clone(), d["status"].clone())),
        Some((json!("Invitation"), json!("Sent")))
    );
    // A withdrawn invitation's mailed link joins nothing.
    let withdrawn = support::email();
    let (status, _) =
        owner.call(&app, "add_member", &[("slug", &tenant.slug), ("email", &withdrawn), ("role", "viewer")]).await;
    assert_eq!(status, StatusCode::OK);
    let mail = mail_to(&sink, &withdrawn, "Team").await;
    let link = mail.link(&format!("{}/invite/", app.base));
    let pending = store.pending_invitations(&tenant.project_id, OffsetDateTime::now_utc()).await.unwrap();
    let id = pending.iter().find(|i| i.email == withdrawn).map(|i| i.id.clone()).unwrap();
    let (status, body) = owner.call(&app, "revoke_invitation", &[("slug", &tenant.slug), ("invitation_id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let late = Person::sign_up_as(&app, "Withdrawn", &withdrawn).await;
    let (status, _) = late.call(&app, "accept_invitation", &[("token", link.rsplit('/').next().unwrap())]).await;
    assert_eq!(status, StatusCode::GONE, "the mailed link of a withdrawn invitation");
    assert!(store.membership(&late.id, &tenant.slug).await.unwrap().is_none());

    let settings =
        owner.client.get(app.url(&format!("/projects/{}/authentication", tenant.slug))).send().await.unwrap();
    let settings = settings.text().await.unwrap();
    assert!(settings.contains("Sender name") && !settings.contains("Mail is off"), "no warning with mail on");
    let (status, _) = person.call(&app, "get_deliveries", &[("slug", "no-such-project")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another project's mail is not visible");
}

async fn verification_settings(store: &Arc<dyn Store>, project_id: &str) {
    let settings = AuthSettings {
        require_email_verification: true,
        mail_sender_name: Some("Acme Shop".into()),
        allowed_origins: vec![APP_ORIGIN.into()],
        ..AuthSettings::default()
    };
    store.set_auth_settings(project_id, &settings, &support::actor("usr_test")).await.unwrap();
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
    let asked = crate::auth_api::answer(forged).await;
    assert_eq!((asked.status, asked.body["status"].clone()), (StatusCode::OK, json!(true)), "{}", asked.text);
    let off_site =
        browser.post("/request-password-reset", json!({"email": email, "redirectTo": "https://evil.example"})).await;
    assert_eq!(off_site.status, StatusCode::FORBIDDEN);
    let mail = mail_to(&sink, &email, "Reset your password for").await;
    let link = mail.link(&format!("{APP_ORIGIN}/api/auth/reset-password/"));
    assert!(link.ends_with("?callbackURL=/reset"), "{link}");
    let token = link[format!("{APP_ORIGIN}/api/auth/reset-password/").len()..].split('?').next().unwrap().to_string();
    let location = |answer: &crate::auth_api::Answer| {
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
    let events = store.audit_events(&tenant.project_id, &query).await.unwrap();
    assert!(events.iter().any(|e| e.detail.starts_with("reset by mail")), "audited: {events:?}");
    let (status, body) = crate::end_user_dashboard::owner_of(&app, &tenant)
        .await
        .call(&app, "get_deliveries", &[("slug", &tenant.slug)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains(&token), "no link on the deliveries page");
}

async fn a_mail_server_that_is_down_delays_mail_and_loses_none(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Patient").await;
    let owner = crate::end_user_dashboard::owner_of(&app, &tenant).await;
    sink.stop().await;
    let invitee = support::email();
    let (status, body) =
        owner.call(&app, "add_member", &[("slug", &tenant.slug), ("email", &invitee), ("role", "viewer")]).await;
    assert_eq!(status, StatusCode::OK, "a mail server that is down never fails the action: {body}");
    let retrying = eventually(WITHIN, || async {
        let recent = store.recent_mail(&tenant.project_id, 10).await.unwrap();
        recent.iter().any(|d| d.status == DeliveryStatus::Retrying && d.last_error.is_some())
    })
    .await;
    assert!(retrying, "the failed try is recorded: {:?}", store.recent_mail(&tenant.project_id, 10).await.unwrap());
    sink.restart().await;
    let mail = mail_to(&sink, &invitee, "").await;
    assert!(mail.subject.contains("Patient"));
    let sent = eventually(WITHIN, || async {
        store.recent_mail(&tenant.project_id, 10).await.unwrap().iter().all(|d| d.status == DeliveryStatus::Sent)
    })
    .await;
    assert!(sent);
    assert_eq!(sink.messages().len(), 1, "it arrives once");
}

/// Mail still waiting when its invitation is withdrawn is never sent.
async fn a_withdrawn_invitations_waiting_mail_is_not_sent(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = start_with_mail(backend, &sink).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Changed mind").await;
    let owner = crate::end_user_dashboard::owner_of(&app, &tenant).await;
    sink.stop().await;
    let (kept, withdrawn) = (support::email(), support::email());
    for email in [&kept, &withdrawn] {
        let (status, body) =
            owner.call(&app, "add_member", &[("slug", &tenant.slug), ("email", email), ("role", "viewer")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let pending = store.pending_invitations(&tenant.project_id, OffsetDateTime::now_utc()).await.unwrap();
    let id = pending.iter().find(|i| i.email == withdrawn).map(|i| i.id.clone()).unwrap();
    let (status, body) = owner.call(&app, "revoke_invitation", &[("slug", &tenant.slug), ("invitation_id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    sink.restart().await;
    mail_to_within(&sink, &kept, "", Duration::from_secs(60)).await;
    let given_up = eventually(Duration::from_secs(60), || async {
        let recent = store.recent_mail(&tenant.project_id, 10).await.unwrap();
        recent.iter().any(|d| d.recipient == withdrawn && d.status == DeliveryStatus::Failed)
    })
    .await;
    assert!(given_up, "{:?}", store.recent_mail(&tenant.project_id, 10).await.unwrap());
    assert!(sink.messages().iter().all(|m| !m.to.contains(&withdrawn)), "the withdrawn invitation was not mailed");
}

async fn the_outbox_hands_each_mail_out_once(backend: Backend) {
    let db = support::TestDb::new(backend).await;
    let store = db.store().await;
    let tenant = Tenant::new(&store, "Queue").await;
    let outbox = banata::mail::Outbox::new(true);
    let data = banata::mail::MailData { base: "https://banata.test".into(), ..Default::default() };
    for n in 0..3 {
        let mail = outbox.compose(
            MailKind::UserVerify,
            &format!("u{n}@example.com"),
            &format!("usr_{n}"),
            Some(&tenant.project_id),
            &data,
        );
        store.queue_mail(&mail).await.unwrap();
    }
    let now = OffsetDateTime::now_utc();
    let lease = now + time::Duration::seconds(60);
    let first = store.claim_mail(now, lease, 2).await.unwrap();
    let second = store.claim_mail(now, lease, 10).await.unwrap();
    assert_eq!((first.len(), second.len()), (2, 1), "a claimed mail is no one else's");
    assert!(store.claim_mail(now, lease, 10).await.unwrap().is_empty());
    let later = lease + time::Duration::seconds(1);
    let retaken = store.claim_mail(later, later + time::Duration::seconds(60), 10).await.unwrap();
    assert_eq!(retaken.len(), 3, "a lapsed lease frees them");

    // The first worker's lease ran out: what it records of its try changes nothing.
    let stale = &first[0];
    let status_of = |id: String| {
        let store = store.clone();
        let project = tenant.project_id.clone();
        async move { store.recent_mail(&project, 10).await.unwrap().into_iter().find(|d| d.id == id).unwrap().status }
    };
    store.finish_mail(&stale.id, stale.attempts, &MailOutcome::Sent, later).await.unwrap();
    assert_eq!(status_of(stale.id.clone()).await, DeliveryStatus::Queued, "a stale outcome is ignored");
    let current = retaken.iter().find(|m| m.id == stale.id).unwrap();
    store.finish_mail(&current.id, current.attempts, &MailOutcome::Sent, later).await.unwrap();
    assert_eq!(status_of(stale.id.clone()).await, DeliveryStatus::Sent, "the lease holder's outcome counts");

    let claimed = &second[0];
    let token_id = claimed.token_id.as_deref().unwrap();
    assert!(store.arm_mail_token(token_id, "hash-one", now).await.unwrap());
    assert!(store.mail_token("hash-one").await.unwrap().is_some());
    assert!(store.arm_mail_token(token_id, "hash-two", now).await.unwrap(), "a retry draws a new token");
    assert!(store.mail_token("hash-one").await.unwrap().is_none(), "and the old one stops working");

    // An expired token is refused; another project's too, and stays unused.
    let expired = NewMailToken {
        id: banata::auth::ids::mail_token_id(),
        purpose: MailKind::AccountReset,
        token_hash: Some("hash-expired".into()),
        subject_id: "usr_nobody".into(),
        project_id: None,
        email: "nobody@example.com".into(),
        created_at: now - time::Duration::hours(2),
        expires_at: now - time::Duration::hours(1),
    };
    store.insert_mail_token(&expired).await.unwrap();
    assert!(store.reset_account_password("hash-expired", "$argon2id$x", now).await.unwrap().is_none());
    let other = Tenant::new(&store, "Other").await;
    let by = support::actor("usr_test");
    let used =
        store.use_end_user_token(&other.project_id, MailKind::UserVerify, "hash-two", None, now, &by).await.unwrap();
    assert!(used.is_none(), "another project's token");
    let record = store.mail_token("hash-two").await.unwrap().unwrap();
    assert!(record.used_at.is_none(), "refused, it stays unused");

    // A month on: sent mail and expired links go; mail still to send stays.
    let month = now + time::Duration::days(40);
    assert!(store.sweep_mail(month).await.unwrap() >= 2, "the sent mail and the expired token");
    let left = store.recent_mail(&tenant.project_id, 10).await.unwrap();
    assert_eq!(left.len(), 2, "only the sent one went: {left:?}");
    assert!(left.iter().all(|d| d.status != DeliveryStatus::Sent && d.id != stale.id));
    assert!(store.mail_token("hash-expired").await.unwrap().is_none(), "an expired link is gone");
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

on_both_backends!(
    a_forgotten_dashboard_password_is_reset_by_mail_once,
    a_new_account_proves_its_address_by_mail,
    invitations_are_mailed_and_the_mailed_link_joins,
    a_projects_users_verify_and_reset_through_their_app,
    a_mail_server_that_is_down_delays_mail_and_loses_none,
    a_withdrawn_invitations_waiting_mail_is_not_sent,
    the_outbox_hands_each_mail_out_once,
    without_mail_links_are_shown_and_apps_are_told,
);

/// Two instances drain one PostgreSQL outbox: each mail goes once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_send_each_mail_once() {
    let sink = SmtpSink::start().await;
    let first = start_with_mail(Backend::Postgres, &sink).await;
    let args = mail_args(&sink);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let public = format!("--public-url={}", first.base);
    args.push(&public);
    let second = TestApp::beside(&first, &args).await;
    let store = first.db.store().await;
    let tenant = Tenant::new(&store, "Crowd").await;
    let owner = crate::end_user_dashboard::owner_of(&first, &tenant).await;
    let owner_second = crate::end_user_dashboard::owner_of(&second, &tenant).await;
    let mut invited = Vec::new();
    for n in 0..12 {
        let (app, who) = if n % 2 == 0 { (&first, &owner) } else { (&second, &owner_second) };
        let email = support::email();
        let (status, body) =
            who.call(app, "add_member", &[("slug", &tenant.slug), ("email", &email), ("role", "viewer")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        invited.push(email);
    }
    sink.wait_for(12).await;
    let all_sent = eventually(WITHIN, || async {
        store.recent_mail(&tenant.project_id, 50).await.unwrap().iter().all(|d| d.status == DeliveryStatus::Sent)
    })
    .await;
    assert!(all_sent);
    let mut recipients: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
    recipients.sort();
    invited.sort();
    assert_eq!(recipients, invited, "each mail once, none twice");
}

/// A free port on loopback, for a binary whose public URL must be known first.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The real binary, killed with mail waiting for a retry, delivers it after a restart;
/// its log never holds a link; `banata user reset-password` prints one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_mail_survives_a_crash_and_no_link_reaches_the_log() {
    let mut sink = SmtpSink::start().await;
    sink.stop().await;
    let db = support::TestDb::new(Backend::Sqlite).await;
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let smtp = format!("--smtp-url={}", sink.url());
    let args = ["--addr", &format!("127.0.0.1:{port}"), "--public-url", &public, &smtp, "--mail-from", FROM];
    let start = |db_url: &str| RealServer::start(db_url, &args);
    let store = db.store().await;
    let tenant = Tenant::new(&store, "Crash").await;
    let mut server = start(&db.url);
    let client = support::client();
    let form = [("email", tenant.email.as_str()), ("password", PASSWORD)];
    let signed_in = client.post(format!("{public}/api/dashboard/sign_in")).form(&form).send().await.unwrap();
    assert!(signed_in.status().is_redirection() || signed_in.status().is_success());
    let invitee = support::email();
    let invited = client
        .post(format!("{public}/api/dashboard/add_member"))
        .form(&[("slug", tenant.slug.as_str()), ("email", invitee.as_str()), ("role", "viewer")])
        .send()
        .await
        .unwrap();
    assert_eq!(invited.status(), StatusCode::OK);
    // Killed once its first try (to a mail server that is down) is on record.
    let tried = eventually(WITHIN, || async {
        store.recent_mail(&tenant.project_id, 10).await.unwrap().iter().any(|d| d.status == DeliveryStatus::Retrying)
    })
    .await;
    assert!(tried, "{:?}", store.recent_mail(&tenant.project_id, 10).await.unwrap());
    let mut log = server.kill();
    sink.restart().await;
    let mut server = start(&db.url);
    let invitation = mail_to_within(&sink, &invitee, "", Duration::from_secs(60)).await;
    let link = invitation.link(&format!("{public}/invite/"));
    let invite_token = link.rsplit('/').next().unwrap().to_string();
    let email = tenant.email.clone();
    let asked = client
        .post(format!("{public}/api/dashboard/forgot_password"))
        .form(&[("email", email.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
    let reset = mail_to(&sink, &email, "Reset your Banata password").await;
    let reset_link = reset.link(&format!("{public}/reset-password?token="));
    let page = client.get(&reset_link).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    log.push_str(&server.stop_gracefully());
    assert!(log.contains("mail sent"), "the log records the sending");

    let operator = std::process::Command::new(env!("CARGO_BIN_EXE_banata"))
        .args(["--database-url", &db.url, "--public-url", &public, "user", "reset-password", "--email", &email])
        .output()
        .unwrap();
    assert!(operator.status.success(), "{}", String::from_utf8_lossy(&operator.stderr));
    let printed = String::from_utf8(operator.stdout).unwrap();
    assert!(printed.trim().starts_with(&format!("{public}/reset-password?token=")), "{printed}");
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_banata"))
        .args(["--database-url", &db.url, "user", "reset-password", "--email", "nobody@example.com"])
        .output()
        .unwrap();
    assert!(!unknown.status.success(), "an unknown email is an error");

    assert_eq!(sink.messages().len(), 2, "each mail once");
    for secret in [invite_token, param(&reset_link, "token")] {
        assert!(!log.contains(&secret), "a mail's token reached the log");
    }
    assert!(!log.contains("token="), "no link in the log");
    assert!(!log.to_lowercase().contains("password="), "no SMTP credentials in the log");
}
