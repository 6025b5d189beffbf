//! The built site's file names, fixed at start-up: whether cargo-leptos
//! named them by content hash, and so the URLs of the stylesheet and of the
//! islands' JS and wasm, which the page shell (`app`) names and the
//! static-file router (`http::assets`) serves.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The stylesheet, the islands' JS and their wasm.
struct Files {
    css: String,
    js: String,
    wasm: String,
}

static FILES: OnceLock<Files> = OnceLock::new();

/// `hash.txt` beside the running binary, if the build hashed file names.
fn hash_file() -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join("hash.txt");
    path.exists().then_some(path)
}

/// Whether file names carry content hashes; also fixes the files' URLs.
pub fn init(output_name: &str) -> bool {
    let hashes = hash_file().and_then(|path| std::fs::read_to_string(path).ok()).unwrap_or_default();
    let hash_of = |kind: &str| {
        hashes
            .lines()
            .find_map(|line| line.split_once(':').filter(|(k, _)| k.trim() == kind))
            .map(|(_, hash)| hash.trim().to_string())
    };
    let name = |kind: &str, unhashed: &str| match hash_of(kind) {
        Some(hash) => format!("/pkg/{output_name}.{hash}.{kind}"),
        None => format!("/pkg/{output_name}{unhashed}.{kind}"),
    };
    let hashed = hash_of("css").is_some();
    // Unhashed, wasm-bindgen names the wasm `<name>_bg.wasm`, unless
    // cargo-leptos set the output name (as Leptos's own scripts assume).
    let bg = if option_env!("LEPTOS_OUTPUT_NAME").is_some() { "" } else { "_bg" };
    let _ = FILES.set(Files { css: name("css", ""), js: name("js", ""), wasm: name("wasm", bg) });
    hashed
}

/// The stylesheet's URL, for pages rendered outside Leptos.
pub fn stylesheet_href() -> &'static str {
    FILES.get().map_or("/pkg/banata.css", |f| f.css.as_str())
}

/// The islands' JS module and wasm (`islands`).
pub fn islands_js() -> &'static str {
    FILES.get().map_or("/pkg/banata.js", |f| f.js.as_str())
}

pub fn islands_wasm() -> &'static str {
    FILES.get().map_or("/pkg/banata_bg.wasm", |f| f.wasm.as_str())
}
