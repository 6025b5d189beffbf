//! The admin SDK's `userManagement` over real HTTP with a Bearer key, on
//! both backends: the whole cycle, a key that sees only its own project's
//! users, read-only keys, and bad input that changes nothing.

use crate::support;
use crate::support::{Backend, Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn admin(app: &TestApp, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response =
        app.client.post(app.url(&format!("/api/auth/admin/{path}"))).bearer_auth(key).json(&body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: JSON expected: {text}")))
}

/// Signs the user in through the auth API, as their app would.
async fn sign_in(app: &TestApp, key: &str, email: &str, password: &str) -> (StatusCode, Value, reqwest::Client) {
    let client = support::client();
    let response = client
        .post(app.url("/api/auth/sign-in/email"))
        .header("x-api-key", key)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap(), client)
}

async fn session_of(app: &TestApp, key: &str, client: &reqwest::Client) -> Value {
    let response = client.get(app.url("/api/auth/get-session")).header("x-api-key", key).send().await.unwrap();
    response.json().await.unwrap()
}

async fn users_are_created_listed_banned_and_removed(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Admin").await;
    let key = tenant.key.as_str();
    let email = support::email();
    let (status, created) =
        admin(&app, key, "create-user", json!({"email": email, "name": "Ada", "password": "correct horse"})).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let user = &created["user"];
    let id = user["id"].as_str().unwrap().to_string();
    for (field, value) in
        [("email", json!(email)), ("role", json!("user")), ("banned", json!(false)), ("emailVerified", json!(false))]
    {
        assert_eq!(user[field], value, "{field}");
    }
    assert!(user["createdAt"].is_string() && user["metadata"].is_object() && user["banReason"].is_null());
    let (status, taken) = admin(&app, key, "create-user", json!({"email": email.to_uppercase(), "name": "Twin"})).await;
    assert_eq!((status, taken["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_error")));
    let (status, _) = admin(
        &app,
        key,
        "create-user",
        json!({"email": support::email(), "name": "No Password", "emailVerified": true}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, page) = admin(&app, key, "list-users", json!({"limit": 1})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((page["total"].as_i64(), page["users"].as_array().unwrap().len()), (Some(2), 1));
    assert_eq!(page["users"], page["data"]);
    let (_, second) = admin(&app, key, "list-users", json!({"limit": 1, "offset": 1})).await;
    assert_ne!(second["users"][0]["id"], page["users"][0]["id"], "the next page");
    // The local part: unique to this user (a short prefix may be shared).
    let (_, found) = admin(&app, key, "list-users", json!({"email": &email[..email.find('@').unwrap()]})).await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["users"][0]["id"], id.as_str());
    let (status, got) = admin(&app, key, "get-user", json!({"userId": id})).await;
    assert_eq!((status, &got["email"]), (StatusCode::OK, &json!(email)));

    // Ban: their sessions end, and they cannot sign in; unban lets them.
    let (status, _, browser) = sign_in(&app, key, &email, "correct horse").await;
    assert_eq!(status, StatusCode::OK);
    let (status, listed) = admin(&app, key, "list-user-sessions", json!({"userId": id})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 1);
    assert!(listed["sessions"][0].get("token").is_none(), "never a secret");
    let (status, banned) = admin(&app, key, "ban-user", json!({"userId": id, "banReason": "spam"})).await;
    assert_eq!(status, StatusCode::OK, "{banned}");
    assert_eq!((&banned["user"]["banned"], &banned["user"]["banReason"]), (&json!(true), &json!("spam")));
    assert_eq!(session_of(&app, key, &browser).await, Value::Null, "signed out at once");
    let (status, refused, _) = sign_in(&app, key, &email, "correct horse").await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some("BANNED_USER")));
    let (status, _) = admin(&app, key, "unban-user", json!({"userId": id})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, browser) = sign_in(&app, key, &email, "correct horse").await;
    assert_eq!(status, StatusCode::OK);

    // Sessions end one by one or all at once.
    let (_, listed) = admin(&app, key, "list-user-sessions", json!({"userId": id})).await;
    let session_id = listed["sessions"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(admin(&app, key, "revoke-user-session", json!({"sessionId": session_id})).await.0, StatusCode::OK);
    assert_eq!(session_of(&app, key, &browser).await, Value::Null);
    assert_eq!(
        admin(&app, key, "revoke-user-session", json!({"sessionId": session_id})).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, _, browser) = sign_in(&app, key, &email, "correct horse").await;
    assert_eq!(admin(&app, key, "revoke-user-sessions", json!({"userId": id})).await.0, StatusCode::OK);
    assert_eq!(session_of(&app, key, &browser).await, Value::Null);

    let (status, removed) = admin(&app, key, "remove-user", json!({"userId": id})).await;
    assert_eq!((status, removed), (StatusCode::OK, json!({"success": true})));
    let (status, gone) = admin(&app, key, "get-user", json!({"userId": id})).await;
    assert_eq!((status, gone["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    assert_eq!(sign_in(&app, key, &email, "correct horse").await.0, StatusCode::UNAUTHORIZED);
}

/// B's key finds none of A's users or sessions, and changes nothing of them.
async fn a_key_manages_its_own_projects_users_only(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (a, b) = (Tenant::new(&store, "A").await, Tenant::new(&store, "B").await);
    let email = support::email();
    let (_, created) =
        admin(&app, &a.key, "create-user", json!({"email": email, "name": "Ada", "password": "correct horse"})).await;
    let id = created["user"]["id"].as_str().unwrap().to_string();
    let (_, _, browser) = sign_in(&app, &a.key, &email, "correct horse").await;
    let (_, listed) = admin(&app, &a.key, "list-user-sessions", json!({"userId": id})).await;
    let session_id = listed["sessions"][0]["id"].as_str().unwrap().to_string();

    for (path, body) in [
        ("get-user", json!({"userId": id})),
        ("ban-user", json!({"userId": id})),
        ("unban-user", json!({"userId": id})),
        ("remove-user", json!({"userId": id})),
        ("list-user-sessions", json!({"userId": id})),
        ("revoke-user-sessions", json!({"userId": id})),
        ("revoke-user-session", json!({"sessionId": session_id})),
    ] {
        let (status, body) = admin(&app, &b.key, path, body).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")), "{path}");
    }
    let (_, theirs) = admin(&app, &b.key, "list-users", json!({})).await;
    assert_eq!(theirs["total"], 0);
    let (status, _) = admin(&app, &a.key, "get-user", json!({"userId": id, "projectId": b.project_id})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a projectId that contradicts the key");
    // Nothing changed for A.
    assert!(session_of(&app, &a.key, &browser).await["user"].is_object());
    assert_eq!(admin(&app, &a.key, "get-user", json!({"userId": id})).await.1["banned"], false);
}

async fn read_only_keys_look_and_bad_input_changes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let tenant = Tenant::new(&store, "Careful").await;
    let key = tenant.key.as_str();
    let (_, created) = admin(&app, key, "create-user", json!({"email": support::email(), "name": "Ada"})).await;
    let id = created["user"]["id"].as_str().unwrap().to_string();
    let reader = tenant
        .client(&app.base)
        .create(&banata::admin::key_types::CreateKeyRequest {
            name: Some("reader".into()),
            permissions: Some(vec!["api_keys:read".into()]),
            ..Default::default()
        })
        .await
        .unwrap()
        .key;
    assert_eq!(admin(&app, &reader, "list-users", json!({})).await.0, StatusCode::OK);
    assert_eq!(admin(&app, &reader, "get-user", json!({"userId": id})).await.0, StatusCode::OK);
    for (path, body) in [
        ("create-user", json!({"email": support::email(), "name": "X"})),
        ("ban-user", json!({"userId": id})),
        ("remove-user", json!({"userId": id})),
        ("revoke-user-sessions", json!({"userId": id})),
    ] {
        let (status, body) = admin(&app, &reader, path, body).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{path}");
    }

    let bad: Vec<(&str, Value, &str)> = vec![
        ("get-user", json!({}), "userId"),
        ("get-user", json!({"userId": "  "}), "userId"),
        ("get-user", json!({"userId": 42}), "userId"),
        ("create-user", json!({"name": "No Email"}), "email"),
        ("create-user", json!({"email": "not-an-email", "name": "X"}), "email"),
        ("create-user", json!({"email": support::email()}), "name"),
        ("create-user", json!({"email": support::email(), "name": "X", "password": "short"}), "password"),
        ("create-user", json!({"email": support::email(), "name": "X", "password": "x".repeat(129)}), "password"),
        ("list-users", json!({"limit": 0}), "limit"),
        ("list-users", json!({"limit": 201}), "limit"),
        ("list-users", json!({"limit": "ten"}), "limit"),
        ("ban-user", json!({"userId": id, "banExpires": 1000}), "banExpires"),
        ("ban-user", json!({"userId": id, "banReason": "x".repeat(501)}), "banReason"),
        ("revoke-user-session", json!({}), "sessionId"),
    ];
    for (path, body, field) in bad {
        let (status, answer) = admin(&app, key, path, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {body}: {answer}");
        assert_eq!(answer["errors"][0]["field"], field, "{path} {body}: {answer}");
    }
    let (_, page) = admin(&app, key, "list-users", json!({})).await;
    assert_eq!(page["total"], 1, "nothing was created");
    assert_eq!(admin(&app, key, "get-user", json!({"userId": id})).await.1["banned"], false, "nothing was banned");
    assert_eq!(admin(&app, key, "get-user", json!({"userId": "usr_unknown"})).await.0, StatusCode::NOT_FOUND);
    let (status, _) = admin(&app, "sk_live_not_a_key", "list-users", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// update-user, set-role and set-user-password: every field checked before
/// anything changes, and a new password ends the user's sessions.
async fn users_are_updated_and_given_a_password(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (tenant, other) = (Tenant::new(&store, "Editor").await, Tenant::new(&store, "Other").await);
    let key = tenant.key.as_str();
    let email = support::email();
    let (_, created) = admin(
        &app,
        key,
        "create-user",
        json!({"email": email, "name": "Ada", "password": "correct horse", "image": "https://img.example/a.png"}),
    )
    .await;
    let id = created["user"]["id"].as_str().unwrap().to_string();

    let change = json!({"userId": id, "name": "Ada L.", "emailVerified": true, "role": "admin", "metadata": {"plan": "pro"}, "image": null});
    let (status, user) = admin(&app, key, "update-user", change).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(
        (&user["name"], &user["emailVerified"], &user["role"]),
        (&json!("Ada L."), &json!(true), &json!("admin"))
    );
    assert_eq!((&user["metadata"], &user["image"]), (&json!({"plan": "pro"}), &Value::Null));
    let (_, again) = admin(&app, key, "get-user", json!({"userId": id})).await;
    assert_eq!(again["metadata"]["plan"], "pro", "kept");

    for (body, field) in [
        (json!({"userId": id, "role": "root"}), "role"),
        (json!({"userId": id, "metadata": ["not", "an object"]}), "metadata"),
        (json!({"userId": id, "name": ""}), "name"),
        (json!({"userId": id, "password": "short", "name": "Changed"}), "password"),
    ] {
        let (status, answer) = admin(&app, key, "update-user", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert_eq!(answer["errors"][0]["field"], field, "{body}: {answer}");
    }
    let (status, answer) = admin(&app, key, "set-role", json!({"userId": id, "role": "owner"})).await;
    assert_eq!((status, &answer["errors"][0]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("role")));
    assert_eq!(admin(&app, key, "get-user", json!({"userId": id})).await.1["name"], "Ada L.", "nothing changed");
    let (status, set) = admin(&app, key, "set-role", json!({"userId": id, "role": "user"})).await;
    assert_eq!((status, &set["user"]["role"]), (StatusCode::OK, &json!("user")));
    assert_eq!(
        admin(&app, &other.key, "update-user", json!({"userId": id, "name": "Taken over"})).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin(&app, &other.key, "set-user-password", json!({"userId": id, "newPassword": "taken over!"})).await.0,
        StatusCode::NOT_FOUND
    );

    // A new password ends the user's sessions; the old one stops working.
    let (_, _, browser) = sign_in(&app, key, &email, "correct horse").await;
    let (status, short) = admin(&app, key, "set-user-password", json!({"userId": id, "newPassword": "short"})).await;
    assert_eq!((status, &short["errors"][0]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("newPassword")));
    let (status, done) =
        admin(&app, key, "set-user-password", json!({"userId": id, "newPassword": "battery staple"})).await;
    assert_eq!((status, done), (StatusCode::OK, json!({"status": true})));
    assert_eq!(session_of(&app, key, &browser).await, Value::Null);
    assert_eq!(sign_in(&app, key, &email, "correct horse").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, key, &email, "battery staple").await.0, StatusCode::OK);
}

on_both_backends!(
    users_are_created_listed_banned_and_removed,
    a_key_manages_its_own_projects_users_only,
    read_only_keys_look_and_bad_input_changes_nothing,
    users_are_updated_and_given_a_password,
);
