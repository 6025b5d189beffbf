//! API key material: generate, check, hash and display. Pure functions, no I/O.
//!
//! Format: `sk_live_` + 33 base62 characters from the OS-seeded CSPRNG (196
//! bits) + a 6-character base62 CRC-32 of those 33. The checksum lets us
//! refuse a mistyped or made-up key without a database lookup, as GitHub's
//! tokens do. Only `_` separates parts, so a double-click selects the key.

use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "sk_live_";
const RANDOM_LEN: usize = 33;
const CHECKSUM_LEN: usize = 6;
pub const KEY_LEN: usize = PREFIX.len() + RANDOM_LEN + CHECKSUM_LEN;
/// Characters of the random part shown in lists after the prefix.
const SHOWN: usize = 4;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A key just made: the secret (shown once) and what we store instead.
pub struct NewKeyMaterial {
    pub secret: String,
    /// `sk_live_` + the first 4 random characters.
    pub prefix: String,
    pub last4: String,
    /// Hex SHA-256 of the whole key.
    pub hash: String,
}

impl std::fmt::Debug for NewKeyMaterial {
    // The secret never reaches a log through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKeyMaterial").field("prefix", &self.prefix).field("last4", &self.last4).finish()
    }
}

/// A fresh key: prefix, random part, checksum.
pub fn generate_secret() -> String {
    let random = Alphanumeric.sample_string(&mut rand::rng(), RANDOM_LEN);
    format!("{PREFIX}{random}{}", checksum(&random))
}

pub fn generate() -> NewKeyMaterial {
    let secret = generate_secret();
    NewKeyMaterial {
        prefix: secret[..PREFIX.len() + SHOWN].to_string(),
        last4: secret[secret.len() - 4..].to_string(),
        hash: hash(&secret),
        secret,
    }
}

/// Whether `candidate` has our format and a matching checksum. Cheap: no
/// allocation, no lookup.
pub fn is_well_formed(candidate: &str) -> bool {
    let Some(rest) = candidate.strip_prefix(PREFIX) else { return false };
    if rest.len() != RANDOM_LEN + CHECKSUM_LEN || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, sum) = rest.split_at(RANDOM_LEN);
    decode_base62(sum) == Some(crc32(random.as_bytes()))
}

/// Hex SHA-256, the form keys are stored and looked up in.
pub fn hash(key: &str) -> String {
    // Hot path (every API request): no allocation per byte.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(key.as_bytes());
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 15)] as char);
    }
    out
}

fn checksum(random: &str) -> String {
    let mut n = crc32(random.as_bytes());
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out.to_vec()).expect("base62 is ASCII")
}

fn decode_base62(text: &str) -> Option<u32> {
    let mut n: u64 = 0;
    for b in text.bytes() {
        let digit = BASE62.iter().position(|&c| c == b)? as u64;
        n = n * 62 + digit;
    }
    u32::try_from(n).ok()
}

/// CRC-32 (IEEE), bitwise: 39 bytes per key do not need a table.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_hex_sha256() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn crc32_matches_the_standard() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn keys_have_the_documented_shape() {
        let key = generate();
        assert_eq!(key.secret.len(), KEY_LEN);
        assert!(key.secret.starts_with(PREFIX));
        assert!(key.secret[PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric()), "only _ separates parts");
        assert_eq!(key.prefix, &key.secret[..PREFIX.len() + 4]);
        assert_eq!(key.last4, &key.secret[KEY_LEN - 4..]);
        assert_eq!(key.hash, hash(&key.secret));
        assert_eq!(key.hash.len(), 64);
        assert!(!format!("{key:?}").contains(&key.secret[PREFIX.len()..]), "Debug hides the secret");
    }

    #[test]
    fn every_generated_key_is_well_formed() {
        for _ in 0..10_000 {
            let key = generate();
            assert!(is_well_formed(&key.secret), "{}", key.prefix);
        }
    }

    #[test]
    fn every_single_character_change_is_refused() {
        let alphabet: Vec<char> = BASE62.iter().map(|&b| b as char).chain(['_', '-', ' ', 'é']).collect();
        for _ in 0..20 {
            let key = generate().secret;
            for (i, original) in key.char_indices() {
                for &replacement in alphabet.iter().filter(|&&c| c != original) {
                    let mut changed = key.clone();
                    changed.replace_range(i..i + 1, replacement.encode_utf8(&mut [0; 4]));
                    assert!(!is_well_formed(&changed), "{changed} passed after changing position {i}");
                }
            }
            assert!(!is_well_formed(&key[..KEY_LEN - 1]), "a truncated key");
            assert!(!is_well_formed(&format!("{key}x")), "a key with a character added");
        }
    }

    #[test]
    fn garbage_is_refused() {
        for bad in ["", "sk_live_", "sk_test_abc", "Bearer sk_live_x", &"x".repeat(KEY_LEN), &"sk_live_".repeat(6)] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
    }
}
