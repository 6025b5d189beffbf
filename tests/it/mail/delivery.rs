//! The outbox: a mail server that is down, a withdrawn invitation's waiting
//! mail, each mail handed out once (also by two instances on one PostgreSQL),
//! mail queued when the server is killed.

use super::*;
use crate::support::smtp::SmtpSink;
use crate::support::{self, eventually, Backend, RealServer, Tenant, TestApp, PASSWORD};
use banata::domain::{DeliveryStatus, MailKind};
use banata::store::{MailOutcome, NewMailToken};
use reqwest::StatusCode;
use std::time::Duration;
use time::OffsetDateTime;

/// A free port on loopback, for a binary whose public URL must be known first.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
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
        let recent = store.mail().recent(&tenant.project_id, 10).await.unwrap();
        recent.iter().any(|d| d.status == DeliveryStatus::Retrying && d.last_error.is_some())
    })
    .await;
    assert!(retrying, "the failed try is recorded: {:?}", store.mail().recent(&tenant.project_id, 10).await.unwrap());
    sink.restart().await;
    let mail = mail_to(&sink, &invitee, "").await;
    assert!(mail.subject.contains("Patient"));
    let sent = eventually(WITHIN, || async {
        store.mail().recent(&tenant.project_id, 10).await.unwrap().iter().all(|d| d.status == DeliveryStatus::Sent)
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
    let pending = store.project_invitations().pending(&tenant.project_id, OffsetDateTime::now_utc()).await.unwrap();
    let id = pending.iter().find(|i| i.email == withdrawn).map(|i| i.id.clone()).unwrap();
    let (status, body) = owner.call(&app, "revoke_invitation", &[("slug", &tenant.slug), ("invitation_id", &id)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    sink.restart().await;
    mail_to_within(&sink, &kept, "", Duration::from_secs(60)).await;
    let given_up = eventually(Duration::from_secs(60), || async {
        let recent = store.mail().recent(&tenant.project_id, 10).await.unwrap();
        recent.iter().any(|d| d.recipient == withdrawn && d.status == DeliveryStatus::Failed)
    })
    .await;
    assert!(given_up, "{:?}", store.mail().recent(&tenant.project_id, 10).await.unwrap());
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
        store.mail().queue(&mail).await.unwrap();
    }
    let now = OffsetDateTime::now_utc();
    let lease = now + time::Duration::seconds(60);
    let first = store.mail().claim(now, lease, 2).await.unwrap();
    let second = store.mail().claim(now, lease, 10).await.unwrap();
    assert_eq!((first.len(), second.len()), (2, 1), "a claimed mail is no one else's");
    assert!(store.mail().claim(now, lease, 10).await.unwrap().is_empty());
    let later = lease + time::Duration::seconds(1);
    let retaken = store.mail().claim(later, later + time::Duration::seconds(60), 10).await.unwrap();
    assert_eq!(retaken.len(), 3, "a lapsed lease frees them");

    // The first worker's lease ran out: what it records of its try changes nothing.
    let stale = &first[0];
    let status_of = |id: String| {
        let store = store.clone();
        let project = tenant.project_id.clone();
        async move { store.mail().recent(&project, 10).await.unwrap().into_iter().find(|d| d.id == id).unwrap().status }
    };
    store.mail().finish(&stale.id, stale.attempts, &MailOutcome::Sent, later).await.unwrap();
    assert_eq!(status_of(stale.id.clone()).await, DeliveryStatus::Queued, "a stale outcome is ignored");
    let current = retaken.iter().find(|m| m.id == stale.id).unwrap();
    store.mail().finish(&current.id, current.attempts, &MailOutcome::Sent, later).await.unwrap();
    assert_eq!(status_of(stale.id.clone()).await, DeliveryStatus::Sent, "the lease holder's outcome counts");

    let claimed = &second[0];
    let token_id = claimed.token_id.as_deref().unwrap();
    assert!(store.mail().arm_token(token_id, "hash-one", now).await.unwrap());
    assert!(store.mail().token("hash-one").await.unwrap().is_some());
    assert!(store.mail().arm_token(token_id, "hash-two", now).await.unwrap(), "a retry draws a new token");
    assert!(store.mail().token("hash-one").await.unwrap().is_none(), "and the old one stops working");

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
    store.mail().insert_token(&expired).await.unwrap();
    assert!(store.accounts().reset_password("hash-expired", "$argon2id$x", now).await.unwrap().is_none());
    let other = Tenant::new(&store, "Other").await;
    let by = support::actor("usr_test");
    let used = store.end_users().verify_email(&other.project_id, "hash-two", now, &by).await.unwrap();
    assert!(used.is_none(), "another project's token");
    let record = store.mail().token("hash-two").await.unwrap().unwrap();
    assert!(record.used_at.is_none(), "refused, it stays unused");

    // A month on: sent mail and expired links go; mail still to send stays.
    let month = now + time::Duration::days(40);
    assert!(store.mail().sweep(month).await.unwrap() >= 2, "the sent mail and the expired token");
    let left = store.mail().recent(&tenant.project_id, 10).await.unwrap();
    assert_eq!(left.len(), 2, "only the sent one went: {left:?}");
    assert!(left.iter().all(|d| d.status != DeliveryStatus::Sent && d.id != stale.id));
    assert!(store.mail().token("hash-expired").await.unwrap().is_none(), "an expired link is gone");
}

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
        store.mail().recent(&tenant.project_id, 50).await.unwrap().iter().all(|d| d.status == DeliveryStatus::Sent)
    })
    .await;
    assert!(all_sent);
    let mut recipients: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
    recipients.sort();
    invited.sort();
    assert_eq!(recipients, invited, "each mail once, none twice");
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
        store.mail().recent(&tenant.project_id, 10).await.unwrap().iter().any(|d| d.status == DeliveryStatus::Retrying)
    })
    .await;
    assert!(tried, "{:?}", store.mail().recent(&tenant.project_id, 10).await.unwrap());
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

on_both_backends!(
    a_mail_server_that_is_down_delays_mail_and_loses_none,
    a_withdrawn_invitations_waiting_mail_is_not_sent,
    the_outbox_hands_each_mail_out_once,
);
