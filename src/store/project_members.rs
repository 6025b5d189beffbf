//! A project's team: the dashboard accounts that are its members, and their roles.

use super::*;
use crate::actor::Actor;
use crate::domain::*;
use async_trait::async_trait;
use time::OffsetDateTime;

#[async_trait]
pub trait ProjectMemberStore: Send + Sync {
    /// The user's projects, oldest membership first.
    async fn of_account(&self, user_id: &str) -> Result<Vec<Membership>, StoreError>;

    /// The project with this slug together with the user's role in it, in one
    /// query; `None` both when it does not exist and when they are no member.
    async fn find(&self, user_id: &str, slug: &str) -> Result<Option<Membership>, StoreError>;

    /// Members, owners first, then by name.
    async fn list(&self, project_id: &str) -> Result<Vec<Member>, StoreError>;

    /// Fails with `LastOwner` rather than leave the project without an owner,
    /// and with `NotFound` when the user is no member.
    async fn change_role(
        &self,
        project_id: &str,
        user_id: &str,
        role: Role,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// Same rules as `change_role`.
    async fn remove(&self, project_id: &str, user_id: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError>;
}
