//! The built stylesheet, script and wasm under `/pkg`. Release builds name
//! them by content hash (cargo-leptos `hash-files`, listed in `hash.txt`
//! beside the binary), so they are cached for a year and a new build is
//! fetched at once; either way they go out brotli- or gzip-compressed to
//! clients that accept it.

use axum::http::{header, HeaderValue};
use axum::Router;
use std::path::PathBuf;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Serves `<site_root>/pkg` and the favicon. (Serving them here rather than
/// through Leptos' file handler also keeps them out of its response-options
/// plumbing, which can hand one response's headers to a concurrent one.)
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &str, hashed: bool) -> Router<S> {
    let caching = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    let files = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(caching)))
        .layer(CompressionLayer::new())
        .service(ServeDir::new(PathBuf::from(site_root).join("pkg")));
    let favicon = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ))
        .service(ServeFile::new(PathBuf::from(site_root).join("favicon.svg")));
    Router::new().nest_service("/pkg", files).route_service("/favicon.svg", favicon)
}
