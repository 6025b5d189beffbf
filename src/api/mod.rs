//! Server functions, one file per resource. Each is thin: find out who is
//! asking, check they may, call the store, map errors.

pub mod account;
pub mod audit;
pub mod auth;
pub mod auth_settings;
pub mod end_users;
pub mod keys;
pub mod mail;
pub mod organizations;
pub mod project_invitations;
pub mod project_members;
pub mod projects;
pub mod webhooks;

#[cfg(feature = "ssr")]
mod ctx;
