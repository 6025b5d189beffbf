//! Pages answered straight from a plain form post (no JavaScript): a secret
//! shown once. `no-store` keeps it out of every cache; a reload re-posts the
//! form rather than showing the secret again.

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use leptos::prelude::*;

pub fn once<V: IntoView + 'static>(title: &str, body: impl FnOnce() -> V) -> Response {
    let owner = Owner::new();
    let body = owner.with(|| body().to_html());
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title} · Banata</title>\
         <link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><main class=\"auth-page\"><div class=\"auth-card reveal-page\">{body}</div></main></body></html>",
        css = crate::site::stylesheet_href()
    );
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}
