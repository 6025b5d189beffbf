//! Signing material every instance shares: server secrets (the cookie HMAC key) and each project's JWT signing keys.

use super::*;
use async_trait::async_trait;
use time::OffsetDateTime;

/// A project's JWT signing key as stored (the private key: never printed).
#[derive(Clone, sqlx::FromRow)]
pub struct JwtKey {
    pub kid: String,
    pub private_pem: String,
    pub created_at: OffsetDateTime,
    /// `None`: the key the project signs with now.
    pub retired_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKey").field("kid", &self.kid).field("retired_at", &self.retired_at).finish_non_exhaustive()
    }
}

#[async_trait]
pub trait SecretStore: Send + Sync {
    /// The project's JWT signing keys still published: the current one and
    /// those retired at or after `since`, newest first (none yet: empty).
    /// `NotFound` for a project that does not exist.
    async fn jwt_keys(&self, project_id: &str, since: OffsetDateTime) -> Result<Vec<JwtKey>, StoreError>;

    /// Makes `key` the project's current signing key. With `replace`, the
    /// current one is retired at the new one's time (at most `keep` retired
    /// ones are kept); without it, nothing changes when the project already
    /// has one (two instances making the first key at once: the first
    /// stored wins). `NotFound` for a project that does not exist.
    async fn add_jwt_key(&self, project_id: &str, key: &JwtKey, replace: bool, keep: u32) -> Result<(), StoreError>;

    /// The shared secret `name`, if one was stored.
    async fn load(&self, name: &str) -> Result<Option<String>, StoreError>;

    /// The shared secret `name`: the stored one, or `candidate` when this is
    /// the first instance to ask (two first instances agree on one).
    async fn get_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}
