//! The key cache forgets exactly what a change touched, and always does: a
//! revoke or roll whose answer was lost after its commit still wins over the
//! cache, and one tenant renaming its project costs no other tenant a lookup.

use crate::support;
use crate::support::lost_answers::LostAnswers;
use crate::support::{eventually, Backend, Tenant, TestApp, TestDb};
use banata::admin::key_types::CreateKeyRequest;
use banata::client::{Client, ClientError};
use std::sync::Arc;
use std::time::Duration;

fn status<T: std::fmt::Debug>(result: Result<T, ClientError>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(ClientError::Api { status, .. }) => status,
        Err(other) => panic!("{other:?}"),
    }
}

/// A server whose store loses the answer of the next revoke or roll.
async fn app_losing_answers(backend: Backend) -> (TestApp, Arc<LostAnswers>) {
    let db = Arc::new(TestDb::new(backend).await);
    let store = LostAnswers::new(db.store().await);
    let app = TestApp::start_on_store(db, store.clone(), &[]).await;
    (app, store)
}

async fn a_revoke_whose_answer_was_lost_still_wins(backend: Backend) {
    let (app, store) = app_losing_answers(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Ola").await;
    let admin = tenant.client(&app.base);
    for via_dashboard in [false, true] {
        let request = CreateKeyRequest { name: Some(format!("lost-{via_dashboard}")), ..Default::default() };
        let created = admin.create(&request).await.unwrap();
        let key = Client::new(&app.base, &created.key);
        key.whoami().await.unwrap();
        key.whoami().await.unwrap();
        store.lose_next_answer();
        let answered = if via_dashboard {
            assert!(app.sign_in(&tenant.email, support::PASSWORD).await.headers().contains_key("location"));
            let form = [("slug", tenant.slug.as_str()), ("key_id", created.api_key.id.as_str())];
            app.post_form("/api/dashboard/revoke_key", &form).await.status().as_u16()
        } else {
            status(admin.delete(&created.api_key.id).await)
        };
        assert_eq!(answered, 503, "the caller heard of an outage (dashboard: {via_dashboard})");
        assert_eq!(status(key.whoami().await), 401, "yet the committed revoke wins (dashboard: {via_dashboard})");
        assert_eq!(status(admin.delete(&created.api_key.id).await), 404, "a retry finds it revoked");
    }
}

async fn a_roll_whose_answer_was_lost_still_ends_the_old_key(backend: Backend) {
    let (app, store) = app_losing_answers(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Pia").await;
    let admin = tenant.client(&app.base);
    let created = admin.create(&CreateKeyRequest { name: Some("rolled".into()), ..Default::default() }).await.unwrap();
    let old = Client::new(&app.base, &created.key);
    old.whoami().await.unwrap();
    store.lose_next_answer();
    assert_eq!(status(admin.roll(&created.api_key.id, 0).await), 503);
    assert_eq!(status(old.whoami().await), 401, "the roll committed with no grace: the old key has stopped");
}

/// Renames `project` `times` times through the dashboard, signed in as its owner.
async fn rename_repeatedly(app: &TestApp, owner: &Tenant, times: usize) {
    assert!(app.sign_in(&owner.email, support::PASSWORD).await.headers().contains_key("location"));
    for n in 0..times {
        let name = format!("Renamed {n}");
        let form = [("slug", owner.slug.as_str()), ("name", name.as_str())];
        let renamed = app.post_form("/api/dashboard/rename_project", &form).await;
        assert!(renamed.status().is_success(), "{}", renamed.status());
    }
}

async fn renaming_a_project_costs_other_tenants_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (renamer, bystander) = (Tenant::new(&store, "Quinn").await, Tenant::new(&store, "Rae").await);
    let (renamers_key, bystanders_key) = (renamer.client(&app.base), bystander.client(&app.base));
    renamers_key.whoami().await.unwrap();
    bystanders_key.whoami().await.unwrap();
    let before = app.keys.lookups();
    rename_repeatedly(&app, &renamer, 100).await;
    for _ in 0..20 {
        bystanders_key.whoami().await.unwrap();
    }
    assert_eq!(app.keys.lookups(), before, "the bystander's key stayed cached through 100 renames");
    let whoami = renamers_key.whoami().await.unwrap();
    assert_eq!(whoami.project.name, "Renamed 99", "the renamed project's key answers with its new name");
    assert_eq!(app.keys.lookups(), before + 1, "which took one lookup");
}

/// PostgreSQL: the other instance hears which project changed, and forgets
/// only its keys.
async fn another_instance_forgets_only_the_renamed_projects_keys(backend: Backend) {
    let a = TestApp::start(backend).await;
    let b = TestApp::beside(&a, &[]).await;
    let store = a.db.store().await;
    let (renamer, bystander) = (Tenant::new(&store, "Sam").await, Tenant::new(&store, "Tia").await);
    let (renamers_key, bystanders_key) = (renamer.client(&b.base), bystander.client(&b.base));
    renamers_key.whoami().await.unwrap();
    bystanders_key.whoami().await.unwrap();
    assert_eq!(b.keys.cached().0, 2);
    let before = b.keys.lookups();
    rename_repeatedly(&a, &renamer, 100).await;
    let heard = eventually(Duration::from_secs(10), || async { b.keys.cached().0 == 1 }).await;
    assert!(heard, "B forgot the renamed project's key");
    for _ in 0..20 {
        bystanders_key.whoami().await.unwrap();
    }
    assert_eq!(b.keys.lookups(), before, "and kept the bystander's");
    let renamed = eventually(Duration::from_secs(10), || async {
        renamers_key.whoami().await.unwrap().project.name == "Renamed 99"
    });
    assert!(renamed.await, "B answers with the new name");
}

on_both_backends!(
    a_revoke_whose_answer_was_lost_still_wins,
    a_roll_whose_answer_was_lost_still_ends_the_old_key,
    renaming_a_project_costs_other_tenants_nothing,
);

mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn another_instance_forgets_only_the_renamed_projects_keys() {
        super::another_instance_forgets_only_the_renamed_projects_keys(super::Backend::Postgres).await
    }
}
