//! Which pages may act with an end user's cookie, and where we may send them
//! back to. Trusted is the app's own origin as its route handler forwards it
//! (`x-forwarded-proto://x-forwarded-host`, believed only with a valid key,
//! which every request here has). Never decide anything on `Host`.

use super::error::AuthError;
use crate::domain::url_origin;
use axum::http::header::{COOKIE, ORIGIN, REFERER};
use axum::http::{HeaderMap, StatusCode};

fn first(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    let value = value.split(',').next()?.trim();
    (!value.is_empty()).then(|| value.to_ascii_lowercase())
}

/// The app's origin, when its route handler said.
pub fn app_origin(headers: &HeaderMap) -> Option<String> {
    let proto = first(headers, "x-forwarded-proto")?;
    let host = first(headers, "x-forwarded-host")?;
    matches!(proto.as_str(), "http" | "https").then(|| format!("{proto}://{host}"))
}

/// The app's own origin, or one the project allows besides (stored
/// lower-cased, as `url_origin` gives them).
fn trusted(origin: &str, headers: &HeaderMap, allowed: &[String]) -> bool {
    app_origin(headers).as_deref() == Some(origin) || allowed.iter().any(|a| a == origin)
}

/// A state-changing request from a browser must come from a trusted page.
/// A browser names the page in `Origin` on every cross-site POST, cookie or
/// not, so whenever `Origin` is there it must be trusted (else
/// `INVALID_ORIGIN`, or `MISSING_OR_NULL_ORIGIN` for `null`): that is what
/// stops another site signing its visitor in to an account of its choosing.
/// Without `Origin`, a request that carries a cookie needs a trusted
/// `Referer`; one with neither (a server calling us) passes.
pub fn check_request(headers: &HeaderMap, allowed: &[String]) -> Result<(), AuthError> {
    let named = headers.get(ORIGIN).map(|v| v.to_str().ok().filter(|o| *o != "null").and_then(url_origin));
    let origin = match named {
        Some(origin) => origin,
        None if headers.get(COOKIE).is_none() => return Ok(()),
        None => headers.get(REFERER).and_then(|v| v.to_str().ok()).and_then(url_origin),
    };
    let Some(origin) = origin else {
        return Err(AuthError::new(StatusCode::FORBIDDEN, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin."));
    };
    match trusted(&origin, headers, allowed) {
        true => Ok(()),
        false => Err(AuthError::new(StatusCode::FORBIDDEN, "INVALID_ORIGIN", "Invalid origin.")),
    }
}

/// A callback URL must be a path of the app, or on a trusted origin.
pub fn check_callback(url: Option<&str>, headers: &HeaderMap, allowed: &[String]) -> Result<(), AuthError> {
    let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(());
    };
    let relative = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
    let trusted = relative || url_origin(url).is_some_and(|origin| trusted(&origin, headers, allowed));
    if trusted && !url.chars().any(char::is_control) {
        Ok(())
    } else {
        Err(AuthError::new(StatusCode::FORBIDDEN, "INVALID_CALLBACK_URL", "Invalid callbackURL."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (k.parse().unwrap(), v.parse().unwrap())).collect()
    }

    const APP: [(&str, &str); 2] = [("x-forwarded-proto", "https"), ("x-forwarded-host", "app.example.com")];

    #[test]
    fn cookie_requests_need_the_apps_origin() {
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = APP.to_vec();
            pairs.push(("cookie", "a=b"));
            pairs.extend_from_slice(extra);
            check_request(&headers(&pairs), &[]).map_err(|e| e.code)
        };
        assert_eq!(with(&[("origin", "https://app.example.com")]), Ok(()));
        assert_eq!(with(&[("referer", "https://App.Example.com/account")]), Ok(()));
        assert_eq!(with(&[]), Err("MISSING_OR_NULL_ORIGIN"));
        assert_eq!(with(&[("origin", "null")]), Err("MISSING_OR_NULL_ORIGIN"));
        assert_eq!(with(&[("origin", "http://app.example.com")]), Err("INVALID_ORIGIN"), "scheme counts");
        assert_eq!(with(&[("origin", "https://evil.example")]), Err("INVALID_ORIGIN"));
        let without_cookie = |pairs: &[(&'static str, &'static str)]| {
            let mut all = APP.to_vec();
            all.extend_from_slice(pairs);
            check_request(&headers(&all), &[]).map_err(|e| e.code)
        };
        assert_eq!(without_cookie(&[]), Ok(()), "a server calling us: no Origin, no cookie");
        assert_eq!(without_cookie(&[("origin", "https://app.example.com")]), Ok(()));
        assert_eq!(
            without_cookie(&[("origin", "https://evil.example")]),
            Err("INVALID_ORIGIN"),
            "another site's page, even without a cookie (login CSRF)"
        );
        assert_eq!(without_cookie(&[("origin", "null")]), Err("MISSING_OR_NULL_ORIGIN"));
    }

    #[test]
    fn a_projects_allowed_origins_are_trusted_too() {
        let allowed = vec!["https://admin.example.com".to_string()];
        let mut pairs = APP.to_vec();
        pairs.extend_from_slice(&[("cookie", "a=b"), ("origin", "https://admin.example.com")]);
        assert!(check_request(&headers(&pairs), &allowed).is_ok());
        assert_eq!(check_request(&headers(&pairs), &[]).map_err(|e| e.code), Err("INVALID_ORIGIN"));
        let app = headers(&APP);
        assert!(check_callback(Some("https://admin.example.com/done"), &app, &allowed).is_ok());
        assert!(check_callback(Some("https://admin.example.com/done"), &app, &[]).is_err());
    }

    #[test]
    fn callbacks_stay_on_the_app() {
        let app = headers(&APP);
        assert!(check_callback(Some("/dashboard"), &app, &[]).is_ok());
        assert!(check_callback(Some("https://app.example.com/welcome"), &app, &[]).is_ok());
        assert!(check_callback(None, &app, &[]).is_ok());
        for bad in [
            "//evil.example",
            "https://evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "https://app.example.com@evil.example/",
        ] {
            assert_eq!(check_callback(Some(bad), &app, &[]).map_err(|e| e.code), Err("INVALID_CALLBACK_URL"), "{bad}");
        }
    }
}
