//! The store conformance suite: every case runs against SQLite and PostgreSQL.

use crate::support;
use crate::support::{actor as as_, Backend, TestDb};
use banata::auth::accounts;
use banata::domain::Role;
use banata::store::{JwtKey, KeyQuery, KeyUse, NewInvitation, NewKey, NewProject, NewUser, Store, StoreError};
use std::sync::Arc;
use support::Tenant;
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
        mail: None,
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

async fn membership_is_resolved_with_the_project_in_one_step(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.insert_user(&new_user(&support::email())).await.unwrap();
    let stranger = store.insert_user(&new_user(&support::email())).await.unwrap();
    store.insert_project(&new_project(&owner.id, "alpha")).await.unwrap();

    let found = store.membership(&owner.id, "alpha").await.unwrap().expect("owner sees it");
    assert_eq!((found.slug.as_str(), found.role), ("alpha", Role::Owner));
    assert_eq!(store.membership(&stranger.id, "alpha").await.unwrap(), None, "a stranger sees nothing");
    assert_eq!(store.membership(&owner.id, "missing").await.unwrap(), None);

    support::join_in_store(&*store, &found.project_id, &stranger.id, Role::Viewer).await;
    assert_eq!(store.membership(&stranger.id, "alpha").await.unwrap().unwrap().role, Role::Viewer);
    // A second invitation accepted keeps the role they have.
    support::join_in_store(&*store, &found.project_id, &stranger.id, Role::Owner).await;
    assert_eq!(store.membership(&stranger.id, "alpha").await.unwrap().unwrap().role, Role::Viewer);

    let summaries = store.project_summaries(&stranger.id).await.unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].key_count, 0);
}

async fn projects_are_renamed_moved_and_deleted(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.insert_user(&new_user(&support::email())).await.unwrap();
    let a = store.insert_project(&new_project(&owner.id, "alpha")).await.unwrap();
    store.insert_project(&new_project(&owner.id, "beta")).await.unwrap();

    store.rename_project(&a.project_id, "Alpha Two", &as_(&owner.id)).await.unwrap();
    assert!(matches!(
        store.change_slug(&a.project_id, "beta", &as_(&owner.id)).await,
        Err(StoreError::Conflict("slug"))
    ));
    store.change_slug(&a.project_id, "alpha-two", &as_(&owner.id)).await.unwrap();
    assert_eq!(store.membership(&owner.id, "alpha").await.unwrap(), None);
    assert_eq!(store.membership(&owner.id, "alpha-two").await.unwrap().unwrap().name, "Alpha Two");
    assert!(matches!(store.rename_project("proj_missing", "x", &as_(&owner.id)).await, Err(StoreError::NotFound)));

    store.set_last_project(&owner.id, &a.project_id).await.unwrap();
    assert_eq!(store.last_project(&owner.id).await.unwrap(), Some(a.project_id.clone()));
    store.delete_project(&a.project_id, &as_(&owner.id)).await.unwrap();
    assert_eq!(store.last_project(&owner.id).await.unwrap(), None, "forgotten with the project");
    assert_eq!(store.memberships(&owner.id).await.unwrap().len(), 1);
    assert!(matches!(store.delete_project(&a.project_id, &as_(&owner.id)).await, Err(StoreError::NotFound)));
}

async fn the_last_owner_stays_even_under_concurrent_demotion(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let first = store.insert_user(&new_user(&support::email())).await.unwrap();
    let second = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&first.id, "alpha")).await.unwrap();
    let id = project.project_id.clone();

    assert!(matches!(
        store.change_role(&id, &first.id, Role::Viewer, &as_(&first.id)).await,
        Err(StoreError::LastOwner)
    ));
    assert!(matches!(store.remove_member(&id, &first.id, &as_(&first.id)).await, Err(StoreError::LastOwner)));
    assert!(matches!(
        store.change_role(&id, &second.id, Role::Viewer, &as_(&first.id)).await,
        Err(StoreError::NotFound)
    ));

    let by = as_(&first.id);
    for _ in 0..5 {
        support::join_in_store(&*store, &id, &second.id, Role::Owner).await;
        // Both owners step down at once: exactly one may.
        let (a, b) = tokio::join!(
            store.change_role(&id, &first.id, Role::Developer, &by),
            store.remove_member(&id, &second.id, &by)
        );
        assert!(a.is_ok() != b.is_ok(), "one of two concurrent demotions wins: {a:?} {b:?}");
        let owners = store.members(&id).await.unwrap().into_iter().filter(|m| m.role == Role::Owner).count();
        assert_eq!(owners, 1);
        // Reset: `first` is the owner again, `second` gone.
        if a.is_ok() {
            store.change_role(&id, &first.id, Role::Owner, &as_(&second.id)).await.unwrap();
            store.remove_member(&id, &second.id, &as_(&first.id)).await.unwrap();
        }
    }
}

