//! Who is asking, and from where. Neutral ground: the store records an
//! `Actor` with every audited change, services decide with it, and the HTTP
//! layers build it from a request. It depends on nothing of theirs, so none
//! of them has to depend on another to talk about a caller.

use crate::domain::{ActorKind, User};
use http::header::USER_AGENT;
use http::{Extensions, HeaderMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Longest user agent we keep: enough to tell devices apart.
const USER_AGENT_MAX: usize = 256;

/// Who makes a change and from where: every audited store method records it
/// with the change, in the same transaction.
#[derive(Clone, Debug)]
pub struct Actor {
    pub kind: ActorKind,
    /// A user id, or the id of the API key.
    pub id: String,
    /// The user's or the key's name at the time.
    pub name: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Where a request came from: the client's address and user agent.
#[derive(Clone, Debug, Default)]
pub struct RequestSource {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl RequestSource {
    /// `ip_header` is the configured proxy header (`BANATA_CLIENT_IP_HEADER`).
    pub fn of(headers: &HeaderMap, extensions: &Extensions, ip_header: Option<&str>) -> Self {
        let user_agent = headers
            .get(USER_AGENT)
            .map(|v| {
                String::from_utf8_lossy(v.as_bytes()).chars().filter(|c| !c.is_control()).take(USER_AGENT_MAX).collect()
            })
            .filter(|ua: &String| !ua.trim().is_empty());
        RequestSource { ip: Some(client_ip(headers, extensions, ip_header).to_string()), user_agent }
    }

    /// A signed-in member acting from here.
    pub fn user(self, user: &User) -> Actor {
        self.acting(ActorKind::User, &user.id, &user.name)
    }

    /// An application acting with the key `key_id` (named `key_name`) from here.
    pub fn api_key(self, key_id: &str, key_name: &str) -> Actor {
        self.acting(ActorKind::ApiKey, key_id, key_name)
    }

    /// A user of the project's app, acting for themself (in their
    /// organizations), named by their email.
    pub fn end_user(self, user_id: &str, email: &str) -> Actor {
        self.acting(ActorKind::EndUser, user_id, email)
    }

    /// The app itself, on behalf of its user, through the key `key_id`.
    pub fn app(self, key_id: &str, key_name: &str) -> Actor {
        self.acting(ActorKind::App, key_id, key_name)
    }

    fn acting(self, kind: ActorKind, id: &str, name: &str) -> Actor {
        Actor { kind, id: id.to_string(), name: name.to_string(), ip: self.ip, user_agent: self.user_agent }
    }
}

/// The client's address: the peer, or the last address in the configured
/// proxy header, across all its lines (the one our own proxy appended, which
/// a client cannot forge: a client's own line comes first). A header that is
/// there but unreadable is a misconfigured proxy: warned about, and the peer
/// is used.
pub fn client_ip(headers: &HeaderMap, extensions: &Extensions, ip_header: Option<&str>) -> IpAddr {
    let from_header = ip_header.and_then(|name| {
        let last = headers.get_all(name).iter().next_back()?;
        let parsed = last.to_str().ok().and_then(|v| v.rsplit(',').next()).and_then(|v| v.trim().parse().ok());
        if parsed.is_none() {
            tracing::warn!(header = name, "the client address header holds no address; using the peer's");
        }
        parsed
    });
    from_header
        .or_else(|| extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip_of(lines: &[&'static str]) -> IpAddr {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", http::HeaderValue::from_static(line));
        }
        let mut extensions = Extensions::new();
        extensions.insert(axum::extract::ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 4000))));
        client_ip(&headers, &extensions, Some("x-forwarded-for"))
    }

    #[test]
    fn the_proxys_own_line_wins_over_the_clients() {
        // The client sent its own line; the proxy appended the real address.
        assert_eq!(ip_of(&["6.6.6.6", "203.0.113.7"]), IpAddr::from([203, 0, 113, 7]));
        assert_eq!(ip_of(&["6.6.6.6, 198.51.100.2"]), IpAddr::from([198, 51, 100, 2]));
        assert_eq!(ip_of(&["1.1.1.1", "not an address"]), IpAddr::from([10, 0, 0, 1]), "the peer, with a warning");
        assert_eq!(ip_of(&[]), IpAddr::from([10, 0, 0, 1]));
    }
}
