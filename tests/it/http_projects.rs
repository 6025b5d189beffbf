//! Projects, members and invitations over real HTTP, on both backends, with
//! the cross-tenant table that every project-scoped server function must be in.

use crate::support;
use crate::support::{Backend, Person, TestApp};
use banata::auth::tokens;
use banata::domain::Role;
use banata::store::{AuditQuery, KeyQuery, NewInvitation, Store};
use reqwest::StatusCode;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

/// Everything about a project that a refused call must leave alone.
async fn snapshot(store: &Arc<dyn Store>, owner: &str, slug: &str) -> String {
    let project = store.project_members().find(owner, slug).await.unwrap().expect("project still there");
    let members = store.project_members().list(&project.project_id).await.unwrap();
    let invitations =
        store.project_invitations().pending(&project.project_id, OffsetDateTime::now_utc()).await.unwrap();
    let all = KeyQuery { include_revoked: true, limit: 1000, ..KeyQuery::default() };
    let keys = store.keys().list(&project.project_id, &all, OffsetDateTime::now_utc()).await.unwrap();
    let keys: Vec<_> = keys.iter().map(|k| (&k.id, &k.name, k.status)).collect();
    let audit =
        store.audit().events(&project.project_id, &AuditQuery { limit: 1000, ..AuditQuery::default() }).await.unwrap();
    let audit: Vec<_> = audit.iter().map(|e| e.seq).collect();
    let webhooks = store.webhooks().endpoints(&project.project_id, None, 100).await.unwrap();
    format!("{project:?}\n{members:?}\n{invitations:?}\n{keys:?}\n{audit:?}\n{webhooks:?}")
}

struct Team {
    app: TestApp,
    store: Arc<dyn Store>,
    owner: Person,
    developer: Person,
    viewer: Person,
    outsider: Person,
    slug: String,
    name: String,
}

async fn team(backend: Backend) -> Team {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let owner = Person::sign_up(&app, "Olive Owner").await;
    let developer = Person::sign_up(&app, "Dev Eloper").await;
    let viewer = Person::sign_up(&app, "Vi Ewer").await;
    let outsider = Person::sign_up(&app, "Mallory").await;
    let project = store.project_members().of_account(&owner.id).await.unwrap().remove(0);
    developer.join(&app, &owner, &project.slug, "developer").await;
    viewer.join(&app, &owner, &project.slug, "viewer").await;
    Team { app, store, owner, developer, viewer, outsider, slug: project.slug, name: project.name }
}

/// Server functions that need no project.
const NOT_PROJECT_SCOPED: &[&str] = &[
    "sign_in",
    "sign_up",
    "sign_out",
    "viewer",
    "signup_open",
    "list_projects",
    "create_project",
    "get_invitation",
    "accept_invitation",
    // Mail for the caller's own account (tests/mail.rs).
    "mail_on",
    "forgot_password",
    "check_reset_link",
    "reset_password",
    "verify_email",
    "resend_verification",
    // The caller's own account (tests/sessions.rs).
    "list_sessions",
    "end_session",
    "end_other_sessions",
    "change_password",
];

/// A server function's name (or a route's path), the role it needs, and its form fields.
use crate::http_organizations::Case;

