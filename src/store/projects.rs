//! Projects, and each project's Authentication settings (on the project row, so a key's lookup carries them).

use super::*;
use crate::actor::Actor;
use crate::domain::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A project about to be written, with the user who becomes its owner.
#[derive(Clone, Debug)]
pub struct NewProject {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub owner_id: String,
    pub created_at: OffsetDateTime,
}

/// A project's Authentication settings as their columns hold them (on the
/// project row, and joined into every key's record).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuthColumns {
    pub auth_sign_ups_open: bool,
    pub auth_password_min: i64,
    pub auth_require_email_verification: bool,
    pub auth_session_days: i64,
    /// JSON array of origins.
    pub auth_allowed_origins: String,
    pub auth_mail_sender_name: Option<String>,
    pub auth_mail_link_origin: Option<String>,
    pub auth_sign_ups_per_hour: i64,
    pub auth_org_creation_open: bool,
    pub auth_org_invitation_path: Option<String>,
}

/// A project by its id, name and URL name.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ProjectRef {
    pub id: String,
    pub name: String,
    pub slug: String,
}

#[async_trait]
pub trait ProjectStore: Send + Sync {
    /// Writes the project and its owner's membership in one transaction.
    /// Fails with `Conflict("slug")` when the slug is taken.
    async fn insert(&self, project: &NewProject) -> Result<Membership, StoreError>;

    /// The user's projects with their count of active keys, by name.
    async fn summaries(&self, user_id: &str) -> Result<Vec<ProjectSummary>, StoreError>;

    async fn rename(&self, project_id: &str, name: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError>;

    /// Fails with `Conflict("slug")` when the slug is taken.
    async fn change_slug(&self, project_id: &str, slug: &str, by: &Actor, at: OffsetDateTime)
        -> Result<(), StoreError>;

    /// Deletes the project with its members, invitations and keys (which
    /// therefore stop working).
    async fn delete(&self, project_id: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError>;

    /// The project with this slug or id, for the command line.
    async fn find(&self, slug_or_id: &str) -> Result<Option<ProjectRef>, StoreError>;

    /// The project's Authentication settings; `NotFound` if it is gone.
    async fn auth_settings(&self, project_id: &str) -> Result<AuthSettings, StoreError>;

    /// Replaces them and records what changed.
    async fn set_auth_settings(
        &self,
        project_id: &str,
        settings: &AuthSettings,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
}
