//! `ProjectMemberStore` in SQL.

use super::*;

#[async_trait]
impl ProjectMemberStore for Backend {
    async fn of_account(&self, user_id: &str) -> Result<Vec<Membership>, StoreError> {
        sqlx::query_as::<_, MembershipRow>(queries::project_members::MEMBERSHIPS)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Membership::try_from)
            .collect()
    }

    async fn find(&self, user_id: &str, slug: &str) -> Result<Option<Membership>, StoreError> {
        sqlx::query_as::<_, MembershipRow>(queries::project_members::MEMBERSHIP)
            .bind(user_id)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .map(Membership::try_from)
            .transpose()
    }

    async fn list(&self, project_id: &str) -> Result<Vec<Member>, StoreError> {
        sqlx::query_as::<_, MemberRow>(queries::project_members::LIST)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Member::try_from)
            .collect()
    }

    async fn change_role(
        &self,
        project_id: &str,
        user_id: &str,
        role: Role,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.change_membership(project_id, user_id, Some(role), by, at).await
    }

    async fn remove(&self, project_id: &str, user_id: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError> {
        self.change_membership(project_id, user_id, None, by, at).await
    }
}

impl Backend {
    /// Changes (`Some`) or removes (`None`) a membership. `LOCK_PROJECT`
    /// runs first in the transaction, so two owners demoting each other
    /// cannot both succeed.
    async fn change_membership(
        &self,
        project_id: &str,
        user_id: &str,
        role: Option<Role>,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let current: Option<(String, String)> = sqlx::query_as(queries::project_members::ROLE_AND_NAME)
            .bind(project_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (current, name) = current.ok_or(StoreError::NotFound(Resource::Member))?;
        let current = role_column(&current)?;
        let (owners,): (i64,) =
            sqlx::query_as(queries::project_members::COUNT_OWNERS).bind(project_id).fetch_one(&mut *tx).await?;
        if !keeps_an_owner(current, role, owners) {
            return Err(StoreError::LastOwner);
        }
        match role {
            Some(role) => {
                sqlx::query(queries::project_members::SET_ROLE).bind(project_id).bind(user_id).bind(role.as_str())
            }
            None => sqlx::query(queries::project_members::DELETE).bind(project_id).bind(user_id),
        }
        .execute(&mut *tx)
        .await?;
        let (action, detail) = match role {
            Some(role) => (AuditAction::MemberRoleChanged, audit_text::change(current.label(), role.label())),
            None => (AuditAction::MemberRemoved, audit_text::removed(current, by.id == user_id)),
        };
        audit::record(&mut tx, AuditRecord::new(project_id, action, by, (user_id, &name), detail, at)).await?;
        tx.commit().await?;
        Ok(())
    }
}