async fn concurrent_projects_never_share_a_slug(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let attempts = (0..8).map(|i| {
        let store = store.clone();
        let mut project = new_project(&user.id, "contested");
        project.id = format!("proj_contested_{i}");
        tokio::spawn(async move { store.insert_project(&project).await })
    });
    let results: Vec<_> = futures_join_all(attempts).await;
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    assert!(results.iter().filter(|r| r.is_err()).all(|r| matches!(r, Err(StoreError::Conflict("slug")))));
    assert_eq!(store.memberships(&user.id).await.unwrap().len(), 1);
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
    let owner = store.insert_user(&new_user(&support::email())).await.unwrap();
    let guest = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&owner.id, "alpha")).await.unwrap();
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
        .insert_invitation(&invitation("inv_live", "hash-live", now + time::Duration::days(7)), &as_(&owner.id))
        .await
        .unwrap();
    store
        .insert_invitation(&invitation("inv_old", "hash-old", now - time::Duration::seconds(1)), &as_(&owner.id))
        .await
        .unwrap();
    store
        .insert_invitation(&invitation("inv_gone", "hash-gone", now + time::Duration::days(7)), &as_(&owner.id))
        .await
        .unwrap();
    store.revoke_invitation(&project.project_id, "inv_gone", now, &as_(&owner.id)).await.unwrap();
    assert!(matches!(
        store.revoke_invitation("proj_other", "inv_live", now, &as_(&owner.id)).await,
        Err(StoreError::NotFound)
    ));

    let pending: Vec<_> =
        store.pending_invitations(&project.project_id, now).await.unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(pending, ["inv_live"], "expired and revoked ones are not pending");
    let record = store.invitation_by_token("hash-live").await.unwrap().unwrap();
    assert_eq!((record.role, record.accepted, record.revoked), (Role::Developer, false, false));
    assert!(store.invitation_by_token("hash-gone").await.unwrap().unwrap().revoked);

    let by = as_(&guest.id);
    let (a, b) =
        tokio::join!(store.accept_invitation("inv_live", &by, now), store.accept_invitation("inv_live", &by, now));
    assert!(a.is_ok() != b.is_ok(), "accepted exactly once: {a:?} {b:?}");
    assert_eq!(store.membership(&guest.id, "alpha").await.unwrap().unwrap().role, Role::Developer);
    assert!(store.invitation_by_token("hash-live").await.unwrap().unwrap().accepted);
    assert!(matches!(store.accept_invitation("inv_old", &as_(&guest.id), now).await, Err(StoreError::NotFound)));
    assert!(matches!(store.accept_invitation("inv_gone", &as_(&guest.id), now).await, Err(StoreError::NotFound)));
}

fn new_key(project_id: &str, creator: &str, name: &str, at: OffsetDateTime) -> NewKey {
    let material = banata::auth::keys::generate();
    NewKey {
        id: format!("key_{}", &material.hash[..20]),
        project_id: project_id.into(),
        name: name.into(),
        prefix: material.prefix,
        last4: material.last4,
        key_hash: material.hash,
        permissions: "[]".into(),
        created_by: creator.into(),
        created_at: at,
        expires_at: None,
    }
}

