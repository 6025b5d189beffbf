//! SQL for end users' sessions, stored by their token's hash.

const SESSION_COLUMNS: &str =
    "id, project_id, user_id, created_at, updated_at, expires_at, ip, user_agent, active_organization_id";

/// A session of the project by its id (the handle), whoever's it is.
pub(in crate::store) const DELETE_PROJECT_SESSION: &str =
    "DELETE FROM end_user_sessions WHERE project_id = $1 AND id = $2";

/// Whose a session of the project is: the user's id and email.
pub(in crate::store) const SESSION_OWNER: &str = "SELECT u.id, u.email FROM end_user_sessions s
    JOIN end_users u ON u.id = s.user_id WHERE s.project_id = $1 AND s.id = $2";

pub(in crate::store) const INSERT_SESSION: &str = "INSERT INTO end_user_sessions
    (id, project_id, user_id, token_hash, created_at, updated_at, expires_at, ip, user_agent)
    VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)";

pub(in crate::store) fn session_by_id() -> String {
    format!("SELECT {SESSION_COLUMNS} FROM end_user_sessions WHERE id = $1")
}

/// A live session of the project by its token's hash.
pub(in crate::store) fn session_by_token() -> String {
    format!(
        "SELECT {SESSION_COLUMNS} FROM end_user_sessions WHERE token_hash = $1 AND project_id = $2 AND expires_at > $3"
    )
}

/// A user's live sessions, most recently used first.
pub(in crate::store) fn sessions_of_user() -> String {
    format!(
        "SELECT {SESSION_COLUMNS} FROM end_user_sessions
        WHERE project_id = $1 AND user_id = $2 AND expires_at > $3 ORDER BY updated_at DESC, id"
    )
}

pub(in crate::store) const DELETE_SESSION_BY_ID: &str =
    "DELETE FROM end_user_sessions WHERE project_id = $1 AND user_id = $2 AND id = $3";

/// Every session of a user but the one with id $3 (none spared when $3 is null).
pub(in crate::store) const DELETE_SESSIONS_OF_USER: &str =
    "DELETE FROM end_user_sessions WHERE project_id = $1 AND user_id = $2 AND ($3 IS NULL OR id <> $3)";

pub(in crate::store) const EXTEND_SESSION: &str =
    "UPDATE end_user_sessions SET updated_at = $2, expires_at = $3 WHERE id = $1";

pub(in crate::store) const DELETE_SESSION: &str =
    "DELETE FROM end_user_sessions WHERE token_hash = $1 AND project_id = $2";

/// A DELETE of sessions that answers with the sessions it ended.
pub(in crate::store) fn returning(delete: &str) -> String {
    format!("{delete} RETURNING {SESSION_COLUMNS}")
}

pub(in crate::store) const SWEEP_SESSIONS: &str = "DELETE FROM end_user_sessions WHERE expires_at <= $1";
