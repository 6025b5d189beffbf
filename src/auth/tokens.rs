//! Single-use secrets we hand out (invitation links): random, shown once,
//! stored only as a SHA-256 hash.

use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

/// 32 base62 characters: about 190 bits from the OS-seeded CSPRNG.
pub fn invitation_token() -> String {
    format!("invite_{}", Alphanumeric.sample_string(&mut rand::rng(), 32))
}

/// A mail link's token (a reset, a verification, an invitation mailed):
/// as strong as an invitation's, URL-safe as it is.
pub fn mail_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 43)
}

/// Lower-case hex SHA-256, the form tokens are stored and looked up in.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, b) = (invitation_token(), invitation_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 39);
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_ne!(hash(&a), a);
    }
}
