//! Every SQL text of the store, one module per resource. Both backends run
//! the same text: SQLite accepts `$N` placeholders, row values and
//! `RETURNING` like PostgreSQL does for everything here. What differs (a
//! project row lock, `IS DISTINCT FROM`) is in each backend's file.

pub(super) mod audit;
pub(super) mod end_users;
pub(super) mod health;
pub(super) mod invitations;
pub(super) mod jwt_keys;
pub(super) mod keys;
pub(super) mod mail;
pub(super) mod members;
pub(super) mod projects;
pub(super) mod sessions;
pub(super) mod users;
