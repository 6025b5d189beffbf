//! Dashboard accounts, projects, their members and invitations, and the
//! dashboard's session records.

use super::{new_project, new_user};
use crate::support;
use crate::support::{actor as as_, Backend, TestDb};
use banata::auth::accounts;
use banata::domain::Role;
use banata::store::{NewInvitation, StoreError};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

async fn users_are_found_by_id_and_by_email_in_any_case(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let email = support::email();
    let user = store.accounts().insert(&new_user(&email)).await.unwrap();

    assert_eq!(store.accounts().by_id(&user.id).await.unwrap(), Some(user.clone()));
    let found = store.accounts().credentials(&email.to_uppercase()).await.unwrap().expect("found by email");
    assert_eq!(found.user, user);
    assert_eq!(found.password_hash, "$argon2id$not-a-real-hash");
    assert_eq!(store.accounts().by_id("usr_missing").await.unwrap(), None);
    assert!(store.accounts().credentials("nobody@example.com").await.unwrap().is_none());
}

async fn a_taken_email_is_a_conflict_whatever_its_case(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let email = support::email();
    store.accounts().insert(&new_user(&email)).await.unwrap();

    let again = store.accounts().insert(&new_user(&email.to_uppercase())).await;
    assert!(matches!(again, Err(StoreError::Conflict("email"))), "{again:?}");
}

async fn a_project_comes_with_its_owner(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();

    let membership = store.projects().insert(&new_project(&user.id, "alpha")).await.unwrap();
    assert_eq!(membership.role, Role::Owner);
    store.projects().insert(&new_project(&user.id, "beta")).await.unwrap();

    let all = store.project_members().of_account(&user.id).await.unwrap();
    let slugs: Vec<_> = all.iter().map(|m| m.slug.as_str()).collect();
    assert_eq!(slugs, ["alpha", "beta"], "oldest membership first");
    assert!(all.iter().all(|m| m.role == Role::Owner));
    assert!(store.project_members().of_account("usr_nobody").await.unwrap().is_empty());
}

async fn a_taken_slug_is_a_conflict_and_writes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let first = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let second = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    store.projects().insert(&new_project(&first.id, "shared")).await.unwrap();

    let mut clash = new_project(&second.id, "shared");
    clash.id = "proj_other".into();
    let result = store.projects().insert(&clash).await;
    assert!(matches!(result, Err(StoreError::Conflict("slug"))), "{result:?}");
    assert!(
        store.project_members().of_account(&second.id).await.unwrap().is_empty(),
        "no membership without its project"
    );
}

async fn the_default_project_is_made_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();

    let first = accounts::ensure_default_project(&*store, &user).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].name, "Ada Lovelace's project");
    assert_eq!(first[0].slug, "ada-lovelace-s-project");
    let again = accounts::ensure_default_project(&*store, &user).await.unwrap();
    assert_eq!(again, first, "a second sign-in makes no second project");

    // Another Ada gets the same name but a slug of her own.
    let other = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let theirs = accounts::ensure_default_project(&*store, &other).await.unwrap();
    assert_eq!(theirs[0].name, "Ada Lovelace's project");
    assert_ne!(theirs[0].slug, first[0].slug);
    assert!(theirs[0].slug.starts_with("ada-lovelace-s-project-"));
}

