//! The JWT an app's backend asks for (`convex/token`): RS256, with a `kid`
//! found in the project's public JWKS, so that any standard verifier accepts
//! it. Each project has signing keys of its own and an issuer of its own,
//! so a token of one project never verifies with another's keys, even for a
//! verifier that forgets to check `aud`. Private keys are made on first use
//! and kept in the database (all instances sign with them); never printed.
//! Each project's keys and its rendered JWKS are held in memory: the public
//! endpoints cost no query and parse no key in steady state.

use crate::store::{JwtKey, Store, StoreError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::rand_core::OsRng;
use rsa::signature::RandomizedSigner;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// How many replaced keys a project keeps at most.
pub const RETIRED_KEPT: u32 = 3;
/// How long a replaced key stays in the JWKS: longer than any token it
/// signed lives (issued until every instance reloads, plus reuse and
/// lifetime), so rotating after a leak stops the old key within the hour.
pub const RETIRED_PUBLISHED_FOR: time::Duration = time::Duration::hours(1);
/// How long an instance trusts the keys it holds before reading them again
/// (on PostgreSQL a rotation also tells every instance at once).
const RELOAD_EVERY: Duration = Duration::from_secs(60);

/// The issuer (`iss`) of a project's tokens, under our own URL; its JWKS is
/// `<issuer>/jwks` and its discovery document
/// `<issuer>/.well-known/openid-configuration`.
pub fn issuer(own_url: &str, project_id: &str) -> String {
    format!("{own_url}/api/auth/projects/{project_id}")
}

pub struct JwtSigner {
    kid: String,
    // Signed through `RandomizedSigner`: the RNG blinds the private-key
    // operation, against timing attacks.
    key: SigningKey<Sha256>,
    jwk: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("could not make an RSA key")]
    Generate,
    #[error("a stored signing key is unreadable")]
    Unreadable,
}

/// A new 2048-bit key as PKCS#8 PEM (slow: call it off the async workers).
pub fn new_key_pem() -> Result<String, JwtError> {
    let key = RsaPrivateKey::new(&mut OsRng, 2048).map_err(|_| JwtError::Generate)?;
    Ok(key.to_pkcs8_pem(LineEnding::LF).map_err(|_| JwtError::Generate)?.to_string())
}

impl JwtSigner {
    pub fn from_pem(pem: &str) -> Result<Self, JwtError> {
        let private = RsaPrivateKey::from_pkcs8_pem(pem).map_err(|_| JwtError::Unreadable)?;
        let n = private.n().to_bytes_be();
        let e = private.e().to_bytes_be();
        // The key's id: what its public half is, so it changes with the key.
        let kid: String = Sha256::digest(&n).iter().take(8).map(|b| format!("{b:02x}")).collect();
        let jwk = json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(&n), "e": URL_SAFE_NO_PAD.encode(&e),
        });
        Ok(Self { kid, key: SigningKey::<Sha256>::new(private), jwk })
    }

    /// `header.claims.signature`, each base64url without padding.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature = self.key.sign_with_rng(&mut OsRng, signing_input.as_bytes());
        let signature: Box<[u8]> = signature.into();
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// This key's public half, as the JWKS lists it.
    pub fn jwk(&self) -> &Value {
        &self.jwk
    }
}

/// A new key for the store, made off the async workers.
async fn new_key(now: OffsetDateTime) -> Result<JwtKey, JwtError> {
    let pem = tokio::task::spawn_blocking(new_key_pem).await.map_err(|_| JwtError::Generate)??;
    let kid = JwtSigner::from_pem(&pem)?.kid;
    Ok(JwtKey { kid, private_pem: pem, created_at: now, retired_at: None })
}

/// Makes a new signing key the project's current one, keeping the replaced
/// one in its JWKS for an hour; every instance signs with it within a
/// minute (at once on PostgreSQL). Returns its `kid`.
pub async fn rotate(store: &dyn Store, project_id: &str) -> Result<String, JwtIssueError> {
    let key = new_key(OffsetDateTime::now_utc()).await?;
    store.secrets().add_jwt_key(project_id, &key, true, RETIRED_KEPT).await?;
    Ok(key.kid)
}

/// How long a token is good for.
pub const TOKEN_LIFETIME: i64 = 15 * 60;
/// A token is handed out again while it has at least this long to live, so
/// an app asking on every page view costs one signature per session every
/// five minutes, not one per request (a signature costs about a millisecond).
const REUSE_WHILE: i64 = 10 * 60;
/// Sessions whose latest token is kept for reuse, at most.
const MAX_REMEMBERED: u64 = 100_000;

/// A project's keys as held in memory: the one it signs with, and its JWKS
/// rendered once.
pub struct ProjectKeys {
    signer: Arc<JwtSigner>,
    /// Every published key, by kid, to reuse parsed keys on a reload.
    parsed: HashMap<String, Arc<JwtSigner>>,
    jwks: Arc<[u8]>,
    loaded_at: Instant,
}

impl ProjectKeys {
    /// The JWKS document's bytes.
    pub fn jwks(&self) -> Arc<[u8]> {
        self.jwks.clone()
    }

    pub fn signer(&self) -> &JwtSigner {
        &self.signer
    }
}

/// Every project's keys, loaded (or made) on first use, read again every
/// minute or when a rotation is announced, and the tokens issued lately.
pub struct JwtIssuer {
    projects: RwLock<HashMap<String, Arc<ProjectKeys>>>,
    /// One load at a time (loads are rare: a project's first use, a rotation).
    loading: tokio::sync::Mutex<()>,
    /// Session id → its latest token and when it expires; kept no longer
    /// than a token is handed out again.
    recent: moka::sync::Cache<String, (String, i64)>,
}

