//! Each project signs its users' JWTs with keys of its own, published at a
//! URL of its own under an issuer of its own: a token of one project never
//! verifies with another's keys, even for a verifier that forgets `aud`.

use crate::support;
use crate::support::{answer, sign_up_body, verified_claims, Browser};
use crate::support::{Backend, Tenant, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

/// Whether `token`'s RS256 signature checks out against any key of `jwks`.
fn verifies(token: &str, jwks: &Value) -> bool {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    let parts: Vec<&str> = token.split('.').collect();
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).unwrap();
    let signature = Signature::try_from(decode(parts[2]).as_slice()).unwrap();
    jwks["keys"].as_array().unwrap().iter().any(|jwk| {
        let big = |field: &str| rsa::BigUint::from_bytes_be(&decode(jwk[field].as_str().unwrap()));
        let key = VerifyingKey::<sha2::Sha256>::new(rsa::RsaPublicKey::new(big("n"), big("e")).unwrap());
        key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature).is_ok()
    })
}

fn kid(token: &str) -> String {
    use base64::Engine;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap();
    serde_json::from_slice::<Value>(&header).unwrap()["kid"].as_str().unwrap().to_string()
}

/// A signed-up user's browser in the tenant's app, and their token.
async fn token_of(app: &TestApp, tenant: &Tenant) -> (Browser, String) {
    let browser = Browser::new(app, &tenant.key);
    let signed_up = browser.post("/sign-up/email", sign_up_body(&support::email(), "correct horse")).await;
    assert_eq!(signed_up.status, StatusCode::OK, "{}", signed_up.text);
    let got = browser.get("/convex/token").await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
    (browser, got.body["token"].as_str().unwrap().to_string())
}

async fn public(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let got = answer(support::client().get(app.url(path))).await;
    (got.status, got.headers, got.body)
}

async fn jwks_of(app: &TestApp, project_id: &str) -> Value {
    let (status, headers, jwks) = public(app, &format!("/api/auth/projects/{project_id}/jwks")).await;
    assert_eq!(status, StatusCode::OK, "{jwks}");
    assert_eq!(headers["cache-control"], "public, max-age=300");
    jwks
}

async fn a_projects_token_verifies_only_with_its_own_keys(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (a, b) = (Tenant::new(&store, "A").await, Tenant::new(&store, "B").await);
    let ((_, token_a), (_, token_b)) = (token_of(&app, &a).await, token_of(&app, &b).await);
    let (jwks_a, jwks_b) = (jwks_of(&app, &a.project_id).await, jwks_of(&app, &b.project_id).await);
    assert!(verifies(&token_a, &jwks_a) && verifies(&token_b, &jwks_b));
    assert!(!verifies(&token_a, &jwks_b), "A's token against B's keys");
    assert!(!verifies(&token_b, &jwks_a), "B's token against A's keys");
    assert!(!jwks_a.to_string().contains("\"d\""), "no private part in the JWKS");

    let claims = verified_claims(&token_a, &jwks_a);
    let issuer = claims["iss"].as_str().unwrap().to_string();
    assert!(issuer.ends_with(&format!("/api/auth/projects/{}", a.project_id)), "{issuer}");
    assert_eq!(claims["aud"], a.project_id.as_str());
    let (status, _, discovery) =
        public(&app, &format!("/api/auth/projects/{}/.well-known/openid-configuration", a.project_id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(discovery["issuer"], issuer.as_str());
    assert_eq!(discovery["jwks_uri"], format!("{issuer}/jwks"));

    // Where Banata's clients look: the sending key's project.
    let keyed = Browser::new(&app, &b.key).get("/convex/jwks").await;
    assert_eq!(keyed.body, jwks_b);
    let keyed = Browser::new(&app, &b.key).get("/convex/.well-known/openid-configuration").await;
    assert!(keyed.body["issuer"].as_str().unwrap().ends_with(&format!("/api/auth/projects/{}", b.project_id)));
    // Without a key there is no telling which project: the answer says where to look.
    for path in [
        "/api/auth/convex/jwks",
        "/api/auth/convex/.well-known/openid-configuration",
        "/.well-known/openid-configuration",
    ] {
        let (status, _, body) = public(&app, path).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("PROJECT_REQUIRED")), "{path}");
        assert!(body["message"].as_str().unwrap().contains("/api/auth/projects/"), "{body}");
    }
    let bad_key =
        answer(support::client().get(app.url("/api/auth/convex/jwks")).header("x-api-key", "sk_live_nope")).await;
    assert_eq!(bad_key.status, StatusCode::UNAUTHORIZED);
    for missing in ["proj_AAAAAAAAAAAAAAAAAAAA", "proj_", "not-a-project", "proj_a%2Fb"] {
        let (status, _, _) = public(&app, &format!("/api/auth/projects/{missing}/jwks")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }

    // Every instance signs with the project's stored keys.
    let second = TestApp::beside(&app, &[]).await;
    assert_eq!(jwks_of(&second, &a.project_id).await, jwks_a);
}

/// `banata jwt rotate --project <slug>`: new tokens carry the new key, and
/// tokens of the old one still verify; other projects' keys are untouched.
async fn a_projects_key_rotates_without_breaking_its_tokens(backend: Backend) {
    let app = TestApp::start(backend).await;
    let store = app.db.store().await;
    let (a, b) = (Tenant::new(&store, "Rotating").await, Tenant::new(&store, "Steady").await);
    let (_, old) = token_of(&app, &a).await;
    let jwks_b = jwks_of(&app, &b.project_id).await;
    assert_eq!(jwks_of(&app, &a.project_id).await["keys"].as_array().unwrap().len(), 1);

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_banata"))
        .args(["jwt", "rotate", "--project", &a.slug, "--database-url", &app.db.url])
        .env("BANATA_LOG", "warn")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(!printed.contains("PRIVATE KEY"), "{printed}");
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_banata"))
        .args(["jwt", "rotate", "--project", "no-such-project", "--database-url", &app.db.url])
        .env("BANATA_LOG", "warn")
        .output()
        .unwrap();
    assert!(!unknown.status.success(), "an unknown project is an error");

    // On PostgreSQL the running server hears of it at once; a SQLite file
    // has one server, which reads keys again within a minute: a server
    // started now stands in for it.
    let fresh;
    let serving = match backend {
        Backend::Postgres => &app,
        Backend::Sqlite => {
            fresh = TestApp::beside(&app, &[]).await;
            &fresh
        }
    };
    let rotated = support::eventually(std::time::Duration::from_secs(10), || async {
        jwks_of(serving, &a.project_id).await["keys"].as_array().unwrap().len() == 2
    })
    .await;
    assert!(rotated, "the running server publishes the new key");
    let served = jwks_of(serving, &a.project_id).await;
    assert!(verifies(&old, &served), "a token of the replaced key still verifies");
    let (_, new) = token_of(serving, &a).await;
    assert_ne!(kid(&new), kid(&old), "signed with the new key");
    assert!(printed.contains(&kid(&new)), "the command names the new key: {printed}");
    assert!(verifies(&new, &served));
    assert_eq!(jwks_of(serving, &b.project_id).await, jwks_b, "another project's keys are untouched");
}

on_both_backends!(a_projects_token_verifies_only_with_its_own_keys, a_projects_key_rotates_without_breaking_its_tokens);
