//! The session cookie as better-auth writes it, on the app's host (no
//! `Domain`: the app's route handler passes our `Set-Cookie` through).

use crate::auth::app_cookies::{pairs, DONT_REMEMBER, SECURE_SESSION as SECURE_NAME, SESSION as NAME};
use crate::auth::cookie_signing::CookieSigner;
use crate::auth::known_device;
use axum::http::HeaderMap;

pub use crate::auth::app_cookies::carries_session as present;

/// The session token of a correctly signed cookie (either spelling).
pub fn session_token(headers: &HeaderMap, signer: &CookieSigner) -> Option<String> {
    pairs(headers)
        .filter(|(name, _)| *name == NAME || *name == SECURE_NAME)
        .find_map(|(_, value)| signer.verify(&percent_decode(value)).map(str::to_string))
}

/// The known-device cookie's value (see `auth::known_device`), if any.
pub fn known_device(headers: &HeaderMap) -> Option<String> {
    pairs(headers).find(|(name, _)| *name == known_device::COOKIE).map(|(_, value)| percent_decode(value))
}

/// `Set-Cookie` remembering this browser for this project and email (it
/// lives longer than any session: it is what lets the owner in while
/// strangers guess). Sent only to our own paths on the app's host.
pub fn set_known_device(signer: &CookieSigner, project_id: &str, email: &str, secure: bool) -> String {
    let value = percent_encode(&known_device::issue(signer, project_id, email));
    let flags = if secure { "; Secure" } else { "" };
    format!(
        "{}={value}; Max-Age={}; Path=/api/auth; HttpOnly; SameSite=Lax{flags}",
        known_device::COOKIE,
        known_device::MAX_AGE
    )
}

/// Whether the browser asked not to be remembered at sign-in.
pub fn dont_remember(headers: &HeaderMap) -> bool {
    pairs(headers).any(|(name, _)| name == DONT_REMEMBER)
}

/// `Set-Cookie` values that start a session (a session cookie only, with no
/// `Max-Age`, when `remember` is false). `max_age` is the session's
/// lifetime in seconds.
pub fn set(token: &str, signer: &CookieSigner, secure: bool, remember: bool, max_age: i64) -> Vec<String> {
    let name = if secure { SECURE_NAME } else { NAME };
    let value = percent_encode(&signer.sign(token));
    let flags = if secure { "; Secure" } else { "" };
    if remember {
        vec![format!("{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax{flags}")]
    } else {
        vec![
            format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{flags}"),
            format!("{DONT_REMEMBER}=true; Path=/; HttpOnly; SameSite=Lax{flags}"),
        ]
    }
}

/// `Set-Cookie` values that end the session in the browser.
pub fn clear(secure: bool) -> Vec<String> {
    let flags = if secure { "; Secure" } else { "" };
    [if secure { SECURE_NAME } else { NAME }, DONT_REMEMBER]
        .iter()
        .map(|name| format!("{name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax{flags}"))
        .collect()
}

fn percent_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>().replace('+', "%20")
}

fn percent_decode(value: &str) -> String {
    // `+` is a literal in a cookie (base64), not a space.
    let mut out = Vec::with_capacity(value.len());
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => match u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16) {
                Ok(byte) => {
                    out.push(byte);
                    i += 3;
                }
                Err(_) => {
                    out.push(b'%');
                    i += 1;
                }
            },
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::COOKIE;

    #[test]
    fn a_set_cookie_reads_back_and_a_tampered_one_does_not() {
        let signer = CookieSigner::new("secret");
        let written = set("tok", &signer, false, true, 604_800);
        let pair = written[0].split(';').next().unwrap().to_string();
        assert!(written[0].contains("Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"), "{}", written[0]);
        assert!(!written[0].contains("Domain"));
        let headers: HeaderMap = [(COOKIE, format!("other=1; {pair}").parse().unwrap())].into_iter().collect();
        assert_eq!(session_token(&headers, &signer).as_deref(), Some("tok"));
        let tampered: HeaderMap = [(COOKIE, pair.replace("tok", "tok2").parse().unwrap())].into_iter().collect();
        assert_eq!(session_token(&tampered, &signer), None);
        assert!(set("tok", &signer, true, false, 604_800)[0].starts_with("__Secure-better-auth.session_token="));
    }
}
