//! Drains the outbox: claims what is due (a lease, so a worker that dies
//! mid-send leaves its mail for another to take after five minutes), draws each
//! link's token, sends, and records the outcome. A failed try comes back
//! after a growing pause; after `MAX_ATTEMPTS` the mail is given up on.
//! Nothing secret is logged: a mail is named by its id and kind.

use super::message::{self, MailData};
use super::smtp::Smtp;
use super::Outbox;
use crate::auth::tokens;
use crate::domain::MailKind;
use crate::store::{ClaimedMail, MailOutcome, Store};
use lettre::message::Mailbox;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

/// How long a claimed mail is this worker's: longer than the slowest
/// try (SMTP commands time out after 20 s each).
const LEASE: time::Duration = time::Duration::minutes(5);
/// One mail per claim, so a lease covers one try, never a queue of them.
const BATCH: u32 = 1;
/// Tries before a mail is given up on: the pauses double from 2 s to at
/// most 30 min, about three hours in all.
pub const MAX_ATTEMPTS: i64 = 15;
/// How often an idle worker looks for mail other instances queued (its own
/// instance wakes it at once).
const IDLE_POLL: Duration = Duration::from_secs(2);

pub struct Worker {
    pub store: Arc<dyn Store>,
    pub smtp: Smtp,
    pub from: Mailbox,
    pub outbox: Arc<Outbox>,
}

/// The pause before try `attempts + 1`.
pub fn backoff(attempts: i64) -> time::Duration {
    let exponent = attempts.clamp(1, 11) - 1;
    time::Duration::seconds((2_i64 << exponent).min(1800))
}

impl Worker {
    /// Runs for ever.
    pub async fn run(self) {
        loop {
            let sent = match self.drain_once().await {
                Ok(count) => count,
                Err(error) => {
                    tracing::warn!(%error, "could not read the outbox; will retry");
                    0
                }
            };
            if sent == 0 {
                tokio::select! {
                    _ = self.outbox.wait() => {}
                    _ = tokio::time::sleep(IDLE_POLL) => {}
                }
            }
        }
    }

    /// Claims and tries one batch; returns how many mails it took.
    pub async fn drain_once(&self) -> Result<usize, crate::store::StoreError> {
        let now = OffsetDateTime::now_utc();
        let claimed = self.store.mail().claim(now, now + LEASE, BATCH).await?;
        let count = claimed.len();
        for mail in claimed {
            let outcome = self.try_send(&mail).await;
            match &outcome {
                MailOutcome::Sent => tracing::info!(mail = %mail.id, kind = %mail.kind, "mail sent"),
                MailOutcome::Retry(_, error) => {
                    tracing::warn!(mail = %mail.id, attempt = mail.attempts, %error, "mail not sent; will retry")
                }
                MailOutcome::Failed(error) => tracing::error!(mail = %mail.id, %error, "mail given up on"),
            }
            self.store.mail().finish(&mail.id, mail.attempts, &outcome, OffsetDateTime::now_utc()).await?;
        }
        Ok(count)
    }

    async fn try_send(&self, mail: &ClaimedMail) -> MailOutcome {
        let Some(kind) = MailKind::parse(&mail.kind) else {
            return MailOutcome::Failed(format!("unknown kind of mail {}", mail.kind));
        };
        let data: MailData = match serde_json::from_str(&mail.data) {
            Ok(data) => data,
            Err(_) => return MailOutcome::Failed("unreadable mail data".into()),
        };
        // A new token for every try: the one an earlier, failed try drew
        // never reached anyone, and stops working now.
        let token = tokens::mail_token();
        if let Some(token_id) = &mail.token_id {
            match self.store.mail().arm_token(token_id, &tokens::hash(&token), OffsetDateTime::now_utc()).await {
                Ok(true) => {}
                Ok(false) => return MailOutcome::Failed("no longer needed: the link was used or ran out".into()),
                Err(error) => return self.retry(mail, format!("database: {error}")),
            }
        }
        let link = message::link(kind, &data, &token);
        let rendered = message::render(kind, &data, &link);
        let message = match message::message(&self.from, &mail.recipient, &data, rendered) {
            Ok(message) => message,
            Err(error) => return MailOutcome::Failed(error),
        };
        match self.smtp.send(message).await {
            Ok(()) => MailOutcome::Sent,
            Err(error) => self.retry(mail, error),
        }
    }

    fn retry(&self, mail: &ClaimedMail, error: String) -> MailOutcome {
        match mail.attempts >= MAX_ATTEMPTS {
            true => MailOutcome::Failed(error),
            false => MailOutcome::Retry(OffsetDateTime::now_utc() + backoff(mail.attempts), error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_half_an_hour() {
        assert_eq!(backoff(1).whole_seconds(), 2);
        assert_eq!(backoff(2).whole_seconds(), 4);
        assert_eq!(backoff(5).whole_seconds(), 32);
        assert_eq!(backoff(14).whole_seconds(), 1800);
        let total: i64 = (1..MAX_ATTEMPTS).map(|n| backoff(n).whole_seconds()).sum();
        assert!((2 * 3600..4 * 3600).contains(&total), "{total}");
    }
}
