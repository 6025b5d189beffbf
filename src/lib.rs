#![recursion_limit = "256"]
//! Banata: a dashboard where a team manages its projects' API keys, and the
//! admin API applications call with those keys.

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

/// Browser entry point: attach to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