async fn keys_are_listed_newest_first_in_pages_and_searched(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&user.id, "alpha")).await.unwrap();
    let other = store.insert_project(&new_project(&user.id, "beta")).await.unwrap();
    let start = OffsetDateTime::now_utc() - time::Duration::hours(1);
    for i in 0..25 {
        let name = if i % 5 == 0 { format!("billing-{i}") } else { format!("worker_{i}") };
        let created = store
            .insert_key(
                &new_key(&project.project_id, &user.id, &name, start + time::Duration::seconds(i)),
                &as_(&user.id),
            )
            .await
            .unwrap();
        assert_eq!(created.created_by, "Ada Lovelace", "creator shown by name");
        assert_eq!(created.last_used_at, None);
    }
    store.insert_key(&new_key(&other.project_id, &user.id, "billing-elsewhere", start), &as_(&user.id)).await.unwrap();
    let now = OffsetDateTime::now_utc();

    let mut seen = Vec::new();
    let mut query = KeyQuery { limit: 10, ..KeyQuery::default() };
    loop {
        let page = store.list_keys(&project.project_id, &query, now).await.unwrap();
        if page.is_empty() {
            break;
        }
        query.after = page.last().map(|k| k.id.clone());
        seen.extend(page.into_iter().map(|k| k.name));
    }
    assert_eq!(seen.len(), 25, "every key once, across pages");
    assert_eq!(seen.first().unwrap(), "worker_24", "newest first");
    assert_eq!(seen.last().unwrap(), "billing-0");

    let search = |text: &str| KeyQuery { search: Some(text.into()), limit: 100, ..KeyQuery::default() };
    let billing = store.list_keys(&project.project_id, &search("BILLING"), now).await.unwrap();
    assert_eq!(billing.len(), 5, "case-insensitive, this project only");
    // `_` and `%` are literal in a search, not wildcards.
    // "g_1" would match "billing-10" and "billing-15" if `_` were a wildcard.
    assert_eq!(store.list_keys(&project.project_id, &search("g_1"), now).await.unwrap().len(), 0);
    assert_eq!(store.list_keys(&project.project_id, &search("er_1"), now).await.unwrap().len(), 9);
    assert_eq!(store.list_keys(&project.project_id, &search("%"), now).await.unwrap().len(), 0);
}

async fn revoked_keys_leave_the_default_list_and_free_their_name(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&user.id, "alpha")).await.unwrap();
    let other = store.insert_project(&new_project(&user.id, "beta")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let key = store.insert_key(&new_key(&project.project_id, &user.id, "billing", now), &as_(&user.id)).await.unwrap();

    let clash = store.insert_key(&new_key(&project.project_id, &user.id, "BILLING", now), &as_(&user.id)).await;
    assert!(matches!(clash, Err(StoreError::Conflict("name"))), "{clash:?}");
    store
        .insert_key(&new_key(&other.project_id, &user.id, "billing", now), &as_(&user.id))
        .await
        .expect("names are per project");

    assert!(matches!(
        store.revoke_key(&other.project_id, &key.id, &as_(&user.id), now).await,
        Err(StoreError::NotFound)
    ));
    let revoked = store.revoke_key(&project.project_id, &key.id, &as_(&user.id), now).await.unwrap();
    assert_eq!(revoked.status, banata::domain::KeyStatus::Revoked);
    assert_eq!(revoked.revoked_by.as_deref(), Some("Ada Lovelace"));
    assert!(matches!(
        store.revoke_key(&project.project_id, &key.id, &as_(&user.id), now).await,
        Err(StoreError::NotFound)
    ));

    let active = KeyQuery { limit: 10, ..KeyQuery::default() };
    assert!(store.list_keys(&project.project_id, &active, now).await.unwrap().is_empty());
    let all = KeyQuery { include_revoked: true, limit: 10, ..KeyQuery::default() };
    assert_eq!(store.list_keys(&project.project_id, &all, now).await.unwrap().len(), 1);
    store
        .insert_key(&new_key(&project.project_id, &user.id, "billing", now), &as_(&user.id))
        .await
        .expect("the name is free again");
    assert_eq!(store.project_summaries(&user.id).await.unwrap().iter().map(|p| p.key_count).sum::<i64>(), 2);
}

async fn two_creates_with_one_name_one_wins(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&user.id, "alpha")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let (first, second) =
        (new_key(&project.project_id, &user.id, "deploy", now), new_key(&project.project_id, &user.id, "Deploy", now));
    let by = as_(&user.id);
    let (a, b) = tokio::join!(store.insert_key(&first, &by), store.insert_key(&second, &by));
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    assert!(matches!(a.err().or(b.err()), Some(StoreError::Conflict("name"))));
}

async fn expired_keys_are_listed_as_expired(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&user.id, "alpha")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let mut key = new_key(&project.project_id, &user.id, "short-lived", now - time::Duration::days(2));
    key.expires_at = Some(now - time::Duration::days(1));
    store.insert_key(&key, &as_(&user.id)).await.unwrap();
    let listed =
        store.list_keys(&project.project_id, &KeyQuery { limit: 5, ..KeyQuery::default() }, now).await.unwrap();
    assert_eq!(listed[0].status, banata::domain::KeyStatus::Expired);
}

