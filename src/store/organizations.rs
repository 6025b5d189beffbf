//! A project's organizations (its app's customers).

use super::*;
use crate::actor::Actor;
use async_trait::async_trait;
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Organization {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub slug: String,
    pub logo: Option<String>,
    /// A JSON object, as the app sent it.
    pub metadata: Option<String>,
    pub require_mfa: bool,
    pub sso_enforced: bool,
    /// A JSON array of domains; `None`: any.
    pub allowed_email_domains: Option<String>,
    pub max_members: Option<i64>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl Organization {
    pub fn domains(&self) -> Option<Vec<String>> {
        self.allowed_email_domains.as_deref().and_then(|d| serde_json::from_str(d).ok())
    }
}

/// An organization as the dashboard lists it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganizationSummary {
    #[sqlx(flatten)]
    pub organization: Organization,
    pub member_count: i64,
}

/// An organization's fields, checked, as they are to be stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationFields {
    pub name: String,
    pub slug: String,
    pub logo: Option<String>,
    pub metadata: Option<String>,
    pub require_mfa: bool,
    pub sso_enforced: bool,
    pub allowed_email_domains: Option<String>,
    pub max_members: Option<i64>,
}

/// Where a page of organizations starts: after this one (newest first).
#[derive(Clone, Debug, Default)]
pub struct OrgPage {
    /// Name or slug contains this (case-insensitive).
    pub search: Option<String>,
    /// Only the organizations this user is a member of.
    pub member: Option<String>,
    pub after: Option<(OffsetDateTime, String)>,
    pub limit: i64,
}

#[async_trait]
pub trait OrganizationStore: Send + Sync {
    /// `Conflict("slug")` when the project has one with that slug.
    async fn create(
        &self,
        project_id: &str,
        id: &str,
        fields: &OrganizationFields,
        first_member: Option<&NewMember>,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(Organization, Option<OrganizationMember>), StoreError>;

    async fn find(&self, project_id: &str, id: &str) -> Result<Option<Organization>, StoreError>;

    async fn find_by_slug(&self, project_id: &str, slug: &str) -> Result<Option<Organization>, StoreError>;

    /// A page, newest first, with member counts.
    async fn page(&self, project_id: &str, page: &OrgPage) -> Result<Vec<OrganizationSummary>, StoreError>;

    /// Replaces every field; `Conflict("slug")` when another has the slug.
    async fn update(
        &self,
        project_id: &str,
        id: &str,
        fields: &OrganizationFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<Organization, StoreError>;

    /// Deletes it with its members and invitations; sessions acting in it
    /// act in none.
    async fn delete(
        &self,
        project_id: &str,
        id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<Organization, StoreError>;
}
