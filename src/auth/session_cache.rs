//! Live end-user sessions verified recently, so that `get-session` and
//! `convex/token` (asked on every page view of a customer's app) cost no
//! database query in steady state. Bounded; entries live a minute at most,
//! the last line of defence should an invalidation ever be missed.
//!
//! Ending must win over the cache, as for keys: a lookup that raced the
//! forgetting of its session, its user or its project may not store what it
//! read (`ForgetLog`). Forgetting one session touches nothing else, so no
//! tenant's sign-outs cost another tenant its cache.

use super::forget_log::Ticket;
use super::forgetting_cache::{ForgettingCache, Found};
use crate::store::{EndUser, EndUserSession, UserMembership};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

const TTL: Duration = Duration::from_secs(60);
const MAX_ENTRIES: u64 = 100_000;

/// Token hash → the live session and its user.
pub struct SessionCache {
    sessions: ForgettingCache<Arc<LiveSession>>,
}

impl Default for SessionCache {
    fn default() -> Self {
        Self::with_capacity(MAX_ENTRIES)
    }
}

/// A live session and its user, shared by every request that presents it,
/// with its `get-session` answer rendered once (it changes only when the
/// session or user does, and either change makes a new `LiveSession`).
pub struct LiveSession {
    pub session: EndUserSession,
    pub user: EndUser,
    /// The user's organizations and roles there: a change of any forgets
    /// the user's sessions, so permission checks ask no database.
    pub memberships: Vec<UserMembership>,
    answer: OnceLock<Arc<[u8]>>,
}

impl LiveSession {
    pub fn new(session: EndUserSession, user: EndUser, memberships: Vec<UserMembership>) -> Arc<LiveSession> {
        Arc::new(LiveSession { session, user, memberships, answer: OnceLock::new() })
    }

    /// The user's membership in this organization, if any.
    pub fn membership(&self, organization_id: &str) -> Option<&UserMembership> {
        self.memberships.iter().find(|m| m.organization_id == organization_id)
    }

    /// The answer `render` makes of this session, made on first use only.
    pub fn answer(&self, render: impl FnOnce(&LiveSession) -> Vec<u8>) -> Arc<[u8]> {
        self.answer.get_or_init(|| render(self).into()).clone()
    }
}

/// A cache answer: the session and user, or ask the database (passing the
/// ticket to `remember`).
pub enum Cached {
    Hit(Arc<LiveSession>),
    Miss(Ticket),
}

fn session_mark(token_hash: &str) -> String {
    format!("s:{token_hash}")
}
fn session_id_mark(session_id: &str) -> String {
    format!("i:{session_id}")
}
fn user_mark(user_id: &str) -> String {
    format!("u:{user_id}")
}
fn project_mark(project_id: &str) -> String {
    format!("p:{project_id}")
}

impl SessionCache {
    /// At most `capacity` sessions (the benches try small ones).
    pub fn with_capacity(capacity: u64) -> Self {
        Self { sessions: ForgettingCache::new(capacity, TTL) }
    }

    pub fn get(&self, token_hash: &str) -> Cached {
        match self.sessions.get(token_hash) {
            Found::Hit(live) => Cached::Hit(live),
            Found::Miss(ticket) => Cached::Miss(ticket),
        }
    }

    pub fn remember(&self, token_hash: &str, live: Arc<LiveSession>, ticket: Ticket) {
        let marks = [
            session_mark(token_hash),
            session_id_mark(&live.session.id),
            user_mark(&live.user.id),
            project_mark(&live.user.project_id),
        ];
        self.sessions.remember(token_hash, live, ticket, &marks.each_ref().map(String::as_str));
    }

    /// By its key: no scan (sign-outs are common).
    pub fn forget_session(&self, token_hash: &str) {
        self.sessions.forget_key(token_hash, session_mark(token_hash));
    }

    /// The session with this id (ended by its handle).
    pub fn forget_session_id(&self, session_id: &str) {
        let id = session_id.to_string();
        self.sessions.forget_where(session_id_mark(session_id), move |live| live.session.id == id);
    }

