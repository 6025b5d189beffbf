//! Invitations to a project's organizations.

use super::*;
use crate::actor::Actor;
use async_trait::async_trait;
use time::OffsetDateTime;

/// An invitation; `status` as decided (`pending`, `accepted`, `rejected`,
/// `canceled`): a pending one past `expires_at` reads as expired.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganizationInvitation {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub role: String,
    pub inviter_id: Option<String>,
    pub status: String,
    pub expires_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl OrganizationInvitation {
    /// What it reads as at `now`.
    pub fn status_at(&self, now: OffsetDateTime) -> &str {
        if self.status == "pending" && self.expires_at <= now {
            "expired"
        } else {
            &self.status
        }
    }
}

/// An invitation with what the invitee is shown.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationDetail {
    #[sqlx(flatten)]
    pub invitation: OrganizationInvitation,
    pub organization_name: String,
    pub organization_slug: String,
    pub inviter_email: Option<String>,
}

/// An invitation about to be made.
#[derive(Clone, Debug)]
pub struct NewOrgInvitation {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub roles: Vec<String>,
    pub inviter_id: Option<String>,
    pub expires_at: OffsetDateTime,
    /// Send it again: a pending one for the same email is replaced by this one.
    pub resend: bool,
    /// Its mail, queued in the same transaction.
    pub mail: Option<QueuedMail>,
}

/// The answer to an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvitationAnswer {
    Rejected,
    Canceled,
}

#[async_trait]
pub trait OrganizationInvitationStore: Send + Sync {
    /// Refuses (`OrgRefusal`) an email already a member or already invited
    /// (unless `resend`), outside the organization's domains, or over its
    /// member limit.
    async fn create(
        &self,
        project_id: &str,
        invitation: &NewOrgInvitation,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationInvitation, StoreError>;

    async fn find(&self, project_id: &str, id: &str) -> Result<Option<InvitationDetail>, StoreError>;

    /// The organization's invitations, newest first; `status` as they read now.
    async fn page(
        &self,
        project_id: &str,
        organization_id: &str,
        status: Option<&str>,
        after: Option<(OffsetDateTime, String)>,
        limit: i64,
        now: OffsetDateTime,
    ) -> Result<Vec<OrganizationInvitation>, StoreError>;

    /// The pending, unexpired invitations to this email.
    async fn pending_for(
        &self,
        project_id: &str,
        email: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<InvitationDetail>, StoreError>;

    /// Makes the user a member with the invitation's roles, if it is still
    /// pending and unexpired at `at` and the organization has room.
    async fn accept(
        &self,
        project_id: &str,
        id: &str,
        member: &NewMember,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(OrganizationInvitation, OrganizationMember), StoreError>;

    /// Rejects (the invitee) or cancels (the organization) a pending one.
    async fn answer(
        &self,
        project_id: &str,
        id: &str,
        answer: InvitationAnswer,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationInvitation, StoreError>;
}
