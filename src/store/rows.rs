//! Database rows and their conversion into domain types, shared by both
//! backends. A value the schema should have kept out is `Corrupt`.

use super::{AuthColumns, Credentials, InvitationRecord, StoreError};
use crate::actor::Actor;
use crate::domain::{
    ActorKind, ApiKey, AuditAction, AuditActor, AuditEvent, AuthSettings, KeyStatus, Member, Membership,
    PendingInvitation, ProjectSummary, Role, User,
};
use time::OffsetDateTime;

/// Parses a role column; the CHECK constraint keeps it to known values.
pub(super) fn role_column(value: &str) -> Result<Role, StoreError> {
    Role::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown role {value:?}")))
}

/// One row of the memberships query, shared by both backends.
#[derive(sqlx::FromRow)]
pub(super) struct MembershipRow {
    pub(super) project_id: String,
    pub(super) name: String,
    pub(super) slug: String,
    pub(super) role: String,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(row: MembershipRow) -> Result<Self, StoreError> {
        Ok(Membership { project_id: row.project_id, name: row.name, slug: row.slug, role: role_column(&row.role)? })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) email: String,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User { id: row.id, name: row.name, email: row.email }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct CredentialsRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) password_hash: String,
}

impl From<CredentialsRow> for Credentials {
    fn from(row: CredentialsRow) -> Self {
        Credentials { user: User { id: row.id, name: row.name, email: row.email }, password_hash: row.password_hash }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    pub(super) project_id: String,
    pub(super) name: String,
    pub(super) slug: String,
    pub(super) role: String,
    pub(super) key_count: i64,
}

impl TryFrom<SummaryRow> for ProjectSummary {
    type Error = StoreError;
    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        Ok(ProjectSummary {
            project: Membership {
                project_id: row.project_id,
                name: row.name,
                slug: row.slug,
                role: role_column(&row.role)?,
            },
            key_count: row.key_count,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MemberRow {
    pub(super) user_id: String,
    pub(super) name: String,
    pub(super) email: String,
    pub(super) role: String,
    pub(super) joined_at: OffsetDateTime,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(row: MemberRow) -> Result<Self, StoreError> {
        Ok(Member {
            user_id: row.user_id,
            name: row.name,
            email: row.email,
            role: role_column(&row.role)?,
            joined_at: rfc3339(row.joined_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PendingRow {
    pub(super) id: String,
    pub(super) email: String,
    pub(super) role: String,
    pub(super) invited_by: String,
    pub(super) expires_at: OffsetDateTime,
}

impl TryFrom<PendingRow> for PendingInvitation {
    type Error = StoreError;
    fn try_from(row: PendingRow) -> Result<Self, StoreError> {
        Ok(PendingInvitation {
            id: row.id,
            email: row.email,
            role: role_column(&row.role)?,
            invited_by: row.invited_by,
            expires_at: rfc3339(row.expires_at),
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct InvitationRow {
    pub(super) id: String,
    pub(super) project_id: String,
    pub(super) project_name: String,
    pub(super) email: String,
    pub(super) role: String,
    pub(super) expires_at: OffsetDateTime,
    pub(super) accepted_at: Option<OffsetDateTime>,
    pub(super) revoked_at: Option<OffsetDateTime>,
}

impl TryFrom<InvitationRow> for InvitationRecord {
    type Error = StoreError;
    fn try_from(row: InvitationRow) -> Result<Self, StoreError> {
        Ok(InvitationRecord {
            id: row.id,
            project_id: row.project_id,
            project_name: row.project_name,
            email: row.email,
            role: role_column(&row.role)?,
            expires_at: row.expires_at,
            accepted: row.accepted_at.is_some(),
            revoked: row.revoked_at.is_some(),
        })
    }
}

pub(super) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[derive(sqlx::FromRow)]
pub(super) struct KeyRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) prefix: String,
    pub(super) last4: String,
    pub(super) permissions: String,
    pub(super) created_by: String,
    pub(super) created_at: OffsetDateTime,
    pub(super) last_used_at: Option<OffsetDateTime>,
    pub(super) expires_at: Option<OffsetDateTime>,
    pub(super) revoked_at: Option<OffsetDateTime>,
    pub(super) revoked_by: Option<String>,
    pub(super) replaced_by: Option<String>,
    pub(super) replaces: Option<String>,
}

impl KeyRow {
    pub(super) fn into_key(self, now: OffsetDateTime) -> ApiKey {
        let status = match (self.revoked_at, self.expires_at) {
            (Some(_), _) => KeyStatus::Revoked,
            (None, Some(expires)) if expires <= now => KeyStatus::Expired,
            _ => KeyStatus::Active,
        };
        ApiKey {
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            last4: self.last4,
            // Written only by us, as a JSON array; anything else reads as none.
            permissions: serde_json::from_str(&self.permissions).unwrap_or_default(),
            created_by: self.created_by,
            created_at: rfc3339(self.created_at),
            last_used_at: self.last_used_at.map(rfc3339),
            expires_at: self.expires_at.map(rfc3339),
            revoked_at: self.revoked_at.map(rfc3339),
            revoked_by: self.revoked_by,
            replaced_by: self.replaced_by,
            replaces: self.replaces,
            daily_requests: Vec::new(),
            expires_in: match (status, self.expires_at) {
                (KeyStatus::Active, Some(end)) => Some((end - now).whole_seconds()),
                _ => None,
            },
            status,
        }
    }
}

/// One audit event about to be written, inside the change's transaction.
pub(super) struct AuditRecord<'a> {
    pub(super) project_id: &'a str,
    pub(super) action: AuditAction,
    pub(super) actor: &'a Actor,
    pub(super) target_id: &'a str,
    pub(super) target_name: &'a str,
    pub(super) detail: String,
    pub(super) at: OffsetDateTime,
}

impl<'a> AuditRecord<'a> {
    /// `target` is the id and the name (as it is now) of what was changed.
    pub(super) fn new(
        project_id: &'a str,
        action: AuditAction,
        actor: &'a Actor,
        (target_id, target_name): (&'a str, &'a str),
        detail: String,
        at: OffsetDateTime,
    ) -> Self {
        AuditRecord { project_id, action, actor, target_id, target_name, detail, at }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    pub(super) seq: i64,
    pub(super) created_at: OffsetDateTime,
    pub(super) action: String,
    pub(super) actor_kind: String,
    pub(super) actor_id: String,
    pub(super) actor_name: String,
    pub(super) target_id: String,
    pub(super) target_name: String,
    pub(super) detail: String,
    pub(super) ip: Option<String>,
    pub(super) user_agent: Option<String>,
}

pub(super) fn actor_kind_column(value: &str) -> Result<ActorKind, StoreError> {
    ActorKind::parse(value).ok_or_else(|| StoreError::Corrupt(format!("unknown actor kind {value:?}")))
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;
    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        Ok(AuditEvent {
            seq: row.seq,
            at: rfc3339(row.created_at),
            action: AuditAction::parse(&row.action)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown audit action {:?}", row.action)))?,
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
pub(super) struct AuditActorRow {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: String,
}

impl TryFrom<AuditActorRow> for AuditActor {
    type Error = StoreError;
    fn try_from(row: AuditActorRow) -> Result<Self, StoreError> {
        Ok(AuditActor { id: row.id, name: row.name, kind: actor_kind_column(&row.kind)? })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct EndUserCredentialsRow {
    #[sqlx(flatten)]
    pub(super) user: super::EndUser,
    pub(super) password_hash: Option<String>,
}

/// The settings from their columns. Out-of-range numbers are corrupt, never
/// clamped quietly.
impl TryFrom<AuthColumns> for AuthSettings {
    type Error = StoreError;

    fn try_from(row: AuthColumns) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("project auth setting {what}"));
        Ok(AuthSettings {
            sign_ups_open: row.auth_sign_ups_open,
            password_min: u32::try_from(row.auth_password_min).map_err(|_| corrupt("password_min"))?,
            require_email_verification: row.auth_require_email_verification,
            session_days: u32::try_from(row.auth_session_days).map_err(|_| corrupt("session_days"))?,
            allowed_origins: serde_json::from_str(&row.auth_allowed_origins).map_err(|_| corrupt("allowed_origins"))?,
            mail_sender_name: row.auth_mail_sender_name,
            mail_link_origin: row.auth_mail_link_origin,
            sign_ups_per_hour: u32::try_from(row.auth_sign_ups_per_hour).map_err(|_| corrupt("sign_ups_per_hour"))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DeliveryRow {
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
