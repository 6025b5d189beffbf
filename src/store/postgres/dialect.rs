//! What PostgreSQL needs said differently: the statements and clauses
//! `sql_impl` splices into its shared SQL.

/// Byte order for prefix ranges, as the prefix indexes are built (a
/// language collation may sort a string outside its prefix's range).
pub(super) const BYTE_ORDER: &str = "COLLATE \"C\"";
/// Serialises the links made for one account or user (their hourly limit).
pub(super) const LOCK_SUBJECT: &str = "SELECT pg_advisory_xact_lock(hashtext($1))";
/// Two instances' workers skip each other's claimed rows.
pub(super) const SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";
/// A row lock on the project serialises its changes.
pub(super) const LOCK_PROJECT: &str = "SELECT id FROM projects WHERE id = $1 FOR UPDATE";
/// Writes only when the value changes (no dead row per request).
pub(super) const SET_LAST_PROJECT: &str =
    "UPDATE users SET last_project_id = $2 WHERE id = $1 AND last_project_id IS DISTINCT FROM $2";
/// Times compare as themselves.
pub(super) const COMPARABLE_TIME: (&str, &str) = ("", "");