/// Every project-scoped server function, the role it needs, and a request
/// that would change something if it were allowed.
fn project_scoped(t: &Team, invitation_id: &str, key_id: &str) -> Vec<Case> {
    let slug = t.slug.clone();
    let mut cases = crate::http_organizations::cases(&slug);
    cases.extend(vec![
        ("open_project", Role::Viewer, vec![("slug", slug.clone())]),
        ("list_members", Role::Viewer, vec![("slug", slug.clone())]),
        ("leave_project", Role::Viewer, vec![("slug", slug.clone())]),
        ("list_keys", Role::Viewer, vec![("slug", slug.clone())]),
        ("audit_log", Role::Developer, vec![("slug", slug.clone())]),
        ("expiring_keys", Role::Viewer, vec![("slug", slug.clone())]),
        ("get_key", Role::Viewer, vec![("slug", slug.clone()), ("key_id", key_id.to_string())]),
        ("test_key", Role::Developer, vec![("slug", slug.clone()), ("key", "sk_live_nothing".into())]),
        (
            "rename_key",
            Role::Developer,
            vec![("slug", slug.clone()), ("key_id", key_id.to_string()), ("name", "renamed".into())],
        ),
        (
            "roll_key",
            Role::Developer,
            vec![("slug", slug.clone()), ("key_id", key_id.to_string()), ("grace", "now".into())],
        ),
        (
            "create_key",
            Role::Developer,
            vec![("slug", slug.clone()), ("name", "sneaky".into()), ("expires", "never".into())],
        ),
        ("revoke_key", Role::Developer, vec![("slug", slug.clone()), ("key_id", key_id.to_string())]),
        ("rename_project", Role::Owner, vec![("slug", slug.clone()), ("name", "Taken over".into())]),
        ("change_slug", Role::Owner, vec![("slug", slug.clone()), ("new_slug", "moved-away".into())]),
        ("delete_project", Role::Owner, vec![("slug", slug.clone()), ("confirm", t.name.clone())]),
        (
            "add_member",
            Role::Owner,
            vec![("slug", slug.clone()), ("email", "new@example.com".into()), ("role", "owner".into())],
        ),
        (
            "change_role",
            Role::Owner,
            vec![("slug", slug.clone()), ("user_id", t.viewer.id.clone()), ("role", "owner".into())],
        ),
        ("remove_member", Role::Owner, vec![("slug", slug.clone()), ("user_id", t.owner.id.clone())]),
        ("revoke_invitation", Role::Owner, vec![("slug", slug.clone()), ("invitation_id", invitation_id.to_string())]),
        ("list_end_users", Role::Viewer, vec![("slug", slug.clone())]),
        ("list_webhooks", Role::Viewer, vec![("slug", slug.clone())]),
        ("get_webhook", Role::Viewer, vec![("slug", slug.clone()), ("endpoint_id", "wh_someone".into())]),
        (
            "set_webhook_enabled",
            Role::Developer,
            vec![("slug", slug.clone()), ("endpoint_id", "wh_someone".into()), ("enabled", "false".into())],
        ),
        ("delete_webhook", Role::Developer, vec![("slug", slug.clone()), ("endpoint_id", "wh_someone".into())]),
        ("send_test_webhook", Role::Developer, vec![("slug", slug.clone()), ("endpoint_id", "wh_someone".into())]),
        ("resend_webhook_delivery", Role::Developer, vec![("slug", slug.clone()), ("delivery_id", "dlv_1".into())]),
        ("get_end_user", Role::Viewer, vec![("slug", slug.clone()), ("user_id", "usr_someone".into())]),
        (
            "create_end_user",
            Role::Developer,
            vec![("slug", slug.clone()), ("name", "Sneaky".into()), ("email", "sneaky@example.com".into())],
        ),
        ("ban_end_user", Role::Developer, vec![("slug", slug.clone()), ("user_id", "usr_someone".into())]),
        ("unban_end_user", Role::Developer, vec![("slug", slug.clone()), ("user_id", "usr_someone".into())]),
        ("delete_end_user", Role::Developer, vec![("slug", slug.clone()), ("user_id", "usr_someone".into())]),
        (
            "revoke_end_user_session",
            Role::Developer,
            vec![("slug", slug.clone()), ("user_id", "usr_someone".into()), ("session_id", "ses_someone".into())],
        ),
        ("revoke_end_user_sessions", Role::Developer, vec![("slug", slug.clone()), ("user_id", "usr_someone".into())]),
        ("get_auth_settings", Role::Viewer, vec![("slug", slug.clone())]),
        ("get_token_issuer", Role::Viewer, vec![("slug", slug.clone())]),
        ("get_deliveries", Role::Viewer, vec![("slug", slug.clone())]),
        (
            "save_auth_settings",
            Role::Owner,
            vec![
                ("slug", slug.clone()),
                ("password_min", "8".into()),
                ("session_days", "7".into()),
                ("allowed_origins", String::new()),
            ],
        ),
    ]);
    cases
}

