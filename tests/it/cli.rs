//! `banata user create` and `banata keys`, run as the real binary.

use crate::support;
use crate::support::{Backend, Tenant, TestApp, TestDb};
use std::io::Write;
use std::process::{Command, Stdio};

fn create_user(db: &TestDb, email: &str, stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_banata"))
        .args(["user", "create", "--email", email, "--name", "Ops Person", "--database-url", &db.url])
        .env("BANATA_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run banata");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

async fn a_created_user_can_sign_in_when_sign_up_is_closed(backend: Backend) {
    let db = TestDb::new(backend).await;
    let email = support::email();
    let output = create_user(&db, &email, "a long enough password\n");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains(&email) && !printed.contains("a long enough password"), "{printed}");

    let store = db.store().await;
    let user = store.accounts().credentials(&email).await.unwrap().expect("user exists");
    assert!(user.password_hash.starts_with("$argon2id$"));
    assert_eq!(store.project_members().of_account(&user.user.id).await.unwrap()[0].name, "Ops Person's project");
}

async fn a_short_password_or_taken_email_is_refused(backend: Backend) {
    let db = TestDb::new(backend).await;
    let email = support::email();
    let short = create_user(&db, &email, "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));
    assert!(db.store().await.accounts().credentials(&email).await.unwrap().is_none());

    assert!(create_user(&db, &email, "a long enough password\n").status.success());
    let again = create_user(&db, &email, "another long password\n");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

/// `banata keys …` with the key in the environment; (success, stdout, stderr).
async fn keys(app: &TestApp, api_key: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_banata"));
    command.arg("keys").args(args).env("BANATA_URL", &app.base).env_remove("BANATA_API_KEY");
    if let Some(key) = api_key {
        command.env("BANATA_API_KEY", key);
    }
    let output = command.output().await.expect("run banata keys");
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (output.status.success(), text(&output.stdout), text(&output.stderr))
}

async fn keys_are_managed_from_the_shell(backend: Backend) {
    let app = TestApp::start(backend).await;
    let tenant = Tenant::new(&app.db.store().await, "Shell User").await;
    let key = Some(tenant.key.as_str());

    let (ok, out, err) = keys(&app, key, &["whoami"]).await;
    assert!(ok, "{err}");
    assert!(out.contains("Shell User's project") && out.contains(&tenant.project_id) && out.contains("root"), "{out}");

    let (ok, out, err) = keys(&app, key, &["create", "--name", "from-the-shell"]).await;
    assert!(ok, "{err}");
    let secret = out.split_whitespace().find(|w| w.starts_with("sk_live_")).expect("the key is printed");
    assert!(banata::auth::keys::is_well_formed(secret), "{out}");
    assert!(out.contains("only time"), "{out}");

    let (ok, out, _) = keys(&app, key, &["list"]).await;
    assert!(ok);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("NAME") && lines[1].starts_with("from-the-shell") && lines[2].starts_with("root"),
        "{out}"
    );
    assert!(!out.contains(&secret[12..41]), "the list shows no secret: {out}");

    let (ok, out, _) = keys(&app, key, &["list", "--json"]).await;
    assert!(ok);
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let (ok, out, err) = keys(&app, key, &["revoke", &id]).await;
    assert!(ok && out.contains(&id), "{out}{err}");
    let (ok, out, _) = keys(&app, Some(secret), &["whoami"]).await;
    assert!(!ok && out.is_empty(), "the revoked key no longer works");

    let (ok, _, err) = keys(&app, key, &["revoke", &id]).await;
    assert!(!ok && err.contains("not_found"), "{err}");
    let (ok, _, err) = keys(&app, None, &["list"]).await;
    assert!(!ok && err.contains("BANATA_API_KEY"), "{err}");
    let (ok, _, err) = keys(&app, Some("sk_live_wrong"), &["list"]).await;
    assert!(!ok && err.contains("authentication_required") && !err.contains("sk_live_wrong"), "{err}");
}

on_both_backends!(
    keys_are_managed_from_the_shell,
    a_created_user_can_sign_in_when_sign_up_is_closed,
    a_short_password_or_taken_email_is_refused
);
