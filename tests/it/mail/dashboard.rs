//! Mail to dashboard accounts: a forgotten password, a new account's address,
//! an invitation to a team.

use super::*;
use crate::support::smtp::SmtpSink;
use crate::support::{self, eventually, Backend, Person, Tenant, PASSWORD};
use banata::domain::MailKind;
use reqwest::StatusCode;
use serde_json::{json, Value};
use time::OffsetDateTime;

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
    assert!(app.db.store().await.accounts().is_verified(&person.id).await.unwrap());

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
    assert_eq!(store.mail().count_tokens(&person.id, MailKind::AccountReset, since).await.unwrap(), 3);
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
    assert!(store.project_members().find(&person.id, &tenant.slug).await.unwrap().is_some());
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
    let pending = store.project_invitations().pending(&tenant.project_id, OffsetDateTime::now_utc()).await.unwrap();
    let id = pending.iter().find(|i| i.email == withdrawn).map(|i| i.id.clone()).unwrap();
    let (status, body) = owner.call(&app, "revoke_invitation", &[("slug", &tenant.slug), ("invitation_id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let late = Person::sign_up_as(&app, "Withdrawn", &withdrawn).await;
    let (status, _) = late.call(&app, "accept_invitation", &[("token", link.rsplit('/').next().unwrap())]).await;
    assert_eq!(status, StatusCode::GONE, "the mailed link of a withdrawn invitation");
    assert!(store.project_members().find(&late.id, &tenant.slug).await.unwrap().is_none());

    let settings =
        owner.client.get(app.url(&format!("/projects/{}/authentication", tenant.slug))).send().await.unwrap();
    let settings = settings.text().await.unwrap();
    assert!(settings.contains("Sender name") && !settings.contains("Mail is off"), "no warning with mail on");
    let (status, _) = person.call(&app, "get_deliveries", &[("slug", "no-such-project")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another project's mail is not visible");
}

on_both_backends!(
    a_forgotten_dashboard_password_is_reset_by_mail_once,
    a_new_account_proves_its_address_by_mail,
    invitations_are_mailed_and_the_mailed_link_joins,
);
