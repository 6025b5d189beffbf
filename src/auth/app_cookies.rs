//! The names of the cookies an app's users carry (better-auth's, on the
//! app's host) and reading them from a request. Shared by the auth API,
//! which sets them, and the admin API, which refuses requests that carry
//! one (they come from a browser).

use http::header::COOKIE;
use http::HeaderMap;

pub const SESSION: &str = "better-auth.session_token";
/// The spelling for an https server (`__Secure-` cookies must be `Secure`).
pub const SECURE_SESSION: &str = "__Secure-better-auth.session_token";
pub const DONT_REMEMBER: &str = "better-auth.dont_remember";

/// Every `name=value` pair of the request's cookies, raw.
pub fn pairs(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|text| text.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// Whether the request carries a session cookie at all (of either
/// spelling), signed or not.
pub fn carries_session(headers: &HeaderMap) -> bool {
    pairs(headers).any(|(name, _)| name == SESSION || name == SECURE_SESSION)
}