impl Default for JwtIssuer {
    fn default() -> Self {
        let reused_for = std::time::Duration::from_secs((TOKEN_LIFETIME - REUSE_WHILE).unsigned_abs());
        Self {
            projects: RwLock::default(),
            loading: tokio::sync::Mutex::default(),
            recent: moka::sync::Cache::builder().max_capacity(MAX_REMEMBERED).time_to_live(reused_for).build(),
        }
    }
}

impl JwtIssuer {
    fn held(&self, project_id: &str) -> Option<Arc<ProjectKeys>> {
        let projects = self.projects.read().expect("jwt keys lock");
        projects.get(project_id).filter(|keys| keys.loaded_at.elapsed() < RELOAD_EVERY).cloned()
    }

    /// The project's keys: held, else read from the store (the first key
    /// made and stored for every instance when the project has none).
    /// `NotFound` for a project that does not exist.
    pub async fn keys(&self, store: &dyn Store, project_id: &str) -> Result<Arc<ProjectKeys>, JwtIssueError> {
        if let Some(keys) = self.held(project_id) {
            return Ok(keys);
        }
        let _loading = self.loading.lock().await;
        if let Some(keys) = self.held(project_id) {
            return Ok(keys);
        }
        let now = OffsetDateTime::now_utc();
        let mut stored = store.secrets().jwt_keys(project_id, now - RETIRED_PUBLISHED_FOR).await?;
        if !stored.iter().any(|k| k.retired_at.is_none()) {
            store.secrets().add_jwt_key(project_id, &new_key(now).await?, false, RETIRED_KEPT).await?;
            stored = store.secrets().jwt_keys(project_id, now - RETIRED_PUBLISHED_FOR).await?;
        }
        let before = self.projects.read().expect("jwt keys lock").get(project_id).cloned();
        let mut parsed = HashMap::new();
        for key in &stored {
            let signer = match before.as_ref().and_then(|b| b.parsed.get(&key.kid)) {
                Some(signer) => signer.clone(),
                None => Arc::new(JwtSigner::from_pem(&key.private_pem)?),
            };
            parsed.insert(key.kid.clone(), signer);
        }
        let current = stored
            .iter()
            .find(|k| k.retired_at.is_none())
            .ok_or(StoreError::NotFound(crate::domain::Resource::Project))?;
        let signer = parsed[&current.kid].clone();
        let published: Vec<&Value> = stored.iter().map(|k| parsed[&k.kid].jwk()).collect();
        let jwks = serde_json::to_vec(&json!({ "keys": published })).unwrap_or_default().into();
        let keys = Arc::new(ProjectKeys { signer, parsed, jwks, loaded_at: Instant::now() });
        self.projects.write().expect("jwt keys lock").insert(project_id.to_string(), keys.clone());
        Ok(keys)
    }

    /// The project's keys changed (a rotation, here or on another
    /// instance): read them again on next use.
    pub fn forget(&self, project_id: &str) {
        self.projects.write().expect("jwt keys lock").remove(project_id);
    }

    /// Applies a change made here or heard of from another instance.
    pub fn apply(&self, change: &crate::store::CacheChange) {
        use crate::store::CacheChange;
        match change {
            CacheChange::JwtKeys(project_id) | CacheChange::Project(project_id) => self.forget(project_id),
            CacheChange::All => self.projects.write().expect("jwt keys lock").clear(),
            CacheChange::Hash(_) | CacheChange::Session(_) | CacheChange::EndUser(_) | CacheChange::Roles(_) => {}
        }
    }

    /// A token for this session of `project_id` with `claims` (without
    /// `iat`/`exp`): the one issued lately under `reuse_key` (the session,
    /// and what its claims depend on) while it has most of its life left,
    /// else a new one.
    pub async fn token(
        &self,
        store: &dyn Store,
        project_id: &str,
        reuse_key: &str,
        now: i64,
        claims: impl FnOnce() -> Value,
    ) -> Result<String, JwtIssueError> {
        if let Some((token, exp)) = self.recent.get(reuse_key) {
            if exp - now >= REUSE_WHILE {
                return Ok(token);
            }
        }
        let mut claims = claims();
        claims["iat"] = json!(now);
        claims["exp"] = json!(now + TOKEN_LIFETIME);
        let token = self.keys(store, project_id).await?.signer().sign(&claims);
        self.recent.insert(reuse_key.to_string(), (token.clone(), now + TOKEN_LIFETIME));
        Ok(token)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JwtIssueError {
    #[error(transparent)]
    Key(#[from] JwtError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    use rsa::{BigUint, RsaPublicKey};

    #[test]
    fn tokens_verify_with_the_published_key() {
        let signer = JwtSigner::from_pem(&new_key_pem().unwrap()).unwrap();
        let token = signer.sign(&json!({"sub": "usr_1", "aud": "proj_1"}));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let jwk = signer.jwk();
        assert_eq!((header["alg"].as_str(), &header["kid"]), (Some("RS256"), &jwk["kid"]));
        let n = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap());
        let e = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap());
        let verifier = VerifyingKey::<Sha256>::new(RsaPublicKey::new(n, e).unwrap());
        let signature = Signature::try_from(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().as_slice()).unwrap();
        let signed = format!("{}.{}", parts[0], parts[1]);
        assert!(verifier.verify(signed.as_bytes(), &signature).is_ok());
        assert!(verifier.verify(format!("{signed}x").as_bytes(), &signature).is_err(), "tampered claims fail");
    }

    #[test]
    fn an_unreadable_stored_key_is_an_error_not_a_new_key() {
        assert!(JwtSigner::from_pem("not a key").is_err());
    }
}
