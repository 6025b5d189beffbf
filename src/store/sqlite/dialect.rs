//! What SQLite needs said differently: the statements and clauses
//! `sql_impl` splices into its shared SQL.

/// SQLite compares text bytewise already.
pub(super) const BYTE_ORDER: &str = "";
/// A write statement takes SQLite's one write lock, even when it changes
/// no row: links for one subject are counted and made one request at a time.
pub(super) const LOCK_SUBJECT: &str = "UPDATE mail_tokens SET id = id WHERE subject_id = $1 AND 0";
/// One writer at a time: a claim cannot race another.
pub(super) const SKIP_LOCKED: &str = "";
/// A write takes SQLite's write lock before anything is read.
pub(super) const LOCK_PROJECT: &str = "UPDATE projects SET id = id WHERE id = $1";
/// Writes only when the value changes.
pub(super) const SET_LAST_PROJECT: &str =
    "UPDATE users SET last_project_id = $2 WHERE id = $1 AND last_project_id IS NOT $2";
/// Stored times are RFC 3339 text with as many fraction digits as needed,
/// which do not compare as text ("…00.5Z" > "…00.123Z" is right, but
/// "…00.123Z" > "…00.1234Z" is not): a range compares their numbers.
pub(super) const COMPARABLE_TIME: (&str, &str) = ("unixepoch(", ", 'subsec')");
