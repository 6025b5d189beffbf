//! The store conformance suite: every case runs against SQLite and PostgreSQL.
#![cfg(feature = "ssr")]

mod support;

use banata::auth::accounts;
use banata::domain::Role;
use banata::store::{NewProject, NewUser, StoreError};
use support::{Backend, TestDb};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

fn new_user(email: &str) -> NewUser {
    NewUser {
        id: format!("usr_{}", support::email().replace(['@', '.'], "")),
        name: "Ada Lovelace".into(),
        email: email.into(),
        password_hash: "$argon2id$not-a-real-hash".into(),
        created_at: OffsetDateTime::now_utc(),
    }
}

fn new_project(owner: &str, slug: &str) -> NewProject {
    NewProject {
        id: format!("proj_{slug}"),
        name: format!("Project {slug}"),
        slug: slug.into(),
        owner_id: owner.into(),
        created_at: OffsetDateTime::now_utc(),
    }
}

async fn users_are_found_by_id_and_by_email_in_any_case(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let email = support::email();
    let user = store.insert_user(&new_user(&email)).await.unwrap();

    assert_eq!(store.user_by_id(&user.id).await.unwrap(), Some(user.clone()));
    let found = store.credentials_by_email(&email.to_uppercase()).await.unwrap().expect("found by email");
    assert_eq!(found.user, user);
    assert_eq!(found.password_hash, "$argon2id$not-a-real-hash");
    assert_eq!(store.user_by_id("usr_missing").await.unwrap(), None);
    assert!(store.credentials_by_email("nobody@example.com").await.unwrap().is_none());
}

async fn a_taken_email_is_a_conflict_whatever_its_case(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let email = support::email();
    store.insert_user(&new_user(&email)).await.unwrap();

    let again = store.insert_user(&new_user(&email.to_uppercase())).await;
    assert!(matches!(again, Err(StoreError::Conflict("email"))), "{again:?}");
}

async fn a_project_comes_with_its_owner(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();

    let membership = store.insert_project(&new_project(&user.id, "alpha")).await.unwrap();
    assert_eq!(membership.role, Role::Owner);
    store.insert_project(&new_project(&user.id, "beta")).await.unwrap();

    let all = store.memberships(&user.id).await.unwrap();
    let slugs: Vec<_> = all.iter().map(|m| m.slug.as_str()).collect();
    assert_eq!(slugs, ["alpha", "beta"], "oldest membership first");
    assert!(all.iter().all(|m| m.role == Role::Owner));
    assert!(store.memberships("usr_nobody").await.unwrap().is_empty());
}

async fn a_taken_slug_is_a_conflict_and_writes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let first = store.insert_user(&new_user(&support::email())).await.unwrap();
    let second = store.insert_user(&new_user(&support::email())).await.unwrap();
    store.insert_project(&new_project(&first.id, "shared")).await.unwrap();

    let mut clash = new_project(&second.id, "shared");
    clash.id = "proj_other".into();
    let result = store.insert_project(&clash).await;
    assert!(matches!(result, Err(StoreError::Conflict("slug"))), "{result:?}");
    assert!(store.memberships(&second.id).await.unwrap().is_empty(), "no membership without its project");
}

async fn the_default_project_is_made_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();

    let first = accounts::ensure_default_project(&*store, &user).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].name, "Ada Lovelace's project");
    assert_eq!(first[0].slug, "ada-lovelace-s-project");
    let again = accounts::ensure_default_project(&*store, &user).await.unwrap();
    assert_eq!(again, first, "a second sign-in makes no second project");

    // Another Ada gets the same name but a slug of her own.
    let other = store.insert_user(&new_user(&support::email())).await.unwrap();
    let theirs = accounts::ensure_default_project(&*store, &other).await.unwrap();
    assert_eq!(theirs[0].name, "Ada Lovelace's project");
    assert_ne!(theirs[0].slug, first[0].slug);
    assert!(theirs[0].slug.starts_with("ada-lovelace-s-project-"));
}

async fn sessions_live_in_the_same_database(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let sessions = store.sessions();
    let mut record = Record {
        id: Id::default(),
        data: [("user_id".to_string(), serde_json::json!("usr_1"))].into_iter().collect(),
        expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    sessions.create(&mut record).await.unwrap();
    let loaded = sessions.load(&record.id).await.unwrap().expect("session saved");
    assert_eq!(loaded.data, record.data);

    // A second connection (another instance) sees the same session.
    let other = db.store().await.sessions();
    assert!(other.load(&record.id).await.unwrap().is_some());

    let mut expired = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: OffsetDateTime::now_utc() - time::Duration::hours(1),
    };
    sessions.create(&mut expired).await.unwrap();
    sessions.delete_expired().await.unwrap();
    assert!(sessions.load(&expired.id).await.unwrap().is_none());
    assert!(sessions.load(&record.id).await.unwrap().is_some(), "live sessions survive the clean-up");

    sessions.delete(&record.id).await.unwrap();
    assert!(sessions.load(&record.id).await.unwrap().is_none());
}

async fn ping_answers(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.store().await.ping().await.unwrap();
}

on_both_backends!(
    users_are_found_by_id_and_by_email_in_any_case,
    a_taken_email_is_a_conflict_whatever_its_case,
    a_project_comes_with_its_owner,
    a_taken_slug_is_a_conflict_and_writes_nothing,
    the_default_project_is_made_once,
    sessions_live_in_the_same_database,
    ping_answers,
);
