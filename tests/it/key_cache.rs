//! The verified-key cache against real servers: a working key costs one
//! database lookup, a made-up key one per minute, and revocation wins over
//! the cache at once on the revoking instance and, through PostgreSQL
//! LISTEN/NOTIFY, soon on every other, even after a lost connection.

use crate::support;
use crate::support::{eventually, Backend, Tenant, TestApp};
use banata::admin::key_types::CreateKeyRequest;
use banata::client::{Client, ClientError};
use std::time::Duration;

fn refused<T: std::fmt::Debug>(result: Result<T, ClientError>) -> bool {
    matches!(result, Err(ClientError::Api { status: 401, .. }))
}

async fn a_working_key_is_looked_up_once(backend: Backend) {
    // Room for the failures below before the per-client limit answers 429.
    let app = TestApp::start_with(backend, &["--key-failure-limit", "100"]).await;
    let tenant = Tenant::new(&app.db.store().await, "Kay").await;
    let client = tenant.client(&app.base);
    let before = app.keys.lookups();
    for _ in 0..50 {
        client.whoami().await.unwrap();
    }
    client.list().await.unwrap();
    assert_eq!(app.keys.lookups() - before, 1, "one lookup for 51 requests");

    let made_up = Client::new(&app.base, &banata::auth::keys::generate_secret());
    let before = app.keys.lookups();
    for _ in 0..20 {
        assert!(refused(made_up.whoami().await));
    }
    assert_eq!(app.keys.lookups() - before, 1, "an unknown key is looked up once, then refused from memory");
    for _ in 0..20 {
        assert!(refused(Client::new(&app.base, "sk_live_not_even_well_formed").whoami().await));
    }
    assert_eq!(app.keys.lookups() - before, 1, "a malformed key never reaches the database");
}

async fn a_revoke_wins_over_the_cache_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Lee").await;
    let admin = tenant.client(&app.base);
    for via_dashboard in [false, true] {
        let request = CreateKeyRequest { name: Some(format!("cached-{via_dashboard}")), ..Default::default() };
        let created = admin.create(&request).await.unwrap();
        let key = Client::new(&app.base, &created.key);
        key.whoami().await.unwrap();
        key.whoami().await.unwrap();
        if via_dashboard {
            let signed_in = app.sign_in(&tenant.email, support::PASSWORD).await;
            assert!(signed_in.headers().contains_key("location"));
            let form = [("slug", tenant.slug.as_str()), ("key_id", created.api_key.id.as_str())];
            assert!(app.post_form("/api/dashboard/revoke_key", &form).await.status().is_success());
        } else {
            admin.delete(&created.api_key.id).await.unwrap();
        }
        assert!(refused(key.whoami().await), "refused on the very next request (dashboard: {via_dashboard})");
    }
}

async fn another_instance_hears_of_a_revoke(backend: Backend) {
    let a = TestApp::start(backend).await;
    let b = TestApp::beside(&a, &[]).await;
    let tenant = Tenant::new(&a.db.store().await, "Mo").await;
    let admin = tenant.client(&a.base);
    let created = admin.create(&CreateKeyRequest { name: Some("shared".into()), ..Default::default() }).await.unwrap();
    let on_b = Client::new(&b.base, &created.key);
    on_b.whoami().await.unwrap();
    on_b.whoami().await.unwrap();
    assert_eq!(b.keys.cached().0, 1, "B has the key cached");

    admin.delete(&created.api_key.id).await.unwrap();
    assert!(eventually(Duration::from_secs(10), || async { refused(on_b.whoami().await) }).await, "B refuses it");

    // A key cached on B before B's listener loses its connection, revoked
    // while nobody listens (so its notice reaches no one): B must forget
    // its cache once it listens again, and refuse the key. The listener
    // reconnects through its pool, so the pools' connections are cut too,
    // and new ones kept out until the revoke is done.
    let request = CreateKeyRequest { name: Some("cut-off".into()), ..Default::default() };
    let second = admin.create(&request).await.unwrap();
    let on_b = Client::new(&b.base, &second.key);
    on_b.whoami().await.unwrap();
    on_b.whoami().await.unwrap();
    let admin_db = support::PgAdmin::new(&a.db.url).await;
    admin_db.allow_connections(false).await;
    let listening = admin_db.listeners().await;
    assert!(listening >= 2, "both instances were listening ({listening})");
    admin_db.terminate_connections().await;
    assert!(eventually(Duration::from_secs(10), || async { admin_db.listeners().await == 0 }).await, "nobody listens");
    admin_db.revoke_key(&second.api_key.id).await;
    // (Whether B still answers from its cache now is not asserted: a pool
    // connection not yet ended may let the listener back in for a moment.)
    admin_db.allow_connections(true).await;
    assert!(
        eventually(Duration::from_secs(15), || async { admin_db.listeners().await >= 2 }).await,
        "they listen again"
    );
    assert!(eventually(Duration::from_secs(10), || async { refused(on_b.whoami().await) }).await, "B refuses it then");

    // And revokes made after the reconnect reach B as before.
    let request = CreateKeyRequest { name: Some("after-the-cut".into()), ..Default::default() };
    let third = admin.create(&request).await.unwrap();
    let on_b = Client::new(&b.base, &third.key);
    on_b.whoami().await.unwrap();
    on_b.whoami().await.unwrap();
    admin.delete(&third.api_key.id).await.unwrap();
    assert!(eventually(Duration::from_secs(10), || async { refused(on_b.whoami().await) }).await, "B refuses it too");
}

async fn a_deleted_project_takes_its_cached_keys_with_it(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Nia").await;
    let key = tenant.client(&app.base);
    key.whoami().await.unwrap();
    assert!(app.sign_in(&tenant.email, support::PASSWORD).await.headers().contains_key("location"));
    let form = [("slug", tenant.slug.as_str()), ("confirm", "Nia's project")];
    let deleted = app.post_form("/api/dashboard/delete_project", &form).await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    assert!(refused(key.whoami().await), "the project's key stops with it");
}

on_both_backends!(
    a_working_key_is_looked_up_once,
    a_revoke_wins_over_the_cache_at_once,
    a_deleted_project_takes_its_cached_keys_with_it,
);

mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn another_instance_hears_of_a_revoke() {
        super::another_instance_hears_of_a_revoke(super::Backend::Postgres).await
    }
}
