//! Leptos server functions have no CSRF defence of their own, so every
//! state-changing request from another site is refused before any handler.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || same_site(&request, state.config.public_origin().as_deref()) {
        next.run(request).await
    } else {
        tracing::warn!("refused a cross-site request");
        (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
    }
}

fn same_site(request: &Request, public_origin: Option<&str>) -> bool {
    let headers = request.headers();
    if headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site") {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Non-browser clients send no Origin; browsers always do on POST.
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if let Some(public) = public_origin {
        // Served at a known address: that origin only, scheme included (an
        // http page on our host must not post to the https dashboard).
        return public.eq_ignore_ascii_case(origin);
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(origin: &str, host: &str) -> Request {
        Request::post("/api/dashboard/sign_out")
            .header(header::ORIGIN, origin)
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn with_a_public_url_only_its_origin_may_post() {
        let public = Some("https://banata.example.com");
        assert!(same_site(&post("https://banata.example.com", "banata.example.com"), public));
        assert!(same_site(&post("https://Banata.Example.com", "internal:3000"), public), "behind a proxy");
        assert!(!same_site(&post("http://banata.example.com", "banata.example.com"), public), "scheme counts");
        assert!(!same_site(&post("https://evil.example", "evil.example"), public), "a forwarded Host is no proof");
        assert!(!same_site(&post("https://banata.example.com:8443", "banata.example.com:8443"), public));
    }

    #[test]
    fn without_one_the_origin_must_name_the_host() {
        assert!(same_site(&post("http://127.0.0.1:3000", "127.0.0.1:3000"), None));
        assert!(!same_site(&post("http://evil.example", "127.0.0.1:3000"), None));
        assert!(!same_site(&post("null", "127.0.0.1:3000"), None));
    }
}
