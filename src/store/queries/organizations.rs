//! SQL for a project's organizations.

pub(in crate::store) const ORG_COLUMNS: &str =
    "o.id, o.project_id, o.name, o.slug, o.logo, o.metadata, o.require_mfa, \
    o.sso_enforced, o.allowed_email_domains, o.max_members, o.created_at, o.updated_at";

pub(in crate::store) const INSERT: &str = "INSERT INTO organizations
    (id, project_id, name, slug, logo, metadata, require_mfa, sso_enforced, allowed_email_domains, max_members,
     created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";

pub(in crate::store) const UPDATE: &str = "UPDATE organizations SET name = $3, slug = $4, logo = $5, metadata = $6,
    require_mfa = $7, sso_enforced = $8, allowed_email_domains = $9, max_members = $10, updated_at = $11
    WHERE project_id = $1 AND id = $2";

pub(in crate::store) const DELETE: &str = "DELETE FROM organizations WHERE project_id = $1 AND id = $2";

pub(in crate::store) fn by_id() -> String {
    format!("SELECT {ORG_COLUMNS} FROM organizations o WHERE o.project_id = $1 AND o.id = $2")
}

pub(in crate::store) fn by_slug() -> String {
    format!("SELECT {ORG_COLUMNS} FROM organizations o WHERE o.project_id = $1 AND o.slug = $2")
}

/// A page newest first with member counts. Binds: project, then in order
/// the search pattern, the member's user id, the cursor (time, id) when
/// asked for, and the limit last.
pub(in crate::store) fn page(search: bool, member: bool, after: bool) -> String {
    let mut n = 1;
    let mut next = || {
        n += 1;
        n
    };
    let mut filters = String::new();
    if search {
        let p = next();
        filters.push_str(&format!(" AND (LOWER(o.name) LIKE ${p} ESCAPE '\\' OR o.slug LIKE ${p} ESCAPE '\\')"));
    }
    if member {
        let p = next();
        filters.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM organization_members m WHERE m.organization_id = o.id AND m.user_id = ${p})"
        ));
    }
    if after {
        let (t, i) = (next(), next());
        filters.push_str(&format!(" AND (o.created_at < ${t} OR (o.created_at = ${t} AND o.id < ${i}))"));
    }
    let limit = next();
    format!(
        "SELECT {ORG_COLUMNS}, (SELECT COUNT(*) FROM organization_members c WHERE c.organization_id = o.id) AS member_count
        FROM organizations o WHERE o.project_id = $1{filters}
        ORDER BY o.created_at DESC, o.id DESC LIMIT ${limit}"
    )
}
