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
    if public_origin == Some(origin) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    matches!((origin_host, host), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
}
