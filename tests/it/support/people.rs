//! People and tenants acting in tests: members with their own cookie jar,
//! a user with a project and a working key, audit actors.

use super::{client, db::unique, TestApp};
use banata::store::Store;
use std::sync::Arc;

pub const PASSWORD: &str = "correct horse battery";

/// A member acting in a test, as the audit log records them.
pub fn actor(user_id: &str) -> banata::actor::Actor {
    banata::actor::Actor {
        kind: banata::domain::ActorKind::User,
        id: user_id.into(),
        name: "Test Member".into(),
        ip: Some("127.0.0.1".into()),
        user_agent: Some("banata-tests".into()),
    }
}

/// An application acting with the key `key_id` in a test.
pub fn key_actor(key_id: &str) -> banata::actor::Actor {
    banata::actor::Actor { kind: banata::domain::ActorKind::ApiKey, name: "test key".into(), ..actor(key_id) }
}

/// Makes `user_id` a member of the project straight in the store, the way
/// accepting an invitation does (for store tests, which have no server).
pub async fn join_in_store(store: &dyn Store, project_id: &str, user_id: &str, role: banata::domain::Role) {
    let now = time::OffsetDateTime::now_utc();
    let id = banata::auth::ids::invitation_id();
    let invitation = banata::store::NewInvitation {
        id: id.clone(),
        project_id: project_id.into(),
        email: email(),
        role,
        token_hash: banata::auth::tokens::hash(&id),
        invited_by: user_id.into(),
        created_at: now,
        expires_at: now + time::Duration::hours(1),
        mail: None,
    };
    store.project_invitations().insert(&invitation, &actor(user_id)).await.unwrap();
    store.project_invitations().accept(&id, &actor(user_id), now).await.unwrap();
}

/// A fresh, unique email for one test.
pub fn email() -> String {
    format!("{}@example.com", unique("user"))
}

/// A user, their project, and one working key of it.
pub struct Tenant {
    pub email: String,
    pub project_id: String,
    pub slug: String,
    pub key: String,
    pub key_id: String,
}

impl Tenant {
    /// Made straight in the store, as the dashboard would.
    pub async fn new(store: &Arc<dyn Store>, name: &str) -> Tenant {
        let email = email();
        let user = banata::auth::accounts::sign_up(&**store, name, &email, PASSWORD, None).await.unwrap();
        let project = banata::auth::accounts::home_project(&**store, &user).await.unwrap();
        let spec = banata::services::keys::KeySpec {
            project_id: &project.project_id,
            name: "root".into(),
            permissions: vec![],
            expires_at: None,
        };
        let now = time::OffsetDateTime::now_utc();
        let created = banata::services::keys::issue(&**store, spec, &actor(&user.id), now).await.unwrap();
        Tenant {
            email,
            project_id: project.project_id,
            slug: project.slug,
            key: created.secret,
            key_id: created.key.id,
        }
    }

    pub fn client(&self, base: &str) -> banata::client::Client {
        banata::client::Client::new(base, &self.key)
    }
}

/// A signed-in person with their own cookie jar.
pub struct Person {
    pub client: reqwest::Client,
    pub email: String,
    pub id: String,
}

impl Person {
    pub async fn sign_up(app: &TestApp, name: &str) -> Person {
        Person::sign_up_as(app, name, &email()).await
    }

    pub async fn sign_up_as(app: &TestApp, name: &str, email: &str) -> Person {
        let client = client();
        let response = client
            .post(app.url("/api/dashboard/sign_up"))
            .form(&[("name", name), ("email", email), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success() || response.status().is_redirection(), "sign-up: {}", response.status());
        let id = app.db.store().await.accounts().credentials(email).await.unwrap().unwrap().user.id;
        Person { client, email: email.to_string(), id }
    }

    /// Joins the project at `slug` as `role` the only way there is: `owner`
    /// invites this person's email, and they accept with the link.
    pub async fn join(&self, app: &TestApp, owner: &Person, slug: &str, role: &str) {
        let invite = [("slug", slug), ("email", self.email.as_str()), ("role", role)];
        let (status, body) = owner.call(app, "add_member", &invite).await;
        assert_eq!(status, reqwest::StatusCode::OK, "invite: {body}");
        let token = super::invitation_token(&body);
        let (status, body) = self.call(app, "accept_invitation", &[("token", &token)]).await;
        assert!(status.is_success() || status.is_redirection(), "accept: {status} {body}");
    }

    pub async fn call(&self, app: &TestApp, function: &str, form: &[(&str, &str)]) -> (reqwest::StatusCode, String) {
        let response =
            self.client.post(app.url(&format!("/api/dashboard/{function}"))).form(form).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }
}
