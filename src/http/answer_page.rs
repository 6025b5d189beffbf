//! The answer to a plain form post whose result is shown once (a new key,
//! an invitation link, a key test): the form's own page, rendered as a GET
//! of `path` by the same request's visitor, with the result in context
//! (`components::answer`). A redirect cannot carry it, and this way it shows
//! in place, beside everything the page shows. `no-store` keeps it out of
//! every cache; in the browser the dialog showing it replaces the URL, so a
//! reload shows the page instead of re-posting the form.

use crate::components::answer::{Answer, AnswerPage};
use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

pub async fn render<T: Clone + Send + Sync + 'static>(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    path: &str,
    answer: T,
) -> Response {
    let mut request = Request::new(Body::empty());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = match path.parse() {
        Ok(uri) => uri,
        Err(_) => return crate::error::AppError::Internal.into_response(),
    };
    let mut headers = headers.clone();
    headers.remove(header::CONTENT_TYPE);
    headers.remove(header::CONTENT_LENGTH);
    *request.headers_mut() = headers;
    // The session, the CSP nonce and the peer address the page needs.
    *request.extensions_mut() = extensions.clone();
    let (context_state, options, page) = (state.clone(), state.leptos_options.clone(), path.to_string());
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(context_state.clone());
            super::security_headers::use_request_nonce();
            provide_context(Answer(answer.clone()));
            provide_context(AnswerPage(page.clone()));
        },
        move || crate::app::shell(options.clone()),
    );
    let mut response = render(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
