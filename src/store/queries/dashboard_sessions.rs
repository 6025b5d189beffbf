//! The signed-in browsers of dashboard users (the sessions page), not the tower-sessions records.

pub(in crate::store) const DELETE_STALE: &str = "DELETE FROM user_sessions WHERE user_id = $1 AND last_seen_at < $2";

/// Rows of sessions that have ended by timeout: idle since $1, or signed in
/// before $2.
pub(in crate::store) const SWEEP: &str = "DELETE FROM user_sessions WHERE last_seen_at < $1 OR created_at < $2";

pub(in crate::store) const INSERT: &str =
    "INSERT INTO user_sessions (id, user_id, created_at, last_seen_at, ip, user_agent)
    VALUES ($1, $2, $3, $3, $4, $5)";

pub(in crate::store) const USER: &str =
    "SELECT u.id, u.name, u.email FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1";

pub(in crate::store) const TOUCH: &str =
    "UPDATE user_sessions SET last_seen_at = $2, ip = COALESCE($3, ip) WHERE id = $1 AND last_seen_at < $2";

pub(in crate::store) const LIST: &str = "SELECT id, created_at, last_seen_at, ip, user_agent FROM user_sessions
    WHERE user_id = $1 AND last_seen_at >= $2
    ORDER BY last_seen_at DESC, id";

pub(in crate::store) const DELETE: &str = "DELETE FROM user_sessions WHERE id = $1";

pub(in crate::store) const END: &str = "DELETE FROM user_sessions WHERE id = $2 AND user_id = $1";

pub(in crate::store) const END_OTHERS: &str = "DELETE FROM user_sessions WHERE user_id = $1 AND id <> $2";
