//! A customer's app in front of the auth API, as tests drive it: a browser
//! of the app (its cookie jar, the project's key, the app's forwarded host
//! and origin, as the app's route handler sends them), the answers it gets,
//! and the admin API and JWT checks the app's backend makes.

use super::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The app's origin, as its route handler forwards it.
pub const APP_HOST: &str = "app.example.test";
pub const APP_ORIGIN: &str = "http://app.example.test";

/// A browser of the app, through the app's route handler: one cookie jar,
/// the project's key, and the forwarded host and scheme.
pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    pub key: String,
}

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub text: String,
    pub cookies: Vec<String>,
    pub headers: reqwest::header::HeaderMap,
}

impl Browser {
    pub fn new(app: &TestApp, key: &str) -> Browser {
        Browser { http: super::client(), base: app.base.clone(), key: key.to_string() }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}/api/auth{path}", self.base))
            .header("x-api-key", &self.key)
            .header("origin", APP_ORIGIN)
            .header("x-forwarded-host", APP_HOST)
            .header("x-forwarded-proto", "http")
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        answer(self.request(reqwest::Method::POST, path).json(&body)).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        answer(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn session(&self) -> Value {
        let got = self.get("/get-session").await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text);
        got.body
    }
}

pub async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let cookies = headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, body, text, cookies, headers }
}

pub fn sign_up_body(email: &str, password: &str) -> Value {
    json!({"name": "Ada App-User", "email": email, "password": password})
}

/// The claims of a JWT whose RS256 signature checks out against the JWKS.
pub fn verified_claims(token: &str, jwks: &Value) -> Value {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).unwrap();
    let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
    assert_eq!(header["alg"], "RS256");
    let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == header["kid"]).expect("kid in the JWKS");
    let big = |field: &str| rsa::BigUint::from_bytes_be(&decode(jwk[field].as_str().unwrap()));
    let key = VerifyingKey::<sha2::Sha256>::new(rsa::RsaPublicKey::new(big("n"), big("e")).unwrap());
    let signature = Signature::try_from(decode(parts[2]).as_slice()).unwrap();
    key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature).expect("a valid signature");
    serde_json::from_slice(&decode(parts[1])).unwrap()
}

pub async fn admin_post(app: &TestApp, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response =
        app.client.post(app.url(&format!("/api/auth/admin/{path}"))).bearer_auth(key).json(&body).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// A JSON POST with the admin SDK's credentials: the Bearer key, nothing else.
pub async fn admin_call(app: &TestApp, key: &str, path: &str, body: Value) -> Answer {
    answer(app.client.post(app.url(&format!("/api/auth{path}"))).bearer_auth(key).json(&body)).await
}

/// Answered 200, or the answer's text in the failure.
pub fn assert_ok(got: &Answer) {
    assert_eq!(got.status, StatusCode::OK, "{}", got.text);
}

/// Refused with this status and better-auth's `code`.
pub fn assert_refused(got: &Answer, status: StatusCode, code: &str) {
    assert_eq!((got.status, got.body["code"].as_str()), (status, Some(code)), "{}", got.text);
}
