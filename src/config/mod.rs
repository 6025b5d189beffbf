//! Settings, from `--flags` or the matching environment variables.
//! A bad value stops start-up with clap's one-line message naming the setting.

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand};
use std::net::SocketAddr;

pub mod smtp_url;
pub mod webhook_settings;
use time::Duration;

#[derive(Debug, Parser)]
#[command(name = "banata", version, about = "Banata: API keys for your projects, self-hosted.")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the dashboard (the default when no command is given).
    Serve,
    /// Manage accounts from the shell, e.g. when sign-up is closed.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage your project's API keys through the admin API. Reads the key
    /// from BANATA_API_KEY and the server from BANATA_URL.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The signing keys of the JWTs apps verify (`convex/token`), per project.
    #[command(subcommand)]
    Jwt(JwtCommand),
}

#[derive(Debug, Subcommand)]
pub enum JwtCommand {
    /// Make a new signing key a project's current one. The old one stays in
    /// the project's JWKS for an hour, so tokens it signed verify until they
    /// expire; every running instance signs with the new key within a minute.
    Rotate {
        /// The project, by its URL name (slug) or its id.
        #[arg(long)]
        project: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List the project's active keys.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create a key and print it: the only time it is shown.
    Create {
        #[arg(long)]
        name: String,
        /// ISO 8601 time or date, e.g. 2027-06-30.
        #[arg(long)]
        expires_at: Option<String>,
        /// The key may list keys and ask whoami, never change keys.
        #[arg(long)]
        read_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key by its id (key_…); it stops working at once.
    Revoke { key_id: String },
    /// Replace a key with a new one (printed once); the old one keeps working
    /// for the grace period (0s to 7d), then stops by itself.
    Roll {
        key_id: String,
        #[arg(long, default_value = "24h", value_parser = parse_duration)]
        grace: Duration,
        #[arg(long)]
        json: bool,
    },
    /// Which project and key BANATA_API_KEY is.
    Whoami {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (or a
    /// prompt on a terminal), never from the command line.
    Create {
        #[arg(long)]
        email: String,
        /// Display name; defaults to the part of the email before the @.
        #[arg(long)]
        name: Option<String>,
    },
    /// Print a one-time link (valid for an hour) with which the account
    /// chooses a new password, for servers that send no mail. Using it ends
    /// every session of the account. Give it to its owner only.
    ResetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(Clone, Debug, Args)]
pub struct Config {
    /// `sqlite:<path>` (created if missing) or `postgres://user@host/db`.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://data/banata.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, global = true, env = "BANATA_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// The URL people use to reach this server; `https://…` marks cookies Secure
    /// and its origin is accepted for form posts.
    #[arg(long, global = true, env = "BANATA_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// Whether anyone may create an account from the sign-up page.
    #[arg(
        long,
        global = true,
        env = "BANATA_ALLOW_SIGNUP",
        default_value = "true",
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new()
    )]
    pub allow_signup: bool,

    /// A session unused for this long ends (e.g. 30m, 12h, 7d).
    #[arg(long, global = true, env = "BANATA_SESSION_IDLE_TIMEOUT", default_value = "7d", value_parser = parse_duration)]
    pub session_idle_timeout: Duration,

    /// A session ends this long after sign-in, however active.
    #[arg(long, global = true, env = "BANATA_SESSION_ABSOLUTE_TIMEOUT", default_value = "30d", value_parser = parse_duration)]
    pub session_absolute_timeout: Duration,

    /// How often the times keys were last used are written (and always at
    /// shutdown), e.g. 5s.
    #[arg(long, global = true, env = "BANATA_KEY_USAGE_FLUSH", default_value = "5s", value_parser = parse_duration)]
    pub key_usage_flush: Duration,

    /// Failed API key checks one client may make per minute; then 429.
    #[arg(
        long,
        global = true,
        env = "BANATA_KEY_FAILURE_LIMIT",
        default_value = "30",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub key_failure_limit: u32,

    /// Sign-ups one address may start per minute; then 429, in blocks that
    /// grow up to an hour.
    #[arg(
        long,
        global = true,
        env = "BANATA_SIGNUP_LIMIT",
        default_value = "10",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub signup_limit: u32,

    /// Password checks (sign-in, sign-up, password change) that may wait for
    /// the hashing threads at once; beyond it, 503 with Retry-After.
    #[arg(
        long,
        global = true,
        env = "BANATA_PASSWORD_QUEUE",
        default_value = "64",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub password_queue: u32,

    /// Keys a project may have active at once; creating more answers 409.
    #[arg(
        long,
        global = true,
        env = "BANATA_MAX_ACTIVE_KEYS",
        default_value = "500",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_active_keys: u32,

    /// Invitations a project may have pending at once; more answers 409.
    #[arg(
        long,
        global = true,
        env = "BANATA_MAX_PENDING_INVITATIONS",
        default_value = "100",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub max_pending_invitations: u32,

    /// Behind a proxy: the header it puts the client's address in (e.g.
    /// x-forwarded-for; its last entry is used). Unset: the peer address.
    #[arg(long, global = true, env = "BANATA_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<String>,

    /// The SMTP server mail goes through: smtp://user:password@host:587
    /// (STARTTLS), smtps://user:password@host:465 (TLS), or
    /// smtp://127.0.0.1:25?tls=none (plain, a relay on this machine).
    /// Unset: no mail is sent, and the dashboard shows links to copy.
    #[arg(long, global = true, env = "BANATA_SMTP_URL", hide_env_values = true, value_parser = smtp_url::SmtpUrlParser)]
    pub smtp_url: Option<smtp_url::SmtpUrl>,

    /// The From address of every mail, e.g. `Banata <no-reply@example.com>`
    /// (a project's mails show its own sender name).
    #[arg(long, global = true, env = "BANATA_MAIL_FROM", value_parser = parse_mailbox)]
    pub mail_from: Option<lettre::message::Mailbox>,

    /// Networks webhook endpoints may reach although they are private,
    /// loopback or link-local (CIDRs, comma-separated, e.g.
    /// `127.0.0.0/8,::1/128`); an endpoint there may use plain http://.
    /// Empty: none.
    #[arg(
        long,
        global = true,
        env = "BANATA_WEBHOOK_ALLOWED_NETWORKS",
        default_value = "",
        value_parser = webhook_settings::parse_networks
    )]
    pub webhook_allowed_networks: webhook_settings::AllowedNetworks,

