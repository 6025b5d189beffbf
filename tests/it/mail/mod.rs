//! Mail end to end: a real SMTP server on loopback (aiosmtpd, one per test),
//! the real server sending through it, and each flow followed by reading
//! the mail that arrived and opening its link. On both backends; two
//! instances on one PostgreSQL outbox; a mail server that is down; a
//! server killed with mail queued; links that are spent, tampered with,
//! expired or another project's.

mod app_users;
mod dashboard;
mod delivery;

use crate::support::smtp::{Mail, SmtpSink};
use crate::support::{eventually, Backend, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;

pub(super) const FROM: &str = "Banata <no-reply@banata.test>";
pub(super) const WITHIN: Duration = Duration::from_secs(20);

pub(super) fn mail_args(sink: &SmtpSink) -> Vec<String> {
    vec![format!("--smtp-url={}", sink.url()), format!("--mail-from={FROM}")]
}

pub(super) async fn start_with_mail(backend: Backend, sink: &SmtpSink) -> TestApp {
    let args = mail_args(sink);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    TestApp::start_with(backend, &args).await
}

/// The one mail to `to` whose subject starts with `subject`, waiting for it.
pub(super) async fn mail_to(sink: &SmtpSink, to: &str, subject: &str) -> Mail {
    mail_to_within(sink, to, subject, WITHIN).await
}

pub(super) async fn mail_to_within(sink: &SmtpSink, to: &str, subject: &str, within: Duration) -> Mail {
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
pub(super) fn param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {name} in {url}"))
}

/// The same token with its last character changed.
pub(super) fn tampered(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let last = chars.last_mut().unwrap();
    *last = if *last == 'a' { 'b' } else { 'a' };
    chars.into_iter().collect()
}

pub(super) async fn viewer(person_client: &reqwest::Client, app: &TestApp) -> (StatusCode, Value) {
    let response = person_client.post(app.url("/api/dashboard/viewer")).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(super) async fn both_parts_carry(mail: &Mail, link: &str) {
    let html = mail.html.as_deref().expect("an HTML part");
    assert!(html.contains(&link.replace('&', "&amp;")), "the HTML part has the link");
    assert!(mail.text.as_deref().unwrap().contains(link), "the text part has the link");
}