/// Every project-scoped route that is not a page, the role it needs, and a
/// form that would change something if it were allowed.
fn plain_routes(key_id: &str) -> Vec<Case> {
    vec![
        ("/projects/{slug}/api-keys/new", Role::Developer, vec![("name", "plain".into()), ("expires", "never".into())]),
        ("/projects/{slug}/api-keys/roll", Role::Developer, vec![("key_id", key_id.into()), ("grace", "now".into())]),
        ("/projects/{slug}/test-key", Role::Developer, vec![("key", "sk_live_nothing".into())]),
        (
            "/projects/{slug}/members/add",
            Role::Owner,
            vec![("email", "plain@example.com".into()), ("role", "owner".into())],
        ),
        ("/projects/{slug}/audit-log/export", Role::Developer, vec![]),
        ("/projects/{slug}/webhooks/new", Role::Developer, vec![("url", "https://example.com/hook".into())]),
        ("/projects/{slug}/webhooks/{id}/edit", Role::Developer, vec![("url", "https://example.com/moved".into())]),
        ("/projects/{slug}/webhooks/{id}/rotate", Role::Developer, vec![("grace", "0".into())]),
    ]
}

/// Calls a plain-form route (or the export, a GET) as `caller` on `slug`.
async fn plain_route(app: &TestApp, caller: &Person, path: &str, slug: &str, form: &[(&str, &str)]) -> StatusCode {
    let url = app.url(&path.replace("{slug}", slug));
    let request = if path.ends_with("/export") { caller.client.get(url) } else { caller.client.post(url).form(form) };
    request.send().await.unwrap().status()
}

