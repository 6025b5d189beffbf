//! The audit log over real HTTP, on both backends: every audited change is
//! recorded once with who made it and from where; a refused change records
//! nothing; readers, filters, paging and exports.

use crate::support;
use crate::support::{Backend, Person, TestApp, TEST_USER_AGENT};
use banata::admin::key_types::CreateKeyRequest;
use banata::domain::{ActorKind, AuditAction, AuditPage};
use banata::store::{AuditQuery, Store};
use reqwest::StatusCode;
use std::sync::Arc;
use time::OffsetDateTime;

fn ok(answer: (StatusCode, String)) -> String {
    assert!(answer.0.is_success() || answer.0.is_redirection(), "{} {}", answer.0, answer.1);
    answer.1
}

async fn log(person: &Person, app: &TestApp, slug: &str, filters: &[(&str, &str)]) -> AuditPage {
    let mut form = vec![("slug", slug)];
    form.extend_from_slice(filters);
    serde_json::from_str(&ok(person.call(app, "audit_log", &form).await)).unwrap()
}

async fn count(store: &Arc<dyn Store>, project_id: &str) -> usize {
    store.audit().events(project_id, &AuditQuery { limit: 10_000, ..AuditQuery::default() }).await.unwrap().len()
}

async fn every_change_is_recorded_with_who_and_where(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let owner = Person::sign_up(&app, "Olive Owner").await;
    let mate = Person::sign_up(&app, "Mate Member").await;
    let project = store.project_members().of_account(&owner.id).await.unwrap().remove(0);
    let slug = project.slug.as_str();

    let body = ok(owner.call(&app, "create_key", &[("slug", slug), ("name", "billing"), ("expires", "30")]).await);
    let key_id = support::created_key(&body).key.id;
    ok(owner.call(&app, "revoke_key", &[("slug", slug), ("key_id", &key_id)]).await);
    mate.join(&app, &owner, slug, "viewer").await;
    ok(owner.call(&app, "change_role", &[("slug", slug), ("user_id", &mate.id), ("role", "developer")]).await);
    ok(owner.call(&app, "remove_member", &[("slug", slug), ("user_id", &mate.id)]).await);
    ok(owner.call(&app, "add_member", &[("slug", slug), ("email", "ghost@example.com"), ("role", "viewer")]).await);
    let ghost =
        store.project_invitations().pending(&project.project_id, OffsetDateTime::now_utc()).await.unwrap().remove(0);
    ok(owner.call(&app, "revoke_invitation", &[("slug", slug), ("invitation_id", &ghost.id)]).await);
    let newcomer_email = support::email();
    let body =
        ok(owner.call(&app, "add_member", &[("slug", slug), ("email", &newcomer_email), ("role", "developer")]).await);
    let token = support::invitation_token(&body);
    let newcomer = Person::sign_up_as(&app, "New Comer", &newcomer_email).await;
    ok(newcomer.call(&app, "accept_invitation", &[("token", &token)]).await);
    ok(owner.call(&app, "rename_project", &[("slug", slug), ("name", "Audited")]).await);
    let moved = format!("{slug}-moved");
    ok(owner.call(&app, "change_slug", &[("slug", slug), ("new_slug", &moved)]).await);
    // An application with a key of the project.
    let body = ok(owner.call(&app, "create_key", &[("slug", &moved), ("name", "robot"), ("expires", "never")]).await);
    let robot = banata::client::Client::new(&app.base, &support::created_key(&body).secret);
    let request = CreateKeyRequest { name: Some("made-by-robot".into()), ..CreateKeyRequest::default() };
    let made = robot.create(&request).await.unwrap();
    robot.delete(&made.api_key.id).await.unwrap();

    let page = log(&owner, &app, &moved, &[]).await;
    let actions: Vec<&str> = page.events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "api_key.created",
            "api_key.revoked",
            "invitation.created",
            "invitation.accepted",
            "member.role_changed",
            "member.removed",
            "invitation.created",
            "invitation.revoked",
            "invitation.created",
            "invitation.accepted",
            "project.renamed",
            "project.url_changed",
            "api_key.created",
            "api_key.created",
            "api_key.revoked",
        ],
        "each change once, oldest last"
    );
    let seqs: Vec<i64> = page.events.iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "newest first: {seqs:?}");
    for event in &page.events {
        assert_eq!(event.ip.as_deref(), Some("127.0.0.1"), "{event:?}");
        let by_robot = event.actor_kind == ActorKind::ApiKey;
        let expected_agent = if by_robot { "banata-rust-client/" } else { TEST_USER_AGENT };
        assert!(event.user_agent.as_deref().unwrap_or("").starts_with(expected_agent), "{event:?}");
        let expected_actor = match (by_robot, event.action) {
            (true, _) => "robot",
            (false, AuditAction::InvitationAccepted) if event.target_name == mate.email => "Mate Member",
            (false, AuditAction::InvitationAccepted) => "New Comer",
            (false, _) => "Olive Owner",
        };
        assert_eq!(event.actor_name, expected_actor, "{event:?}");
    }
    let oldest = page.events.last().unwrap();
    assert_eq!((oldest.target_id.as_str(), oldest.target_name.as_str()), (key_id.as_str(), "billing"));
    assert!(oldest.detail.starts_with("expires 20"), "{oldest:?}");
    let role_change = page.events.iter().find(|e| e.action == AuditAction::MemberRoleChanged).unwrap();
    assert_eq!((role_change.target_name.as_str(), role_change.detail.as_str()), ("Mate Member", "Viewer → Developer"));
    let renamed = page.events.iter().find(|e| e.action == AuditAction::ProjectRenamed).unwrap();
    assert_eq!(renamed.detail, format!("{} → Audited", project.name));
    let by_robot: Vec<_> = page.events.iter().filter(|e| e.actor_kind == ActorKind::ApiKey).collect();
    assert_eq!(by_robot.len(), 2);
    assert!(by_robot.iter().all(|e| e.target_name == "made-by-robot"));

    // The actor filter lists everyone; filters narrow the page.
    let names: Vec<&str> = page.actors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Mate Member", "New Comer", "Olive Owner", "robot"]);
    let created = log(&owner, &app, &moved, &[("action", "api_key.created")]).await;
    assert_eq!(created.events.len(), 3);
    let robot_id = by_robot[0].actor_id.clone();
    let robots = log(&owner, &app, &moved, &[("actor", &robot_id)]).await;
    assert!(robots.events.len() == 2 && robots.events.iter().all(|e| e.actor_id == robot_id));
    let none = log(&owner, &app, &moved, &[("actor", &robot_id), ("action", "invitation.accepted")]).await;
    assert!(none.events.is_empty());

    // Deleting the project is the last entry, and the record outlives it.
    ok(owner.call(&app, "delete_project", &[("slug", &moved), ("confirm", "Audited")]).await);
    let kept =
        store.audit().events(&project.project_id, &AuditQuery { limit: 100, ..AuditQuery::default() }).await.unwrap();
    assert_eq!(kept.len(), 16);
    assert_eq!((kept[0].action, kept[0].target_name.as_str()), (AuditAction::ProjectDeleted, "Audited"));
}

