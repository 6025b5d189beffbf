//! A browser an email has signed in on before, remembered by a cookie
//! (OWASP's "device cookies"): failures from it are counted apart from a
//! stranger's, so someone guessing a user's password from anywhere else
//! cannot lock the user's own browser out. The cookie names nothing: a
//! random nonce and an HMAC that binds it to one project and one email, so
//! it cannot be moved to another account or forged.

use super::cookie_signing::CookieSigner;
use rand::distr::{Alphanumeric, SampleString};

/// The cookie's name, on the app's host.
pub const COOKIE: &str = "banata.known_device";
/// How long a browser stays known.
pub const MAX_AGE: i64 = 365 * 86_400;

fn message(project_id: &str, email: &str, nonce: &str) -> String {
    format!("known-device|{project_id}|{}|{nonce}", email.trim().to_lowercase())
}

/// A new cookie value for this project and email: `<nonce>.<signature>`.
pub fn issue(signer: &CookieSigner, project_id: &str, email: &str) -> String {
    let nonce = Alphanumeric.sample_string(&mut rand::rng(), 22);
    let signed = signer.sign(&message(project_id, email, &nonce));
    let signature = signed.rsplit_once('.').map(|(_, s)| s).unwrap_or_default();
    format!("{nonce}.{signature}")
}

/// The nonce of a cookie value issued for this project and email, if it is
/// one: a value made for another account or project, or tampered with, is
/// no known device.
pub fn recognise<'a>(signer: &CookieSigner, project_id: &str, email: &str, value: &'a str) -> Option<&'a str> {
    let (nonce, signature) = value.split_once('.')?;
    if nonce.len() != 22 || !nonce.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let signed = format!("{}.{signature}", message(project_id, email, nonce));
    signer.verify(&signed).map(|_| nonce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_works_only_for_its_project_and_email() {
        let signer = CookieSigner::new("secret");
        let value = issue(&signer, "proj_1", "Ada@Example.com");
        assert!(recognise(&signer, "proj_1", "ada@example.com", &value).is_some(), "email case ignored");
        assert!(recognise(&signer, "proj_1", "bob@example.com", &value).is_none(), "another account");
        assert!(recognise(&signer, "proj_2", "ada@example.com", &value).is_none(), "another project");
        assert!(recognise(&CookieSigner::new("other"), "proj_1", "ada@example.com", &value).is_none());
        let tampered = format!("{}x", &value[..value.len() - 1]);
        assert!(recognise(&signer, "proj_1", "ada@example.com", &tampered).is_none());
        assert!(recognise(&signer, "proj_1", "ada@example.com", "garbage").is_none());
        assert_ne!(issue(&signer, "proj_1", "ada@example.com"), value, "each browser its own nonce");
    }
}
