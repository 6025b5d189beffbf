//! API keys: pages, search, revocation, expiry, lookup by hash, usage.

use super::{new_key, new_project, new_user};
use crate::support;
use crate::support::{actor as as_, Backend, TestDb};
use banata::store::{KeyQuery, KeyUse, StoreError};
use time::OffsetDateTime;

async fn keys_are_listed_newest_first_in_pages_and_searched(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&user.id, "alpha")).await.unwrap();
    let other = store.projects().insert(&new_project(&user.id, "beta")).await.unwrap();
    let start = OffsetDateTime::now_utc() - time::Duration::hours(1);
    for i in 0..25 {
        let name = if i % 5 == 0 { format!("billing-{i}") } else { format!("worker_{i}") };
        let created = store
            .keys()
            .insert(&new_key(&project.project_id, &user.id, &name, start + time::Duration::seconds(i)), &as_(&user.id))
            .await
            .unwrap();
        assert_eq!(created.created_by, "Ada Lovelace", "creator shown by name");
        assert_eq!(created.last_used_at, None);
    }
    store
        .keys()
        .insert(&new_key(&other.project_id, &user.id, "billing-elsewhere", start), &as_(&user.id))
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();

    let mut seen = Vec::new();
    let mut query = KeyQuery { limit: 10, ..KeyQuery::default() };
    loop {
        let page = store.keys().list(&project.project_id, &query, now).await.unwrap();
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
    let billing = store.keys().list(&project.project_id, &search("BILLING"), now).await.unwrap();
    assert_eq!(billing.len(), 5, "case-insensitive, this project only");
    // `_` and `%` are literal in a search, not wildcards.
    // "g_1" would match "billing-10" and "billing-15" if `_` were a wildcard.
    assert_eq!(store.keys().list(&project.project_id, &search("g_1"), now).await.unwrap().len(), 0);
    assert_eq!(store.keys().list(&project.project_id, &search("er_1"), now).await.unwrap().len(), 9);
    assert_eq!(store.keys().list(&project.project_id, &search("%"), now).await.unwrap().len(), 0);
}

async fn revoked_keys_leave_the_default_list_and_free_their_name(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&user.id, "alpha")).await.unwrap();
    let other = store.projects().insert(&new_project(&user.id, "beta")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let key =
        store.keys().insert(&new_key(&project.project_id, &user.id, "billing", now), &as_(&user.id)).await.unwrap();

    let clash = store.keys().insert(&new_key(&project.project_id, &user.id, "BILLING", now), &as_(&user.id)).await;
    assert!(matches!(clash, Err(StoreError::Conflict("name"))), "{clash:?}");
    store
        .keys()
        .insert(&new_key(&other.project_id, &user.id, "billing", now), &as_(&user.id))
        .await
        .expect("names are per project");

    assert!(matches!(
        store.keys().revoke(&other.project_id, &key.id, &as_(&user.id), now).await,
        Err(StoreError::NotFound(_))
    ));
    let revoked = store.keys().revoke(&project.project_id, &key.id, &as_(&user.id), now).await.unwrap();
    assert_eq!(revoked.status, banata::domain::KeyStatus::Revoked);
    assert_eq!(revoked.revoked_by.as_deref(), Some("Ada Lovelace"));
    assert!(matches!(
        store.keys().revoke(&project.project_id, &key.id, &as_(&user.id), now).await,
        Err(StoreError::NotFound(_))
    ));

    let active = KeyQuery { limit: 10, ..KeyQuery::default() };
    assert!(store.keys().list(&project.project_id, &active, now).await.unwrap().is_empty());
    let all = KeyQuery { include_revoked: true, limit: 10, ..KeyQuery::default() };
    assert_eq!(store.keys().list(&project.project_id, &all, now).await.unwrap().len(), 1);
    store
        .keys()
        .insert(&new_key(&project.project_id, &user.id, "billing", now), &as_(&user.id))
        .await
        .expect("the name is free again");
    assert_eq!(store.projects().summaries(&user.id).await.unwrap().iter().map(|p| p.key_count).sum::<i64>(), 2);
}

async fn two_creates_with_one_name_one_wins(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&user.id, "alpha")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let (first, second) =
        (new_key(&project.project_id, &user.id, "deploy", now), new_key(&project.project_id, &user.id, "Deploy", now));
    let by = as_(&user.id);
    let (a, b) = tokio::join!(store.keys().insert(&first, &by), store.keys().insert(&second, &by));
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    assert!(matches!(a.err().or(b.err()), Some(StoreError::Conflict("name"))));
}

