//! The members of a project's organizations, and the organization each
//! session acts in.

use super::*;
use crate::actor::Actor;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A member; `role` is its role slugs, comma-joined.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrganizationMember {
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub role: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl OrganizationMember {
    pub fn roles(&self) -> impl Iterator<Item = &str> {
        self.role.split(',').filter(|r| !r.is_empty())
    }
}

/// A member about to be made: its id and the user it is.
#[derive(Clone, Debug)]
pub struct NewMember {
    pub id: String,
    pub user_id: String,
}

/// A member with the user it is.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberWithUser {
    #[sqlx(flatten)]
    pub member: OrganizationMember,
    pub user_name: String,
    pub user_email: String,
    pub user_image: Option<String>,
}

/// A user's place in one organization, as sessions cache it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct UserMembership {
    pub organization_id: String,
    pub member_id: String,
    pub role: String,
}

/// Which members of an organization to list.
#[derive(Clone, Debug, Default)]
pub struct MemberPage {
    /// Only members holding this role.
    pub role: Option<String>,
    /// After this one (newest first).
    pub after: Option<(OffsetDateTime, String)>,
    pub offset: i64,
    pub limit: i64,
}

/// Why a member is removed, as the audit log says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removal {
    Removed,
    Left,
}

#[async_trait]
pub trait OrganizationMemberStore: Send + Sync {
    /// Every organization the user is a member of.
    async fn of_user(&self, project_id: &str, user_id: &str) -> Result<Vec<UserMembership>, StoreError>;

    /// A page of the organization's members and how many it has in all.
    async fn page(
        &self,
        project_id: &str,
        organization_id: &str,
        page: &MemberPage,
    ) -> Result<(Vec<MemberWithUser>, i64), StoreError>;

    /// The organization's member with this member id, user id or
    /// (lower-cased) email.
    async fn find(
        &self,
        project_id: &str,
        organization_id: &str,
        member_or_user_id: &str,
    ) -> Result<Option<MemberWithUser>, StoreError>;

    /// Refuses (`OrgRefusal`) a user already a member, one whose email the
    /// organization's domains exclude, and one over its member limit.
    async fn add(
        &self,
        project_id: &str,
        organization_id: &str,
        member: &NewMember,
        roles: &[String],
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationMember, StoreError>;

    /// Refuses leaving the organization without a `super_admin`.
    async fn set_roles(
        &self,
        project_id: &str,
        organization_id: &str,
        member_id: &str,
        roles: &[String],
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationMember, StoreError>;

    /// Refuses removing its last `super_admin`; the user's sessions acting
    /// in it act in none.
    async fn remove(
        &self,
        project_id: &str,
        organization_id: &str,
        member_id: &str,
        why: Removal,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<MemberWithUser, StoreError>;

    /// The organization a session acts in (`None`: none).
    async fn set_active(
        &self,
        project_id: &str,
        session_id: &str,
        organization_id: Option<&str>,
    ) -> Result<(), StoreError>;
}
