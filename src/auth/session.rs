//! What we keep in a dashboard session, and the rules that end it. The
//! session record (tower-sessions) holds only which `user_sessions` row it
//! is; that row is what the sessions page lists and ends, so a session ended
//! from another browser, or by a password change, is signed out on its next
//! request.

use super::ids;
use crate::actor::RequestSource;
use crate::config::Config;
use crate::domain::User;
use crate::error::AppError;
use crate::store::{NewSession, Store};
use time::{Duration, OffsetDateTime};
use tower_sessions::Session;

const SESSION_ID: &str = "sid";
const SIGNED_IN_AT: &str = "signed_in_at";
const SEEN_AT: &str = "seen_at";

/// How often an active session is written back (its idle timeout and the
/// last-seen time on the sessions page): at most once a minute.
const TOUCH_EVERY: Duration = Duration::minutes(1);

fn internal(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store failure");
    AppError::Internal
}

/// The signed-in user and which of their sessions this is.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: User,
    pub session_id: String,
}

/// Starts a signed-in session under a fresh cookie id (no fixation) and
/// records it for the sessions page. A sign-in over another one in the same
/// browser ends that one, whose row would otherwise stay listed as live.
pub async fn sign_in(
    session: &Session,
    store: &dyn Store,
    config: &Config,
    user: &User,
    from: RequestSource,
) -> Result<(), AppError> {
    if let Some(previous) = session.get::<String>(SESSION_ID).await.map_err(internal)? {
        store.dashboard_sessions().forget(&previous).await?;
    }
    session.cycle_id().await.map_err(internal)?;
    let now = OffsetDateTime::now_utc();
    let record = NewSession {
        id: ids::session_id(),
        user_id: user.id.clone(),
        ip: from.ip,
        user_agent: from.user_agent,
        at: now,
    };
    store.dashboard_sessions().insert(&record, now - config.session_idle_timeout).await?;
    session.insert(SESSION_ID, &record.id).await.map_err(internal)?;
    session.insert(SIGNED_IN_AT, now.unix_timestamp()).await.map_err(internal)?;
    session.insert(SEEN_AT, now.unix_timestamp()).await.map_err(internal)?;
    Ok(())
}

/// Ends this session everywhere: its row and its cookie record.
pub async fn sign_out(session: &Session, store: &dyn Store) -> Result<(), AppError> {
    if let Some(id) = session.get::<String>(SESSION_ID).await.map_err(internal)? {
        // Already ended elsewhere is fine: the user wants it ended.
        store.dashboard_sessions().forget(&id).await?;
    }
    session.flush().await.map_err(internal)
}

/// The signed-in user, or `None`. A session older than the absolute timeout,
/// or whose row was ended, is signed out here. `ip` updates the address the
/// sessions page shows, when the caller knows it.
pub async fn current(
    session: &Session,
    store: &dyn Store,
    config: &Config,
    ip: Option<String>,
) -> Result<Option<SignedIn>, AppError> {
    let Some(session_id) = session.get::<String>(SESSION_ID).await.map_err(internal)? else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let signed_in_at = session.get::<i64>(SIGNED_IN_AT).await.map_err(internal)?.unwrap_or(0);
    if now.unix_timestamp() - signed_in_at > config.session_absolute_timeout.whole_seconds() {
        sign_out(session, store).await?;
        return Ok(None);
    }
    let Some(user) = store.dashboard_sessions().account_of(&session_id).await? else {
        session.flush().await.map_err(internal)?;
        return Ok(None);
    };
    let seen_at = session.get::<i64>(SEEN_AT).await.map_err(internal)?.unwrap_or(0);
    if now.unix_timestamp() - seen_at >= TOUCH_EVERY.whole_seconds() {
        session.insert(SEEN_AT, now.unix_timestamp()).await.map_err(internal)?;
        store.dashboard_sessions().touch(&session_id, now, ip.as_deref()).await?;
    }
    Ok(Some(SignedIn { user, session_id }))
}
