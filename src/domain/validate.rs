//! Input rules shared by the forms (for instant feedback) and the server
//! (which decides). Every check returns a message fit to show under a field.

use serde::{Deserialize, Serialize};

pub const ACCOUNT_PASSWORD_MIN: usize = 8;
/// Longer passwords are refused before hashing, so a huge one costs us nothing.
pub const ACCOUNT_PASSWORD_MAX: usize = 256;
const NAME_MAX: usize = 100;
const EMAIL_MAX: usize = 254;

/// A problem with one form field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// What kind of problem, for API clients: `invalid` unless said otherwise
    /// (`required`, `unknown_permission`).
    #[serde(default = "invalid")]
    pub code: String,
}

fn invalid() -> String {
    "invalid".to_string()
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self::coded(field, "invalid", message)
    }

    pub fn coded(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_string(), message: message.into(), code: code.to_string() }
    }

    /// The same problem under another field name (a surface's own name for it).
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        if self.field == from {
            self.field = to.to_string();
        }
        self
    }
}

/// Trims and checks a person's or project's display name.
pub fn validate_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new(field, "Enter a name."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(FieldError::new(field, format!("Use at most {NAME_MAX} characters.")));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(field, "Remove the control characters."));
    }
    Ok(name.to_string())
}

/// A project's URL name: 3 to 40 lowercase letters, digits and dashes,
/// starting and ending with a letter or digit.
pub fn validate_slug(raw: &str) -> Result<String, FieldError> {
    let slug = raw.trim();
    if slug.len() < 3 || slug.len() > 40 {
        return Err(FieldError::new("slug", "Use 3 to 40 characters."));
    }
    let allowed = slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !allowed || slug.starts_with('-') || slug.ends_with('-') {
        return Err(FieldError::new(
            "slug",
            "Use lowercase letters, digits and dashes, starting and ending with a letter or digit.",
        ));
    }
    Ok(slug.to_string())
}

/// Trims and lower-cases an email address, so comparisons ignore case.
pub fn normalize_email(raw: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(FieldError::new("email", "Enter your email address."));
    }
    if email.len() > EMAIL_MAX {
        return Err(FieldError::new("email", format!("Use at most {EMAIL_MAX} characters.")));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if !valid {
        return Err(FieldError::new("email", "Enter a valid email address, like you@example.com."));
    }
    Ok(email)
}

/// Checks a new password's length (in characters, as people count them).
pub fn validate_password(password: &str) -> Result<(), FieldError> {
    let len = password.chars().count();
    if len < ACCOUNT_PASSWORD_MIN {
        return Err(FieldError::new("password", format!("Use at least {ACCOUNT_PASSWORD_MIN} characters.")));
    }
    if len > ACCOUNT_PASSWORD_MAX {
        return Err(FieldError::new("password", format!("Use at most {ACCOUNT_PASSWORD_MAX} characters.")));
    }
    Ok(())
}

/// Where to go after signing in: only a path on this site, never another
/// site (`//evil.example`, `https://…`, `/\\evil`), else the dashboard home.
pub fn safe_next(raw: &str) -> String {
    let local = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.contains('\\')
        && raw.len() <= 2048
        && !raw.chars().any(char::is_control);
    if local {
        raw.to_string()
    } else {
        "/".to_string()
    }
}

/// Percent-encodes a path or query value, e.g. for the `next` parameter.
pub fn percent_encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `scheme://host[:port]` of an absolute http(s) URL, lower-cased; `None`
/// for anything else (another scheme, credentials in the URL, no host).
pub fn url_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    let bad = host.is_empty() || host.contains(['@', '\\', ' ']) || host.chars().any(char::is_control);
    (!bad).then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(normalize_email("  Ada@Example.COM ").unwrap(), "ada@example.com");
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in ["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "ada@.com", "a@b@c.com"] {
            assert!(normalize_email(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/projects/a/api-keys?x=1"), "/projects/a/api-keys?x=1");
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "evil", "", "/\nx"] {
            assert_eq!(safe_next(bad), "/", "{bad:?} was allowed");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(validate_slug(" my-app-2 ").unwrap(), "my-app-2");
        for bad in ["ab", "-abc", "abc-", "ABC", "a b c", "ab_c", &"a".repeat(41)] {
            assert!(validate_slug(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn password_length_bounds() {
        assert!(validate_password("1234567").is_err());
        assert!(validate_password("12345678").is_ok());
        assert!(validate_password(&"x".repeat(256)).is_ok());
        assert!(validate_password(&"x".repeat(257)).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("name", "  Ada  ").unwrap(), "Ada");
        assert!(validate_name("name", "   ").is_err());
        assert!(validate_name("name", &"a".repeat(101)).is_err());
        assert!(validate_name("name", "a\u{0}b").is_err());
    }
}
