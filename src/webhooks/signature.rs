//! The headers that let a receiver trust a delivery, readable by the three
//! verifiers apps use (see `../shared/docs/webhooks-api.md`):
//! - Banata's SDK (`webhooks.constructEvent`) reads the first `v1=` of
//!   `Webhook-Signature`, an HMAC keyed with the whole `whsec_…` string;
//! - the docs' hand-written verifier reads the last `v1=`, keyed with the
//!   secret without `whsec_`;
//! - the `svix` libraries read `svix-signature`: base64 HMAC over
//!   `id.timestamp.body`, keyed with the bytes the text after `whsec_`
//!   decodes to as base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const PREFIX: &str = "whsec_";

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Banata's `v1` over `T.body`, keyed with `key`'s text.
fn banata(key: &str, timestamp: i64, body: &[u8]) -> String {
    hex(&hmac(key.as_bytes(), &[timestamp.to_string().as_bytes(), b".", body]))
}

fn stripped(secret: &str) -> &str {
    secret.strip_prefix(PREFIX).unwrap_or(secret)
}

/// svix's `v1,<base64>`; `None` for a secret whose text is not base64
/// (ours always is: 64 hex characters).
fn svix(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(stripped(secret)).ok()?;
    let mac = hmac(&key, &[id.as_bytes(), b".", timestamp.to_string().as_bytes(), b".", body]);
    Some(format!("v1,{}", STANDARD.encode(mac)))
}

/// Every signature header of one attempt. `previous` is the secret still in
/// its rotation's grace period, if any.
pub fn headers(
    id: &str,
    timestamp: i64,
    body: &[u8],
    current: &str,
    previous: Option<&str>,
) -> Vec<(&'static str, String)> {
    let new_whole = banata(current, timestamp, body);
    let new_stripped = banata(stripped(current), timestamp, body);
    // First-v1 readers and last-v1 readers both need the new secret;
    // readers of every v1 accept either.
    let mut v1 = vec![new_whole];
    if let Some(old) = previous {
        v1.push(banata(old, timestamp, body));
        v1.push(banata(stripped(old), timestamp, body));
    }
    v1.push(new_stripped);
    let banata_header = std::iter::once(format!("t={timestamp}")).chain(v1.iter().map(|h| format!("v1={h}")));
    let svix_header: Vec<String> =
        std::iter::once(current).chain(previous).filter_map(|s| svix(s, id, timestamp, body)).collect();
    vec![
        ("webhook-id", id.to_string()),
        ("webhook-timestamp", timestamp.to_string()),
        ("webhook-signature", banata_header.collect::<Vec<_>>().join(",")),
        ("svix-id", id.to_string()),
        ("svix-timestamp", timestamp.to_string()),
        ("svix-signature", svix_header.join(" ")),
    ]
}

/// A new signing secret: `whsec_` and 64 hex characters (32 random bytes).
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{PREFIX}{}", hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(headers: &'a [(&str, String)], name: &str) -> &'a str {
        &headers.iter().find(|(n, _)| *n == name).unwrap().1
    }

    #[test]
    fn each_reader_finds_the_signature_it_checks() {
        let secret = new_secret();
        assert_eq!(secret.len(), 6 + 64);
        let body = br#"{"id":"evt_1"}"#;
        let headers = headers("evt_1", 1_700_000_000, body, &secret, None);
        let banata_header = header(&headers, "webhook-signature");
        let v1: Vec<&str> = banata_header.split(',').filter_map(|p| p.strip_prefix("v1=")).collect();
        assert!(banata_header.starts_with("t=1700000000,"));
        // The SDK: first v1, keyed with the whole secret, over "T.body".
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(b"1700000000.");
        mac.update(body);
        assert_eq!(v1[0], hex(&mac.finalize().into_bytes()));
        // The docs: last v1, keyed without the prefix.
        assert_eq!(*v1.last().unwrap(), banata(&secret[6..], 1_700_000_000, body));
        // svix: base64 of the 48 bytes the hex text decodes to as base64.
        let key = STANDARD.decode(&secret[6..]).unwrap();
        assert_eq!(key.len(), 48);
        let svix_sig = header(&headers, "svix-signature");
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(b"evt_1.1700000000.");
        mac.update(body);
        assert_eq!(svix_sig, format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())));
    }

    #[test]
    fn during_a_rotation_both_secrets_sign_and_the_new_one_leads_and_ends() {
        let (old, new) = (new_secret(), new_secret());
        let body = b"{}";
        let headers = headers("evt_2", 5, body, &new, Some(&old));
        let v1: Vec<&str> =
            header(&headers, "webhook-signature").split(',').filter_map(|p| p.strip_prefix("v1=")).collect();
        assert_eq!(
            v1,
            [banata(&new, 5, body), banata(&old, 5, body), banata(&old[6..], 5, body), banata(&new[6..], 5, body)]
        );
        assert_eq!(header(&headers, "svix-signature").split(' ').count(), 2);
    }
}
