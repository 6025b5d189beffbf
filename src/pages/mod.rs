//! One file per page.

pub mod api_keys;
pub mod audit_log;
pub mod auth_layout;
pub mod authentication;
pub mod invite;
pub mod key_detail;
pub mod mail;
pub mod not_found;
pub mod organizations;
pub mod password_reset;
pub mod project_members;
pub mod projects;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod sign_up;
pub mod test_key;
pub mod users;
pub mod verify_email;
pub mod webhooks;
