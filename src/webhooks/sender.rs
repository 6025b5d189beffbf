//! One attempt: POST the body with its headers, within the timeout, never
//! following a redirect, and only to addresses the operator's rules allow,
//! checked on the addresses the connection actually uses (the client's own
//! resolver drops refused ones, so a name that changes its answer between
//! our check and the connection cannot slip through).

use super::address::{may_reach, resolve_checked};
use crate::config::webhook_settings::AllowedNetworks;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use url::Url;

/// What is kept of a receiver's answer.
pub const RESPONSE_KEPT: usize = 10 * 1024;

/// What an attempt came to.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub http_status: Option<u16>,
    /// Why there was no answer (refused address, timeout, connection).
    pub error: Option<String>,
    pub duration_ms: i64,
    pub body: Option<String>,
    /// A receiver's `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
}

impl Answer {
    pub fn succeeded(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }
}

struct GuardedResolver {
    allowed: AllowedNetworks,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allowed = self.allowed.clone();
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let usable: Vec<SocketAddr> = found.filter(|a| may_reach(a.ip(), &allowed)).collect();
            if usable.is_empty() {
                return Err("the host resolves only to addresses webhooks may not reach".into());
            }
            Ok(Box::new(usable.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    allowed: AllowedNetworks,
}

impl Sender {
    pub fn new(allowed: AllowedNetworks, timeout: Duration) -> Sender {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // Our request must not go through a proxy of the environment's choosing.
            .no_proxy()
            .dns_resolver(std::sync::Arc::new(GuardedResolver { allowed: allowed.clone() }))
            .user_agent("Banata-Webhooks/1")
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .expect("the webhook client's settings are valid");
        Sender { client, allowed }
    }

    pub async fn send(&self, url: &str, headers: &[(&'static str, String)], body: &str) -> Answer {
        let started = Instant::now();
        let mut answer = self.try_send(url, headers, body).await;
        answer.duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        answer
    }

    async fn try_send(&self, url: &str, headers: &[(&'static str, String)], body: &str) -> Answer {
        let refused = |error: String| Answer { error: Some(error), ..Answer::default() };
        let Ok(parsed) = Url::parse(url) else {
            return refused("the endpoint's URL is not valid".into());
        };
        // An https name is checked by the client's own resolver, on the
        // addresses it connects to (one lookup, no rebinding window). IP
        // literals never reach a resolver, and plain http needs every address
        // allowed: those are checked here.
        let checked_by_resolver = parsed.scheme() == "https" && matches!(parsed.host(), Some(url::Host::Domain(_)));
        if !checked_by_resolver {
            if let Err(error) = resolve_checked(&parsed, &self.allowed).await {
                return refused(error);
            }
        }
        let mut request = self.client.post(parsed).header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = match request.body(body.to_string()).send().await {
            Ok(response) => response,
            Err(error) if error.is_timeout() => return refused("timed out".into()),
            Err(error) => return refused(describe(&error)),
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let mut kept = Vec::new();
        let mut error = None;
        while kept.len() < RESPONSE_KEPT {
            match response.chunk().await {
                Ok(Some(chunk)) => kept.extend_from_slice(&chunk[..chunk.len().min(RESPONSE_KEPT - kept.len())]),
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    error = Some("timed out".to_string());
                    break;
                }
                Err(_) => break,
            }
        }
        // A 2xx whose answer did not finish in time is no success.
        let http_status = match (&error, status) {
            (Some(_), 200..=299) => None,
            _ => Some(status),
        };
        Answer {
            http_status,
            error,
            duration_ms: 0,
            body: Some(String::from_utf8_lossy(&kept).into_owned()),
            retry_after,
        }
    }
}

/// The cause of a failed request, without the URL (it is the customer's).
fn describe(error: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    let mut last = String::from("could not connect");
    while let Some(e) = source {
        last = e.to_string();
        source = e.source();
    }
    if error.is_connect() {
        format!("could not connect: {last}")
    } else {
        last
    }
}
