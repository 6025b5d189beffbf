#![recursion_limit = "256"]
//! Banata: a dashboard where a team manages its projects' API keys, and the
//! admin API applications call with those keys.
//!
//! Layers, each depending only on those above it: `domain` (types and pure
//! rules), `actor` (who is asking, from where), `config`, `store` (the
//! database), `auth` (passwords, sessions, key format and verification),
//! `services` (the rules of each resource), then the adapters: `api`
//! (server functions), `admin` (the admin API), `auth_api` (the end-user
//! auth API a customer's app calls), `http` (router, middleware, plain-form
//! routes) and the pages they serve, rendered on the server only; `islands`
//! are the few pieces the browser runs.

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod islands;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod actor;
#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod auth_api;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod event_api;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod org_api;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod services;
#[cfg(feature = "ssr")]
pub mod site;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod webhooks;

/// Browser entry point. The page itself is server-rendered HTML;
/// `islands/loader.js` then hydrates each island on its own.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
