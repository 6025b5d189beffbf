//! Invitations to join a project's team; only a link's hash is stored.

use super::*;
use crate::actor::Actor;
use crate::domain::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// An invitation about to be written; `token_hash` is the SHA-256 of the token.
#[derive(Clone, Debug)]
pub struct NewInvitation {
    pub id: String,
    pub project_id: String,
    pub email: String,
    pub role: Role,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// A mail to queue in the same transaction.
    pub mail: Option<QueuedMail>,
}

/// An invitation found by its token, whatever its state.
#[derive(Clone, Debug)]
pub struct InvitationRecord {
    pub id: String,
    pub project_id: String,
    pub project_name: String,
    pub email: String,
    pub role: Role,
    pub expires_at: OffsetDateTime,
    pub accepted: bool,
    pub revoked: bool,
}

#[async_trait]
pub trait ProjectInvitationStore: Send + Sync {
    async fn insert(&self, invitation: &NewInvitation, by: &Actor) -> Result<(), StoreError>;

    /// Invitations neither accepted, revoked nor expired at `now`.
    async fn pending(&self, project_id: &str, now: OffsetDateTime) -> Result<Vec<PendingInvitation>, StoreError>;

    /// `NotFound` unless a pending invitation of this project has this id.
    async fn revoke(&self, project_id: &str, id: &str, now: OffsetDateTime, by: &Actor) -> Result<(), StoreError>;

    async fn by_token(&self, token_hash: &str) -> Result<Option<InvitationRecord>, StoreError>;

    /// Marks the invitation accepted and adds the member, atomically: of two
    /// concurrent accepts one wins, the other gets `NotFound`.
    /// `by` is the accepting user.
    async fn accept(&self, id: &str, by: &Actor, now: OffsetDateTime) -> Result<(), StoreError>;
}