async fn refused_changes_record_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let owner = Person::sign_up(&app, "Olive Owner").await;
    let project = store.project_members().of_account(&owner.id).await.unwrap().remove(0);
    let slug = project.slug.as_str();
    ok(owner.call(&app, "create_key", &[("slug", slug), ("name", "billing"), ("expires", "never")]).await);
    let before = count(&store, &project.project_id).await;
    assert_eq!(before, 1);

    let refused = [
        owner.call(&app, "create_key", &[("slug", slug), ("name", "BILLING"), ("expires", "never")]).await,
        owner.call(&app, "create_key", &[("slug", slug), ("name", ""), ("expires", "never")]).await,
        owner.call(&app, "revoke_key", &[("slug", slug), ("key_id", "key_doesnotexist")]).await,
        owner.call(&app, "remove_member", &[("slug", slug), ("user_id", &owner.id)]).await,
        owner.call(&app, "change_role", &[("slug", slug), ("user_id", &owner.id), ("role", "viewer")]).await,
        owner.call(&app, "revoke_invitation", &[("slug", slug), ("invitation_id", "inv_nope")]).await,
        owner.call(&app, "rename_project", &[("slug", slug), ("name", "")]).await,
        owner.call(&app, "delete_project", &[("slug", slug), ("confirm", "wrong name")]).await,
    ];
    for (status, body) in refused {
        assert!(status.is_client_error(), "{status} {body}");
    }
    assert_eq!(count(&store, &project.project_id).await, before, "nothing recorded for a refused change");
}