    /// Applies a change made here or heard of from another instance.
    pub fn apply(&self, change: &crate::store::CacheChange) {
        use crate::store::CacheChange;
        match change {
            CacheChange::Session(hash) => self.forget_session(hash),
            CacheChange::EndUser(user_id) => self.forget_user(user_id),
            CacheChange::Project(project_id) => self.forget_project(project_id),
            CacheChange::All => self.forget_all(),
            CacheChange::Hash(_) | CacheChange::JwtKeys(_) | CacheChange::Roles(_) => {}
        }
    }

    /// Every cached session of this user (banned, deleted, signed out elsewhere).
    pub fn forget_user(&self, user_id: &str) {
        let id = user_id.to_string();
        self.sessions.forget_where(user_mark(user_id), move |live| live.user.id == id);
    }

    pub fn forget_project(&self, project_id: &str) {
        let id = project_id.to_string();
        self.sessions.forget_where(project_mark(project_id), move |live| live.user.project_id == id);
    }

    pub fn forget_all(&self) {
        self.sessions.forget_all();
    }

    /// Times the database had to be asked: in steady state, once per session a minute.
    pub fn lookups(&self) -> u64 {
        self.sessions.misses()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn pair(user_id: &str) -> Arc<LiveSession> {
        let now = OffsetDateTime::now_utc();
        let session = EndUserSession {
            id: "ses_1".into(),
            project_id: "proj_1".into(),
            user_id: user_id.into(),
            created_at: now,
            updated_at: now,
            expires_at: now,
            ip: None,
            user_agent: None,
            active_organization_id: None,
        };
        let user = EndUser {
            id: user_id.into(),
            project_id: "proj_1".into(),
            email: "a@example.com".into(),
            name: "A".into(),
            image: None,
            email_verified: false,
            banned: false,
            ban_reason: None,
            ban_expires: None,
            role: "user".into(),
            metadata: "{}".into(),
            created_at: now,
            updated_at: now,
            last_sign_in_at: None,
        };
        LiveSession::new(session, user, Vec::new())
    }

    fn generation(cache: &SessionCache, hash: &str) -> Ticket {
        match cache.get(hash) {
            Cached::Miss(ticket) => ticket,
            Cached::Hit(_) => panic!("expected a miss"),
        }
    }

    #[test]
    fn hits_until_forgotten() {
        let cache = SessionCache::default();
        let g = generation(&cache, "h1");
        cache.remember("h1", pair("usr_1"), g);
        assert!(matches!(cache.get("h1"), Cached::Hit(_)));
        cache.forget_user("usr_1");
        assert!(matches!(cache.get("h1"), Cached::Miss(_)));
    }

    #[test]
    fn a_lookup_that_began_before_a_forget_stores_nothing() {
        let cache = SessionCache::default();
        let g = generation(&cache, "h1");
        cache.forget_session("h1");
        cache.remember("h1", pair("usr_1"), g);
        assert!(matches!(cache.get("h1"), Cached::Miss(_)), "the ending wins");
    }

    #[test]
    fn another_sessions_ending_does_not_stop_a_lookup_from_storing() {
        let cache = SessionCache::default();
        let g = generation(&cache, "h1");
        for n in 0..1000 {
            cache.forget_session(&format!("other{n}"));
        }
        cache.forget_user("usr_other");
        cache.remember("h1", pair("usr_1"), g);
        assert!(matches!(cache.get("h1"), Cached::Hit(_)), "stored despite a thousand other sign-outs");
        let g = generation(&cache, "h2");
        cache.forget_user("usr_2");
        cache.remember("h2", pair("usr_2"), g);
        assert!(matches!(cache.get("h2"), Cached::Miss(_)), "its own user's change still wins");
    }

    #[test]
    fn the_answer_is_rendered_once() {
        let live = pair("usr_1");
        let mut renders = 0;
        for _ in 0..3 {
            let answer = live.answer(|l| {
                renders += 1;
                l.user.id.clone().into_bytes()
            });
            assert_eq!(&*answer, b"usr_1");
        }
        assert_eq!(renders, 1);
    }
}
