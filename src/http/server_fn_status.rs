//! server_fn answers every failure with 500. Our errors know their status
//! (`AppError::status_code`), so this puts the right one on the response,
//! for failures raised inside a function and for bodies it could not decode,
//! with `Retry-After` when the error says when to try again.

use crate::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use server_fn::error::SERVER_FN_ERROR_HEADER;

/// Serialised errors are small; anything bigger is not one of ours.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub async fn layer(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_ERROR_BODY).await.unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status_code();
        if let Some(seconds) = error.retry_after() {
            parts.headers.insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
