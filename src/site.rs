//! The built site's file names, fixed at start-up: whether cargo-leptos
//! named them by content hash, and so the stylesheet's URL, which the page
//! shell (`app`) links and the static-file router (`http::assets`) serves.

use std::path::PathBuf;
use std::sync::OnceLock;

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
