//! Every SQL text of the store, one module per resource. Both backends run
//! the same text: SQLite accepts `$N` placeholders, row values and
//! `RETURNING` like PostgreSQL does for everything here. What differs (a
//! project row lock, `IS DISTINCT FROM`) is in each backend's file.

pub(super) mod accounts;
pub(super) mod audit;
pub(super) mod dashboard_sessions;
pub(super) mod end_user_sessions;
pub(super) mod end_users;
pub(super) mod events;
pub(super) mod health;
pub(super) mod keys;
pub(super) mod mail;
pub(super) mod organization_invitations;
pub(super) mod organization_members;
pub(super) mod organization_roles;
pub(super) mod organizations;
pub(super) mod project_invitations;
pub(super) mod project_members;
pub(super) mod projects;
pub(super) mod secrets;
pub(super) mod webhooks;

/// `%text%` for LIKE, with the pattern characters in `text` escaped.
pub(in crate::store) fn like_pattern(text: &str) -> String {
    format!("%{}%", like_escaped(&text.to_lowercase()))
}

/// `text` with LIKE's wildcards escaped (for `ESCAPE` with a backslash).
pub(in crate::store) fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
