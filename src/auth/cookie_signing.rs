//! The end-user session cookie holds `<token>.<signature>`: the signature is
//! the standard (padded) base64 of HMAC-SHA256 over the token, under a secret
//! every instance shares, as better-auth's clients expect. A cookie with a
//! bad signature is no session, and costs no database lookup.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The stored name of the secret.
pub const SECRET_NAME: &str = "end_user_cookie_hmac";

pub struct CookieSigner {
    secret: Vec<u8>,
}

/// A new secret for the first instance to start: 32 random bytes, as hex.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl CookieSigner {
    pub fn new(secret: &str) -> Self {
        Self { secret: secret.as_bytes().to_vec() }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length")
    }

    /// `<token>.<signature>`, before URL encoding.
    pub fn sign(&self, token: &str) -> String {
        let mut mac = self.mac();
        mac.update(token.as_bytes());
        format!("{token}.{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// The token of a correctly signed value (already URL-decoded).
    pub fn verify<'a>(&self, value: &'a str) -> Option<&'a str> {
        let (token, signature) = value.rsplit_once('.')?;
        let signature = STANDARD.decode(signature).ok()?;
        let mut mac = self.mac();
        mac.update(token.as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&signature).ok()?;
        Some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_values_verify_and_tampered_ones_do_not() {
        let signer = CookieSigner::new("a secret");
        let signed = signer.sign("tok123");
        assert_eq!(signer.verify(&signed), Some("tok123"));
        assert!(signed.ends_with('='), "padded base64: {signed}");
        assert_eq!(signer.verify(&signed.replace("tok123", "tok124")), None);
        assert_eq!(CookieSigner::new("another secret").verify(&signed), None);
        for bad in ["", "tok123", "tok123.", "tok123.!!!", ".abc"] {
            assert_eq!(signer.verify(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_signature_is_hmac_sha256_in_standard_base64() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let signed = CookieSigner::new("Jefe").sign("what do ya want for nothing?");
        let expected = STANDARD.encode([
            0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00,
            0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
        ]);
        assert_eq!(signed, format!("what do ya want for nothing?.{expected}"));
    }
}