async fn keys_are_found_by_hash_with_their_project(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&user.id, "gamma")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let key = new_key(&project.project_id, &user.id, "lookup", now);
    store.insert_key(&key, &as_(&user.id)).await.unwrap();

    let found = store.key_by_hash(&key.key_hash).await.unwrap().expect("found by its hash");
    assert_eq!((found.id.as_str(), found.project_id.as_str()), (key.id.as_str(), project.project_id.as_str()));
    assert_eq!((found.project_slug.as_str(), found.permissions.as_str()), ("gamma", "[]"));
    assert!(found.revoked_at.is_none() && found.expires_at.is_none());
    assert!(store.key_by_hash(&banata::auth::keys::hash("sk_live_other")).await.unwrap().is_none());

    store.revoke_key(&project.project_id, &key.id, &as_(&user.id), now).await.unwrap();
    let revoked = store.key_by_hash(&key.key_hash).await.unwrap().unwrap();
    assert!(revoked.revoked_at.is_some(), "revoked keys are still found, marked");
    assert_eq!(store.key(&project.project_id, &key.id, now).await.unwrap().id, key.id);
    assert!(matches!(store.key("proj_other", &key.id, now).await, Err(StoreError::NotFound)), "scoped to the project");
}

fn used(key_id: &str, at: OffsetDateTime) -> KeyUse {
    KeyUse { key_id: key_id.into(), last_used: at, days: vec![] }
}

/// Requests per day add up across flushes (as from several instances);
/// those of a key that is gone are dropped, not an error.
async fn requests_per_day_add_up(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&user.id, "alpha")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let key = new_key(&project.project_id, &user.id, "counted", now);
    store.insert_key(&key, &as_(&user.id)).await.unwrap();
    let flush = |days: Vec<(&str, i64)>| KeyUse {
        key_id: key.id.clone(),
        last_used: now,
        days: days.into_iter().map(|(d, n)| (d.to_string(), n)).collect(),
    };
    store.record_key_use(&[flush(vec![("2026-11-28", 3), ("2026-11-29", 5)])]).await.unwrap();
    store.record_key_use(&[flush(vec![("2026-11-29", 7)])]).await.unwrap();
    let gone = KeyUse { key_id: "key_gone".into(), last_used: now, days: vec![("2026-11-29".into(), 1)] };
    store.record_key_use(&[gone, flush(vec![("2026-11-30", 1)])]).await.unwrap();

    let usage = store.key_usage(&[key.id.clone(), "key_gone".into()], "2026-11-29").await.unwrap();
    let expected = vec![(key.id.clone(), "2026-11-29".to_string(), 12), (key.id.clone(), "2026-11-30".to_string(), 1)];
    assert_eq!(usage, expected);
}

async fn last_use_only_moves_forward(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.insert_user(&new_user(&support::email())).await.unwrap();
    let project = store.insert_project(&new_project(&user.id, "delta")).await.unwrap();
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let (a, b) = (new_key(&project.project_id, &user.id, "a", now), new_key(&project.project_id, &user.id, "b", now));
    store.insert_key(&a, &as_(&user.id)).await.unwrap();
    store.insert_key(&b, &as_(&user.id)).await.unwrap();
    let later = now + time::Duration::seconds(30);

    store.record_key_use(&[used(&a.id, later), used(&b.id, now)]).await.unwrap();
    // An instance with an older time flushes afterwards: ignored.
    store.record_key_use(&[used(&a.id, now)]).await.unwrap();
    store.record_key_use(&[used("key_unknown", now)]).await.unwrap();
    let read = |id: &str| {
        let (store, project, id) = (store.clone(), project.project_id.clone(), id.to_string());
        async move { store.key(&project, &id, now).await.unwrap().last_used_at.unwrap() }
    };
    let fmt = |t: OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!(read(&a.id).await, fmt(later));
    assert_eq!(read(&b.id).await, fmt(now));
}

async fn ping_answers(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.store().await.ping().await.unwrap();
}