async fn expired_keys_are_listed_as_expired(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&user.id, "alpha")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let mut key = new_key(&project.project_id, &user.id, "short-lived", now - time::Duration::days(2));
    key.expires_at = Some(now - time::Duration::days(1));
    store.keys().insert(&key, &as_(&user.id)).await.unwrap();
    let listed =
        store.keys().list(&project.project_id, &KeyQuery { limit: 5, ..KeyQuery::default() }, now).await.unwrap();
    assert_eq!(listed[0].status, banata::domain::KeyStatus::Expired);
}

async fn keys_are_found_by_hash_with_their_project(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&user.id, "gamma")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let key = new_key(&project.project_id, &user.id, "lookup", now);
    store.keys().insert(&key, &as_(&user.id)).await.unwrap();

    let found = store.keys().by_hash(&key.key_hash).await.unwrap().expect("found by its hash");
    assert_eq!((found.id.as_str(), found.project_id.as_str()), (key.id.as_str(), project.project_id.as_str()));
    assert_eq!((found.project_slug.as_str(), found.permissions.as_str()), ("gamma", "[]"));
    assert!(found.revoked_at.is_none() && found.expires_at.is_none());
    assert!(store.keys().by_hash(&banata::auth::keys::hash("sk_live_other")).await.unwrap().is_none());

    store.keys().revoke(&project.project_id, &key.id, &as_(&user.id), now).await.unwrap();
    let revoked = store.keys().by_hash(&key.key_hash).await.unwrap().unwrap();
    assert!(revoked.revoked_at.is_some(), "revoked keys are still found, marked");
    assert_eq!(store.keys().get(&project.project_id, &key.id, now).await.unwrap().id, key.id);
    assert!(
        matches!(store.keys().get("proj_other", &key.id, now).await, Err(StoreError::NotFound(_))),
        "scoped to the project"
    );
}

fn used(key_id: &str, at: OffsetDateTime) -> KeyUse {
    KeyUse { key_id: key_id.into(), last_used: at, days: vec![] }
}

/// Requests per day add up across flushes (as from several instances);
/// those of a key that is gone are dropped, not an error.
async fn requests_per_day_add_up(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&user.id, "alpha")).await.unwrap();
    let now = OffsetDateTime::now_utc();
    let key = new_key(&project.project_id, &user.id, "counted", now);
    store.keys().insert(&key, &as_(&user.id)).await.unwrap();
    let flush = |days: Vec<(&str, i64)>| KeyUse {
        key_id: key.id.clone(),
        last_used: now,
        days: days.into_iter().map(|(d, n)| (d.to_string(), n)).collect(),
    };
    store.keys().record_use(&[flush(vec![("2026-11-28", 3), ("2026-11-29", 5)])]).await.unwrap();
    store.keys().record_use(&[flush(vec![("2026-11-29", 7)])]).await.unwrap();
    let gone = KeyUse { key_id: "key_gone".into(), last_used: now, days: vec![("2026-11-29".into(), 1)] };
    store.keys().record_use(&[gone, flush(vec![("2026-11-30", 1)])]).await.unwrap();

    let usage = store.keys().usage(&[key.id.clone(), "key_gone".into()], "2026-11-29").await.unwrap();
    let expected = vec![(key.id.clone(), "2026-11-29".to_string(), 12), (key.id.clone(), "2026-11-30".to_string(), 1)];
    assert_eq!(usage, expected);
}

async fn last_use_only_moves_forward(backend: Backend) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let user = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let project = store.projects().insert(&new_project(&user.id, "delta")).await.unwrap();
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let (a, b) = (new_key(&project.project_id, &user.id, "a", now), new_key(&project.project_id, &user.id, "b", now));
    store.keys().insert(&a, &as_(&user.id)).await.unwrap();
    store.keys().insert(&b, &as_(&user.id)).await.unwrap();
    let later = now + time::Duration::seconds(30);

    store.keys().record_use(&[used(&a.id, later), used(&b.id, now)]).await.unwrap();
    // An instance with an older time flushes afterwards: ignored.
    store.keys().record_use(&[used(&a.id, now)]).await.unwrap();
    store.keys().record_use(&[used("key_unknown", now)]).await.unwrap();
    let read = |id: &str| {
        let (store, project, id) = (store.clone(), project.project_id.clone(), id.to_string());
        async move { store.keys().get(&project, &id, now).await.unwrap().last_used_at.unwrap() }
    };
    let fmt = |t: OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!(read(&a.id).await, fmt(later));
    assert_eq!(read(&b.id).await, fmt(now));
}

async fn ping_answers(backend: Backend) {
    let db = TestDb::new(backend).await;
    db.store().await.ping().await.unwrap();
}

on_both_backends!(
    keys_are_listed_newest_first_in_pages_and_searched,
    revoked_keys_leave_the_default_list_and_free_their_name,
    two_creates_with_one_name_one_wins,
    expired_keys_are_listed_as_expired,
    keys_are_found_by_hash_with_their_project,
    requests_per_day_add_up,
    last_use_only_moves_forward,
    ping_answers,
);
