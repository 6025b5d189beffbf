//! Audit records as written and read.

#[allow(unused_imports)]
use super::*;

/// One audit event about to be written, inside the change's transaction.
pub(in crate::store) struct AuditRecord<'a> {
    pub(in crate::store) project_id: &'a str,
    pub(in crate::store) action: AuditAction,
    pub(in crate::store) actor: &'a Actor,
    pub(in crate::store) target_id: &'a str,
    pub(in crate::store) target_name: &'a str,
    pub(in crate::store) detail: String,
    pub(in crate::store) at: OffsetDateTime,
    /// The event the app hears of this change by, written with the record.
    pub(in crate::store) event: Option<PreparedEvent>,
}

/// An event ready to be written: its id, type, organization and exact body.
pub(in crate::store) struct PreparedEvent {
    pub(in crate::store) id: String,
    pub(in crate::store) kind: &'static str,
    pub(in crate::store) organization_id: Option<String>,
    pub(in crate::store) body: String,
    pub(in crate::store) at: OffsetDateTime,
}

impl<'a> AuditRecord<'a> {
    /// `target` is the id and the name (as it is now) of what was changed.
    pub(in crate::store) fn new(
        project_id: &'a str,
        action: AuditAction,
        actor: &'a Actor,
        (target_id, target_name): (&'a str, &'a str),
        detail: String,
        at: OffsetDateTime,
    ) -> Self {
        AuditRecord { project_id, action, actor, target_id, target_name, detail, at, event: None }
    }

    /// The record carries `event` in: both are written by one statement.
    pub(in crate::store) fn with(mut self, event: PreparedEvent) -> Self {
        self.event = Some(event);
        self
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct AuditRow {
    pub(in crate::store) seq: i64,
    pub(in crate::store) created_at: OffsetDateTime,
    pub(in crate::store) action: String,
    pub(in crate::store) actor_kind: String,
    pub(in crate::store) actor_id: String,
    pub(in crate::store) actor_name: String,
    pub(in crate::store) target_id: String,
    pub(in crate::store) target_name: String,
    pub(in crate::store) detail: String,
    pub(in crate::store) ip: Option<String>,
    pub(in crate::store) user_agent: Option<String>,
}

pub(in crate::store) fn actor_kind_column(value: &str) -> Result<ActorKind, StoreError> {
    ActorKind::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown actor kind {value:?}")))
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;
    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        Ok(AuditEvent {
            seq: row.seq,
            at: rfc3339(row.created_at),
            action: AuditAction::parse(&row.action).unwrap_or(AuditAction::AppRecorded),
            action_name: row.action,
            actor_kind: actor_kind_column(&row.actor_kind)?,
            actor_id: row.actor_id,
            actor_name: row.actor_name,
            target_id: row.target_id,
            target_name: row.target_name,
            detail: row.detail,
            ip: row.ip,
            user_agent: row.user_agent,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(in crate::store) struct AuditActorRow {
    pub(in crate::store) id: String,
    pub(in crate::store) name: String,
    pub(in crate::store) kind: String,
}

impl TryFrom<AuditActorRow> for AuditActor {
    type Error = StoreError;
    fn try_from(row: AuditActorRow) -> Result<Self, StoreError> {
        Ok(AuditActor { id: row.id, name: row.name, kind: actor_kind_column(&row.kind)? })
    }
}
