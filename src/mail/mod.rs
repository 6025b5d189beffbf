//! Outgoing mail. A change that causes a mail writes it to the outbox in its
//! own transaction (`store::QueuedMail`); a worker (`worker.rs`) sends what
//! is due through SMTP (`smtp.rs`), retrying with backoff, and every
//! instance's worker may drain one database without sending a mail twice.
//! What a mail says is in `message.rs`. Without `BANATA_SMTP_URL` nothing
//! is queued and the dashboard shows links to copy instead.

pub mod message;
pub mod smtp;
pub mod worker;

pub use message::MailData;

use crate::auth::ids;
use crate::domain::MailKind;
use crate::store::{NewMailToken, QueuedMail};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// What request handlers know of mail: whether it is on, and how to wake
/// this instance's worker after queuing.
#[derive(Default)]
pub struct Outbox {
    on: bool,
    wake: Notify,
}

impl Outbox {
    pub fn new(on: bool) -> Outbox {
        Outbox { on, wake: Notify::new() }
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Call after the transaction that queued a mail committed.
    pub fn queued(&self) {
        self.wake.notify_one();
    }

    pub(crate) async fn wait(&self) {
        self.wake.notified().await
    }

    /// A mail of `kind` to `recipient` with a fresh token for `subject_id`
    /// (its link's), ready to go into a change's transaction.
    pub fn compose(
        &self,
        kind: MailKind,
        recipient: &str,
        subject_id: &str,
        project_id: Option<&str>,
        data: &MailData,
    ) -> QueuedMail {
        let now = OffsetDateTime::now_utc();
        let token = NewMailToken {
            id: ids::mail_token_id(),
            purpose: kind,
            token_hash: None,
            subject_id: subject_id.to_string(),
            project_id: project_id.map(str::to_owned),
            email: recipient.to_string(),
            created_at: now,
            expires_at: now + time::Duration::seconds(kind.link_lifetime_seconds()),
        };
        QueuedMail {
            id: ids::mail_id(),
            project_id: project_id.map(str::to_owned),
            kind,
            recipient: recipient.to_string(),
            data: serde_json::to_string(data).unwrap_or_default(),
            token: Some(token),
            created_at: now,
        }
    }
}
