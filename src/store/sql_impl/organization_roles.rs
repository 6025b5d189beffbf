//! `OrganizationRoleStore` in SQL.

use super::*;
use crate::domain::organizations::{
    default_admin_permissions, default_member_permissions, OrgRefusal, ADMIN, CUSTOM_MAX, MEMBER,
};

#[async_trait]
impl OrganizationRoleStore for Backend {
    async fn roles(&self, project_id: &str) -> Result<Vec<OrgRole>, StoreError> {
        Ok(sqlx::query_as::<_, OrgRole>(queries::organization_roles::ROLES)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn permissions(&self, project_id: &str) -> Result<Vec<OrgPermission>, StoreError> {
        Ok(sqlx::query_as::<_, OrgPermission>(queries::organization_roles::PERMISSIONS)
            .bind(project_id)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn create_role(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgRole, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        under_limit(&mut tx, queries::organization_roles::COUNT_ROLES, project_id).await?;
        insert_role(&mut tx, project_id, id, fields, false, at).await?;
        let role = role_by_id(&mut tx, project_id, id).await?;
        let detail = fields.permissions.join(", ");
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::RoleCreated, by, (id, &role.slug), detail, at),
        )
        .await?;
        tx.commit().await?;
        Ok(role)
    }

    async fn update_role(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgRole, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let before = role_by_id(&mut tx, project_id, id).await?;
        sqlx::query(queries::organization_roles::UPDATE_ROLE)
            .bind(project_id)
            .bind(id)
            .bind(&fields.slug)
            .bind(&fields.name)
            .bind(fields.description.as_deref())
            .bind(json_list(&fields.permissions))
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        if before.slug != fields.slug {
            rename_in_holders(&mut tx, project_id, &before.slug, Some(&fields.slug), at).await?;
        }
        let after = role_by_id(&mut tx, project_id, id).await?;
        let detail = match before.slug == after.slug {
            true => after.permission_list().join(", "),
            false => audit_text::change(&before.slug, &after.slug),
        };
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::RoleUpdated, by, (id, &after.slug), detail, at),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_role(
        &self,
        project_id: &str,
        id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgRole, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let role = role_by_id(&mut tx, project_id, id).await?;
        rename_in_holders(&mut tx, project_id, &role.slug, None, at).await?;
        sqlx::query(queries::organization_roles::DELETE_ROLE).bind(project_id).bind(id).execute(&mut *tx).await?;
        audit::record(
            &mut tx,
            AuditRecord::new(project_id, AuditAction::RoleDeleted, by, (id, &role.slug), role.name.clone(), at),
        )
        .await?;
        tx.commit().await?;
        Ok(role)
    }

    async fn create_permission(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgPermission, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        under_limit(&mut tx, queries::organization_roles::COUNT_PERMISSIONS, project_id).await?;
        sqlx::query(queries::organization_roles::INSERT_PERMISSION)
            .bind(id)
            .bind(project_id)
            .bind(&fields.slug)
            .bind(&fields.name)
            .bind(fields.description.as_deref())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        let permission = permission_by_id(&mut tx, project_id, id).await?;
        let target = (id, permission.slug.as_str());
        let detail = permission.name.clone();
        audit::record(&mut tx, AuditRecord::new(project_id, AuditAction::PermissionCreated, by, target, detail, at))
            .await?;
        tx.commit().await?;
        Ok(permission)
    }

    async fn update_permission(
        &self,
        project_id: &str,
        id: &str,
        fields: &RoleFields,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgPermission, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let before = permission_by_id(&mut tx, project_id, id).await?;
        sqlx::query(queries::organization_roles::UPDATE_PERMISSION)
            .bind(project_id)
            .bind(id)
            .bind(&fields.slug)
            .bind(&fields.name)
            .bind(fields.description.as_deref())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::unique("slug"))?;
        if before.slug != fields.slug {
            rewrite_role_permissions(&mut tx, project_id, &before.slug, Some(&fields.slug), at).await?;
        }
        let after = permission_by_id(&mut tx, project_id, id).await?;
        let detail = audit_text::change(&before.slug, &after.slug);
        let target = (id, after.slug.as_str());
        audit::record(&mut tx, AuditRecord::new(project_id, AuditAction::PermissionUpdated, by, target, detail, at))
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_permission(
        &self,
        project_id: &str,
        id: &str,
        by: &Actor,
        at: OffsetDateTime,
    ) -> Result<OrgPermission, StoreError> {
        let mut tx = self.pool.begin().await?;
        projects::lock(&mut tx, project_id).await?;
        let permission = permission_by_id(&mut tx, project_id, id).await?;
        rewrite_role_permissions(&mut tx, project_id, &permission.slug, None, at).await?;
        sqlx::query(queries::organization_roles::DELETE_PERMISSION).bind(project_id).bind(id).execute(&mut *tx).await?;
        let target = (id, permission.slug.as_str());
        let detail = permission.name.clone();
        audit::record(&mut tx, AuditRecord::new(project_id, AuditAction::PermissionDeleted, by, target, detail, at))
            .await?;
        tx.commit().await?;
        Ok(permission)
    }
}

/// The two editable roles a new project starts with.
pub(super) async fn seed(conn: &mut Conn, project_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
    let admin = RoleFields {
        slug: ADMIN.into(),
        name: "Admin".into(),
        description: Some("Runs the organization: members, invitations, settings.".into()),
        permissions: default_admin_permissions(),
    };
    let member = RoleFields {
        slug: MEMBER.into(),
        name: "Member".into(),
        description: Some("Sees the organization and its members.".into()),
        permissions: default_member_permissions(),
    };
    insert_role(conn, project_id, &format!("role_admin_{project_id}"), &admin, false, at).await?;
    insert_role(conn, project_id, &format!("role_member_{project_id}"), &member, true, at).await
}

async fn insert_role(
    conn: &mut Conn,
    project_id: &str,
    id: &str,
    fields: &RoleFields,
    is_default: bool,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    sqlx::query(queries::organization_roles::INSERT_ROLE)
        .bind(id)
        .bind(project_id)
        .bind(&fields.slug)
        .bind(&fields.name)
        .bind(fields.description.as_deref())
        .bind(json_list(&fields.permissions))
        .bind(is_default)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map_err(StoreError::unique("slug"))?;
    Ok(())
}

async fn under_limit(conn: &mut Conn, count_sql: &str, project_id: &str) -> Result<(), StoreError> {
    let (count,): (i64,) = sqlx::query_as(count_sql).bind(project_id).fetch_one(&mut *conn).await?;
    match count >= CUSTOM_MAX {
        true => Err(StoreError::Refused(OrgRefusal::TooMany)),
        false => Ok(()),
    }
}

fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// `old` replaced by `new` (or dropped) in a comma-joined list.
fn replaced(list: &str, old: &str, new: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in list.split(',').filter(|r| !r.is_empty()) {
        let item = if item == old { new } else { Some(item) };
        if let Some(item) = item.filter(|i| !out.iter().any(|o| o == i)) {
            out.push(item.to_string());
        }
    }
    out
}

/// Every member and pending invitation holding role `old` holds `new`
/// instead (or loses it); refused when a member would be left with none.
async fn rename_in_holders(
    conn: &mut Conn,
    project_id: &str,
    old: &str,
    new: Option<&str>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let pattern = format!("%,{},%", queries::like_escaped(old));
    let rewrites = [
        (queries::organization_roles::MEMBERS_WITH_ROLE, queries::organization_roles::SET_MEMBER_ROLE, true),
        (queries::organization_roles::INVITATIONS_WITH_ROLE, queries::organization_roles::SET_INVITATION_ROLE, false),
    ];
    for (select, update, is_member) in rewrites {
        let holders: Vec<(String, String)> =
            sqlx::query_as(select).bind(project_id).bind(&pattern).fetch_all(&mut *conn).await?;
        for (id, role) in holders {
            let roles = replaced(&role, old, new);
            if roles.is_empty() && is_member {
                return Err(StoreError::Refused(OrgRefusal::RoleStillSomeonesOnly));
            }
            let roles = if roles.is_empty() { vec![MEMBER.to_string()] } else { roles };
            sqlx::query(update).bind(&id).bind(roles.join(",")).bind(at).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Every role of the project holding permission `old` holds `new` instead
/// (or loses it).
async fn rewrite_role_permissions(
    conn: &mut Conn,
    project_id: &str,
    old: &str,
    new: Option<&str>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let roles =
        sqlx::query_as::<_, OrgRole>(queries::organization_roles::ROLES).bind(project_id).fetch_all(&mut *conn).await?;
    for role in roles {
        let held = role.permission_list();
        if !held.iter().any(|p| p == old) {
            continue;
        }
        let mut rewritten = replaced(&held.join(","), old, new);
        rewritten.sort();
        sqlx::query(queries::organization_roles::SET_ROLE_PERMISSIONS)
            .bind(&role.id)
            .bind(json_list(&rewritten))
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn role_by_id(conn: &mut Conn, project_id: &str, id: &str) -> Result<OrgRole, StoreError> {
    sqlx::query_as::<_, OrgRole>(queries::organization_roles::ROLE_BY_ID)
        .bind(project_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Resource::Role))
}

async fn permission_by_id(conn: &mut Conn, project_id: &str, id: &str) -> Result<OrgPermission, StoreError> {
    sqlx::query_as::<_, OrgPermission>(queries::organization_roles::PERMISSION_BY_ID)
        .bind(project_id)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Resource::Permission))
}
