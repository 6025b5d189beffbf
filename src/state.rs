//! What every request handler and server function can reach.

use crate::auth::rate_limit::FailureLimiter;
use crate::auth::verify::KeyVerifier;
use crate::config::Config;
use crate::store::Store;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Arc<dyn Store>,
    pub config: Arc<Config>,
    /// Checks the keys applications present.
    pub keys: Arc<KeyVerifier>,
    /// Counts failed key checks per client.
    pub key_failures: Arc<FailureLimiter>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
