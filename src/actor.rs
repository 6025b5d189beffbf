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

    fn acting(self, kind: ActorKind, id: &str, name: &str) -> Actor {
        Actor { kind, id: id.to_string(), name: name.to_string(), ip: self.ip, user_agent: self.user_agent }
    }
}

/// The client's address: the peer, or the last address in the configured
/// proxy header (the one our own proxy added, which a client cannot forge).
pub fn client_ip(headers: &HeaderMap, extensions: &Extensions, ip_header: Option<&str>) -> IpAddr {
    let from_header = ip_header.and_then(|name| {
        let value = headers.get(name)?.to_str().ok()?;
        value.rsplit(',').next()?.trim().parse().ok()
    });
    from_header
        .or_else(|| extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}
