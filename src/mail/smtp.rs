//! The SMTP channel: a connection per mail, through the server that
//! `BANATA_SMTP_URL` names (`config::smtp_url`), protected as it says.

use crate::config::smtp_url::{Security, SmtpUrl};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// Sends messages through one SMTP server.
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl Smtp {
    pub fn new(url: &SmtpUrl) -> Result<Smtp, String> {
        Ok(Smtp { transport: Self::transport(url)? })
    }

    fn transport(url: &SmtpUrl) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
        let params = || TlsParameters::new(url.host.clone()).map_err(|e| format!("TLS setup: {e}"));
        let tls = match url.security {
            Security::Tls => Tls::Wrapper(params()?),
            Security::StartTls => Tls::Required(params()?),
            Security::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.clone())
            .port(url.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)));
        if let Some((user, password)) = &url.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(builder.build())
    }

    /// The server's refusal (or the connection's failure) as text for the
    /// deliveries page: lettre's errors name the server's reply, never the
    /// message or the credentials.
    pub async fn send(&self, message: Message) -> Result<(), String> {
        self.transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}