async fn sessions_live_in_the_same_database(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let sessions = store.session_backend();
    let mut record = Record {
        id: Id::default(),
        data: [("user_id".to_string(), serde_json::json!("usr_1"))].into_iter().collect(),
        expiry_date: OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    sessions.create(&mut record).await.unwrap();
    let loaded = sessions.load(&record.id).await.unwrap().expect("session saved");
    assert_eq!(loaded.data, record.data);

    // A second connection (another instance) sees the same session.
    let other = db.store().await.session_backend();
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

async fn membership_is_resolved_with_the_project_in_one_step(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let stranger = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    store.projects().insert(&new_project(&owner.id, "alpha")).await.unwrap();

    let found = store.project_members().find(&owner.id, "alpha").await.unwrap().expect("owner sees it");
    assert_eq!((found.slug.as_str(), found.role), ("alpha", Role::Owner));
    assert_eq!(store.project_members().find(&stranger.id, "alpha").await.unwrap(), None, "a stranger sees nothing");
    assert_eq!(store.project_members().find(&owner.id, "missing").await.unwrap(), None);

    support::join_in_store(&*store, &found.project_id, &stranger.id, Role::Viewer).await;
    assert_eq!(store.project_members().find(&stranger.id, "alpha").await.unwrap().unwrap().role, Role::Viewer);
    // A second invitation accepted keeps the role they have.
    support::join_in_store(&*store, &found.project_id, &stranger.id, Role::Owner).await;
    assert_eq!(store.project_members().find(&stranger.id, "alpha").await.unwrap().unwrap().role, Role::Viewer);

    let summaries = store.projects().summaries(&stranger.id).await.unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].key_count, 0);
}

