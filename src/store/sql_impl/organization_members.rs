//! `OrganizationMemberStore` in SQL.

use super::events::NewEvent;
use super::*;
use crate::domain::organizations::{domain_allowed, OrgRefusal, SUPER_ADMIN};
use crate::domain::EventType;
use crate::store::views;

#[async_trait]
impl OrganizationMemberStore for Backend {
    async fn of_user(&self, project_id: &str, user_id: &str) -> Result<Vec<UserMembership>, StoreError> {
        Ok(sqlx::query_as::<_, UserMembership>(queries::organization_members::OF_USER)
            .bind(project_id)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn page(
        &self,
        project_id: &str,
        organization_id: &str,
        page: &MemberPage,
    ) -> Result<(Vec<MemberWithUser>, i64), StoreError> {
        let sql = queries::organization_members::page(page.role.is_some(), page.after.is_some());
        let mut query = sqlx::query_as::<_, MemberWithUser>(&sql).bind(project_id).bind(organization_id);
        let role_pattern = page.role.as_ref().map(|role| format!("%,{},%", queries::like_escaped(role)));
        if let Some(pattern) = &role_pattern {
            query = query.bind(pattern);
        }
        if let Some((at, id)) = &page.after {
            query = query.bind(*at).bind(id);
        }
        let members = query.bind(page.limit).bind(page.offset).fetch_all(&self.pool).await?;
        let count_sql = queries::organization_members::count(role_pattern.is_some());
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql).bind(project_id).bind(organization_id);
        if let Some(pattern) = &role_pattern {
            count = count.bind(pattern);
        }
        let (total,) = count.fetch_one(&self.pool).await?;
        Ok((members, total))
    }

    async fn find(
        &self,
        project_id: &str,
        organization_id: &str,
        member_or_user_id: &str,
    ) -> Result<Option<MemberWithUser>, StoreError> {
        Ok(sqlx::query_as::<_, MemberWithUser>(&queries::organization_members::with_user_by_id_or_user())
            .bind(project_id)
            .bind(organization_id)
            .bind(member_or_user_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn add(
        &self,
        project_id: &str,
        organization_id: &str,
        member: &NewMember,
        roles: &[String],
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationMember, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let organization = organizations::by_id(&mut tx, project_id, organization_id).await?;
        let email: Option<(String,)> = sqlx::query_as(queries::end_users::EMAIL)
            .bind(project_id)
            .bind(&member.user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (email,) = email.ok_or(StoreError::NotFound(Resource::User))?;
        may_join(&mut tx, &organization, &member.user_id, &email).await?;
        insert(&mut tx, project_id, organization_id, member, roles, at).await?;
        let added = by_id(&mut tx, organization_id, &member.id).await?;
        let detail = format!("{email} to {} as {}", organization.name, added.role);
        let target = (organization_id, organization.name.as_str());
        let event = NewEvent::new(project_id, EventType::MemberAdded, views::member(&added), at)
            .in_organization(organization_id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrgMemberAdded, by, target, detail, at).with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(added)
    }

    async fn set_roles(
        &self,
        project_id: &str,
        organization_id: &str,
        member_id: &str,
        roles: &[String],
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrganizationMember, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let organization = organizations::by_id(&mut tx, project_id, organization_id).await?;
        let before = by_id(&mut tx, organization_id, member_id).await?;
        let keeps = roles.iter().any(|r| r == SUPER_ADMIN);
        if !keeps && holds_super_admin(&before.role) && super_admins(&mut tx, organization_id).await? <= 1 {
            return Err(StoreError::Refused(OrgRefusal::LastSuperAdmin));
        }
        sqlx::query(queries::organization_members::SET_ROLE)
            .bind(organization_id)
            .bind(member_id)
            .bind(roles.join(","))
            .bind(at)
            .execute(&mut *tx)
            .await?;
        let after = by_id(&mut tx, organization_id, member_id).await?;
        let detail = format!("{} in {}", audit_text::change(&before.role, &after.role), organization.name);
        let target = (member_id, after.user_id.as_str());
        let event = NewEvent::new(project_id, EventType::MemberRoleUpdated, views::member(&after), at)
            .in_organization(organization_id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrgMemberRoleUpdated, by, target, detail, at)
                .with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn remove(
        &self,
        project_id: &str,
        organization_id: &str,
        member_id: &str,
        why: Removal,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<MemberWithUser, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let organization = organizations::by_id(&mut tx, project_id, organization_id).await?;
        let member = sqlx::query_as::<_, MemberWithUser>(&queries::organization_members::with_user_by_id_or_user())
            .bind(project_id)
            .bind(organization_id)
            .bind(member_id)
            .fetch_optional(&mut *tx)
            .await?
            .filter(|m| m.member.id == member_id)
            .ok_or(StoreError::NotFound(Resource::OrgMember))?;
        if holds_super_admin(&member.member.role) && super_admins(&mut tx, organization_id).await? <= 1 {
            return Err(StoreError::Refused(OrgRefusal::LastSuperAdmin));
        }
        sqlx::query(queries::organization_members::DELETE)
            .bind(organization_id)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(queries::organization_members::CLEAR_ACTIVE)
            .bind(&member.member.user_id)
            .bind(organization_id)
            .execute(&mut *tx)
            .await?;
        let how = match why {
            Removal::Removed => "removed from",
            Removal::Left => "left",
        };
        let detail = format!("{} {how} {} (was {})", member.user_email, organization.name, member.member.role);
        let target = (member_id, member.user_email.as_str());
        let event = NewEvent::new(project_id, EventType::MemberRemoved, views::member(&member.member), at)
            .in_organization(organization_id);
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::OrgMemberRemoved, by, target, detail, at).with(event.prepare()),
        )
        .await?;
        tx.commit().await?;
        Ok(member)
    }

    async fn set_active(
        &self,
        project_id: &str,
        session_id: &str,
        organization_id: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query(queries::organization_members::SET_ACTIVE)
            .bind(project_id)
            .bind(session_id)
            .bind(organization_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn holds_super_admin(role: &str) -> bool {
    role.split(',').any(|r| r == SUPER_ADMIN)
}

/// How many members of the organization hold `super_admin`.
async fn super_admins(conn: &mut Conn, organization_id: &str) -> Result<usize, StoreError> {
    let roles: Vec<(String, String)> =
        sqlx::query_as(queries::organization_members::ROLES_OF_ORG).bind(organization_id).fetch_all(&mut *conn).await?;
    Ok(roles.iter().filter(|(_, role)| holds_super_admin(role)).count())
}

/// Refuses a user who is a member already, whose email the organization's
/// domains exclude, or who would take it over its member limit.
pub(super) async fn may_join(
    conn: &mut Conn,
    organization: &Organization,
    user_id: &str,
    email: &str,
) -> Result<(), StoreError> {
    let already: Option<(String,)> = sqlx::query_as(queries::organization_members::IS_MEMBER)
        .bind(&organization.id)
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    if already.is_some() {
        return Err(StoreError::Refused(OrgRefusal::AlreadyMember));
    }
    room_for(conn, organization, email).await
}

/// Refuses an email the organization's domains exclude, or one more member
/// over its limit.
pub(super) async fn room_for(conn: &mut Conn, organization: &Organization, email: &str) -> Result<(), StoreError> {
    if !domain_allowed(email, organization.domains().as_deref()) {
        return Err(StoreError::Refused(OrgRefusal::DomainNotAllowed));
    }
    if let Some(max) = organization.max_members {
        let (count,): (i64,) =
            sqlx::query_as(queries::organization_members::COUNT).bind(&organization.id).fetch_one(&mut *conn).await?;
        if count >= max {
            return Err(StoreError::Refused(OrgRefusal::MembershipLimit));
        }
    }
    Ok(())
}

pub(super) async fn insert(
    conn: &mut Conn,
    project_id: &str,
    organization_id: &str,
    member: &NewMember,
    roles: &[String],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(queries::organization_members::INSERT)
        .bind(&member.id)
        .bind(project_id)
        .bind(organization_id)
        .bind(&member.user_id)
        .bind(roles.join(","))
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(|e| match StoreError::unique("member")(e) {
            StoreError::Conflict(_) => StoreError::Refused(OrgRefusal::AlreadyMember),
            other => other,
        })?;
    Ok(())
}

pub(super) async fn by_id(
    conn: &mut Conn,
    organization_id: &str,
    member_id: &str,
) -> Result<OrganizationMember, StoreError> {
    sqlx::query_as::<_, OrganizationMember>(&queries::organization_members::by_id())
        .bind(organization_id)
        .bind(member_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Resource::OrgMember))
}
