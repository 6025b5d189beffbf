//! Property-based fuzzing (proptest) of the key parser and of the admin
//! API's JSON input, bounded so that it runs in every `.ci/run`. Failing
//! cases are kept in `tests/it/fuzz.proptest-regressions` and replayed first.

use crate::support::{Backend, Tenant, TestApp};
use banata::auth::keys;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use serde_json::Value;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        source_file: Some(file!()),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(2_000))]

    /// Whatever arrives in a header, the parser answers without panicking,
    /// and only strings of the documented shape pass. Half the candidates
    /// start from a real key (whole, or cut short and followed by noise), so
    /// the shape check runs on keys that do pass, and a whole real key must.
    #[test]
    fn the_key_parser_takes_anything(
        from_real in any::<bool>(),
        cut in prop_oneof![Just(keys::KEY_LEN), 0..keys::KEY_LEN],
        noise in prop_oneof![Just(String::new()), ".{0,80}"],
    ) {
        let real = keys::generate_secret();
        let candidate = if from_real { format!("{}{}", &real[..cut], noise) } else { noise.clone() };
        if keys::is_well_formed(&candidate) {
            prop_assert!(candidate.starts_with(keys::PREFIX));
            prop_assert_eq!(candidate.len(), keys::KEY_LEN);
        }
        if from_real && cut == keys::KEY_LEN && noise.is_empty() {
            prop_assert!(keys::is_well_formed(&candidate), "a real key is refused: {}", candidate);
        }
    }

    /// Any one character changed in a real key is caught by the checksum.
    #[test]
    fn one_wrong_character_is_always_caught(at in 8usize..keys::KEY_LEN, with in "[0-9A-Za-z]") {
        let key = keys::generate_secret();
        prop_assume!(key[at..at + 1] != with);
        let mistyped = format!("{}{}{}", &key[..at], with, &key[at + 1..]);
        prop_assert!(!keys::is_well_formed(&mistyped), "{} passed", mistyped);
    }
}

/// Any JSON value at all.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,120}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Request bodies shaped like the SDK's: mostly plausible values, with any
/// JSON at all mixed into every field.
fn create_body() -> impl Strategy<Value = Value> {
    let name = prop_oneof![3 => ".{0,120}".prop_map(Value::String), 1 => json()];
    let org = prop_oneof![Just(Value::Null), "[a-z_]{0,20}".prop_map(Value::String), json()];
    let permissions = prop_oneof![Just(Value::Null), Just(serde_json::json!([])), json()];
    let expires = prop_oneof![
        Just(Value::Null),
        "20(2[7-9]|30)-0[1-9]-[12][0-9]".prop_map(Value::String),
        "20(2[7-9]|30)-0[1-9]-[12][0-9]T[01][0-9]:[0-5][0-9]:[0-5][0-9]Z".prop_map(Value::String),
        json(),
    ];
    (name, org, permissions, expires, json()).prop_map(|(name, org, permissions, expires, extra)| {
        serde_json::json!({
            "name": name, "organizationId": org, "permissions": permissions,
            "expiresAt": expires, "somethingElse": extra,
        })
    })
}

fn delete_body() -> impl Strategy<Value = Value> {
    prop_oneof!["key_[0-9A-Za-z]{20}".prop_map(Value::String), ".{0,40}".prop_map(Value::String), json()]
        .prop_map(|id| serde_json::json!({ "keyId": id }))
}

/// Random bodies at a real server: never a 5xx, always a contract body.
fn the_admin_api_takes_any_json(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (app, tenant) = runtime.block_on(async {
        let app = TestApp::start(backend).await;
        let tenant = Tenant::new(&app.db.store().await, "Fuzz").await;
        (app, tenant)
    });
    let mut runner = TestRunner::new(config(150));
    let seen = std::cell::RefCell::new(std::collections::BTreeMap::<u16, u32>::new());
    let strategy = prop_oneof![
        4 => create_body().prop_map(|b| ("/api/auth/api-key/create", b)),
        2 => delete_body().prop_map(|b| ("/api/auth/api-key/delete", b)),
        1 => json().prop_map(|b| ("/api/auth/api-key/create", b)),
    ];
    runner
        .run(&strategy, |(path, body)| {
            let (status, answer) = runtime.block_on(async {
                let response =
                    app.client.post(app.url(path)).bearer_auth(&tenant.key).json(&body).send().await.unwrap();
                (response.status().as_u16(), response.bytes().await.unwrap())
            });
            *seen.borrow_mut().entry(status).or_default() += 1;
            prop_assert!(status < 500, "{} for {}", status, body);
            let answer: Value = serde_json::from_slice(&answer).expect("a JSON body");
            if status >= 400 {
                prop_assert!(answer["code"].is_string() && answer["message"].is_string(), "{}", answer);
            }
            Ok(())
        })
        .unwrap();
    // The generator reaches both the rules and the happy path.
    let seen = seen.into_inner();
    assert!(seen.contains_key(&422) && seen.keys().any(|s| *s == 200 || *s == 404), "{seen:?}");
}

#[test]
fn the_admin_api_takes_any_json_sqlite() {
    the_admin_api_takes_any_json(Backend::Sqlite)
}

#[test]
fn the_admin_api_takes_any_json_postgres() {
    the_admin_api_takes_any_json(Backend::Postgres)
}
