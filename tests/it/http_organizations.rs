//! The dashboard's organization and role server functions, for the
//! cross-tenant table in `http_projects.rs`: each with the least role that
//! may call it and a form naming nothing that exists (a refusal must come
//! before any lookup).

use banata::domain::Role;

/// A server function, the least role that may call it, and its form.
pub(crate) type Case = (&'static str, Role, Vec<(&'static str, String)>);

pub(crate) fn cases(slug: &str) -> Vec<Case> {
    let slug = slug.to_string();
    vec![
        ("list_organizations", Role::Viewer, vec![("slug", slug.clone())]),
        ("get_organization", Role::Viewer, vec![("slug", slug.clone()), ("organization_id", "org_none".into())]),
        ("list_roles", Role::Viewer, vec![("slug", slug.clone())]),
        ("create_organization", Role::Developer, vec![("slug", slug.clone()), ("name", "Sneaky".into())]),
        (
            "update_organization",
            Role::Developer,
            vec![
                ("slug", slug.clone()),
                ("organization_id", "org_none".into()),
                ("name", "Taken".into()),
                ("org_slug", "taken".into()),
            ],
        ),
        ("delete_organization", Role::Developer, vec![("slug", slug.clone()), ("organization_id", "org_none".into())]),
        (
            "set_organization_role",
            Role::Developer,
            vec![
                ("slug", slug.clone()),
                ("organization_id", "org_none".into()),
                ("member_id", "mem_none".into()),
                ("role", "super_admin".into()),
            ],
        ),
        (
            "remove_organization_member",
            Role::Developer,
            vec![("slug", slug.clone()), ("organization_id", "org_none".into()), ("member_id", "mem_none".into())],
        ),
        (
            "invite_to_organization",
            Role::Developer,
            vec![
                ("slug", slug.clone()),
                ("organization_id", "org_none".into()),
                ("email", "x@example.com".into()),
                ("role", "member".into()),
            ],
        ),
        (
            "cancel_organization_invitation",
            Role::Developer,
            vec![("slug", slug.clone()), ("invitation_id", "inv_none".into())],
        ),
        (
            "toggle_role_permission",
            Role::Developer,
            vec![
                ("slug", slug.clone()),
                ("role_id", "role_none".into()),
                ("permission", "member.read".into()),
                ("grant", "1".into()),
            ],
        ),
        (
            "create_role",
            Role::Developer,
            vec![("slug", slug.clone()), ("role_name", "R".into()), ("role_slug", "r".into())],
        ),
        ("delete_role", Role::Developer, vec![("slug", slug.clone()), ("role_id", "role_none".into())]),
        (
            "create_permission",
            Role::Developer,
            vec![("slug", slug.clone()), ("permission_name", "P".into()), ("permission_slug", "p.q".into())],
        ),
        ("delete_permission", Role::Developer, vec![("slug", slug.clone()), ("permission_id", "perm_none".into())]),
    ]
}
