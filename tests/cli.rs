//! `banata user create`, run as the real binary.
#![cfg(feature = "ssr")]

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use support::{Backend, TestDb};

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
    let user = store.credentials_by_email(&email).await.unwrap().expect("user exists");
    assert!(user.password_hash.starts_with("$argon2id$"));
    assert_eq!(store.memberships(&user.user.id).await.unwrap()[0].name, "Ops Person's project");
}

async fn a_short_password_or_taken_email_is_refused(backend: Backend) {
    let db = TestDb::new(backend).await;
    let email = support::email();
    let short = create_user(&db, &email, "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));
    assert!(db.store().await.credentials_by_email(&email).await.unwrap().is_none());

    assert!(create_user(&db, &email, "a long enough password\n").status.success());
    let again = create_user(&db, &email, "another long password\n");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn the_password_is_never_a_command_line_argument() {
    let output = Command::new(env!("CARGO_BIN_EXE_banata"))
        .args(["user", "create", "--email", "a@example.com", "--password", "hunter22hunter22"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--password"));
}

on_both_backends!(a_created_user_can_sign_in_when_sign_up_is_closed, a_short_password_or_taken_email_is_refused);
