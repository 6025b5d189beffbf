//! Where a request came from (address and user agent), and the audit
//! `Actor` made of it and whoever is acting.

use crate::auth::verify::VerifiedKey;
use crate::config::Config;
use crate::domain::{ActorKind, User};
use crate::state::AppState;
use crate::store::Actor;
use axum::extract::FromRequestParts;
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use std::convert::Infallible;

/// Longest user agent we keep: enough to tell devices apart.
const USER_AGENT_MAX: usize = 256;

#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Origin {
    pub fn of(parts: &Parts, config: &Config) -> Self {
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes()).chars().filter(|c| !c.is_control()).take(USER_AGENT_MAX).collect()
            })
            .filter(|ua: &String| !ua.trim().is_empty());
        Origin { ip: Some(super::client_ip(parts, config).to_string()), user_agent }
    }

    /// A signed-in member acting from here.
    pub fn user(self, user: &User) -> Actor {
        Actor {
            kind: ActorKind::User,
            id: user.id.clone(),
            name: user.name.clone(),
            ip: self.ip,
            user_agent: self.user_agent,
        }
    }

    /// An application acting with this key from here.
    pub fn api_key(self, key: &VerifiedKey) -> Actor {
        Actor {
            kind: ActorKind::ApiKey,
            id: key.id.clone(),
            name: key.name.clone(),
            ip: self.ip,
            user_agent: self.user_agent,
        }
    }
}

impl FromRequestParts<AppState> for Origin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Origin::of(parts, &state.config))
    }
}
