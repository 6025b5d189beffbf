//! One log line per request, tied together by a request id that the client
//! also gets back in `x-request-id`.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use rand::distr::{Alphanumeric, SampleString};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::LazyLock;
use std::time::Instant;
use tracing::Instrument;

pub const REQUEST_ID: &str = "x-request-id";

/// Echo the caller's id when it is short and plain; otherwise make one.
fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map(str::to_owned)
        .unwrap_or_else(fresh_id)
}

/// `req_` + a random per-process part + a counter: unique without drawing
/// random numbers on every request.
fn fresh_id() -> String {
    static PROCESS: LazyLock<String> = LazyLock::new(|| Alphanumeric.sample_string(&mut rand::rng(), 10));
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("req_{}{:06x}", *PROCESS, NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Paths whose last segment is a bearer secret (an invitation link's token):
/// the log keeps which page it was, never the secret.
const SECRET_PATHS: [&str; 2] = ["/invite/", "/api/auth/reset-password/"];

fn loggable_path(path: &str) -> String {
    match SECRET_PATHS.iter().find(|prefix| path.starts_with(*prefix)) {
        Some(prefix) => format!("{prefix}…"),
        None => path.to_owned(),
    }
}

pub async fn layer(request: Request, next: Next) -> Response {
    let id = request_id(&request);
    let mut response = if tracing::enabled!(tracing::Level::INFO) {
        let method = request.method().clone();
        // The path only (query strings are not ours to log), without the
        // bearer secret some paths carry.
        let path = loggable_path(request.uri().path());
        let span = tracing::info_span!("request", request_id = %id);
        let started = Instant::now();
        let response = next.run(request).instrument(span.clone()).await;
        let status = response.status().as_u16();
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        span.in_scope(|| tracing::info!(%method, %path, status, latency_ms = format!("{latency_ms:.1}"), "request"));
        response
    } else {
        // Logging below info (e.g. BANATA_LOG=warn): errors inside still
        // carry the request id.
        next.run(request).instrument(tracing::warn_span!("request", request_id = %id)).await
    };
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn invitation_tokens_stay_out_of_the_log() {
        assert_eq!(loggable_path("/invite/inv_s3cretT0ken"), "/invite/…");
        assert_eq!(loggable_path("/api/auth/reset-password/s3cret"), "/api/auth/reset-password/…");
        assert_eq!(loggable_path("/projects/acme/api-keys"), "/projects/acme/api-keys");
    }
}