    /// Seconds to wait before each webhook attempt after the first
    /// (comma-separated); after the last, the delivery has failed.
    #[arg(
        long,
        global = true,
        env = "BANATA_WEBHOOK_RETRY_SCHEDULE",
        default_value = "300,1800,7200,86400",
        value_parser = webhook_settings::parse_schedule
    )]
    pub webhook_retry_schedule: webhook_settings::RetrySchedule,

    /// Seconds one webhook attempt may take, answer included.
    #[arg(
        long,
        global = true,
        env = "BANATA_WEBHOOK_TIMEOUT",
        default_value = "30",
        value_parser = clap::value_parser!(u64).range(1..=300)
    )]
    pub webhook_timeout: u64,

    /// Where the built stylesheet, scripts and wasm live (cargo-leptos output).
    #[arg(long, global = true, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Log filter, e.g. `info` or `banata=debug,info`.
    #[arg(long, global = true, env = "BANATA_LOG", default_value = "info")]
    pub log: String,
}

/// Largest request body we read, on every route.
pub const BODY_LIMIT: usize = 64 * 1024;

impl Config {
    /// The client's address, with the configured proxy header (see
    /// `actor::client_ip`).
    pub fn client_ip(&self, headers: &http::HeaderMap, extensions: &http::Extensions) -> std::net::IpAddr {
        crate::actor::client_ip(headers, extensions, self.client_ip_header.as_deref())
    }
    /// `scheme://host` for links we hand out: the configured public URL, else
    /// the host the request came to.
    pub fn public_base(&self, headers: Option<&http::HeaderMap>) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let host = headers
            .and_then(|h| h.get(http::header::HOST))
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
            .unwrap_or_else(|| self.addr.to_string());
        format!("http://{host}")
    }

    /// This server's own URL, whatever the request says: the configured
    /// public URL, else the listening address. The JWT issuer, so it never
    /// depends on a `Host` header (an app's backend forwards its own).
    pub fn own_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.addr),
        }
    }

    /// Mail is on: both settings given, and a public URL for the links.
    /// Links in mails never come from a request's `Host` (anyone can send
    /// one), so mail needs `BANATA_PUBLIC_URL`.
    pub fn mail_settings(&self) -> Result<Option<(smtp_url::SmtpUrl, lettre::message::Mailbox)>, String> {
        match (&self.smtp_url, &self.mail_from, &self.public_url) {
            (None, _, _) => Ok(None),
            (Some(_), None, _) => Err("BANATA_SMTP_URL needs BANATA_MAIL_FROM (the From address of mails)".into()),
            (Some(_), _, None) => Err("BANATA_SMTP_URL needs BANATA_PUBLIC_URL: links in mails point there".into()),
            (Some(url), Some(from), Some(_)) => Ok(Some((url.clone(), from.clone()))),
        }
    }

    /// Cookies get the Secure flag when we are served over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }

    /// `scheme://host[:port]` of the public URL, for the Origin check.
    pub fn public_origin(&self) -> Option<String> {
        let url = self.public_url.as_deref()?;
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split('/').next()?;
        Some(format!("{scheme}://{host}"))
    }

    /// The database URL with any password replaced, safe to log.
    pub fn database_url_redacted(&self) -> String {
        redact_password(&self.database_url)
    }
}

