//! What we keep in a dashboard session, and the timeouts that end it.
//! The session record itself lives in the database (tower-sessions).

use crate::error::AppError;
use time::{Duration, OffsetDateTime};
use tower_sessions::Session;

const USER_ID: &str = "user_id";
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";

/// How often an active session is written back to extend its idle timeout:
/// at most once a minute, not on every request.
const TOUCH_EVERY: Duration = Duration::minutes(1);

fn internal(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store failure");
    AppError::Internal
}

/// Starts a signed-in session under a fresh id (no fixation).
pub async fn sign_in(session: &Session, user_id: &str) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    session.insert(USER_ID, user_id).await.map_err(internal)?;
    session.insert(SIGNED_IN_AT, now).await.map_err(internal)?;
    session.insert(SEEN_AT, now).await.map_err(internal)?;
    Ok(())
}

/// Deletes the session server-side; the old cookie is worthless afterwards.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}

/// The signed-in user's id, or `None`. Ends the session once it is older than
/// `absolute` (the idle timeout is the session record's own expiry).
pub async fn user_id(session: &Session, absolute: Duration) -> Result<Option<String>, AppError> {
    let Some(user_id) = session.get::<String>(USER_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let signed_in_at = session.get::<i64>(SIGNED_IN_AT).await.map_err(internal)?.unwrap_or(0);
    if now - signed_in_at > absolute.whole_seconds() {
        sign_out(session).await?;
        return Ok(None);
    }
    let seen_at = session.get::<i64>(SEEN_AT).await.map_err(internal)?.unwrap_or(0);
    if now - seen_at >= TOUCH_EVERY.whole_seconds() {
        session.insert(SEEN_AT, now).await.map_err(internal)?;
    }
    Ok(Some(user_id))
}
