//! API keys through the dashboard's server functions, over real HTTP, on both
//! backends: the secret comes back once and is stored nowhere.

use crate::support;
use crate::support::{Backend, RealServer, TestApp, TestDb};
use reqwest::StatusCode;

const PASSWORD: &str = "correct horse battery";

struct Dashboard {
    app: TestApp,
    slug: String,
}

impl Dashboard {
    async fn start(backend: Backend) -> Dashboard {
        let app = TestApp::start(backend).await;
        let response = app.sign_up("Kim Keys", &support::email(), PASSWORD).await;
        let landing = response.headers()["location"].to_str().unwrap().to_string();
        let slug = landing.trim_start_matches("/projects/").trim_end_matches("/api-keys").to_string();
        Dashboard { app, slug }
    }

    async fn call(&self, function: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let mut fields = vec![("slug", self.slug.as_str())];
        fields.extend_from_slice(form);
        let response = self.app.post_form(&format!("/api/dashboard/{function}"), &fields).await;
        (response.status(), response.text().await.unwrap())
    }

    async fn create(&self, name: &str) -> serde_json::Value {
        let (status, body) = self.call("create_key", &[("name", name), ("expires", "never")]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    async fn list(&self, extra: &[(&str, &str)]) -> serde_json::Value {
        let (status, body) = self.call("list_keys", extra).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_str(&body).unwrap()
    }
}

async fn a_key_is_shown_once_listed_masked_and_revoked(backend: Backend) {
    let d = Dashboard::start(backend).await;
    let created = d.create("  billing-worker  ").await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let key = &created["key"];
    assert!(banata::auth::keys::is_well_formed(&secret), "{secret}");
    assert_eq!(key["name"], "billing-worker", "trimmed");
    assert_eq!(key["prefix"].as_str().unwrap(), &secret[..12]);
    assert_eq!(key["last4"].as_str().unwrap(), &secret[secret.len() - 4..]);
    assert_eq!(key["created_by"], "Kim Keys");
    assert_eq!(key["status"], "Active");

    let listed = d.list(&[]).await;
    let text = listed.to_string();
    assert!(!text.contains(&secret) && !text.contains(&secret[8..41]), "no secret in the list");
    assert!(!text.contains(&banata::auth::keys::hash(&secret)), "no hash in the list");
    assert_eq!(listed["keys"][0]["id"], key["id"]);
    let page = d.app.get(&format!("/projects/{}/api-keys", d.slug)).await.text().await.unwrap();
    assert!(page.contains("billing-worker") && !page.contains(&secret[8..41]), "nor in the page");

    let id = key["id"].as_str().unwrap();
    assert_eq!(d.call("revoke_key", &[("key_id", id)]).await.0, StatusCode::OK);
    assert!(d.list(&[]).await["keys"].as_array().unwrap().is_empty(), "revoked keys are hidden by default");
    let with_revoked = d.list(&[("show_revoked", "true")]).await;
    assert_eq!(with_revoked["keys"][0]["status"], "Revoked");
    assert_eq!(with_revoked["keys"][0]["revoked_by"], "Kim Keys");
    assert_eq!(d.call("revoke_key", &[("key_id", id)]).await.0, StatusCode::NOT_FOUND, "only once");
}

async fn bad_key_input_is_refused_and_changes_nothing(backend: Backend) {
    let d = Dashboard::start(backend).await;
    d.create("taken").await;
    let long = "k".repeat(101);
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 7] = [
        ("empty name", vec![("name", "   "), ("expires", "never")], "Enter a name"),
        ("long name", vec![("name", &long), ("expires", "never")], "at most 100"),
        ("taken name", vec![("name", "TAKEN"), ("expires", "never")], "already named"),
        ("past date", vec![("name", "a"), ("expires", "date"), ("expires_on", "2020-01-01")], "in the future"),
        ("bad date", vec![("name", "b"), ("expires", "date"), ("expires_on", "soon")], "as YYYY-MM-DD"),
        ("far date", vec![("name", "c"), ("expires", "date"), ("expires_on", "9999-01-01")], "five years"),
        ("unknown expiry", vec![("name", "d"), ("expires", "forever")], "Choose when"),
    ];
    for (what, form, message) in cases {
        let (status, body) = d.call("create_key", &form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert!(body.contains(message), "{what}: {body}");
    }
    let (status, _) = d.call("revoke_key", &[("key_id", "key_doesnotexist")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(d.list(&[("show_revoked", "true")]).await["keys"].as_array().unwrap().len(), 1, "nothing changed");

    // Expiry choices that work.
    let (status, body) = d.call("create_key", &[("name", "monthly"), ("expires", "30")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let on = crate::support::date_in(400);
    let (status, body) = d.call("create_key", &[("name", "dated"), ("expires", "date"), ("expires_on", &on)]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(crate::support::created_key(&body).key.expires_at, Some(format!("{on}T00:00:00Z")));
}

async fn the_plain_form_answers_with_the_reveal_page(backend: Backend) {
    let d = Dashboard::start(backend).await;
    let url = d.app.url(&format!("/projects/{}/api-keys/new", d.slug));
    let response = d.app.client.post(&url).form(&[("name", "no-js"), ("expires", "never")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page = response.text().await.unwrap();
    let field = page.split("id=\"copy-api-key\"").nth(1).expect("the reveal's key field");
    let secret = field.split("value=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap();
    assert!(banata::auth::keys::is_well_formed(secret), "the reveal carries the key: {page}");
    assert!(page.contains("won't be shown again"));
    assert!(page.contains(&format!("value=\"{}\"", d.app.base)), "BANATA_AUTH_URL beside the key");
    // It is the list page, with the new key in it, and the reveal over it.
    assert!(page.contains("<h1>API Keys</h1>") && page.contains(">no-js</a>"), "{page}");
    assert!(page.contains("aria-labelledby=\"reveal-title\""), "{page}");
    assert_eq!(page.matches(secret).count(), 1, "the secret is in the page once (not in island props)");
    // Its address, opened (a form on that page posted back to it), is the list.
    let response = d.app.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("/projects/{}/api-keys", d.slug));

    // A bad name sends the form back with the message.
    let response = d.app.client.post(&url).form(&[("name", ""), ("expires", "never")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = response.headers()["location"].to_str().unwrap().to_string();
    assert!(back.contains("new=1") && back.contains("error=name") && !back.contains("Enter"), "{back}");
    // The page says what is wrong for our codes only: no text from the link.
    let page = d.app.get(&back).await.text().await.unwrap();
    assert!(page.contains("Check the name"), "the code's message is shown");
    let spoof = "Your+account+is+suspended.+Call+555-0100";
    let page = d.app.get(&format!("/projects/{}/api-keys?new=1&error={spoof}", d.slug)).await.text().await.unwrap();
    assert!(!page.contains("suspended"), "free text from the query is never shown");

    // Someone else's project: not found, nothing created.
    let other = support::client();
    other
        .post(d.app.url("/api/dashboard/sign_up"))
        .form(&[("name", "Eve"), ("email", &support::email()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let response = other.post(&url).form(&[("name", "sneaky"), ("expires", "never")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(d.list(&[]).await["keys"].as_array().unwrap().len(), 1);
}

/// Every text or binary value in every table, as text.
async fn every_stored_value(db: &TestDb, backend: Backend) -> Vec<String> {
    use sqlx::{Connection, Row};
    let mut values = Vec::new();
    match backend {
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
            let columns = sqlx::query(
                "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns
                 WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
                   AND data_type IN ('text', 'character varying', 'bytea', 'json', 'jsonb')",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            assert!(columns.len() > 10, "found the columns");
            for column in columns {
                let (schema, table, name, kind): (String, String, String, String) =
                    (column.get(0), column.get(1), column.get(2), column.get(3));
                let sql = format!(
                    "SELECT encode(convert_to(\"{name}\"::text, 'UTF8'), 'escape') FROM \"{schema}\".\"{table}\""
                );
                let sql = if kind == "bytea" {
                    format!("SELECT encode(\"{name}\", 'escape') FROM \"{schema}\".\"{table}\"")
                } else {
                    sql
                };
                for row in sqlx::query(&sql).fetch_all(&mut conn).await.unwrap() {
                    values.push(row.get::<Option<String>, _>(0).unwrap_or_default());
                }
            }
        }
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
            let tables: Vec<String> = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&mut conn)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.get(0))
                .collect();
            assert!(tables.len() > 5, "found the tables");
            for table in tables {
                let columns: Vec<String> = sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&mut conn)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.get(0))
                    .collect();
                for column in columns {
                    // As bytes: session records are binary (MessagePack).
                    let sql = format!("SELECT CAST(\"{column}\" AS BLOB) FROM \"{table}\"");
                    for row in sqlx::query(&sql).fetch_all(&mut conn).await.unwrap() {
                        let bytes = row.get::<Option<Vec<u8>>, _>(0).unwrap_or_default();
                        values.push(String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
        }
    }
    values
}

async fn the_key_is_stored_and_logged_nowhere(backend: Backend) {
    let db = TestDb::new(backend).await;
    let mut server = RealServer::start(&db.url, &[]);
    let base = server.base.clone();
    let client = support::client();
    let post = |path: &str, form: Vec<(&str, String)>| client.post(format!("{base}{path}")).form(&form).send();
    let signed_up = post(
        "/api/dashboard/sign_up",
        vec![("name", "Sam".into()), ("email", support::email()), ("password", PASSWORD.into())],
    )
    .await
    .unwrap();
    let slug = signed_up.headers()["location"].to_str().unwrap().split('/').nth(2).unwrap().to_string();
    let created = post(
        "/api/dashboard/create_key",
        vec![("slug", slug.clone()), ("name", "scan-me".into()), ("expires", "never".into())],
    )
    .await
    .unwrap();
    let created: serde_json::Value = serde_json::from_str(&created.text().await.unwrap()).unwrap();
    let secret = created["secret"].as_str().unwrap().to_string();
    let random = &secret[8..41];
    let id = created["key"]["id"].as_str().unwrap().to_string();
    post("/api/dashboard/revoke_key", vec![("slug", slug.clone()), ("key_id", id)]).await.unwrap();
    // An invitation link is a bearer secret too: opened, it is logged as a
    // request without its token.
    let invited = post(
        "/api/dashboard/add_member",
        vec![("slug", slug), ("email", "invitee@example.com".into()), ("role", "viewer".into())],
    )
    .await
    .unwrap();
    let token = support::invitation_token(&invited.text().await.unwrap());
    let opened = client.get(format!("{base}/invite/{token}")).send().await.unwrap();
    assert!(opened.status().is_success(), "{}", opened.status());

    let seen = server.kill();
    assert!(seen.contains("API key created"), "the log was captured: {seen}");
    assert!(seen.contains("/invite/"), "the invitation page's request was logged: {seen}");
    assert!(!seen.contains(random), "the key is in the log");
    assert!(!seen.contains(&token), "the invitation token is in the log");

    let values = every_stored_value(&db, backend).await;
    assert!(values.iter().any(|v| v == "scan-me"), "the scan reads the keys table");
    assert!(values.iter().any(|v| v == &banata::auth::keys::hash(&secret)), "and finds the hash");
    for value in values {
        assert!(!value.contains(random), "the key's random part is stored in the clear: {value}");
    }
}

on_both_backends!(
    a_key_is_shown_once_listed_masked_and_revoked,
    bad_key_input_is_refused_and_changes_nothing,
    the_plain_form_answers_with_the_reveal_page,
    the_key_is_stored_and_logged_nowhere,
);
