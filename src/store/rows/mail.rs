//! Rows of the mail outbox.

#[allow(unused_imports)]
use super::*;

#[derive(sqlx::FromRow)]
pub(in crate::store) struct DeliveryRow {
    id: String,
    kind: String,
    recipient: String,
    status: String,
    attempts: i64,
    created_at: OffsetDateTime,
    sent_at: Option<OffsetDateTime>,
    last_error: Option<String>,
}

impl TryFrom<DeliveryRow> for crate::domain::Delivery {
    type Error = StoreError;

    fn try_from(row: DeliveryRow) -> Result<Self, StoreError> {
        use crate::domain::{DeliveryStatus, MailKind};
        let kind = MailKind::parse(&row.kind).ok_or_else(|| StoreError::Corrupt(format!("mail kind {}", row.kind)))?;
        // A try that failed left its error: only then is it retrying.
        let status = match (row.status.as_str(), row.last_error.is_some()) {
            ("pending", false) => DeliveryStatus::Queued,
            ("pending", true) => DeliveryStatus::Retrying,
            ("sent", _) => DeliveryStatus::Sent,
            ("failed", _) => DeliveryStatus::Failed,
            (other, _) => return Err(StoreError::Corrupt(format!("mail status {other}"))),
        };
        Ok(crate::domain::Delivery {
            id: row.id,
            recipient: row.recipient,
            kind,
            status,
            attempts: row.attempts,
            created_at: rfc3339(row.created_at),
            sent_at: row.sent_at.map(rfc3339),
            last_error: row.last_error,
        })
    }
}
