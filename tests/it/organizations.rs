//! Organizations of a project's users, as better-auth's organization client
//! (a signed-in user through the app) and the admin SDK (Bearer key) use
//! them: made, joined by invitation, roles changed, members removed, and the
//! session's active organization and JWT claims following along.

use crate::support;
use crate::support::{
    admin_call, admin_post, answer, assert_ok, assert_refused, sign_up_body, verified_claims, Browser,
};
use crate::support::{Backend, Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse";

/// A user of the tenant's app, signed in in a browser of its own.
async fn signed_up(app: &TestApp, tenant: &Tenant, email: &str) -> Browser {
    let browser = Browser::new(app, &tenant.key);
    let got = browser.post("/sign-up/email", sign_up_body(email, PASSWORD)).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    browser
}

async fn active_organization(browser: &Browser) -> Value {
    browser.session().await["session"]["activeOrganizationId"].clone()
}

async fn token_claims(app: &TestApp, tenant: &Tenant, browser: &Browser) -> Value {
    let got = browser.get("/convex/token").await;
    assert_ok(&got);
    let jwks = answer(app.client.get(app.url(&format!("/api/auth/projects/{}/jwks", tenant.project_id)))).await;
    verified_claims(got.body["token"].as_str().unwrap(), &jwks.body)
}

/// The whole loop of a B2B app's customer, through the app: Ann makes Acme
/// (and acts in it), invites Bob, Bob signs up and accepts, Ann makes him
/// admin, then removes him; every step as both of them see it.
async fn a_team_forms_and_changes_through_the_app(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "B2B").await;
    let (ann_email, bob_email) = (support::email(), support::email());
    let ann = signed_up(&app, &tenant, &ann_email).await;
    assert_eq!(active_organization(&ann).await, Value::Null, "none at sign-in");

    let made = ann.post("/organization/create", json!({"name": "Acme Inc.", "slug": "acme"})).await;
    assert_ok(&made);
    let org_id = made.body["id"].as_str().unwrap().to_string();
    assert!(org_id.starts_with("org_"), "{}", made.text);
    assert_eq!(made.body["slug"], "acme");
    assert_eq!(made.body["members"][0]["role"], "super_admin");
    assert_eq!(active_organization(&ann).await, json!(org_id), "the new one is active");
    let claims = token_claims(&app, &tenant, &ann).await;
    assert_eq!((claims["org_id"].clone(), claims["org_role"].clone()), (json!(org_id), json!("super_admin")));
    let listed = ann.get("/organization/list").await;
    assert_ok(&listed);
    assert_eq!(listed.body.as_array().map(|a| a.len()), Some(1), "a bare array for better-auth: {}", listed.text);

    let invited = ann.post("/organization/invite-member", json!({"email": bob_email, "role": "member"})).await;
    assert_ok(&invited);
    assert_eq!((invited.body["status"].as_str(), invited.body["mailed"].as_bool()), (Some("pending"), Some(false)));
    let invitation_id = invited.body["id"].as_str().unwrap().to_string();
    let again = ann.post("/organization/invite-member", json!({"email": bob_email, "role": "member"})).await;
    assert_refused(&again, StatusCode::BAD_REQUEST, "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION");

    // Eve is not the invitee: she may neither read nor answer it.
    let eve = signed_up(&app, &tenant, &support::email()).await;
    let stolen = eve.post("/organization/accept-invitation", json!({"invitationId": invitation_id})).await;
    assert_refused(&stolen, StatusCode::FORBIDDEN, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION");
    let peek = eve.get(&format!("/organization/get-invitation?id={invitation_id}")).await;
    assert_refused(&peek, StatusCode::FORBIDDEN, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION");

    let bob = signed_up(&app, &tenant, &bob_email.to_uppercase()).await;
    let mine = bob.get("/organization/list-user-invitations").await;
    assert_ok(&mine);
    assert_eq!(mine.body[0]["organizationName"], "Acme Inc.", "{}", mine.text);
    let accepted = bob.post("/organization/accept-invitation", json!({"invitationId": invitation_id})).await;
    assert_ok(&accepted);
    assert_eq!(accepted.body["invitation"]["status"], "accepted");
    assert_eq!(accepted.body["member"]["role"], "member");
    assert_eq!(active_organization(&bob).await, json!(org_id), "accepting makes it active");
    let twice = bob.post("/organization/accept-invitation", json!({"invitationId": invitation_id})).await;
    assert_refused(&twice, StatusCode::BAD_REQUEST, "INVITATION_NOT_PENDING");

    let members = ann.get("/organization/list-members").await;
    assert_ok(&members);
    assert_eq!(members.body["total"], 2, "{}", members.text);
    let emails: Vec<&str> =
        members.body["members"].as_array().unwrap().iter().map(|m| m["user"]["email"].as_str().unwrap()).collect();
    assert!(emails.contains(&ann_email.as_str()) && emails.contains(&bob_email.to_lowercase().as_str()), "{emails:?}");
    let bob_member =
        members.body["members"].as_array().unwrap().iter().find(|m| m["user"]["email"] != json!(ann_email)).unwrap()
            ["id"]
            .clone();

    // A member may look, not invite.
    let may = |statements: Value| json!({"permissions": statements});
    let can_invite = bob.post("/organization/has-permission", may(json!({"member": ["create"]}))).await;
    assert_eq!(
        (can_invite.status, can_invite.body["success"].clone()),
        (StatusCode::OK, json!(false)),
        "{}",
        can_invite.text
    );
    let invite = bob.post("/organization/invite-member", json!({"email": support::email(), "role": "member"})).await;
    assert_refused(&invite, StatusCode::FORBIDDEN, "MISSING_PERMISSION");
    assert_eq!(invite.body["message"], "Missing permission: member.invite");

    // Raised to admin, he may invite; super_admin is not his to grant.
    let raised = ann.post("/organization/update-member-role", json!({"memberId": bob_member, "role": ["admin"]})).await;
    assert_ok(&raised);
    assert_eq!(raised.body["role"], "admin");
    let can_invite =
        bob.post("/organization/has-permission", may(json!({"member": ["create"], "invitation": ["cancel"]}))).await;
    assert_eq!(can_invite.body["success"], json!(true), "{}", can_invite.text);
    assert_eq!(token_claims(&app, &tenant, &bob).await["org_role"], "admin", "the JWT follows the role");
    let crown =
        bob.post("/organization/update-member-role", json!({"memberId": bob_member, "role": "super_admin"})).await;
    assert_refused(&crown, StatusCode::FORBIDDEN, "YOU_ARE_NOT_ALLOWED_TO_GRANT_SUPER_ADMIN");
    let crowned_invite =
        bob.post("/organization/invite-member", json!({"email": support::email(), "role": "super_admin"})).await;
    assert_refused(&crowned_invite, StatusCode::FORBIDDEN, "YOU_ARE_NOT_ALLOWED_TO_GRANT_SUPER_ADMIN");

    // The last super_admin stays.
    let ann_member = made.body["members"][0]["id"].clone();
    let demote = ann.post("/organization/update-member-role", json!({"memberId": ann_member, "role": "member"})).await;
    assert_refused(&demote, StatusCode::BAD_REQUEST, "ORGANIZATION_NEEDS_A_SUPER_ADMIN");
    let leave = ann.post("/organization/leave", json!({"organizationId": org_id})).await;
    assert_refused(&leave, StatusCode::BAD_REQUEST, "ORGANIZATION_NEEDS_A_SUPER_ADMIN");
    let kick_ann = bob.post("/organization/remove-member", json!({"memberIdOrEmail": ann_email})).await;
    assert_refused(&kick_ann, StatusCode::BAD_REQUEST, "ORGANIZATION_NEEDS_A_SUPER_ADMIN");

    // Removed, Bob acts in no organization any more.
    let removed = ann.post("/organization/remove-member", json!({"memberIdOrEmail": bob_email})).await;
    assert_ok(&removed);
    assert_eq!(removed.body["member"]["id"], bob_member);
    assert_eq!(active_organization(&bob).await, Value::Null, "cleared with the membership");
    assert_eq!(token_claims(&app, &tenant, &bob).await["org_id"], Value::Null);
    let full = bob.get("/organization/get-full-organization").await;
    assert_eq!((full.status, full.body.clone()), (StatusCode::OK, Value::Null), "{}", full.text);
    let peek = bob.get(&format!("/organization/get-full-organization?organizationId={org_id}")).await;
    assert_refused(&peek, StatusCode::FORBIDDEN, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION");
    let rejoin = bob.post("/organization/set-active", json!({"organizationId": org_id})).await;
    assert_refused(&rejoin, StatusCode::FORBIDDEN, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION");
    assert_eq!(active_organization(&bob).await, Value::Null);

    // Everything above is in the audit log, by whom it was done.
    let (status, _) = admin_post(&app, &tenant.key, "list-users", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let events = store
        .audit()
        .events(&tenant.project_id, &banata::store::AuditQuery { limit: 100, ..Default::default() })
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    for expected in [
        "organization.created",
        "organization.invitation_created",
        "organization.invitation_accepted",
        "organization.member_role_updated",
        "organization.member_removed",
    ] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let created = events.iter().find(|e| e.action.as_str() == "organization.created").unwrap();
    assert_eq!((created.actor_kind.as_str(), created.actor_name.as_str()), ("end_user", ann_email.as_str()));
}

/// The admin SDK's calls, POST and Bearer, its list shapes, and the
/// project's isolation: another project's key finds nothing, a read-only
/// key only looks, and `x-api-key` alone (what a browser sends through the
/// app) is no caller at all.
async fn the_admin_sdk_manages_organizations_of_its_project_only(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (tenant, other) = (Tenant::new(&store, "Main").await, Tenant::new(&store, "Other").await);
    let made = admin_call(
        &app,
        &tenant.key,
        "/organization/create",
        json!({"name": "Globex", "maxMembers": 2, "metadata": {"plan": "pro"}}),
    )
    .await;
    assert_ok(&made);
    assert_eq!((made.body["slug"].as_str(), made.body["members"].as_array().map(Vec::len)), (Some("globex"), Some(0)));
    assert_eq!((made.body["metadata"]["plan"].as_str(), made.body["maxMembers"].as_i64()), (Some("pro"), Some(2)));
    let org_id = made.body["id"].as_str().unwrap().to_string();
    let second = admin_call(&app, &tenant.key, "/organization/create", json!({"name": "Globex"})).await;
    assert_ok(&second);
    assert_ne!(second.body["slug"], "globex", "a made slug is suffixed until unique");

    let listed = admin_call(&app, &tenant.key, "/organization/list", json!({"limit": 1})).await;
    assert_ok(&listed);
    assert_eq!(listed.body["data"].as_array().map(Vec::len), Some(1), "{}", listed.text);
    let after = listed.body["listMetadata"]["after"].clone();
    let rest = admin_call(&app, &tenant.key, "/organization/list", json!({"limit": 1, "after": after})).await;
    assert_eq!(rest.body["data"].as_array().map(Vec::len), Some(1), "{}", rest.text);
    assert_ne!(rest.body["data"][0]["id"], listed.body["data"][0]["id"], "the next page");

    let ada = support::email();
    let (_, user) =
        admin_post(&app, &tenant.key, "create-user", json!({"email": ada, "name": "Ada", "password": PASSWORD})).await;
    let user_id = user["user"]["id"].as_str().unwrap().to_string();
    let added = admin_call(
        &app,
        &tenant.key,
        "/organization/add-member",
        json!({"organizationId": org_id, "userId": user_id, "role": "super_admin"}),
    )
    .await;
    assert_ok(&added);
    let full =
        admin_call(&app, &tenant.key, "/organization/get-full-organization", json!({"organizationId": org_id})).await;
    assert_ok(&full);
    assert_eq!(full.body["members"][0]["user"]["email"], json!(ada), "{}", full.text);
    let members = admin_call(&app, &tenant.key, "/organization/list-members", json!({"organizationId": org_id})).await;
    assert_eq!(members.body["data"].as_array().map(Vec::len), Some(1), "{}", members.text);

    let invited = admin_call(
        &app,
        &tenant.key,
        "/organization/invite-member",
        json!({"organizationId": org_id, "email": support::email(), "role": "member"}),
    )
    .await;
    assert_ok(&invited);
    assert_eq!(invited.body["inviterId"], Value::Null, "an admin invites as nobody");
    let full_house = admin_call(
        &app,
        &tenant.key,
        "/organization/add-member",
        json!({"organizationId": org_id, "userId": other_user(&app, &tenant).await, "role": "member"}),
    )
    .await;
    assert_ok(&full_house);
    let over = admin_call(
        &app,
        &tenant.key,
        "/organization/invite-member",
        json!({"organizationId": org_id, "email": support::email(), "role": "member"}),
    )
    .await;
    assert_refused(&over, StatusCode::UNPROCESSABLE_ENTITY, "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED");
    let invitations =
        admin_call(&app, &tenant.key, "/organization/list-invitations", json!({"organizationId": org_id})).await;
    assert_eq!(invitations.body["data"].as_array().map(Vec::len), Some(1), "{}", invitations.text);
    let canceled =
        admin_call(&app, &tenant.key, "/organization/cancel-invitation", json!({"invitationId": invited.body["id"]}))
            .await;
    assert_ok(&canceled);
    assert_eq!(canceled.body["status"], "canceled");

    // Another project's key, the org's id: not found, and nothing changes.
    for (path, body) in [
        ("/organization/get-full-organization", json!({"organizationId": org_id})),
        ("/organization/update", json!({"organizationId": org_id, "data": {"name": "Stolen"}})),
        ("/organization/delete", json!({"organizationId": org_id})),
        ("/organization/list-members", json!({"organizationId": org_id})),
        ("/organization/add-member", json!({"organizationId": org_id, "userId": user_id, "role": "member"})),
        ("/organization/cancel-invitation", json!({"invitationId": invited.body["id"]})),
    ] {
        let got = admin_call(&app, &other.key, path, body).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{path}: {}", got.text);
        assert!(got.body["code"].as_str().unwrap().ends_with("_NOT_FOUND"), "{path}: {}", got.text);
        assert!(!got.text.contains("Globex"), "{path} leaks nothing");
    }
    let listed_elsewhere = admin_call(&app, &other.key, "/organization/list", json!({})).await;
    assert_eq!(listed_elsewhere.body["data"], json!([]));

    // x-api-key alone, as a browser through the app: no caller.
    let through_app = answer(
        app.client.post(app.url("/api/auth/organization/list")).header("x-api-key", &tenant.key).json(&json!({})),
    )
    .await;
    assert_eq!(through_app.status, StatusCode::UNAUTHORIZED, "{}", through_app.text);
    let delete_through_app = answer(
        app.client
            .post(app.url("/api/auth/organization/delete"))
            .header("x-api-key", &tenant.key)
            .json(&json!({"organizationId": org_id})),
    )
    .await;
    assert_eq!(delete_through_app.status, StatusCode::UNAUTHORIZED);

    // A read-only key looks only.
    let reader = read_only_key(&store, &tenant).await;
    assert_ok(&admin_call(&app, &reader, "/organization/list", json!({})).await);
    let write = admin_call(
        &app,
        &reader,
        "/organization/update",
        json!({"organizationId": org_id, "data": {"name": "Renamed"}}),
    )
    .await;
    assert_refused(&write, StatusCode::FORBIDDEN, "MISSING_PERMISSION");

    let renamed = admin_call(
        &app,
        &tenant.key,
        "/organization/update",
        json!({"organizationId": org_id, "data": {"name": "Globex Corp", "metadata": null}}),
    )
    .await;
    assert_ok(&renamed);
    assert_eq!((renamed.body["name"].as_str(), renamed.body["metadata"].clone()), (Some("Globex Corp"), Value::Null));
    let deleted = admin_call(&app, &tenant.key, "/organization/delete", json!({"organizationId": org_id})).await;
    assert_ok(&deleted);
    let gone =
        admin_call(&app, &tenant.key, "/organization/get-full-organization", json!({"organizationId": org_id})).await;
    assert_refused(&gone, StatusCode::BAD_REQUEST, "ORGANIZATION_NOT_FOUND");
}

async fn other_user(app: &TestApp, tenant: &Tenant) -> String {
    let body = json!({"email": support::email(), "name": "Bo", "password": PASSWORD});
    let (status, user) = admin_post(app, &tenant.key, "create-user", body).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    user["user"]["id"].as_str().unwrap().to_string()
}

pub(crate) async fn read_only_key(store: &std::sync::Arc<dyn banata::store::Store>, tenant: &Tenant) -> String {
    let spec = banata::services::keys::KeySpec {
        project_id: &tenant.project_id,
        name: "reader".into(),
        permissions: vec![banata::domain::READ_KEYS.to_string()],
        expires_at: None,
    };
    let actor = support::key_actor(&tenant.key_id);
    let now = time::OffsetDateTime::now_utc();
    banata::services::keys::issue(&**store, spec, &actor, now).await.unwrap().secret
}

/// Two instances on one PostgreSQL: a membership, a role's permissions and
/// a removal changed through one reach the other's cached sessions and
/// roles within a second (its notices), with no restart and no expiry.
async fn changes_reach_every_instance() {
    let one = TestApp::start(Backend::Postgres).await;
    let two = TestApp::beside(&one, &[]).await;
    let store = one.db.store().await;
    let tenant = Tenant::new(&store, "Twins").await;
    let ann = signed_up(&one, &tenant, &support::email()).await;
    let bob_email = support::email();
    let bob = signed_up(&one, &tenant, &bob_email).await;
    let made = ann.post("/organization/create", json!({"name": "Twins", "slug": "twins"})).await;
    let invited = ann.post("/organization/invite-member", json!({"email": bob_email, "role": "member"})).await;
    assert_ok(&bob.post("/organization/accept-invitation", json!({"invitationId": invited.body["id"]})).await);
    // Bob's browser, now served by the second instance (its caches warm).
    let bob_there = Browser { http: bob.http.clone(), base: two.base.clone(), key: tenant.key.clone() };
    let may_invite = || async {
        let got = bob_there.post("/banata/rbac/check-permission", json!({"permission": "member.invite"})).await;
        got.body["allowed"].as_bool()
    };
    assert_eq!(may_invite().await, Some(false), "a member may not invite");
    assert_eq!(token_claims(&two, &tenant, &bob_there).await["org_role"], "member");
    let within = std::time::Duration::from_secs(1);

    // By email: better-auth names a member by id, we take an email too.
    let raised = ann.post("/organization/update-member-role", json!({"memberId": bob_email, "role": "admin"})).await;
    assert_ok(&raised);
    assert!(support::eventually(within, || async { may_invite().await == Some(true) }).await, "the new role, there");
    assert_eq!(token_claims(&two, &tenant, &bob_there).await["org_role"], "admin");

    // The admin role loses member.invite (the project's key, on instance one).
    let roles = admin_call(&one, &tenant.key, "/banata/config/roles/list", json!({})).await;
    let admin_role = roles.body["roles"].as_array().unwrap().iter().find(|r| r["slug"] == "admin").unwrap().clone();
    let fewer: Vec<Value> =
        admin_role["permissions"].as_array().unwrap().iter().filter(|p| *p != "member.invite").cloned().collect();
    assert_ok(
        &admin_call(
            &one,
            &tenant.key,
            "/banata/config/roles/update",
            json!({"id": admin_role["id"], "permissions": fewer}),
        )
        .await,
    );
    assert!(
        support::eventually(within, || async { may_invite().await == Some(false) }).await,
        "the role's change, there"
    );

    // Removed on one, Bob acts in no organization on two.
    assert_ok(&ann.post("/organization/remove-member", json!({"memberIdOrEmail": bob_email})).await);
    let org_id = made.body["id"].clone();
    let cleared = support::eventually(within, || async {
        let session = bob_there.session().await;
        session["session"]["activeOrganizationId"].is_null()
    })
    .await;
    assert!(cleared, "the removal clears {org_id} there");
    assert_eq!(token_claims(&two, &tenant, &bob_there).await["org_id"], Value::Null);
}

on_both_backends!(a_team_forms_and_changes_through_the_app, the_admin_sdk_manages_organizations_of_its_project_only);

mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn changes_reach_every_instance() {
        super::changes_reach_every_instance().await
    }
}
