//! A project's organization roles and its own permissions. `super_admin`
//! and the built-in permissions are not stored.

use super::*;
use crate::actor::Actor;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A stored role; `permissions` a JSON array of slugs.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrgRole {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub permissions: String,
    pub is_default: bool,
    pub created_at: OffsetDateTime,
}

impl OrgRole {
    pub fn permission_list(&self) -> Vec<String> {
        serde_json::from_str(&self.permissions).unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct OrgPermission {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A role's or a permission's fields, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleFields {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// Sorted; for roles only.
    pub permissions: Vec<String>,
}

#[async_trait]
pub trait OrganizationRoleStore: Send + Sync {
    async fn roles(&self, project_id: &str) -> Result<Vec<OrgRole>, StoreError>;

    async fn permissions(&self, project_id: &str) -> Result<Vec<OrgPermission>, StoreError>;

    /// `Conflict("slug")` when the project has a role with that slug.
    async fn create_role(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgRole, StoreError>;

    /// A new slug follows into every member and invitation holding the old one.
    async fn update_role(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgRole, StoreError>;

    /// Members lose the role; refused while it is some member's only one.
    async fn delete_role(
        &self,
        project_id: &str,
        id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgRole, StoreError>;

    async fn create_permission(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgPermission, StoreError>;

    /// A new slug follows into every role holding the old one.
    async fn update_permission(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgPermission, StoreError>;

    /// Every role loses it.
    async fn delete_permission(
        &self,
        project_id: &str,
        id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgPermission, StoreError>;
}
