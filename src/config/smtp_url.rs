//! `BANATA_SMTP_URL`, parsed once at start-up. It holds the credentials,
//! so it is never printed: its `Debug` shows the host alone.

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte (port 465).
    Tls,
    /// `smtp://`: STARTTLS, required (port 587).
    StartTls,
    /// `smtp://…?tls=none`: plain text, for a relay on the same machine.
    None,
}

/// A parsed `BANATA_SMTP_URL`.
#[derive(Clone)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub(crate) credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.redacted())
    }
}

/// For clap: an error names the setting, never the value (clap's plain
/// function parsers repeat it, and it may hold a password).
#[derive(Clone)]
pub struct SmtpUrlParser;

impl clap::builder::TypedValueParser for SmtpUrlParser {
    type Value = SmtpUrl;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<SmtpUrl, clap::Error> {
        let text = value.to_str().unwrap_or_default();
        SmtpUrl::parse(text).map_err(|why| {
            let message = format!("invalid value for --smtp-url (BANATA_SMTP_URL): {why}\n");
            clap::Error::raw(clap::error::ErrorKind::ValueValidation, message).with_cmd(cmd)
        })
    }
}

impl SmtpUrl {
    /// For clap: `smtp://[user:password@]host[:port][?tls=none]` or
    /// `smtps://…`. The error never repeats the value (it may hold a password).
    pub fn parse(value: &str) -> Result<SmtpUrl, String> {
        let shape =
            "expected smtp://[user:password@]host[:port] (STARTTLS), smtps://… (TLS) or smtp://host:port?tls=none";
        let url = url::Url::parse(value).map_err(|_| shape.to_string())?;
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or_else(|| shape.to_string())?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let tls = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let security = match (url.scheme(), tls.as_deref()) {
            ("smtps", None) => Security::Tls,
            ("smtp", None | Some("required" | "starttls")) => Security::StartTls,
            ("smtp", Some("none")) => Security::None,
            _ => return Err(shape.to_string()),
        };
        let port = url.port().unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::None => 25,
        });
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let credentials =
            (!url.username().is_empty()).then(|| (decode(url.username()), decode(url.password().unwrap_or_default())));
        Ok(SmtpUrl { host, port, security, credentials })
    }

    /// Safe to log: scheme, host and port, never the credentials.
    pub fn redacted(&self) -> String {
        let scheme = if self.security == Security::Tls { "smtps" } else { "smtp" };
        let user = if self.credentials.is_some() { "***@" } else { "" };
        let plain = if self.security == Security::None { "?tls=none" } else { "" };
        format!("{scheme}://{user}{}:{}{plain}", self.host, self.port)
    }

    pub fn is_loopback(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "::1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_protection_and_hide_the_password() {
        let url = SmtpUrl::parse("smtp://mailer:s%40cret@mail.example.com").unwrap();
        assert_eq!((url.security, url.port), (Security::StartTls, 587));
        assert_eq!(url.credentials, Some(("mailer".into(), "s@cret".into())));
        assert!(!format!("{url:?}").contains("cret"));
        assert_eq!(url.redacted(), "smtp://***@mail.example.com:587");
        let url = SmtpUrl::parse("smtps://mail.example.com").unwrap();
        assert_eq!((url.security, url.port), (Security::Tls, 465));
        let url = SmtpUrl::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((url.security, url.port, url.is_loopback()), (Security::None, 2525, true));
        for bad in
            ["http://mail.example.com", "smtp://", "mail.example.com", "smtps://h?tls=none", "smtp://h?tls=maybe"]
        {
            let error = SmtpUrl::parse(bad).unwrap_err();
            assert!(error.starts_with("expected"), "{bad}: {error}");
        }
        let error = SmtpUrl::parse("smtp://u:hunter2@").unwrap_err();
        assert!(!error.contains("hunter2"));
    }
}