/// End users belong to one project: the email is unique per project (any
/// case), the same email in another project is another user, and sessions
/// are found only by their hash, in their own project, while live.
async fn end_users_and_their_sessions_stay_in_their_project(backend: Backend) {
    use banata::store::{NewEndUser, NewEndUserSession};
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.insert_user(&new_user(&support::email())).await.unwrap();
    let a = store.insert_project(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    let b = store.insert_project(&new_project(&owner.id, "beta")).await.unwrap().project_id;
    let now = OffsetDateTime::now_utc();
    let user = |id: &str, project: &str| NewEndUser {
        id: id.into(),
        project_id: project.into(),
        email: "ada@example.com".into(),
        name: "Ada".into(),
        image: None,
        password_hash: Some("$argon2id$not-a-real-hash".into()),
        email_verified: false,
        at: now,
        mail: None,
    };
    let in_a = store.insert_end_user(&user("usr_a", &a), &as_(&owner.id)).await.unwrap();
    assert_eq!((in_a.email.as_str(), in_a.banned), ("ada@example.com", false));
    // PostgreSQL keeps microseconds.
    assert!((in_a.created_at - now).abs() < time::Duration::milliseconds(1), "{}", in_a.created_at);
    let taken = store.insert_end_user(&user("usr_a2", &a), &as_(&owner.id)).await;
    assert!(matches!(taken, Err(StoreError::Conflict("email"))), "{taken:?}");
    store.insert_end_user(&user("usr_b", &b), &as_(&owner.id)).await.unwrap();
    assert_eq!(store.end_user_credentials(&a, "ada@example.com").await.unwrap().unwrap().user.id, "usr_a");
    assert_eq!(store.end_user_credentials(&b, "ada@example.com").await.unwrap().unwrap().user.id, "usr_b");
    assert_eq!(store.end_user(&b, "usr_a").await.unwrap(), None, "not another project's");

    let session = |id: &str, hash: &str, expires_at| NewEndUserSession {
        id: id.into(),
        project_id: a.clone(),
        user_id: "usr_a".into(),
        token_hash: hash.into(),
        at: now,
        expires_at,
        ip: Some("192.0.2.1".into()),
        user_agent: None,
    };
    store.insert_end_user_session(&session("ses_live", "hash-live", now + time::Duration::days(7))).await.unwrap();
    store.insert_end_user_session(&session("ses_old", "hash-old", now - time::Duration::seconds(1))).await.unwrap();
    assert_eq!(store.end_user_session(&a, "hash-live", now).await.unwrap().unwrap().id, "ses_live");
    let signed_in = store.end_user(&a, "usr_a").await.unwrap().unwrap().last_sign_in_at.unwrap();
    assert!((signed_in - now).abs() < time::Duration::milliseconds(1), "a session is a sign-in");
    assert_eq!(store.end_user_session(&b, "hash-live", now).await.unwrap(), None, "another project's key");
    assert_eq!(store.end_user_session(&a, "hash-old", now).await.unwrap(), None, "expired");
    assert_eq!(store.sweep_end_user_sessions(now).await.unwrap(), 1);
    store.delete_end_user_session(&b, "hash-live").await.unwrap();
    assert!(store.end_user_session(&a, "hash-live", now).await.unwrap().is_some(), "B cannot end A's session");
    store.delete_end_user_session(&a, "hash-live").await.unwrap();
    assert_eq!(store.end_user_session(&a, "hash-live", now).await.unwrap(), None);

    // The first instance's secret wins; later ones read it.
    assert_eq!(store.server_secret("test_secret", "first").await.unwrap(), "first");
    assert_eq!(store.server_secret("test_secret", "second").await.unwrap(), "first");
}

/// The Users page walks a project's users newest first by cursor: every
/// user once, none of another project's, and search narrows the walk.
async fn users_are_paged_by_cursor_newest_first(backend: Backend) {
    use banata::store::{EndUserCursor, NewEndUser};
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.insert_user(&new_user(&support::email())).await.unwrap();
    let a = store.insert_project(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    let b = store.insert_project(&new_project(&owner.id, "beta")).await.unwrap().project_id;
    let start = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    // Five share one creation time, so the id must break the tie.
    for i in 0..12i64 {
        let at = start + time::Duration::seconds(i.min(6));
        let new = NewEndUser {
            id: format!("usr_{i:02}"),
            project_id: a.clone(),
            email: format!("user{i}@example.com"),
            name: if i % 3 == 0 { format!("Grace {i}") } else { format!("Ada {i}") },
            image: None,
            password_hash: None,
            email_verified: false,
            at,
            mail: None,
        };
        store.insert_end_user(&new, &as_(&owner.id)).await.unwrap();
    }
    let other = NewEndUser {
        id: "usr_other".into(),
        project_id: b.clone(),
        email: "user1@example.com".into(),
        name: "Ada".into(),
        image: None,
        password_hash: None,
        email_verified: false,
        at: start,
        mail: None,
    };
    store.insert_end_user(&other, &as_(&owner.id)).await.unwrap();

    let mut seen = Vec::new();
    let mut after: Option<EndUserCursor> = None;
    loop {
        let page = store.end_users_after(&a, None, after.as_ref(), 5).await.unwrap();
        seen.extend(page.iter().map(|u| u.id.clone()));
        match page.last() {
            Some(last) if page.len() == 5 => {
                after = Some(EndUserCursor { created_at: last.created_at, id: last.id.clone() })
            }
            _ => break,
        }
    }
    let expected: Vec<String> = (0..12).rev().map(|i| format!("usr_{i:02}")).collect();
    assert_eq!(seen, expected, "newest first, ties by id, each once");
    let graces = store.end_users_after(&a, Some("GRACE"), None, 50).await.unwrap();
    assert_eq!(graces.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["usr_09", "usr_06", "usr_03", "usr_00"]);
    assert_eq!(store.end_users_after(&a, Some("user1@"), None, 50).await.unwrap().len(), 1);
    assert_eq!(store.end_users_after(&a, Some("user1"), None, 50).await.unwrap().len(), 3, "user1, user10, user11");
    assert!(store.end_users_after(&a, Some("ser1"), None, 50).await.unwrap().is_empty(), "from the start");
    assert!(store.end_users_after(&a, Some("%"), None, 50).await.unwrap().is_empty(), "wildcards are text");
    // Search and cursor together.
    let after_first = EndUserCursor { created_at: graces[0].created_at, id: graces[0].id.clone() };
    let rest = store.end_users_after(&a, Some("grace"), Some(&after_first), 50).await.unwrap();
    assert_eq!(rest.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["usr_06", "usr_03", "usr_00"]);
}

/// A project's Authentication settings round-trip, ride with its keys'
/// records, and each change is audited with what changed.
async fn auth_settings_are_stored_and_carried_by_keys(backend: Backend) {
    use banata::domain::{AuditAction, AuthSettings};
    use banata::store::AuditQuery;
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.insert_user(&new_user(&support::email())).await.unwrap();
    let a = store.insert_project(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    assert_eq!(store.auth_settings(&a).await.unwrap(), AuthSettings::default());
    let key = new_key(&a, &owner.id, "app", OffsetDateTime::now_utc());
    store.insert_key(&key, &as_(&owner.id)).await.unwrap();
    let changed = AuthSettings {
        sign_ups_open: false,
        password_min: 12,
        require_email_verification: true,
        session_days: 30,
        allowed_origins: vec!["https://admin.example.com".into()],
        mail_sender_name: Some("Acme".into()),
        mail_link_origin: Some("https://admin.example.com".into()),
        sign_ups_per_hour: 25,
    };
    store.set_auth_settings(&a, &changed, &as_(&owner.id)).await.unwrap();
    assert_eq!(store.auth_settings(&a).await.unwrap(), changed);
    let record = store.key_by_hash(&key.key_hash).await.unwrap().expect("the key's record");
    assert_eq!(record.auth_settings().unwrap(), changed);
    let query = AuditQuery {
        action: Some(AuditAction::ProjectAuthSettingsChanged),
        actor_id: None,
        target_id: None,
        before: None,
        limit: 10,
    };
    let events = store.audit_events(&a, &query).await.unwrap();
    assert_eq!(events.len(), 1);
    assert!(
        events[0].detail.contains("sign-ups closed") && events[0].detail.contains("8 → 12"),
        "{}",
        events[0].detail
    );
    assert!(matches!(store.auth_settings("proj_missing").await, Err(StoreError::NotFound)));
}

/// Sign-in and sign-up counts add up per project and day; a deleted
/// project's are dropped.
async fn end_user_activity_adds_up(backend: Backend) {
    use banata::store::ActivityDay;
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.insert_user(&new_user(&support::email())).await.unwrap();
    let a = store.insert_project(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    let day = |project: &str, day: &str, sign_ins, sign_ups| ActivityDay {
        project_id: project.into(),
        day: day.into(),
        sign_ins,
        sign_ups,
    };
    store.record_end_user_activity(&[day(&a, "2026-01-01", 3, 1), day("proj_gone", "2026-01-01", 9, 9)]).await.unwrap();
    store.record_end_user_activity(&[day(&a, "2026-01-01", 2, 0), day(&a, "2026-01-02", 0, 4)]).await.unwrap();
    assert_eq!(
        store.end_user_activity(&a, "2026-01-01").await.unwrap(),
        [day(&a, "2026-01-01", 5, 1), day(&a, "2026-01-02", 0, 4)]
    );
    assert_eq!(store.end_user_activity(&a, "2026-01-02").await.unwrap().len(), 1, "from the day asked");
    assert!(store.end_user_activity("proj_gone", "2026-01-01").await.unwrap().is_empty());
}

/// A project's signing keys: the first stored wins, a rotation retires the
/// current one, at most `keep` retired ones stay, and old ones stop being
/// published; another project's keys are its own.
async fn jwt_keys_rotate_per_project(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let (a, b) = (Tenant::new(&store, "A").await, Tenant::new(&store, "B").await);
    let t0 = OffsetDateTime::now_utc();
    let key = |kid: &str, at: OffsetDateTime| JwtKey {
        kid: kid.into(),
        private_pem: format!("pem of {kid}"),
        created_at: at,
        retired_at: None,
    };
    let published = |store: Arc<dyn Store>, project: String, since: OffsetDateTime| async move {
        store.jwt_keys(&project, since).await.unwrap().into_iter().map(|k| k.kid).collect::<Vec<_>>()
    };
    assert!(published(store.clone(), a.project_id.clone(), t0).await.is_empty(), "none until first use");
    store.add_jwt_key(&a.project_id, &key("k1", t0), false, 2).await.unwrap();
    store.add_jwt_key(&a.project_id, &key("k1b", t0), false, 2).await.unwrap();
    assert_eq!(published(store.clone(), a.project_id.clone(), t0).await, ["k1"], "the first stored wins");
    for (n, kid) in ["k2", "k3", "k4"].iter().enumerate() {
        let at = t0 + time::Duration::minutes(n as i64 + 1);
        store.add_jwt_key(&a.project_id, &key(kid, at), true, 2).await.unwrap();
    }
    let all = store.jwt_keys(&a.project_id, t0 - time::Duration::hours(1)).await.unwrap();
    assert_eq!(all.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(), ["k4", "k3", "k2"], "two retired kept");
    assert_eq!((all[0].retired_at, all[0].private_pem.as_str()), (None, "pem of k4"));
    assert!(all[1..].iter().all(|k| k.retired_at.is_some()));
    let recent = t0 + time::Duration::minutes(3);
    assert_eq!(published(store.clone(), a.project_id.clone(), recent).await, ["k4", "k3"], "older ones unpublished");
    assert!(published(store.clone(), b.project_id.clone(), t0).await.is_empty(), "B's keys are its own");
    assert!(matches!(store.jwt_keys("proj_missing", t0).await, Err(StoreError::NotFound)));
    assert!(matches!(store.add_jwt_key("proj_missing", &key("k9", t0), false, 2).await, Err(StoreError::NotFound)));
    let found = store.find_project(&a.slug).await.unwrap().unwrap();
    assert_eq!((found.id.as_str(), found.slug.as_str()), (a.project_id.as_str(), a.slug.as_str()));
    assert_eq!(store.find_project(&a.project_id).await.unwrap(), Some(found));
    assert_eq!(store.find_project("no-such-slug").await.unwrap(), None);
}

on_both_backends!(
    users_are_paged_by_cursor_newest_first,
    auth_settings_are_stored_and_carried_by_keys,
    end_user_activity_adds_up,
    jwt_keys_rotate_per_project,
    requests_per_day_add_up,
    end_users_and_their_sessions_stay_in_their_project,
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
    keys_are_listed_newest_first_in_pages_and_searched,
    revoked_keys_leave_the_default_list_and_free_their_name,
    two_creates_with_one_name_one_wins,
    expired_keys_are_listed_as_expired,
    keys_are_found_by_hash_with_their_project,
    last_use_only_moves_forward,
    ping_answers,
);