async fn projects_are_renamed_moved_and_deleted(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let a = store.projects().insert(&new_project(&owner.id, "alpha")).await.unwrap();
    store.projects().insert(&new_project(&owner.id, "beta")).await.unwrap();

    store
        .projects()
        .rename(&a.project_id, "Alpha Two", &as_(&owner.id), time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert!(matches!(
        store.projects().change_slug(&a.project_id, "beta", &as_(&owner.id), time::OffsetDateTime::now_utc()).await,
        Err(StoreError::Conflict("slug"))
    ));
    store
        .projects()
        .change_slug(&a.project_id, "alpha-two", &as_(&owner.id), time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(store.project_members().find(&owner.id, "alpha").await.unwrap(), None);
    assert_eq!(store.project_members().find(&owner.id, "alpha-two").await.unwrap().unwrap().name, "Alpha Two");
    assert!(matches!(
        store.projects().rename("proj_missing", "x", &as_(&owner.id), time::OffsetDateTime::now_utc()).await,
        Err(StoreError::NotFound(_))
    ));

    store.accounts().set_last_project(&owner.id, &a.project_id).await.unwrap();
    assert_eq!(store.accounts().last_project(&owner.id).await.unwrap(), Some(a.project_id.clone()));
    store.projects().delete(&a.project_id, &as_(&owner.id), time::OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(store.accounts().last_project(&owner.id).await.unwrap(), None, "forgotten with the project");
    assert_eq!(store.project_members().of_account(&owner.id).await.unwrap().len(), 1);
    assert!(matches!(
        store.projects().delete(&a.project_id, &as_(&owner.id), time::OffsetDateTime::now_utc()).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn the_last_owner_stays_even_under_concurrent_demotion(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let first = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let second = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&first.id, "alpha")).await.unwrap();
    let id = project.project_id.clone();

    assert!(matches!(
        store
            .project_members()
            .change_role(&id, &first.id, Role::Viewer, &as_(&first.id), time::OffsetDateTime::now_utc())
            .await,
        Err(StoreError::LastOwner)
    ));
    assert!(matches!(
        store.project_members().remove(&id, &first.id, &as_(&first.id), time::OffsetDateTime::now_utc()).await,
        Err(StoreError::LastOwner)
    ));
    assert!(matches!(
        store
            .project_members()
            .change_role(&id, &second.id, Role::Viewer, &as_(&first.id), time::OffsetDateTime::now_utc())
            .await,
        Err(StoreError::NotFound(_))
    ));

    let by = as_(&first.id);
    for _ in 0..5 {
        support::join_in_store(&*store, &id, &second.id, Role::Owner).await;
        // Both owners step down at once: exactly one may.
        let (a, b) = tokio::join!(
            store.project_members().change_role(&id, &first.id, Role::Developer, &by, time::OffsetDateTime::now_utc()),
            store.project_members().remove(&id, &second.id, &by, time::OffsetDateTime::now_utc())
        );
        assert!(a.is_ok() != b.is_ok(), "one of two concurrent demotions wins: {a:?} {b:?}");
        let owners =
            store.project_members().list(&id).await.unwrap().into_iter().filter(|m| m.role == Role::Owner).count();
        assert_eq!(owners, 1);
        // Reset: `first` is the owner again, `second` gone.
        if a.is_ok() {
            store
                .project_members()
                .change_role(&id, &first.id, Role::Owner, &as_(&second.id), time::OffsetDateTime::now_utc())
                .await
                .unwrap();
            store
                .project_members()
                .remove(&id, &second.id, &as_(&first.id), time::OffsetDateTime::now_utc())
                .await
                .unwrap();
        }
    }
}

async fn concurrent_projects_never_share_a_slug(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let attempts = (0..8).map(|i| {
        let store = store.clone();
        let mut project = new_project(&user.id, "contested");
        project.id = format!("proj_contested_{i}");
        tokio::spawn(async move { store.projects().insert(&project).await })
    });
    let results: Vec<_> = futures_join_all(attempts).await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    assert!(results.iter().filter(|r| r.is_err()).all(|r| matches!(r, Err(StoreError::Conflict("slug")))));
    assert_eq!(store.project_members().of_account(&user.id).await.unwrap().len(), 1);
}

async fn futures_join_all<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.unwrap());
    }
    out
}

async fn invitations_are_accepted_once(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let guest = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&owner.id, "alpha")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let invitation = |id: &str, hash: &str, expires: OffsetDateTime| NewInvitation {
        id: id.into(),
        project_id: project.project_id.clone(),
        email: "guest@example.com".into(),
        role: Role::Developer,
        token_hash: hash.into(),
        invited_by: owner.id.clone(),
        created_at: now,
        expires_at: expires,
        mail: None,
    };
    store
        .project_invitations()
        .insert(&invitation("inv_live", "hash-live", now + time::Duration::days(7)), &as_(&owner.id))
        .await
        .unwrap();
    store
        .project_invitations()
        .insert(&invitation("inv_old", "hash-old", now - time::Duration::seconds(1)), &as_(&owner.id))
        .await
        .unwrap();
    store
        .project_invitations()
        .insert(&invitation("inv_gone", "hash-gone", now + time::Duration::days(7)), &as_(&owner.id))
        .await
        .unwrap();
    store.project_invitations().revoke(&project.project_id, "inv_gone", now, &as_(&owner.id)).await.unwrap();
    assert!(matches!(
        store.project_invitations().revoke("proj_other", "inv_live", now, &as_(&owner.id)).await,
        Err(StoreError::NotFound(_))
    ));

    let pending: Vec<_> = store
        .project_invitations()
        .pending(&project.project_id, now)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(pending, ["inv_live"], "expired and revoked ones are not pending");
    let record = store.project_invitations().by_token("hash-live").await.unwrap().unwrap();
    assert_eq!((record.role, record.accepted, record.revoked), (Role::Developer, false, false));
    assert!(store.project_invitations().by_token("hash-gone").await.unwrap().unwrap().revoked);

    let by = as_(&guest.id);
    let (a, b) = tokio::join!(
        store.project_invitations().accept("inv_live", &by, now),
        store.project_invitations().accept("inv_live", &by, now)
    );
    assert!(a.is_ok() != b.is_ok(), "accepted exactly once: {a:?} {b:?}");
    assert_eq!(store.project_members().find(&guest.id, "alpha").await.unwrap().unwrap().role, Role::Developer);
    assert!(store.project_invitations().by_token("hash-live").await.unwrap().unwrap().accepted);
    assert!(matches!(
        store.project_invitations().accept("inv_old", &as_(&guest.id), now).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.project_invitations().accept("inv_gone", &as_(&guest.id), now).await,
        Err(StoreError::NotFound(_))
    ));
}

on_both_backends!(
    users_are_found_by_id_and_by_email_in_any_case,
    a_taken_email_is_a_conflict_whatever_its_case,
    a_project_comes_with_its_owner,
    a_taken_slug_is_a_conflict_and_writes_nothing,
    the_default_project_is_made_once,
    sessions_live_in_the_same_database,
    membership_is_resolved_with_the_project_in_one_step,
    projects_are_renamed_moved_and_deleted,
    the_last_owner_stays_even_under_concurrent_demotion,
    concurrent_projects_never_share_a_slug,
    invitations_are_accepted_once,
);
