//! Where a webhook may go. The URL is the customer's but the request is
//! ours, so an endpoint must never reach what only this server can:
//! loopback, private, link-local (cloud metadata at 169.254.169.254 among
//! them), unique-local and the like are refused after DNS resolution, at
//! create and again at every delivery, unless the operator allowed the
//! network (`BANATA_WEBHOOK_ALLOWED_NETWORKS`). Plain `http://` only to an
//! allowed network; everything else is `https://`.

use crate::config::webhook_settings::AllowedNetworks;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::Url;

/// Longest URL an endpoint may have.
pub const URL_MAX: usize = 2048;

/// Addresses no endpoint reaches unless allowed.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => internal_v4(v4),
            None => internal_v6(v6),
        },
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier NAT), benchmarking, reserved.
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
        // IETF protocol assignments (192.0.0.0/24).
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local fc00::/7 (AWS's metadata at fd00:ec2::254 among them).
        || (first & 0xfe00) == 0xfc00
        // Link local fe80::/10.
        || (first & 0xffc0) == 0xfe80
        // Documentation 2001:db8::/32; IPv4-translated 64:ff9b::/96 could
        // reach any IPv4 address.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)
}

/// Whether the operator's rules let a delivery reach `ip`.
pub fn may_reach(ip: IpAddr, allowed: &AllowedNetworks) -> bool {
    allowed.allows(ip) || !is_internal(ip)
}

/// Why a URL cannot be an endpoint, in words for the person who typed it.
pub fn check_syntax(text: &str) -> Result<Url, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter the URL that should receive events.".into());
    }
    if text.len() > URL_MAX {
        return Err(format!("Use a URL of at most {URL_MAX} characters."));
    }
    let url = Url::parse(text).map_err(|_| "Enter a full URL, like https://example.com/webhooks.".to_string())?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err("Use an https:// URL.".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("Enter a full URL, like https://example.com/webhooks.".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Leave credentials out of the URL; verify deliveries by their signature.".into());
    }
    Ok(url)
}

/// The addresses `url`'s host resolves to, each checked: an error names
/// the first refused one. Plain http:// needs every address allowed.
pub async fn resolve_checked(url: &Url, allowed: &AllowedNetworks) -> Result<Vec<SocketAddr>, String> {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|_| format!("{host} could not be resolved."))?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(format!("{host} could not be resolved."));
    }
    if let Some(refused) = addresses.iter().find(|a| !may_reach(a.ip(), allowed)) {
        return Err(format!(
            "{host} resolves to {}, a private or internal address; webhooks go to public addresses only.",
            refused.ip()
        ));
    }
    if url.scheme() == "http" && !addresses.iter().all(|a| allowed.allows(a.ip())) {
        return Err("Use an https:// URL.".into());
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::webhook_settings::parse_networks;

    #[test]
    fn internal_addresses_are_refused_unless_allowed() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
        let allowed = parse_networks("127.0.0.0/8").unwrap();
        assert!(may_reach("127.0.0.1".parse().unwrap(), &allowed));
        assert!(!may_reach("10.0.0.1".parse().unwrap(), &allowed));
    }

    #[test]
    fn urls_must_be_full_and_without_credentials() {
        assert!(check_syntax("https://example.com/hook").is_ok());
        assert!(check_syntax("").is_err());
        assert!(check_syntax("example.com").is_err());
        assert!(check_syntax("ftp://example.com").is_err());
        assert!(check_syntax("https://user:pw@example.com").is_err());
        assert!(check_syntax(&format!("https://example.com/{}", "a".repeat(URL_MAX))).is_err());
    }

    #[tokio::test]
    async fn loopback_needs_the_operators_leave_and_plain_http_needs_an_allowed_network() {
        let none = AllowedNetworks::default();
        let loopback = parse_networks("127.0.0.0/8").unwrap();
        let url = Url::parse("http://127.0.0.1:9/hook").unwrap();
        assert!(resolve_checked(&url, &none).await.unwrap_err().contains("private"));
        assert!(resolve_checked(&url, &loopback).await.is_ok());
        let metadata = Url::parse("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(resolve_checked(&metadata, &loopback).await.is_err());
        let public_http = Url::parse("http://8.8.8.8/hook").unwrap();
        assert_eq!(resolve_checked(&public_http, &none).await.unwrap_err(), "Use an https:// URL.");
        let public_https = Url::parse("https://8.8.8.8/hook").unwrap();
        assert!(resolve_checked(&public_https, &none).await.is_ok());
    }
}
