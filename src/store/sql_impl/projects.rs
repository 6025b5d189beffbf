//! `ProjectStore` in SQL.

use super::*;

#[async_trait]
impl ProjectStore for Backend {
    async fn insert(&self, project: &NewProject) -> Result<Membership, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(queries::projects::INSERT)
            .bind(&project.id)
            .bind(&project.name)
            .bind(&project.slug)
            .bind(project.created_at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        sqlx::query(queries::project_members::INSERT)
            .bind(&project.id)
            .bind(&project.owner_id)
            .bind(Role::Owner.as_str())
            .bind(project.created_at)
            .execute(&mut *tx)
            .await?;
        organization_roles::seed(&mut tx, &project.id, project.created_at).await?;
        tx.commit().await?;
        Ok(Membership {
            project_id: project.id.clone(),
            name: project.name.clone(),
            slug: project.slug.clone(),
            role: Role::Owner,
        })
    }

    async fn summaries(&self, user_id: &str) -> Result<Vec<ProjectSummary>, StoreError> {
        sqlx::query_as::<_, SummaryRow>(queries::projects::SUMMARIES)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(ProjectSummary::try_from)
            .collect()
    }

    async fn rename(&self, project_id: &str, name: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (old, _) = projects::locked(&mut tx, project_id).await?;
        sqlx::query(queries::projects::RENAME).bind(project_id).bind(name).execute(&mut *tx).await?;
        let detail = audit_text::change(&old, name);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::ProjectRenamed, by, (project_id, name), detail, at),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_slug(
        &self,
        project_id: &str,
        slug: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (name, old) = projects::locked(&mut tx, project_id).await?;
        sqlx::query(queries::projects::CHANGE_SLUG)
            .bind(project_id)
            .bind(slug)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        let detail = audit_text::change(&old, slug);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::ProjectUrlChanged, by, (project_id, &name), detail, at),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete(&self, project_id: &str, by: &Actor, at: OffsetDateTime) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (name, slug) = projects::locked(&mut tx, project_id).await?;
        sqlx::query(queries::projects::DELETE).bind(project_id).execute(&mut *tx).await?;
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::ProjectDeleted, by, (project_id, &name), slug, at),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find(&self, slug_or_id: &str) -> Result<Option<ProjectRef>, StoreError> {
        Ok(sqlx::query_as(queries::projects::FIND).bind(slug_or_id).fetch_optional(&self.pool).await?)
    }

    async fn auth_settings(&self, project_id: &str) -> Result<AuthSettings, StoreError> {
        let row = sqlx::query_as::<_, AuthColumns>(queries::projects::AUTH_SETTINGS)
            .bind(project_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Resource::Project))?;
        row.try_into()
    }

    async fn set_auth_settings(
        &self,
        project_id: &str,
        settings: &AuthSettings,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (name, _) = projects::locked(&mut tx, project_id).await?;
        let before: AuthSettings = sqlx::query_as::<_, AuthColumns>(queries::projects::AUTH_SETTINGS)
            .bind(project_id)
            .fetch_one(&mut *tx)
            .await?
            .try_into()?;
        let origins =
            serde_json::to_string(&settings.allowed_origins).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(queries::projects::SET_AUTH_SETTINGS)
            .bind(project_id)
            .bind(settings.sign_ups_open)
            .bind(i64::from(settings.password_min))
            .bind(settings.require_email_verification)
            .bind(i64::from(settings.session_days))
            .bind(origins)
            .bind(settings.mail_sender_name.as_deref())
            .bind(settings.mail_link_origin.as_deref())
            .bind(i64::from(settings.sign_ups_per_hour))
            .bind(settings.org_creation_open)
            .bind(settings.org_invitation_path.as_deref())
            .execute(&mut *tx)
            .await?;
        let detail = audit_text::settings_change(&before, settings);
        let record =
            AuditRecord::new(project_id, AuditAction::ProjectAuthSettingsChanged, by, (project_id, &name), detail, at);
        audit::record(&mut tx, record).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Takes the project's write lock, as the first statement of a change's
/// transaction: changes of one project are serialised (two owners demoting
/// each other cannot both succeed), and on SQLite a read before the first
/// write could lose the lock to another writer and fail the transaction.
/// Returns how many projects it locked: 0 when the project does not exist.
pub(super) async fn lock(conn: &mut Conn, project_id: &str) -> Result<u64, StoreError> {
    Ok(sqlx::query(LOCK_PROJECT).bind(project_id).execute(&mut *conn).await?.rows_affected())
}

/// Takes the project's write lock (`lock`) and returns its name and slug;
/// `NotFound` if it is gone.
pub(super) async fn locked(conn: &mut Conn, project_id: &str) -> Result<(String, String), StoreError> {
    lock(conn, project_id).await?;
    let row: Option<(String, String)> =
        sqlx::query_as(queries::projects::NAME_AND_SLUG).bind(project_id).fetch_optional(&mut *conn).await?;
    row.ok_or(StoreError::NotFound(Resource::Project))
}
