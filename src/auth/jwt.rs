//! The JWT an app's backend asks for (`convex/token`): RS256, with a `kid`
//! found in the public JWKS, so that any standard verifier accepts it. The
//! private key is made once and kept in the database (all instances sign
//! with it); it is never printed.

use crate::store::{Store, StoreError};
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
use std::sync::{Arc, Mutex};

/// The stored name of the signing key.
pub const SECRET_NAME: &str = "jwt_rs256_signing_key";
/// Keys replaced by a rotation are stored as `<this><time>` and stay in the
/// JWKS, so tokens they signed still verify until they expire.
pub const RETIRED_PREFIX: &str = "jwt_rs256_retired:";
/// How many replaced keys are kept at most.
pub const RETIRED_KEPT: u32 = 3;
/// How long a replaced key stays in the JWKS: longer than any token it
/// signed lives (issued until every instance reloads, plus reuse and
/// lifetime), so rotating after a leak stops the old key within the hour.
pub const RETIRED_PUBLISHED_FOR: time::Duration = time::Duration::hours(1);
/// How often an instance looks for a rotated key.
const RELOAD_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

pub struct JwtSigner {
    kid: String,
    /// Tells a reloaded key from the one held without parsing it again.
    pem_digest: [u8; 32],
    // Signed through `RandomizedSigner`: the RNG blinds the private-key
    // operation, against timing attacks.
    key: SigningKey<Sha256>,
    jwk: Value,
}

#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("could not make an RSA key")]
    Generate,
    #[error("the stored signing key is unreadable")]
    Unreadable,
}

fn digest(pem: &str) -> [u8; 32] {
    Sha256::digest(pem.as_bytes()).into()
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
        Ok(Self { kid, pem_digest: digest(pem), key: SigningKey::<Sha256>::new(private), jwk })
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

/// Makes a new signing key the current one, keeping the replaced one in the
/// JWKS; every instance signs with it within a minute. Returns its `kid`.
pub async fn rotate(store: &dyn Store) -> Result<String, JwtIssueError> {
    let pem = tokio::task::spawn_blocking(new_key_pem).await.map_err(|_| JwtError::Generate)??;
    let kid = JwtSigner::from_pem(&pem)?.kid;
    store.rotate_secret(SECRET_NAME, &pem, RETIRED_PREFIX, RETIRED_KEPT).await?;
    Ok(kid)
}

/// How long a token is good for.
pub const TOKEN_LIFETIME: i64 = 15 * 60;
/// A token is handed out again while it has at least this long to live, so
/// an app asking on every page view costs one signature per session every
/// five minutes, not one per request (a signature costs about a millisecond).
const REUSE_WHILE: i64 = 10 * 60;
const MAX_REMEMBERED: usize = 100_000;

/// The signer, loaded or made on first use and looked for again every
/// minute (a rotation), and the tokens issued lately.
#[derive(Default)]
pub struct JwtIssuer {
    signer: Mutex<Option<(Arc<JwtSigner>, std::time::Instant)>>,
    /// One load at a time.
    loading: tokio::sync::Mutex<()>,
    recent: Mutex<HashMap<String, (String, i64)>>,
}

impl JwtIssuer {
    /// The shared signing key: the stored one, else a new one stored for
    /// every instance (if two instances make one at once, the first stored wins).
    pub async fn signer(&self, store: &dyn Store) -> Result<Arc<JwtSigner>, JwtIssueError> {
        let fresh = || {
            let held = self.signer.lock().expect("jwt signer lock");
            held.as_ref().filter(|(_, at)| at.elapsed() < RELOAD_EVERY).map(|(signer, _)| signer.clone())
        };
        if let Some(signer) = fresh() {
            return Ok(signer);
        }
        let _loading = self.loading.lock().await;
        if let Some(signer) = fresh() {
            return Ok(signer);
        }
        let pem = match store.load_secret(SECRET_NAME).await? {
            Some(pem) => pem,
            None => {
                let made = tokio::task::spawn_blocking(new_key_pem).await.map_err(|_| JwtError::Generate)??;
                store.server_secret(SECRET_NAME, &made).await?
            }
        };
        let mut held = self.signer.lock().expect("jwt signer lock");
        let signer = match held.take() {
            // Unchanged: keep the parsed key.
            Some((signer, _)) if signer.pem_digest == digest(&pem) => signer,
            _ => Arc::new(JwtSigner::from_pem(&pem)?),
        };
        *held = Some((signer.clone(), std::time::Instant::now()));
        Ok(signer)
    }

    /// Looks for a rotated key on the next use, not a minute later.
    pub fn reload(&self) {
        *self.signer.lock().expect("jwt signer lock") = None;
    }

    /// The public key set verifiers fetch: the current key and the ones it
    /// replaced within the last hour. All read from the store every time, so
    /// a key any instance signs with is published by every instance at once.
    pub async fn jwks(&self, store: &dyn Store) -> Result<Value, JwtIssueError> {
        let signer = self.signer(store).await?;
        let current = match store.load_secret(SECRET_NAME).await? {
            Some(pem) if digest(&pem) != signer.pem_digest => Arc::new(JwtSigner::from_pem(&pem)?),
            _ => signer,
        };
        let cutoff = time::OffsetDateTime::now_utc() - RETIRED_PUBLISHED_FOR;
        let mut keys = vec![current.jwk.clone()];
        for (name, pem) in store.secrets_with_prefix(RETIRED_PREFIX).await? {
            let retired_at = name
                .strip_prefix(RETIRED_PREFIX)
                .and_then(|nanos| nanos.parse::<i128>().ok())
                .and_then(|nanos| time::OffsetDateTime::from_unix_timestamp_nanos(nanos).ok());
            if retired_at.is_none_or(|at| at < cutoff) {
                continue;
            }
            let retired = JwtSigner::from_pem(&pem)?;
            if retired.kid != current.kid {
                keys.push(retired.jwk);
            }
        }
        Ok(json!({ "keys": keys }))
    }

    /// A token for this session with `claims` (without `iat`/`exp`): the
    /// one issued lately while it has most of its life left, else a new one.
    pub async fn token(
        &self,
        store: &dyn Store,
        session_id: &str,
        now: i64,
        claims: impl FnOnce() -> Value,
    ) -> Result<String, JwtIssueError> {
        if let Some((token, exp)) = self.recent.lock().expect("jwt cache lock").get(session_id) {
            if exp - now >= REUSE_WHILE {
                return Ok(token.clone());
            }
        }
        let mut claims = claims();
        claims["iat"] = json!(now);
        claims["exp"] = json!(now + TOKEN_LIFETIME);
        let token = self.signer(store).await?.sign(&claims);
        let mut recent = self.recent.lock().expect("jwt cache lock");
        if recent.len() >= MAX_REMEMBERED {
            recent.retain(|_, (_, exp)| *exp - now >= REUSE_WHILE);
            if recent.len() >= MAX_REMEMBERED {
                recent.clear();
            }
        }
        recent.insert(session_id.to_string(), (token.clone(), now + TOKEN_LIFETIME));
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