async fn every_project_function_checks_membership_and_role(backend: Backend) {
    let t = team(backend).await;
    // A pending invitation, so revoke_invitation has something to refuse.
    let (status, body) = t
        .owner
        .call(&t.app, "add_member", &[("slug", &t.slug), ("email", "invitee@example.com"), ("role", "viewer")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let project = t.store.project_members().find(&t.owner.id, &t.slug).await.unwrap().unwrap();
    let invitation_id =
        t.store.project_invitations().pending(&project.project_id, OffsetDateTime::now_utc()).await.unwrap()[0]
            .id
            .clone();
    let (status, body) =
        t.owner.call(&t.app, "create_key", &[("slug", &t.slug), ("name", "production"), ("expires", "never")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let key_id = support::created_key(&body).key.id;
    let table = project_scoped(&t, &invitation_id, &key_id);

    // Forgetting a new server function here fails the test.
    let registered: Vec<&str> =
        server_fn::axum::server_fn_paths().filter_map(|(path, _)| path.strip_prefix("/api/dashboard/")).collect();
    for name in &registered {
        assert!(
            NOT_PROJECT_SCOPED.contains(name) || table.iter().any(|(f, ..)| f == name),
            "server function {name} is in neither table of this test"
        );
    }
    assert!(registered.len() >= NOT_PROJECT_SCOPED.len() + table.len(), "{registered:?}");

    let before = snapshot(&t.store, &t.owner.id, &t.slug).await;
    let callers = [(&t.outsider, None), (&t.viewer, Some(Role::Viewer)), (&t.developer, Some(Role::Developer))];
    for (function, needed, form) in &table {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (caller, role) in &callers {
            let expected = match role {
                None => StatusCode::NOT_FOUND,
                Some(role) if !role.allows(*needed) => StatusCode::FORBIDDEN,
                Some(_) => continue, // allowed: covered by the behaviour tests
            };
            let (status, body) = caller.call(&t.app, function, &form).await;
            assert_eq!(status, expected, "{function} as {role:?}: {body}");
            if expected == StatusCode::FORBIDDEN {
                assert!(body.contains("role") || body.contains("owners"), "the message names the role: {body}");
            }
        }
        // A project that does not exist answers exactly like one the caller is not in.
        let mut missing = form.clone();
        missing[0] = ("slug", "no-such-project");
        let (status, body) = t.owner.call(&t.app, function, &missing).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{function} on a missing project: {body}");
        let (_, outsider_body) = t.outsider.call(&t.app, function, &form).await;
        assert_eq!(outsider_body, body, "{function}: missing and foreign projects answer alike");
    }
    // The plain-form routes (and the export) refuse the same way; forgetting
    // a new one here fails the test.
    let plain = plain_routes(&key_id);
    for (method, path) in banata::http::project_route_list() {
        assert!(plain.iter().any(|(p, ..)| *p == path), "{method} {path} is not in this test's plain-route table");
    }
    for (path, needed, form) in &plain {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (caller, role) in &callers {
            let expected = match role {
                None => StatusCode::NOT_FOUND,
                Some(role) if !role.allows(*needed) => StatusCode::FORBIDDEN,
                Some(_) => continue,
            };
            let status = plain_route(&t.app, caller, path, &t.slug, &form).await;
            assert_eq!(status, expected, "{path} as {role:?}");
        }
        assert_eq!(
            plain_route(&t.app, &t.owner, path, "no-such-project", &form).await,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(snapshot(&t.store, &t.owner.id, &t.slug).await, before, "refused calls changed nothing");

    // Viewers and developers may read.
    for reader in [&t.viewer, &t.developer] {
        assert_eq!(reader.call(&t.app, "list_members", &[("slug", &t.slug)]).await.0, StatusCode::OK);
    }
}

async fn another_projects_ids_are_not_found(backend: Backend) {
    let t = team(backend).await;
    let theirs = t.store.project_members().of_account(&t.outsider.id).await.unwrap().remove(0);
    // An invitation and a member of the outsider's project, addressed through ours.
    t.outsider
        .call(&t.app, "add_member", &[("slug", &theirs.slug), ("email", "x@example.com"), ("role", "viewer")])
        .await;
    let their_invite =
        t.store.project_invitations().pending(&theirs.project_id, OffsetDateTime::now_utc()).await.unwrap()[0]
            .id
            .clone();
    let before = snapshot(&t.store, &t.outsider.id, &theirs.slug).await;

    let (status, _) = t.owner.call(&t.app, "remove_member", &[("slug", &t.slug), ("user_id", &t.outsider.id)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = t
        .owner
        .call(&t.app, "change_role", &[("slug", &t.slug), ("user_id", &t.outsider.id), ("role", "viewer")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        t.owner.call(&t.app, "revoke_invitation", &[("slug", &t.slug), ("invitation_id", &their_invite)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&t.store, &t.outsider.id, &theirs.slug).await, before);
}

async fn the_last_owner_cannot_be_demoted_removed_or_leave(backend: Backend) {
    let t = team(backend).await;
    let slug = t.slug.as_str();
    let (status, body) =
        t.owner.call(&t.app, "change_role", &[("slug", slug), ("user_id", &t.owner.id), ("role", "developer")]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("at least one owner"), "{body}");
    assert_eq!(
        t.owner.call(&t.app, "remove_member", &[("slug", slug), ("user_id", &t.owner.id)]).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(t.owner.call(&t.app, "leave_project", &[("slug", slug)]).await.0, StatusCode::CONFLICT);

    // With a second owner, the first may step down.
    assert_eq!(
        t.owner.call(&t.app, "change_role", &[("slug", slug), ("user_id", &t.developer.id), ("role", "owner")]).await.0,
        StatusCode::OK
    );
    assert_eq!(t.owner.call(&t.app, "leave_project", &[("slug", slug)]).await.0, StatusCode::OK);
    assert!(t.store.project_members().find(&t.owner.id, slug).await.unwrap().is_none());
}

async fn owners_manage_members_and_a_removed_member_loses_access(backend: Backend) {
    let t = team(backend).await;
    let slug = t.slug.as_str();
    assert_eq!(t.viewer.call(&t.app, "open_project", &[("slug", slug)]).await.0, StatusCode::OK);
    assert_eq!(
        t.owner
            .call(&t.app, "change_role", &[("slug", slug), ("user_id", &t.viewer.id), ("role", "developer")])
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(t.store.project_members().find(&t.viewer.id, slug).await.unwrap().unwrap().role, Role::Developer);

    let (status, body) =
        t.owner.call(&t.app, "change_role", &[("slug", slug), ("user_id", &t.viewer.id), ("role", "admin")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    assert_eq!(
        t.owner.call(&t.app, "remove_member", &[("slug", slug), ("user_id", &t.viewer.id)]).await.0,
        StatusCode::OK
    );
    assert_eq!(t.viewer.call(&t.app, "open_project", &[("slug", slug)]).await.0, StatusCode::NOT_FOUND);
    let page = t.viewer.client.get(t.app.url(&format!("/projects/{slug}/api-keys"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND, "the next page load is refused too");

    let (status, body) =
        t.owner.call(&t.app, "add_member", &[("slug", slug), ("email", &t.developer.email), ("role", "viewer")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("already a member"), "{body}");
}

async fn projects_are_created_renamed_moved_and_deleted(backend: Backend) {
    let t = team(backend).await;
    let (status, body) = t.owner.call(&t.app, "create_project", &[("name", "Billing"), ("slug", "")]).await;
    assert!(status.is_success() || status.is_redirection(), "{status} {body}");
    let (status, body) = t.developer.call(&t.app, "create_project", &[("name", "Other"), ("slug", "billing")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("taken"), "{body}");
    for bad in ["", "-x-", "UPPER", "a"] {
        let (status, _) = t.owner.call(&t.app, "create_project", &[("name", "Bad slug"), ("slug", bad)]).await;
        assert!(bad.is_empty() || status == StatusCode::UNPROCESSABLE_ENTITY, "slug {bad:?}: {status}");
    }
    let (status, _) = t.owner.call(&t.app, "create_project", &[("name", ""), ("slug", "")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, _) =
        t.owner.call(&t.app, "rename_project", &[("slug", "billing"), ("name", "Billing & Invoices")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = t.owner.call(&t.app, "change_slug", &[("slug", "billing"), ("new_slug", "invoices")]).await;
    assert!(status.is_redirection() || status.is_success());
    assert_eq!(
        t.owner.call(&t.app, "open_project", &[("slug", "billing")]).await.0,
        StatusCode::NOT_FOUND,
        "old slug is gone"
    );
    let (status, body) = t.owner.call(&t.app, "open_project", &[("slug", "invoices")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Billing & Invoices"));
    // Taken slug: clear message, nothing moves.
    let (status, _) = t.owner.call(&t.app, "change_slug", &[("slug", "invoices"), ("new_slug", &t.slug)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, _) = t.owner.call(&t.app, "delete_project", &[("slug", "invoices"), ("confirm", "Billing")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the name must match exactly");
    let (status, _) =
        t.owner.call(&t.app, "delete_project", &[("slug", "invoices"), ("confirm", "Billing & Invoices")]).await;
    assert!(status.is_redirection() || status.is_success());
    assert_eq!(t.owner.call(&t.app, "open_project", &[("slug", "invoices")]).await.0, StatusCode::NOT_FOUND);

    let (status, body) = t.owner.call(&t.app, "list_projects", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(&t.slug) && !body.contains("invoices"), "{body}");
}

/// Writes an invitation straight to the store, as `add_member` would, with a
/// token the test knows.
async fn invite(t: &Team, email: &str, role: Role, expires_in: Duration) -> String {
    let project = t.store.project_members().find(&t.owner.id, &t.slug).await.unwrap().unwrap();
    let token = tokens::invitation_token();
    let now = OffsetDateTime::now_utc();
    t.store
        .project_invitations()
        .insert(
            &NewInvitation {
                id: format!("inv_{}", &token[7..27]),
                project_id: project.project_id,
                email: email.to_string(),
                role,
                token_hash: tokens::hash(&token),
                invited_by: t.owner.id.clone(),
                created_at: now,
                expires_at: now + expires_in,
                mail: None,
            },
            &support::actor(&t.owner.id),
        )
        .await
        .unwrap();
    token
}

async fn invitations_work_once_for_the_invited_account(backend: Backend) {
    let t = team(backend).await;
    // Through the server function: the link is returned once, the token is stored hashed.
    let invitee_email = support::email();
    let (status, body) = t
        .owner
        .call(&t.app, "add_member", &[("slug", &t.slug), ("email", &invitee_email), ("role", "developer")])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = support::invitation_token(&body);
    let project = t.store.project_members().find(&t.owner.id, &t.slug).await.unwrap().unwrap();
    assert!(t.store.project_invitations().by_token(&token).await.unwrap().is_none(), "not stored in the clear");
    assert!(t.store.project_invitations().by_token(&tokens::hash(&token)).await.unwrap().is_some());
    let listing = t.owner.call(&t.app, "list_members", &[("slug", &t.slug)]).await.1;
    assert!(!listing.contains(&token), "the token is never listed again");

    // Anyone may look; the wrong account may not accept.
    let (status, body) = t.outsider.call(&t.app, "get_invitation", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = t.outsider.call(&t.app, "accept_invitation", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains(&invitee_email), "{body}");

    let invitee = Person::sign_up(&t.app, "Ivy Invitee").await;
    assert_eq!(invitee.email, invitee.email.to_lowercase());
    // The invitee signed up with another address: refused as well.
    assert_eq!(invitee.call(&t.app, "accept_invitation", &[("token", &token)]).await.0, StatusCode::FORBIDDEN);

    // The right account joins with the invited role, once.
    let right = Person::sign_up_as(&t.app, "Right Person", &invitee_email).await;
    let (status, _) = right.call(&t.app, "accept_invitation", &[("token", &token)]).await;
    assert!(status.is_redirection() || status.is_success(), "{status}");
    assert_eq!(t.store.project_members().find(&right.id, &t.slug).await.unwrap().unwrap().role, Role::Developer);
    let (status, body) = right.call(&t.app, "accept_invitation", &[("token", &token)]).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("already been used"), "{body}");

    // Expired and revoked tokens are refused with their own message.
    let expired = invite(&t, &right.email, Role::Owner, Duration::seconds(-1)).await;
    let (status, body) = right.call(&t.app, "accept_invitation", &[("token", &expired)]).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("expired"), "{body}");

    let revoked = invite(&t, &t.outsider.email, Role::Owner, Duration::days(7)).await;
    let pending = t.store.project_invitations().pending(&project.project_id, OffsetDateTime::now_utc()).await.unwrap();
    let id = pending.iter().find(|i| i.email == t.outsider.email).unwrap().id.clone();
    assert_eq!(
        t.owner.call(&t.app, "revoke_invitation", &[("slug", &t.slug), ("invitation_id", &id)]).await.0,
        StatusCode::OK
    );
    let (status, body) = t.outsider.call(&t.app, "accept_invitation", &[("token", &revoked)]).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("withdrawn"), "{body}");
    assert!(t.store.project_members().find(&t.outsider.id, &t.slug).await.unwrap().is_none());

    let (status, body) = t.outsider.call(&t.app, "get_invitation", &[("token", "invite_made_up")]).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("not valid"), "{body}");
}

async fn the_plain_add_form_shows_the_invitation_link_once(backend: Backend) {
    let t = team(backend).await;
    let url = t.app.url(&format!("/projects/{}/members/add", t.slug));
    let post = |who: &Person, email: &str| who.client.post(&url).form(&[("email", email), ("role", "viewer")]).send();

    let invited = support::email();
    let response = post(&t.owner, &invited).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page = response.text().await.unwrap();
    let token = page.split("/invite/").nth(1).and_then(|rest| rest.split('"').next()).expect("the link").to_string();
    assert_eq!(t.outsider.call(&t.app, "get_invitation", &[("token", &token)]).await.0, StatusCode::OK);

    // An existing account gets an invitation too, never a membership at once.
    let response = post(&t.owner, &t.outsider.email).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("/invite/"));
    assert!(t.store.project_members().find(&t.outsider.id, &t.slug).await.unwrap().is_none());

    let response = post(&t.owner, "not-an-email").await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = response.headers()["location"].to_str().unwrap().to_string();
    assert!(back.ends_with("?error=email"), "{back}");
    let page = t.owner.client.get(t.app.url(&back)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Enter a valid email address"), "the code's message is shown");
    let spoofed = t.owner.client.get(t.app.url(&format!("{back}x"))).send().await.unwrap().text().await.unwrap();
    assert!(!spoofed.contains("Enter a valid email address") && !spoofed.contains("emailx"));

    let before = snapshot(&t.store, &t.owner.id, &t.slug).await;
    assert_eq!(post(&t.developer, &support::email()).await.unwrap().status(), StatusCode::FORBIDDEN);
    let stranger = Person::sign_up(&t.app, "Stranger").await;
    assert_eq!(post(&stranger, &support::email()).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(snapshot(&t.store, &t.owner.id, &t.slug).await, before);
}

/// Someone who signed up with Alice's address before she did gets nothing
/// when Alice is invited: the answer is the same for an email with an
/// account and one without, and only the link lets anyone in.
async fn an_email_squatter_never_joins(backend: Backend) {
    let t = team(backend).await;
    let alice = support::email();
    let squatter = Person::sign_up_as(&t.app, "Not Alice", &alice).await;
    let nobody = support::email();
    let invite = |email: String| {
        let form = [("slug", t.slug.clone()), ("email", email), ("role", "owner".to_string())];
        let (client, url) = (t.owner.client.clone(), t.app.url("/api/dashboard/add_member"));
        async move {
            let response = client.post(url).form(&form).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, known) = invite(alice.clone()).await;
    assert_eq!(status, StatusCode::OK, "{known}");
    let (status, unknown) = invite(nobody.clone()).await;
    assert_eq!(status, StatusCode::OK, "{unknown}");
    let same = |body: &str, email: &str| {
        let link = support::parse::<banata::domain::InvitationCreated>(body).link;
        body.replace(&link, "LINK").replace(email, "EMAIL")
    };
    assert_eq!(same(&known, &alice), same(&unknown, &nobody), "byte for byte, apart from the link");

    // The squatter is no member, sees nothing of the project, and cannot
    // join without the link (which went to the real Alice).
    let project = t.store.project_members().find(&t.owner.id, &t.slug).await.unwrap().unwrap();
    let members = t.store.project_members().list(&project.project_id).await.unwrap();
    assert!(members.iter().all(|m| m.user_id != squatter.id), "not added by the invitation");
    assert_eq!(squatter.call(&t.app, "open_project", &[("slug", &t.slug)]).await.0, StatusCode::NOT_FOUND);
    let guessed = tokens::invitation_token();
    assert_eq!(squatter.call(&t.app, "accept_invitation", &[("token", &guessed)]).await.0, StatusCode::GONE);
    assert!(t.store.project_members().find(&squatter.id, &t.slug).await.unwrap().is_none());
    // Owners still see both invitations, pending, to revoke.
    let pending = t.store.project_invitations().pending(&project.project_id, OffsetDateTime::now_utc()).await.unwrap();
    let mut emails: Vec<&str> = pending.iter().map(|i| i.email.as_str()).collect();
    emails.sort_unstable();
    let mut expected = [alice.as_str(), nobody.as_str()];
    expected.sort_unstable();
    assert_eq!(emails, expected);
}

/// No project holds more pending invitations than the setting allows.
async fn pending_invitations_are_bounded(backend: Backend) {
    let app = TestApp::start_with(backend, &["--max-pending-invitations", "2"]).await;
    let owner = Person::sign_up(&app, "Olive Owner").await;
    let slug = app.db.store().await.project_members().of_account(&owner.id).await.unwrap().remove(0).slug;
    let invite = |email: String| {
        let (owner, app, slug) = (&owner, &app, slug.clone());
        async move { owner.call(app, "add_member", &[("slug", &slug), ("email", &email), ("role", "viewer")]).await }
    };
    for _ in 0..2 {
        assert_eq!(invite(support::email()).await.0, StatusCode::OK);
    }
    let (status, body) = invite(support::email()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("2 pending invitations"), "{body}");
    let project = app.db.store().await.project_members().find(&owner.id, &slug).await.unwrap().unwrap();
    let pending =
        app.db.store().await.project_invitations().pending(&project.project_id, OffsetDateTime::now_utc()).await;
    assert_eq!(pending.unwrap().len(), 2, "nothing made by the refused one");
}

on_both_backends!(
    the_plain_add_form_shows_the_invitation_link_once,
    every_project_function_checks_membership_and_role,
    another_projects_ids_are_not_found,
    the_last_owner_cannot_be_demoted_removed_or_leave,
    owners_manage_members_and_a_removed_member_loses_access,
    projects_are_created_renamed_moved_and_deleted,
    invitations_work_once_for_the_invited_account,
    an_email_squatter_never_joins,
    pending_invitations_are_bounded,
);
