//! What every request handler and server function can reach.

use crate::auth::activity::EndUserActivity;
use crate::auth::cookie_signing::CookieSigner;
use crate::auth::jwt::JwtIssuer;
use crate::auth::password::{PasswordQueue, QueueSlot};
use crate::auth::rate_limit::{EndUserLimits, FailureLimiter, MailLimits, SignInLimits, SignUpLimits, SignUpQuota};
use crate::auth::role_cache::RoleCache;
use crate::auth::session_cache::SessionCache;
use crate::auth::verify::KeyVerifier;
use crate::config::Config;
use crate::error::AppError;
use crate::mail::Outbox;
use crate::store::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Cheap to clone (axum clones it for every request): one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// Checks the keys applications present.
    pub keys: Arc<KeyVerifier>,
    /// Counts failed key checks per client.
    pub key_failures: Arc<FailureLimiter>,
    /// Counts failed sign-ins per account and per address.
    pub sign_in_limits: SignInLimits,
    /// Counts sign-up attempts per address.
    pub sign_up_limits: SignUpLimits,
    /// Bounds the password checks waiting for the hashing threads.
    pub password_queue: PasswordQueue,
    /// Counts failed sign-ins of projects' end users.
    pub end_user_limits: EndUserLimits,
    /// Counts each project's sign-ups per hour.
    pub sign_up_quota: SignUpQuota,
    /// Signs and checks end users' session cookies.
    pub cookies: CookieSigner,
    /// Issues the JWTs apps' backends verify, and serves each project's keys.
    pub jwt: Arc<JwtIssuer>,
    /// End users' live sessions, verified recently.
    pub end_user_sessions: Arc<SessionCache>,
    /// Each project's organization roles.
    pub org_roles: Arc<RoleCache>,
    /// Counts end users' sign-ins and sign-ups per day.
    pub end_user_activity: Arc<EndUserActivity>,
    /// Whether mail is on, and the worker's wake-up.
    pub outbox: Arc<Outbox>,
    /// Counts password reset and verification mail requests per address.
    pub mail_limits: MailLimits,
}

impl Shared {
    /// A place in the password hashing queue, held until dropped; `Busy` at
    /// once when the queue is full.
    pub fn password_slot(&self) -> Result<QueueSlot, AppError> {
        self.password_queue.admit().map_err(|_| AppError::Busy(1))
    }

    /// The hash of a new password, made in a place in the bounded queue
    /// (`Busy` at once when it is full).
    pub async fn hash_new_password(&self, password: &str) -> Result<String, AppError> {
        let _slot = self.password_slot()?;
        crate::auth::password::hash_new(password).await
    }
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
