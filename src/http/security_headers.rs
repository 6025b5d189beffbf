//! Headers every response gets: no framing, no MIME sniffing, no referrer
//! beyond this site, HSTS behind https, and `no-store` on anything dynamic
//! (pages, server functions and the admin API all carry private data).
//! Every request gets a fresh nonce here; Leptos renders it into its inline
//! scripts (see `http::router`) and HTML answers get a Content-Security-Policy
//! naming it. Everything else gets the strict default below.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// For responses that run no script of ours (plain pages, JSON, files).
const DEFAULT_CSP: &str =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/// The policy of a Leptos page: scripts only from us or with this response's
/// nonce, and wasm compilation for the hydration bundle.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'; object-src 'none'"
    )
}

#[derive(Clone, Copy)]
pub struct Https(pub bool);

/// This request's CSP nonce, in its extensions.
#[derive(Clone)]
pub struct CspNonce(pub String);

pub async fn layer(State(Https(https)): State<Https>, mut request: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html {
        if let Ok(policy) = HeaderValue::from_str(&page_csp(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(DEFAULT_CSP));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// Renders the nonce `security_headers` chose for this request (and named in
/// its Content-Security-Policy) into the page's inline scripts.
pub(super) fn use_request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce =
        use_context::<axum::http::request::Parts>().and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(nonce)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce));
    }
}
