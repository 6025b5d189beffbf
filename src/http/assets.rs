//! The built stylesheet, script and wasm under `/pkg`. Release builds name
//! them by content hash (cargo-leptos `hash-files`, listed in `hash.txt`
//! beside the binary), so they are cached for a year and a new build is
//! fetched at once; either way they go out brotli- or gzip-compressed to
//! clients that accept it.

use axum::http::{header, HeaderValue};
use axum::Router;
use std::path::PathBuf;
use std::sync::OnceLock;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

static STYLESHEET: OnceLock<String> = OnceLock::new();

/// `hash.txt` beside the running binary, if the build hashed file names.
fn hash_file() -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join("hash.txt");
    path.exists().then_some(path)
}

/// Whether file names carry content hashes; also fixes the stylesheet's URL.
pub fn init(output_name: &str) -> bool {
    let css_hash = hash_file().and_then(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        text.lines()
            .find_map(|line| line.split_once(':').filter(|(kind, _)| kind.trim() == "css"))
            .map(|(_, hash)| hash.trim().to_string())
    });
    let href = match &css_hash {
        Some(hash) => format!("/pkg/{output_name}.{hash}.css"),
        None => format!("/pkg/{output_name}.css"),
    };
    let _ = STYLESHEET.set(href);
    css_hash.is_some()
}

/// The stylesheet's URL, for pages rendered outside Leptos.
pub fn stylesheet_href() -> &'static str {
    STYLESHEET.get().map_or("/pkg/banata.css", String::as_str)
}

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
