//! The admin SDK's `organizations` and `rbac` resources (`@banata-auth/sdk`
//! 0.2, `packages/sdk/src/resources/{organizations,rbac}.ts`), every method,
//! sent as its `HttpClient` sends them (POST, JSON, `Authorization: Bearer`,
//! its User-Agent, the exact body keys) and read as it reads the answers
//! (`result.roles ?? []`, `.role`, `.permission`, `.allowed`, raw lists of
//! `{data, listMetadata}`). Banata's own server fails `getOrganization`,
//! `listMembers` and `listInvitations` (it answers only GET there): ours
//! answers them.

use crate::support;
use crate::support::{admin_post, answer, Answer};
use crate::support::{Backend, Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// One SDK request: `HttpClient.request("POST", path, {body})`.
async fn sdk(app: &TestApp, key: &str, path: &str, body: Value) -> Answer {
    let request = app
        .client
        .post(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .header("user-agent", "banata-auth-sdk/0.1.0")
        .body(body.to_string());
    let got = answer(request).await;
    assert!(got.status.is_success(), "{path} {body}: {} {}", got.status, got.text);
    assert!(!got.text.is_empty(), "{path}: the SDK parses every 2xx body as JSON");
    got
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|v| v["id"].as_str().unwrap().to_string()).collect()
}

async fn every_sdk_method_works(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Sdk").await;
    let key = tenant.key.as_str();
    const ORG: &str = "/api/auth/organization";
    const CFG: &str = "/api/auth/banata/config";
    const RBAC: &str = "/api/auth/banata/rbac";

    // organizations.createOrganization(opts): opts verbatim.
    let created = sdk(&app, key, &format!("{ORG}/create"), json!({"name": "Acme", "slug": "acme", "requireMfa": true, "allowedEmailDomains": ["acme.test"], "maxMembers": 50, "metadata": {"tier": "gold"}})).await;
    let org_id = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        (created.body["requireMfa"].clone(), created.body["allowedEmailDomains"].clone()),
        (json!(true), json!(["acme.test"]))
    );
    // listOrganizations({limit, before, after, order}).
    let listed = sdk(&app, key, &format!("{ORG}/list"), json!({"limit": 10, "order": "desc"})).await;
    assert_eq!(ids(&listed.body["data"]), std::slice::from_ref(&org_id));
    assert!(listed.body["listMetadata"].is_object());
    // getOrganization(id): {organizationId}.
    let got = sdk(&app, key, &format!("{ORG}/get-full-organization"), json!({"organizationId": org_id})).await;
    assert_eq!((got.body["id"].as_str(), got.body["metadata"]["tier"].as_str()), (Some(org_id.as_str()), Some("gold")));
    // updateOrganization({organizationId, data}).
    let updated = sdk(&app, key, &format!("{ORG}/update"), json!({"organizationId": org_id, "data": {"name": "Acme Corp", "logo": null, "ssoEnforced": true, "maxMembers": null}})).await;
    assert_eq!(
        (updated.body["name"].as_str(), updated.body["ssoEnforced"].as_bool(), updated.body["maxMembers"].clone()),
        (Some("Acme Corp"), Some(true), Value::Null)
    );

    // Two users of the project, in the organization (added as the project).
    let mut users = Vec::new();
    for name in ["Ann", "Bob"] {
        let email = format!("{}.{}@acme.test", name.to_lowercase(), support::email().split('@').next().unwrap());
        let (status, user) =
            admin_post(&app, key, "create-user", json!({"email": email, "name": name, "password": "correct horse"}))
                .await;
        assert_eq!(status, StatusCode::OK, "{user}");
        users.push(user["user"]["id"].as_str().unwrap().to_string());
    }
    for (user, role) in users.iter().zip(["super_admin", "member"]) {
        sdk(&app, key, &format!("{ORG}/add-member"), json!({"organizationId": org_id, "userId": user, "role": role}))
            .await;
    }
    // listMembers({organizationId, role, limit, before, after}).
    let members = sdk(&app, key, &format!("{ORG}/list-members"), json!({"organizationId": org_id, "limit": 10})).await;
    assert_eq!(members.body["data"].as_array().map(Vec::len), Some(2), "{}", members.text);
    let only_members =
        sdk(&app, key, &format!("{ORG}/list-members"), json!({"organizationId": org_id, "role": "member"})).await;
    assert_eq!(only_members.body["data"][0]["userId"], json!(users[1]));
    // updateMemberRole({organizationId, memberIdOrUserId, role}): the bare member.
    let role = sdk(
        &app,
        key,
        &format!("{ORG}/update-member-role"),
        json!({"organizationId": org_id, "memberIdOrUserId": users[1], "role": "admin"}),
    )
    .await;
    assert_eq!((role.body["role"].as_str(), role.body["userId"].as_str()), (Some("admin"), Some(users[1].as_str())));
    // sendInvitation({organizationId, email, role}); listInvitations({...}); revokeInvitation(id).
    let invited = sdk(
        &app,
        key,
        &format!("{ORG}/invite-member"),
        json!({"organizationId": org_id, "email": "cy@acme.test", "role": "member"}),
    )
    .await;
    assert_eq!(invited.body["status"], "pending");
    let invitations = sdk(
        &app,
        key,
        &format!("{ORG}/list-invitations"),
        json!({"organizationId": org_id, "status": "pending", "limit": 10}),
    )
    .await;
    assert_eq!(ids(&invitations.body["data"]), [invited.body["id"].as_str().unwrap().to_string()]);
    sdk(&app, key, &format!("{ORG}/cancel-invitation"), json!({"invitationId": invited.body["id"]})).await;
    let revoked =
        sdk(&app, key, &format!("{ORG}/list-invitations"), json!({"organizationId": org_id, "status": "revoked"}))
            .await;
    assert_eq!(revoked.body["data"].as_array().map(Vec::len), Some(1), "the SDK's word for canceled: {}", revoked.text);

    // rbac: permissions and roles of the project.
    let permissions = sdk(&app, key, &format!("{CFG}/permissions/list"), json!({})).await;
    assert!(permissions.body["permissions"].as_array().unwrap().len() >= 20);
    let permission = sdk(
        &app,
        key,
        &format!("{CFG}/permissions/create"),
        json!({"name": "Approve", "slug": "invoice.approve", "description": "Approve invoices"}),
    )
    .await;
    let permission_id = permission.body["permission"]["id"].clone();
    let permission =
        sdk(&app, key, &format!("{CFG}/permissions/update"), json!({"id": permission_id, "name": "Approve invoices"}))
            .await;
    assert_eq!(permission.body["permission"]["name"], "Approve invoices");
    let role = sdk(
        &app,
        key,
        &format!("{CFG}/roles/create"),
        json!({"name": "Billing", "slug": "billing", "permissions": ["invoice.approve"]}),
    )
    .await;
    let role_id = role.body["role"]["id"].clone();
    assert_eq!(role.body["role"]["permissions"], json!(["invoice.approve"]));
    let role = sdk(
        &app,
        key,
        &format!("{CFG}/roles/update"),
        json!({"id": role_id, "description": "Pays the bills", "permissions": ["invoice.approve", "member.read"]}),
    )
    .await;
    assert_eq!(role.body["role"]["description"], "Pays the bills");
    let roles = sdk(&app, key, &format!("{CFG}/roles/list"), json!({})).await;
    assert!(roles.body["roles"].as_array().unwrap().iter().any(|r| r["slug"] == "billing"));

    // assignRole / revokeRole: update-member-role by user id.
    sdk(
        &app,
        key,
        &format!("{ORG}/update-member-role"),
        json!({"memberIdOrUserId": users[1], "role": "billing", "organizationId": org_id}),
    )
    .await;
    let fallback = sdk(
        &app,
        key,
        &format!("{ORG}/update-member-role"),
        json!({"memberIdOrUserId": users[1], "role": "member", "organizationId": org_id}),
    )
    .await;
    assert_eq!(fallback.body["role"], "member");

    // checkPermission / hasPermission / requirePermission / checkPermissions / getMyPermissions:
    // the key's own answer (a full-access key holds everything).
    let project = tenant.project_id.as_str();
    let check = sdk(
        &app,
        key,
        &format!("{RBAC}/check-permission"),
        json!({"projectId": project, "permission": "invoice.approve"}),
    )
    .await;
    assert_eq!(check.body["allowed"], true);
    let checks = sdk(
        &app,
        key,
        &format!("{RBAC}/check-permissions"),
        json!({"projectId": project, "permissions": ["invoice.approve", "organization.delete"], "operator": "all"}),
    )
    .await;
    assert_eq!(checks.body["allowed"], true);
    let mine = sdk(&app, key, &format!("{RBAC}/my-permissions"), json!({"projectId": project})).await;
    assert!(mine.body["permissions"].as_array().unwrap().contains(&json!("invoice.approve")));

    // deleteRole / deletePermission / removeMember / deleteOrganization.
    sdk(&app, key, &format!("{CFG}/roles/delete"), json!({"id": role_id})).await;
    sdk(&app, key, &format!("{CFG}/permissions/delete"), json!({"id": permission_id})).await;
    let removed = sdk(
        &app,
        key,
        &format!("{ORG}/remove-member"),
        json!({"organizationId": org_id, "memberIdOrUserId": users[1]}),
    )
    .await;
    assert_eq!(removed.body["member"]["userId"], json!(users[1]));
    sdk(&app, key, &format!("{ORG}/delete"), json!({"organizationId": org_id})).await;
    let after = sdk(&app, key, &format!("{ORG}/list"), json!({})).await;
    assert_eq!(after.body["data"], json!([]));
}

on_both_backends!(every_sdk_method_works);
