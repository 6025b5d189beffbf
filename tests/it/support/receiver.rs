//! A webhook receiver on loopback, as an app would run one: it keeps every
//! request it gets and answers as the test scripts it (a status, a
//! `Retry-After`, or never), then 200 once the script runs out.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// What the receiver does with its next request.
#[derive(Clone, Debug)]
pub enum Reply {
    Status(u16),
    RetryAfter(u16, u64),
    /// Answers after this many seconds (longer than the server's timeout).
    Hang(u64),
    Redirect(String),
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    script: VecDeque<Reply>,
}

#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = Router::new().route("/{*path}", post(receive)).with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { base, inner }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Replies for the next requests, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.lock().unwrap().script.extend(replies);
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// What arrived at `path`.
    pub fn at(&self, path: &str) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.path == path).collect()
    }

    /// The event types that arrived at `path`, in order.
    pub fn types_at(&self, path: &str) -> Vec<String> {
        self.at(path).iter().map(|r| r.json()["type"].as_str().unwrap_or_default().to_string()).collect()
    }
}

async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let reply = {
        let mut inner = inner.lock().unwrap();
        let body = String::from_utf8_lossy(&body).into_owned();
        inner.received.push(Received { path: uri.path().to_string(), headers, body });
        inner.script.pop_front()
    };
    match reply {
        None => StatusCode::OK.into_response(),
        Some(Reply::Status(code)) => (StatusCode::from_u16(code).unwrap(), "scripted answer").into_response(),
        Some(Reply::RetryAfter(code, seconds)) => {
            (StatusCode::from_u16(code).unwrap(), [("retry-after", seconds.to_string())], "later").into_response()
        }
        Some(Reply::Hang(seconds)) => {
            tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
            StatusCode::OK.into_response()
        }
        Some(Reply::Redirect(to)) => (StatusCode::FOUND, [("location", to)]).into_response(),
    }
}

/// Checks a delivery's signatures the three ways receivers do, written
/// here from the contract (not from the server's code): the SDK's (first
/// `v1=`, the whole secret), the docs' (last `v1=`, without `whsec_`) and
/// svix's (any of `svix-signature`, base64 key). True when all three pass.
pub fn verifies(received: &Received, secret: &str) -> bool {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mac = |key: &[u8], text: &str| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().to_vec()
    };
    let hex = |bytes: Vec<u8>| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let header = received.header("webhook-signature");
    let parts: Vec<&str> = header.split(',').collect();
    let Some(t) = parts.iter().find_map(|p| p.strip_prefix("t=")) else { return false };
    let v1: Vec<&str> = parts.iter().filter_map(|p| p.strip_prefix("v1=")).collect();
    let signed = format!("{t}.{}", received.body);
    let sdk = v1.first().is_some_and(|first| *first == hex(mac(secret.as_bytes(), &signed)));
    let bare = secret.strip_prefix("whsec_").unwrap_or(secret);
    let docs = v1.last().is_some_and(|last| *last == hex(mac(bare.as_bytes(), &signed)));
    let id = received.header("svix-id");
    let svix_text = format!("{id}.{}.{}", received.header("svix-timestamp"), received.body);
    let expected = format!("v1,{}", STANDARD.encode(mac(&STANDARD.decode(bare).unwrap(), &svix_text)));
    let svix = received.header("svix-signature").split(' ').any(|s| s == expected);
    sdk && docs && svix && t == received.header("svix-timestamp") && id == received.header("webhook-id")
}
