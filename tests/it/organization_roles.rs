//! A project's organization roles and permissions, as the admin SDK's
//! `rbac` resource manages and asks them: built-in ones fixed, the
//! project's own created, renamed (the rename follows into roles and
//! members) and deleted, and permission checks answered for a key, a user,
//! and a user an admin asks about.

use crate::organizations::read_only_key;
use crate::support;
use crate::support::{admin_call, admin_post, assert_ok, assert_refused, sign_up_body, Browser};
use crate::support::{Backend, Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn slugs(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|r| r["slug"].as_str().unwrap().to_string()).collect()
}

async fn roles(app: &TestApp, key: &str) -> Value {
    let got = admin_call(app, key, "/banata/config/roles/list", json!({})).await;
    assert_ok(&got);
    got.body["roles"].clone()
}

async fn check(app: &TestApp, key: &str, body: Value) -> bool {
    let got = admin_call(app, key, "/banata/rbac/check-permission", body).await;
    assert_ok(&got);
    got.body["allowed"].as_bool().unwrap()
}

async fn roles_and_permissions_are_the_projects_and_renames_follow(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (tenant, other) = (Tenant::new(&store, "Roles").await, Tenant::new(&store, "Else").await);
    let listed = roles(&app, &tenant.key).await;
    assert_eq!(slugs(&listed), ["super_admin", "admin", "member"]);
    let admin_role = listed.as_array().unwrap().iter().find(|r| r["slug"] == "admin").unwrap().clone();
    assert!(!admin_role["permissions"].as_array().unwrap().contains(&json!("organization.delete")));
    let builtin = admin_call(&app, &tenant.key, "/banata/config/permissions/list", json!({})).await;
    assert_eq!(builtin.body["permissions"].as_array().map(Vec::len), Some(20), "{}", builtin.text);

    // The project's own permission and a role holding it.
    let made = admin_call(
        &app,
        &tenant.key,
        "/banata/config/permissions/create",
        json!({"name": "Approve invoices", "slug": "invoice.approve"}),
    )
    .await;
    assert_ok(&made);
    let permission_id = made.body["permission"]["id"].clone();
    let role = admin_call(
        &app,
        &tenant.key,
        "/banata/config/roles/create",
        json!({"name": "Billing", "slug": "billing", "permissions": ["invoice.approve", "member.read"]}),
    )
    .await;
    assert_ok(&role);
    assert_eq!(role.body["role"]["permissions"], json!(["invoice.approve", "member.read"]));
    let role_id = role.body["role"]["id"].clone();
    let super_admin = &roles(&app, &tenant.key).await[0];
    assert!(
        super_admin["permissions"].as_array().unwrap().contains(&json!("invoice.approve")),
        "a new permission joins super_admin"
    );

    // A user holding it in one organization.
    let user_email = support::email();
    let (_, user) = admin_post(
        &app,
        &tenant.key,
        "create-user",
        json!({"email": user_email, "name": "Cy", "password": "correct horse"}),
    )
    .await;
    let user_id = user["user"]["id"].as_str().unwrap().to_string();
    let org =
        admin_call(&app, &tenant.key, "/organization/create", json!({"name": "Initech", "userId": user_id})).await;
    assert_ok(&org);
    let org_id = org.body["id"].as_str().unwrap().to_string();
    let member_id = org.body["members"][0]["id"].clone();
    let extra = admin_call(&app, &tenant.key, "/organization/create", json!({"name": "Second"})).await;
    let second_org = extra.body["id"].as_str().unwrap().to_string();
    let added = admin_call(
        &app,
        &tenant.key,
        "/organization/add-member",
        json!({"organizationId": second_org, "userId": user_id, "role": ["member", "billing"]}),
    )
    .await;
    assert_ok(&added);
    assert_eq!(added.body["role"], "member,billing");
    let asks = |permission: &str, org: Option<&str>| json!({"permission": permission, "userId": user_id, "organizationId": org});
    assert!(check(&app, &tenant.key, asks("invoice.approve", Some(&second_org))).await);
    assert!(
        !check(&app, &tenant.key, asks("member.invite", Some(&second_org))).await,
        "member and billing cannot invite"
    );
    assert!(check(&app, &tenant.key, asks("member.invite", Some(&org_id))).await, "super_admin of the first");
    assert!(check(&app, &tenant.key, asks("invoice.approve", None)).await, "across the user's organizations");
    let any = admin_call(&app, &tenant.key, "/banata/rbac/check-permissions", json!({"permissions": ["member.invite", "invoice.approve"], "operator": "any", "userId": user_id, "organizationId": second_org})).await;
    assert_eq!(any.body["allowed"], true, "{}", any.text);
    let all = admin_call(
        &app,
        &tenant.key,
        "/banata/rbac/check-permissions",
        json!({"permissions": ["member.invite", "invoice.approve"], "userId": user_id, "organizationId": second_org}),
    )
    .await;
    assert_eq!(all.body["allowed"], false, "{}", all.text);

    // Renames follow: the permission into the role, the role into members.
    let renamed = admin_call(
        &app,
        &tenant.key,
        "/banata/config/permissions/update",
        json!({"id": permission_id, "slug": "invoice.sign"}),
    )
    .await;
    assert_ok(&renamed);
    let billing =
        roles(&app, &tenant.key).await.as_array().unwrap().iter().find(|r| r["slug"] == "billing").unwrap().clone();
    assert_eq!(billing["permissions"], json!(["invoice.sign", "member.read"]));
    assert!(
        check(&app, &tenant.key, asks("invoice.sign", Some(&second_org))).await,
        "the renamed permission holds at once"
    );
    let role_renamed =
        admin_call(&app, &tenant.key, "/banata/config/roles/update", json!({"id": role_id, "slug": "finance"})).await;
    assert_ok(&role_renamed);
    let members =
        admin_call(&app, &tenant.key, "/organization/list-members", json!({"organizationId": second_org})).await;
    assert_eq!(members.body["data"][0]["role"], "member,finance", "{}", members.text);
    assert!(check(&app, &tenant.key, asks("invoice.sign", Some(&second_org))).await);

    // Deleting: the role leaves its members; not while it is someone's only one.
    let only = admin_call(
        &app,
        &tenant.key,
        "/organization/update-member-role",
        json!({"organizationId": second_org, "memberIdOrUserId": user_id, "role": "finance"}),
    )
    .await;
    assert_ok(&only);
    let member_role_id =
        roles(&app, &tenant.key).await.as_array().unwrap().iter().find(|r| r["slug"] == "finance").unwrap()["id"]
            .clone();
    let blocked = admin_call(&app, &tenant.key, "/banata/config/roles/delete", json!({"id": member_role_id})).await;
    assert_refused(&blocked, StatusCode::CONFLICT, "ROLE_IS_ASSIGNED_TO_MEMBERS");
    admin_call(
        &app,
        &tenant.key,
        "/organization/update-member-role",
        json!({"organizationId": second_org, "memberIdOrUserId": user_id, "role": "member,finance"}),
    )
    .await;
    assert_ok(&admin_call(&app, &tenant.key, "/banata/config/roles/delete", json!({"id": member_role_id})).await);
    let members =
        admin_call(&app, &tenant.key, "/organization/list-members", json!({"organizationId": second_org})).await;
    assert_eq!(members.body["data"][0]["role"], "member");
    assert_ok(&admin_call(&app, &tenant.key, "/banata/config/permissions/delete", json!({"id": permission_id})).await);
    assert!(!check(&app, &tenant.key, asks("invoice.sign", Some(&second_org))).await);

    // What cannot change, and what cannot be named.
    let fixed = [
        (
            "/banata/config/roles/update",
            json!({"id": "role_super_admin", "name": "King"}),
            StatusCode::FORBIDDEN,
            "SUPER_ADMIN_CANNOT_CHANGE",
        ),
        (
            "/banata/config/roles/delete",
            json!({"id": "role_super_admin"}),
            StatusCode::FORBIDDEN,
            "SUPER_ADMIN_CANNOT_CHANGE",
        ),
        (
            "/banata/config/permissions/delete",
            json!({"id": "perm_builtin_member_read"}),
            StatusCode::FORBIDDEN,
            "BUILT_IN_PERMISSION",
        ),
        (
            "/banata/config/roles/create",
            json!({"name": "S", "slug": "super_admin"}),
            StatusCode::BAD_REQUEST,
            "ROLE_SLUG_RESERVED",
        ),
        (
            "/banata/config/roles/create",
            json!({"name": "A", "slug": "admin"}),
            StatusCode::CONFLICT,
            "ROLE_ALREADY_EXISTS",
        ),
        (
            "/banata/config/roles/create",
            json!({"name": "G", "slug": "ghost", "permissions": ["ghost.walk"]}),
            StatusCode::BAD_REQUEST,
            "PERMISSION_NOT_FOUND",
        ),
        (
            "/banata/config/permissions/create",
            json!({"name": "Bad", "slug": "no-dot"}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/banata/config/permissions/create",
            json!({"name": "Dup", "slug": "member.read"}),
            StatusCode::CONFLICT,
            "PERMISSION_ALREADY_EXISTS",
        ),
        ("/banata/config/roles/update", json!({"id": "role_nope"}), StatusCode::NOT_FOUND, "ROLE_NOT_FOUND"),
        (
            "/banata/config/roles/create",
            json!({"name": 5, "slug": "five"}),
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
        ),
        (
            "/organization/update-member-role",
            json!({"organizationId": org_id, "memberId": member_id, "role": "ghost"}),
            StatusCode::BAD_REQUEST,
            "ROLE_NOT_FOUND",
        ),
    ];
    let before = roles(&app, &tenant.key).await;
    for (path, body, status, code) in fixed {
        let got = admin_call(&app, &tenant.key, path, body.clone()).await;
        assert_eq!((got.status, got.body["code"].as_str()), (status, Some(code)), "{path} {body}: {}", got.text);
    }
    assert_eq!(roles(&app, &tenant.key).await, before, "nothing changed");

    // Another project sees its own roles only, and not this one's role ids.
    assert_eq!(slugs(&roles(&app, &other.key).await), ["super_admin", "admin", "member"]);
    let admin_id = admin_role["id"].clone();
    let foreign =
        admin_call(&app, &other.key, "/banata/config/roles/update", json!({"id": admin_id, "name": "Mine"})).await;
    assert_refused(&foreign, StatusCode::NOT_FOUND, "ROLE_NOT_FOUND");

    // A key's own answer: everything, or only looking.
    let reader = read_only_key(&store, &tenant).await;
    let full =
        admin_call(&app, &tenant.key, "/banata/rbac/my-permissions", json!({"projectId": tenant.project_id})).await;
    assert!(full.body["permissions"].as_array().unwrap().contains(&json!("organization.delete")));
    let looks = admin_call(&app, &reader, "/banata/rbac/my-permissions", json!({"projectId": tenant.project_id})).await;
    assert!(
        looks.body["permissions"].as_array().unwrap().iter().all(|p| p.as_str().unwrap().ends_with(".read")),
        "{}",
        looks.text
    );
    assert!(!check(&app, &reader, json!({"projectId": tenant.project_id, "permission": "member.invite"})).await);
    let reader_writes =
        admin_call(&app, &reader, "/banata/config/roles/create", json!({"name": "R", "slug": "r"})).await;
    assert_refused(&reader_writes, StatusCode::FORBIDDEN, "MISSING_PERMISSION");
    let mismatch =
        admin_call(&app, &tenant.key, "/banata/rbac/my-permissions", json!({"projectId": other.project_id})).await;
    assert_eq!(mismatch.status, StatusCode::FORBIDDEN, "{}", mismatch.text);
}

/// A user asks about themself, from memory: the project's roles and the
/// session's memberships are cached, so steady checks ask no database.
async fn a_users_checks_come_from_memory(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Hot").await;
    let browser = Browser::new(&app, &tenant.key);
    assert_ok(&browser.post("/sign-up/email", sign_up_body(&support::email(), "correct horse")).await);
    assert_ok(&browser.post("/organization/create", json!({"name": "Hot path", "slug": "hot"})).await);
    let ask = || browser.post("/banata/rbac/check-permission", json!({"permission": "member.invite"}));
    assert_eq!(ask().await.body["allowed"], true);
    // Warm: until a check costs no lookup (on PostgreSQL the notices of the
    // create above reach this instance's caches a moment later).
    let settled = support::eventually(std::time::Duration::from_secs(10), || async {
        let before = (app.org_roles.lookups(), app.end_user_sessions.lookups());
        ask().await;
        (app.org_roles.lookups(), app.end_user_sessions.lookups()) == before
    })
    .await;
    assert!(settled, "the caches settle");
    let (roles_before, sessions_before) = (app.org_roles.lookups(), app.end_user_sessions.lookups());
    for _ in 0..50 {
        assert_eq!(ask().await.body["allowed"], true);
    }
    assert_eq!(app.org_roles.lookups(), roles_before, "no role lookups in steady state");
    assert_eq!(app.end_user_sessions.lookups(), sessions_before, "no session lookups in steady state");
    let mine = browser.post("/banata/rbac/my-permissions", json!({})).await;
    assert!(mine.body["permissions"].as_array().unwrap().contains(&json!("organization.delete")), "{}", mine.text);
}

on_both_backends!(roles_and_permissions_are_the_projects_and_renames_follow, a_users_checks_come_from_memory);
