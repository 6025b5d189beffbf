//! Every event type of the contract is written by the change that causes
//! it, with the data the contract names: driven here through the admin API
//! and through the app, read back through the events API. (Mail links'
//! `email.verified` and `password.reset`: tests/it/mail/app_users.rs; sessions
//! revoked by sign-out and ban: tests/it/webhooks.rs.)

use crate::support;
use crate::support::{admin_call, assert_ok, sign_up_body, Backend, Browser, Tenant, TestApp};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse";

async fn events(app: &TestApp, tenant: &Tenant) -> Vec<Value> {
    let listed = admin_call(app, &tenant.key, "/banata/events/list", json!({"order": "asc", "limit": 200})).await;
    assert_ok(&listed);
    listed.body["data"].as_array().unwrap().clone()
}

fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

async fn every_change_writes_its_event(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Types").await;
    let key = |path: &'static str, body: Value| admin_call(&app, &tenant.key, path, body);

    // Users, by the admin API.
    let made = key("/admin/create-user", json!({"email": support::email(), "password": PASSWORD, "name": "Bo"})).await;
    assert_ok(&made);
    let user_id = made.body["user"]["id"].as_str().unwrap().to_string();
    assert_ok(&key("/admin/update-user", json!({"userId": user_id, "name": "Bo Renamed"})).await);
    assert_ok(&key("/admin/ban-user", json!({"userId": user_id})).await);
    assert_ok(&key("/admin/unban-user", json!({"userId": user_id})).await);
    assert_ok(&key("/admin/set-user-password", json!({"userId": user_id, "newPassword": "another good one"})).await);

    // An organization's life, by a user of the app and the admin key.
    let ann = Browser::new(&app, &tenant.key);
    assert_ok(&ann.post("/sign-up/email", sign_up_body(&support::email(), PASSWORD)).await);
    let org = ann.post("/organization/create", json!({"name": "Acme", "slug": "acme-types"})).await;
    assert_ok(&org);
    let org_id = org.body["id"].as_str().unwrap().to_string();
    assert_ok(&ann.post("/organization/update", json!({"organizationId": org_id, "data": {"name": "Acme 2"}})).await);
    let bob_email = support::email();
    let bob = Browser::new(&app, &tenant.key);
    assert_ok(&bob.post("/sign-up/email", sign_up_body(&bob_email, PASSWORD)).await);
    let invited = ann.post("/organization/invite-member", json!({"email": bob_email, "role": "member"})).await;
    assert_ok(&invited);
    let accepted = bob.post("/organization/accept-invitation", json!({"invitationId": invited.body["id"]})).await;
    assert_ok(&accepted);
    let member_id = accepted.body["member"]["id"].as_str().unwrap().to_string();
    assert_ok(&ann.post("/organization/update-member-role", json!({"memberId": member_id, "role": "admin"})).await);
    for (email, how) in
        [(support::email(), "/organization/cancel-invitation"), (support::email(), "/organization/reject-invitation")]
    {
        let invited = ann.post("/organization/invite-member", json!({"email": email, "role": "member"})).await;
        assert_ok(&invited);
        let answer = match how {
            "/organization/reject-invitation" => {
                let invitee = Browser::new(&app, &tenant.key);
                assert_ok(&invitee.post("/sign-up/email", sign_up_body(&email, PASSWORD)).await);
                invitee.post(how, json!({"invitationId": invited.body["id"]})).await
            }
            _ => ann.post(how, json!({"invitationId": invited.body["id"]})).await,
        };
        assert_ok(&answer);
    }
    assert_ok(&ann.post("/organization/remove-member", json!({"memberIdOrEmail": member_id})).await);
    assert_ok(&ann.post("/organization/delete", json!({"organizationId": org_id})).await);
    assert_ok(&key("/admin/remove-user", json!({"userId": user_id})).await);

    let all = events(&app, &tenant).await;
    for kind in [
        "user.created",
        "user.updated",
        "user.banned",
        "user.unbanned",
        "password.changed",
        "user.deleted",
        "session.created",
        "organization.created",
        "organization.updated",
        "organization.deleted",
        "member.added",
        "member.role_updated",
        "member.removed",
        "invitation.created",
        "invitation.accepted",
        "invitation.rejected",
        "invitation.revoked",
        "api_key.created",
    ] {
        assert!(
            !of_type(&all, kind).is_empty(),
            "{kind} was written: {:?}",
            all.iter().map(|e| &e["type"]).collect::<Vec<_>>()
        );
    }
    let renamed = of_type(&all, "user.updated")[0];
    assert_eq!((renamed["data"]["id"].clone(), renamed["data"]["name"].clone()), (json!(user_id), json!("Bo Renamed")));
    assert_eq!(of_type(&all, "password.changed")[0]["data"]["userId"], json!(user_id));
    assert_eq!(of_type(&all, "user.deleted")[0]["data"]["id"], json!(user_id));
    let role = of_type(&all, "member.role_updated")[0];
    assert_eq!((role["data"]["id"].clone(), role["data"]["role"].clone()), (json!(member_id), json!("admin")));
    assert_eq!(of_type(&all, "organization.updated")[0]["data"]["name"], "Acme 2");
    let added = of_type(&all, "member.added");
    assert_eq!(added.len(), 2, "the creator and Bob");
    assert_eq!(of_type(&all, "invitation.accepted")[0]["data"]["status"], "accepted");
    assert_eq!(of_type(&all, "invitation.revoked")[0]["data"]["status"], "canceled");
    let org_events =
        admin_call(&app, &tenant.key, "/banata/events/list", json!({"organizationId": org_id, "limit": 200})).await;
    let org_types: Vec<&str> =
        org_events.body["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(
        org_types
            .iter()
            .all(|t| t.starts_with("organization.") || t.starts_with("member.") || t.starts_with("invitation.")),
        "{org_types:?}"
    );
    assert_eq!(org_types.len(), 13, "{org_types:?}");
    for event in &all {
        let text = event.to_string();
        for secret in [PASSWORD, "another good one", "passwordHash", "token_hash", "\"token\""] {
            assert!(!text.contains(secret), "no secret in {text}");
        }
    }
}

on_both_backends!(every_change_writes_its_event);
