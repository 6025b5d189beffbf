//! `ProjectInvitationStore` in SQL.

use super::*;

#[async_trait]
impl ProjectInvitationStore for Backend {
    async fn insert(&self, invitation: &NewInvitation, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::project_invitations::INSERT)
            .bind(&invitation.id)
            .bind(&invitation.project_id)
            .bind(&invitation.email)
            .bind(invitation.role.as_str())
            .bind(&invitation.token_hash)
            .bind(&invitation.invited_by)
            .bind(invitation.created_at)
            .bind(invitation.expires_at)
            .execute(&mut *tx)
            .await?;
        if let Some(mail) = &invitation.mail {
            mail::queue(&mut tx, mail).await?;
        }
        audit::record(
            &mut tx,
            AuditRecord::new(
                &invitation.project_id,
                AuditAction::InvitationCreated,
                by,
                (&invitation.id, &invitation.email),
                audit_text::as_role(invitation.role),
                invitation.created_at,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn pending(&self, project_id: &str, now: OffsetDateTime) -> Result<Vec<PendingInvitation>, StoreError> {
        sqlx::query_as::<_, PendingRow>(queries::project_invitations::PENDING)
            .bind(project_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(PendingInvitation::try_from)
            .collect()
    }

    async fn revoke(&self, project_id: &str, id: &str, now: OffsetDateTime, by: &Actor) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let revoked: Option<(String, String)> = sqlx::query_as(queries::project_invitations::REVOKE)
            .bind(project_id)
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let (email, role) = revoked.ok_or(StoreError::NotFound(Resource::Invitation))?;
        mail::retire_links(&mut tx, id, now).await?;
        audit::record(
            &mut tx,
            AuditRecord::new(
                project_id,
                AuditAction::InvitationRevoked,
                by,
                (id, &email),
                audit_text::as_role(role_column(&role)?),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn by_token(&self, token_hash: &str) -> Result<Option<InvitationRecord>, StoreError> {
        sqlx::query_as::<_, InvitationRow>(queries::project_invitations::BY_TOKEN)
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?
            .map(InvitationRecord::try_from)
            .transpose()
    }

    async fn accept(&self, id: &str, by: &Actor, now: OffsetDateTime) -> Result<(), StoreError> {
        let user_id = by.id.as_str();
        let mut tx = self.pool.begin().await?;
        let claimed: Option<(String, String, String)> = sqlx::query_as(queries::project_invitations::CLAIM)
            .bind(id)
            .bind(user_id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let (project_id, role, email) = claimed.ok_or(StoreError::NotFound(Resource::Invitation))?;
        mail::retire_links(&mut tx, id, now).await?;
        // Already a member: keep the role they have.
        sqlx::query(queries::project_members::INSERT_UNLESS_MEMBER)
            .bind(&project_id)
            .bind(user_id)
            .bind(&role)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            AuditRecord::new(
                &project_id,
                AuditAction::InvitationAccepted,
                by,
                (id, &email),
                format!("joined {}", audit_text::as_role(role_column(&role)?)),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
