//! Database rows and their conversion into domain types, shared by both
//! backends. A value the schema should have kept out is `Corrupt`.

mod accounts;
mod audit;
mod end_users;
mod keys;
mod mail;
mod project_invitations;
mod project_members;
mod projects;
mod webhooks;

pub(super) use accounts::*;
pub(super) use audit::*;
pub(super) use end_users::*;
pub(super) use keys::*;
pub(super) use mail::*;
pub(super) use project_invitations::*;
pub(super) use project_members::*;
pub(super) use projects::*;
pub(super) use webhooks::*;

use crate::actor::Actor;
use crate::domain::{
    ActorKind, ApiKey, AuditAction, AuditActor, AuditEvent, AuthSettings, KeyStatus, Member, Membership,
    PendingInvitation, ProjectSummary, Role, User,
};
use crate::store::{AuthColumns, Credentials, InvitationRecord, StoreError};
use time::OffsetDateTime;
