//! Dashboard accounts.

pub(in crate::store) const INSERT: &str =
    "INSERT INTO users (id, name, email, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)";

pub(in crate::store) const BY_ID: &str = "SELECT id, name, email FROM users WHERE id = $1";

pub(in crate::store) const CREDENTIALS_BY_EMAIL: &str =
    "SELECT id, name, email, password_hash FROM users WHERE lower(email) = lower($1)";

pub(in crate::store) const LAST_PROJECT: &str = "SELECT last_project_id FROM users WHERE id = $1";

pub(in crate::store) const SET_PASSWORD: &str = "UPDATE users SET password_hash = $2 WHERE id = $1";

pub(in crate::store) const ACCOUNT_VERIFIED: &str =
    "UPDATE users SET email_verified_at = $2 WHERE id = $1 AND lower(email) = lower($3) AND email_verified_at IS NULL";

pub(in crate::store) const IS_ACCOUNT_VERIFIED: &str = "SELECT email_verified_at IS NOT NULL FROM users WHERE id = $1";

pub(in crate::store) const ACCOUNT_BY_EMAIL: &str = "SELECT id, name, email FROM users WHERE lower(email) = lower($1)";