fn parse_mailbox(value: &str) -> Result<lettre::message::Mailbox, String> {
    value
        .trim()
        .parse()
        .map_err(|_| "expected an address, e.g. no-reply@example.com or Banata <no-reply@example.com>".into())
}

fn parse_public_url(value: &str) -> Result<String, String> {
    let trimmed = value.trim_end_matches('/');
    let ok = (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
        && trimmed.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err("expected an http:// or https:// URL, e.g. https://banata.example.com".into())
    }
}

/// `90`, `90s`, `30m`, `12h` or `7d`.
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let value = value.trim();
    let (digits, unit) = value.split_at(value.find(|c: char| !c.is_ascii_digit()).unwrap_or(value.len()));
    let n: i64 = digits.parse().map_err(|_| format!("expected a duration like 30m, 12h or 7d, got {value:?}"))?;
    let seconds = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h or d")),
    };
    if seconds <= 0 {
        return Err("must be longer than zero".into());
    }
    Ok(Duration::seconds(seconds))
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    // The host starts after the last '@' of the authority: a password may
    // itself hold an '@'.
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    // A password may also come as a query parameter.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let pairs: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            format!("{path}?{}", pairs.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90").unwrap(), Duration::seconds(90));
        assert_eq!(parse_duration("30m").unwrap(), Duration::minutes(30));
        assert_eq!(parse_duration("7d").unwrap(), Duration::days(7));
        assert!(parse_duration("7w").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(redact_password("postgres://app:s3cret@db:5432/banata"), "postgres://app:***@db:5432/banata");
        assert_eq!(redact_password("postgres://app@db/banata"), "postgres://app@db/banata");
        assert_eq!(redact_password("sqlite://data/banata.db"), "sqlite://data/banata.db");
        assert_eq!(redact_password("postgres://app:p@ss@db/banata"), "postgres://app:***@db/banata");
        assert_eq!(
            redact_password("postgres://db/banata?user=app&password=s3cret&sslmode=require"),
            "postgres://db/banata?user=app&password=***&sslmode=require"
        );
    }

    #[test]
    fn bad_values_name_the_setting() {
        let err = Cli::try_parse_from(["banata", "--addr", "nowhere"]).unwrap_err().to_string();
        assert!(err.contains("--addr"), "{err}");
        let err = Cli::try_parse_from(["banata", "--public-url", "ftp://x"]).unwrap_err().to_string();
        assert!(err.contains("--public-url"), "{err}");
        let err =
            Cli::try_parse_from(["banata", "--smtp-url", "smtp://mailer:hunter2@host:58x"]).unwrap_err().to_string();
        assert!(err.contains("--smtp-url") && !err.contains("hunter2"), "the password is never repeated: {err}");
    }

    #[test]
    fn mail_needs_a_sender_and_a_public_url() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["banata"], args].concat()).unwrap().config.mail_settings();
        assert_eq!(parse(&[]).unwrap().map(|_| ()), None, "no SMTP: mail is off");
        let smtp = "--smtp-url=smtp://127.0.0.1:25?tls=none";
        assert!(parse(&[smtp]).unwrap_err().contains("BANATA_MAIL_FROM"));
        assert!(parse(&[smtp, "--mail-from=no-reply@example.com"]).unwrap_err().contains("BANATA_PUBLIC_URL"));
        let on = parse(&[smtp, "--mail-from=Banata <no-reply@example.com>", "--public-url=https://b.example.com"]);
        assert_eq!(
            on.unwrap().map(|(url, from)| (url.port, from.email.to_string())),
            Some((25, "no-reply@example.com".into()))
        );
    }
}
