//! Every Rust integration test, in one binary: real databases (a temporary
//! SQLite file, a fresh PostgreSQL database per test), real servers on
//! 127.0.0.1:0, the real `banata` binary where a test needs a process. One
//! binary links the server once instead of once per file.

#[macro_use]
mod support;

mod admin_api;
mod admin_users;
mod audit;
mod auth_api;
mod auth_api_sessions;
mod cache_invalidation;
mod cli;
mod durability;
mod end_user_dashboard;
mod event_types;
mod events_api;
mod faults;
mod fuzz;
mod http_auth;
mod http_keys;
mod http_organizations;
mod http_projects;
mod key_cache;
mod key_lifecycle;
mod layers;
mod mail;
mod organization_input;
mod organization_roles;
mod organizations;
mod project_tokens;
mod sdk_organizations;
mod sdk_webhooks;
mod security;
mod sessions;
mod store;
mod through_the_app;
mod webhook_durability;
mod webhooks;