async fn only_owners_and_developers_read_it_and_pages_do_not_overlap(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let owner = Person::sign_up(&app, "Olive Owner").await;
    let viewer = Person::sign_up(&app, "Vi Ewer").await;
    let outsider = Person::sign_up(&app, "Mallory").await;
    let project = store.project_members().of_account(&owner.id).await.unwrap().remove(0);
    let slug = project.slug.as_str();
    viewer.join(&app, &owner, slug, "viewer").await;
    // 58 more events, written as the dashboard would.
    for n in 0..58 {
        let spec = banata::services::keys::KeySpec {
            project_id: &project.project_id,
            name: format!("key-{n}"),
            permissions: vec![],
            expires_at: None,
        };
        banata::services::keys::issue(&*store, spec, &support::actor(&owner.id), OffsetDateTime::now_utc())
            .await
            .unwrap();
    }

    let first = log(&owner, &app, slug, &[]).await;
    assert_eq!(first.events.len(), 50);
    let cursor = first.next_cursor.expect("a second page").to_string();
    let second = log(&owner, &app, slug, &[("before", &cursor)]).await;
    assert_eq!(second.events.len(), 10);
    assert_eq!(second.next_cursor, None);
    let mut seqs: Vec<i64> = first.events.iter().chain(&second.events).map(|e| e.seq).collect();
    seqs.dedup();
    assert_eq!(seqs.len(), 60, "no event twice, none missing");
    assert_eq!(second.events.last().unwrap().action, AuditAction::InvitationCreated);

    // Bad filters are refused, not ignored.
    for bad in [("action", "api_key.exploded"), ("before", "-4"), ("actor", &"x".repeat(65))] {
        let (status, body) = owner.call(&app, "audit_log", &[("slug", slug), bad]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {body}");
    }

    // Viewers are told why; outsiders see no project; the export follows suit.
    let (status, body) = viewer.call(&app, "audit_log", &[("slug", slug)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(outsider.call(&app, "audit_log", &[("slug", slug)]).await.0, StatusCode::NOT_FOUND);
    let export = |person: &Person, query: &str| {
        let url = app.url(&format!("/projects/{slug}/audit-log/export?{query}"));
        let client = person.client.clone();
        async move { client.get(url).send().await.unwrap() }
    };
    assert_eq!(export(&viewer, "format=csv").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(export(&outsider, "format=csv").await.status(), StatusCode::NOT_FOUND);
    let signed_out =
        support::client().get(app.url(&format!("/projects/{slug}/audit-log/export"))).send().await.unwrap();
    assert!(signed_out.status().is_redirection(), "to sign-in: {}", signed_out.status());
    assert_eq!(export(&owner, "format=xml").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(export(&owner, "action=nope").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The export holds every event (more than one batch is not needed to
    // prove paging: the store pages the same way), filters applied.
    let csv = export(&owner, "format=csv").await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 61, "a header and 60 rows");
    assert!(csv.starts_with("time,action,actor_kind,"));
    let ndjson = export(&owner, "format=ndjson&action=invitation.accepted").await.text().await.unwrap();
    let rows: Vec<serde_json::Value> = ndjson.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["target"]["name"], viewer.email);
    assert_eq!(rows[0]["actor"]["name"], "Vi Ewer");
}

on_both_backends!(
    every_change_is_recorded_with_who_and_where,
    refused_changes_record_nothing,
    only_owners_and_developers_read_it_and_pages_do_not_overlap,
);
