//! A project's end users and their sessions, Authentication settings, activity,
//! JWT signing keys.

use super::{new_key, new_project, new_user};
use crate::support;
use crate::support::{actor as as_, Backend, TestDb};
use banata::store::{JwtKey, Store, StoreError};
use std::sync::Arc;
use support::Tenant;
use time::OffsetDateTime;

/// End users belong to one project: the email is unique per project (any
/// case), the same email in another project is another user, and sessions
/// are found only by their hash, in their own project, while live.
async fn end_users_and_their_sessions_stay_in_their_project(backend: Backend) {
    use banata::store::{NewEndUser, NewEndUserSession};
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let a = store.projects().insert(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    let b = store.projects().insert(&new_project(&owner.id, "beta")).await.unwrap().project_id;
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
    let in_a = store.end_users().insert(&user("usr_a", &a), &as_(&owner.id)).await.unwrap();
    assert_eq!((in_a.email.as_str(), in_a.banned), ("ada@example.com", false));
    // PostgreSQL keeps microseconds.
    assert!((in_a.created_at - now).abs() < time::Duration::milliseconds(1), "{}", in_a.created_at);
    let taken = store.end_users().insert(&user("usr_a2", &a), &as_(&owner.id)).await;
    assert!(matches!(taken, Err(StoreError::Conflict("email"))), "{taken:?}");
    store.end_users().insert(&user("usr_b", &b), &as_(&owner.id)).await.unwrap();
    assert_eq!(store.end_users().credentials(&a, "ada@example.com").await.unwrap().unwrap().user.id, "usr_a");
    assert_eq!(store.end_users().credentials(&b, "ada@example.com").await.unwrap().unwrap().user.id, "usr_b");
    assert_eq!(store.end_users().get(&b, "usr_a").await.unwrap(), None, "not another project's");

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
    store.end_user_sessions().insert(&session("ses_live", "hash-live", now + time::Duration::days(7))).await.unwrap();
    store.end_user_sessions().insert(&session("ses_old", "hash-old", now - time::Duration::seconds(1))).await.unwrap();
    assert_eq!(store.end_user_sessions().live(&a, "hash-live", now).await.unwrap().unwrap().id, "ses_live");
    let signed_in = store.end_users().get(&a, "usr_a").await.unwrap().unwrap().last_sign_in_at.unwrap();
    assert!((signed_in - now).abs() < time::Duration::milliseconds(1), "a session is a sign-in");
    assert_eq!(store.end_user_sessions().live(&b, "hash-live", now).await.unwrap(), None, "another project's key");
    assert_eq!(store.end_user_sessions().live(&a, "hash-old", now).await.unwrap(), None, "expired");
    assert_eq!(store.end_user_sessions().sweep(now).await.unwrap(), 1);
    store.end_user_sessions().end_by_token(&b, "hash-live", OffsetDateTime::now_utc()).await.unwrap();
    assert!(store.end_user_sessions().live(&a, "hash-live", now).await.unwrap().is_some(), "B cannot end A's session");
    store.end_user_sessions().end_by_token(&a, "hash-live", OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(store.end_user_sessions().live(&a, "hash-live", now).await.unwrap(), None);

    // The first instance's secret wins; later ones read it.
    assert_eq!(store.secrets().get_or_insert("test_secret", "first").await.unwrap(), "first");
    assert_eq!(store.secrets().get_or_insert("test_secret", "second").await.unwrap(), "first");
}

/// The Users page walks a project's users newest first by cursor: every
/// user once, none of another project's, and search narrows the walk.
async fn users_are_paged_by_cursor_newest_first(backend: Backend) {
    use banata::store::{EndUserCursor, NewEndUser};
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let a = store.projects().insert(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    let b = store.projects().insert(&new_project(&owner.id, "beta")).await.unwrap().project_id;
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
        store.end_users().insert(&new, &as_(&owner.id)).await.unwrap();
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
    store.end_users().insert(&other, &as_(&owner.id)).await.unwrap();

    let mut seen = Vec::new();
    let mut after: Option<EndUserCursor> = None;
    loop {
        let page = store.end_users().page(&a, None, after.as_ref(), 5).await.unwrap();
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
    let graces = store.end_users().page(&a, Some("GRACE"), None, 50).await.unwrap();
    assert_eq!(graces.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["usr_09", "usr_06", "usr_03", "usr_00"]);
    assert_eq!(store.end_users().page(&a, Some("user1@"), None, 50).await.unwrap().len(), 1);
    assert_eq!(store.end_users().page(&a, Some("user1"), None, 50).await.unwrap().len(), 3, "user1, user10, user11");
    assert!(store.end_users().page(&a, Some("ser1"), None, 50).await.unwrap().is_empty(), "from the start");
    assert!(store.end_users().page(&a, Some("%"), None, 50).await.unwrap().is_empty(), "wildcards are text");
    // Search and cursor together.
    let after_first = EndUserCursor { created_at: graces[0].created_at, id: graces[0].id.clone() };
    let rest = store.end_users().page(&a, Some("grace"), Some(&after_first), 50).await.unwrap();
    assert_eq!(rest.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(), ["usr_06", "usr_03", "usr_00"]);
}

/// A project's Authentication settings round-trip, ride with its keys'
/// records, and each change is audited with what changed.
async fn auth_settings_are_stored_and_carried_by_keys(backend: Backend) {
    use banata::domain::{AuditAction, AuthSettings};
    use banata::store::AuditQuery;
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let a = store.projects().insert(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    assert_eq!(store.projects().auth_settings(&a).await.unwrap(), AuthSettings::default());
    let key = new_key(&a, &owner.id, "app", OffsetDateTime::now_utc());
    store.keys().insert(&key, &as_(&owner.id)).await.unwrap();
    let changed = AuthSettings {
        sign_ups_open: false,
        password_min: 12,
        require_email_verification: true,
        session_days: 30,
        allowed_origins: vec!["https://admin.example.com".into()],
        mail_sender_name: Some("Acme".into()),
        mail_link_origin: Some("https://admin.example.com".into()),
        sign_ups_per_hour: 25,
        org_creation_open: false,
        org_invitation_path: Some("/join/{id}".into()),
    };
    store.projects().set_auth_settings(&a, &changed, &as_(&owner.id), time::OffsetDateTime::now_utc()).await.unwrap();
    assert_eq!(store.projects().auth_settings(&a).await.unwrap(), changed);
    let record = store.keys().by_hash(&key.key_hash).await.unwrap().expect("the key's record");
    assert_eq!(record.auth_settings().unwrap(), changed);
    let query = AuditQuery {
        action: Some(AuditAction::ProjectAuthSettingsChanged),
        actor_id: None,
        target_id: None,
        before: None,
        limit: 10,
    };
    let events = store.audit().events(&a, &query).await.unwrap();
    assert_eq!(events.len(), 1);
    assert!(
        events[0].detail.contains("sign-ups closed") && events[0].detail.contains("8 → 12"),
        "{}",
        events[0].detail
    );
    assert!(matches!(store.projects().auth_settings("proj_missing").await, Err(StoreError::NotFound(_))));
}

/// Sign-in and sign-up counts add up per project and day; a deleted
/// project's are dropped.
async fn end_user_activity_adds_up(backend: Backend) {
    use banata::store::ActivityDay;
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    let owner = store.accounts().insert(&new_user(&support::email())).await.unwrap();
    let a = store.projects().insert(&new_project(&owner.id, "alpha")).await.unwrap().project_id;
    let day = |project: &str, day: &str, sign_ins, sign_ups| ActivityDay {
        project_id: project.into(),
        day: day.into(),
        sign_ins,
        sign_ups,
    };
    store
        .end_users()
        .record_activity(&[day(&a, "2026-01-01", 3, 1), day("proj_gone", "2026-01-01", 9, 9)])
        .await
        .unwrap();
    store.end_users().record_activity(&[day(&a, "2026-01-01", 2, 0), day(&a, "2026-01-02", 0, 4)]).await.unwrap();
    assert_eq!(
        store.end_users().activity(&a, "2026-01-01").await.unwrap(),
        [day(&a, "2026-01-01", 5, 1), day(&a, "2026-01-02", 0, 4)]
    );
    assert_eq!(store.end_users().activity(&a, "2026-01-02").await.unwrap().len(), 1, "from the day asked");
    assert!(store.end_users().activity("proj_gone", "2026-01-01").await.unwrap().is_empty());
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
        store.secrets().jwt_keys(&project, since).await.unwrap().into_iter().map(|k| k.kid).collect::<Vec<_>>()
    };
    assert!(published(store.clone(), a.project_id.clone(), t0).await.is_empty(), "none until first use");
    store.secrets().add_jwt_key(&a.project_id, &key("k1", t0), false, 2).await.unwrap();
    store.secrets().add_jwt_key(&a.project_id, &key("k1b", t0), false, 2).await.unwrap();
    assert_eq!(published(store.clone(), a.project_id.clone(), t0).await, ["k1"], "the first stored wins");
    for (n, kid) in ["k2", "k3", "k4"].iter().enumerate() {
        let at = t0 + time::Duration::minutes(n as i64 + 1);
        store.secrets().add_jwt_key(&a.project_id, &key(kid, at), true, 2).await.unwrap();
    }
    let all = store.secrets().jwt_keys(&a.project_id, t0 - time::Duration::hours(1)).await.unwrap();
    assert_eq!(all.iter().map(|k| k.kid.as_str()).collect::<Vec<_>>(), ["k4", "k3", "k2"], "two retired kept");
    assert_eq!((all[0].retired_at, all[0].private_pem.as_str()), (None, "pem of k4"));
    assert!(all[1..].iter().all(|k| k.retired_at.is_some()));
    let recent = t0 + time::Duration::minutes(3);
    assert_eq!(published(store.clone(), a.project_id.clone(), recent).await, ["k4", "k3"], "older ones unpublished");
    assert!(published(store.clone(), b.project_id.clone(), t0).await.is_empty(), "B's keys are its own");
    assert!(matches!(store.secrets().jwt_keys("proj_missing", t0).await, Err(StoreError::NotFound(_))));
    assert!(matches!(
        store.secrets().add_jwt_key("proj_missing", &key("k9", t0), false, 2).await,
        Err(StoreError::NotFound(_))
    ));
    let found = store.projects().find(&a.slug).await.unwrap().unwrap();
    assert_eq!((found.id.as_str(), found.slug.as_str()), (a.project_id.as_str(), a.slug.as_str()));
    assert_eq!(store.projects().find(&a.project_id).await.unwrap(), Some(found));
    assert_eq!(store.projects().find("no-such-slug").await.unwrap(), None);
}

on_both_backends!(
    end_users_and_their_sessions_stay_in_their_project,
    users_are_paged_by_cursor_newest_first,
    auth_settings_are_stored_and_carried_by_keys,
    end_user_activity_adds_up,
    jwt_keys_rotate_per_project,
);
