//! `OrganizationStore` in SQL.

use super::events::{self, NewEvent};
use super::*;
use crate::domain::organizations::SUPER_ADMIN;
use crate::domain::EventType;
use crate::store::views;

#[async_trait]
impl OrganizationStore for Backend {
    async fn create(
        &self,
        project_id: &str,
        id: &str,
        fields: &OrganizationFields,
        first_member: Option<&NewMember>,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<(Organization, Option<OrganizationMember>), StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        bind_fields(sqlx::query(queries::organizations::INSERT).bind(id).bind(project_id), fields)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        let member = match first_member {
            Some(member) => {
                organization_members::insert(&mut tx, project_id, id, member, &[SUPER_ADMIN.to_string()], at).await?;
                Some(organization_members::by_id(&mut tx, id, &member.id).await?)
            }
            None => None,
        };
        let organization = by_id(&mut tx, project_id, id).await?;
        let detail = format!("slug {}", organization.slug);
        let event = NewEvent::new(project_id, EventType::OrganizationCreated, views::organization(&organization), at)
            .in_organization(id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrganizationCreated, by, (id, &organization.name), detail, at)
                .with(event.prepare()),
        )
        .await?;
        if let Some(member) = &member {
            events::emit(
                &mut tx,
                NewEvent::new(project_id, EventType::MemberAdded, views::member(member), at).in_organization(id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok((organization, member))
    }

    async fn find(&self, project_id: &str, id: &str) -> Result<Option<Organization>, StoreError> {
        Ok(sqlx::query_as::<_, Organization>(&queries::organizations::by_id())
            .bind(project_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn find_by_slug(&self, project_id: &str, slug: &str) -> Result<Option<Organization>, StoreError> {
        Ok(sqlx::query_as::<_, Organization>(&queries::organizations::by_slug())
            .bind(project_id)
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn page(&self, project_id: &str, page: &OrgPage) -> Result<Vec<OrganizationSummary>, StoreError> {
        let sql = queries::organizations::page(page.search.is_some(), page.member.is_some(), page.after.is_some());
        let mut query = sqlx::query_as::<_, OrganizationSummary>(&sql).bind(project_id);
        if let Some(search) = &page.search {
            query = query.bind(queries::like_pattern(search));
        }
        if let Some(member) = &page.member {
            query = query.bind(member);
        }
        if let Some((at, id)) = &page.after {
            query = query.bind(*at).bind(id);
        }
        Ok(query.bind(page.limit).fetch_all(&self.pool).await?)
    }

    async fn update(
        &self,
        project_id: &str,
        id: &str,
        fields: &OrganizationFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<Organization, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let before = by_id(&mut tx, project_id, id).await?;
        bind_fields(sqlx::query(queries::organizations::UPDATE).bind(project_id).bind(id), fields)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        let after = by_id(&mut tx, project_id, id).await?;
        let detail = audit_text::fields(&changed_fields(&before, &after));
        let event = NewEvent::new(project_id, EventType::OrganizationUpdated, views::organization(&after), at)
            .in_organization(id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrganizationUpdated, by, (id, &after.name), detail, at)
                .with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete(
        &self,
        project_id: &str,
        id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<Organization, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let organization = by_id(&mut tx, project_id, id).await?;
        sqlx::query(queries::organizations::DELETE).bind(project_id).bind(id).execute(&mut *tx).await?;
        let detail = format!("slug {}", organization.slug);
        let event = NewEvent::new(project_id, EventType::OrganizationDeleted, views::organization(&organization), at)
            .in_organization(id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrganizationDeleted, by, (id, &organization.name), detail, at)
                .with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(organization)
    }
}

type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments<'q>>;

/// Binds $3 to $10: the organization's fields in the order both statements take them.
fn bind_fields<'q>(query: Query<'q>, fields: &'q OrganizationFields) -> Query<'q> {
    query
        .bind(&fields.name)
        .bind(&fields.slug)
        .bind(fields.logo.as_deref())
        .bind(fields.metadata.as_deref())
        .bind(fields.require_mfa)
        .bind(fields.sso_enforced)
        .bind(fields.allowed_email_domains.as_deref())
        .bind(fields.max_members)
}

/// The project's organization, on the change's connection; `NotFound` if none.
pub(super) async fn by_id(conn: &mut Conn, project_id: &str, id: &str) -> Result<Organization, StoreError> {
    sqlx::query_as::<_, Organization>(&queries::organizations::by_id())
        .bind(project_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Resource::Organization))
}

fn changed_fields(before: &Organization, after: &Organization) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let pairs: [(&'static str, bool); 8] = [
        ("name", before.name != after.name),
        ("slug", before.slug != after.slug),
        ("logo", before.logo != after.logo),
        ("metadata", before.metadata != after.metadata),
        ("requireMfa", before.require_mfa != after.require_mfa),
        ("ssoEnforced", before.sso_enforced != after.sso_enforced),
        ("allowedEmailDomains", before.allowed_email_domains != after.allowed_email_domains),
        ("maxMembers", before.max_members != after.max_members),
    ];
    for (name, differs) in pairs {
        if differs {
            changed.push(name);
        }
    }
    if changed.is_empty() {
        changed.push("nothing");
    }
    changed
}
