//! The webhook settings that take more than a number: the networks
//! endpoints may reach although private, and the retry schedule.

use std::net::IpAddr;

/// One CIDR network, e.g. `127.0.0.0/8` or `::1/128`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 address seen through IPv6 (::ffff:a.b.c.d) is that address.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.base, ip) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(base) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(base) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for Network {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) =
            text.split_once('/').ok_or_else(|| format!("{text:?} is not a CIDR like 10.0.0.0/8"))?;
        let base: IpAddr = address.parse().map_err(|_| format!("{address:?} is not an IP address"))?;
        let most = if base.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = prefix
            .parse()
            .ok()
            .filter(|p| *p <= most)
            .ok_or_else(|| format!("{prefix:?} is not a prefix length 0-{most}"))?;
        Ok(Network { base, prefix })
    }
}

/// `BANATA_WEBHOOK_ALLOWED_NETWORKS`: empty by default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowedNetworks(pub Vec<Network>);

impl AllowedNetworks {
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }
}

pub fn parse_networks(value: &str) -> Result<AllowedNetworks, String> {
    let networks = value.split(',').filter(|s| !s.trim().is_empty()).map(str::parse).collect::<Result<_, _>>()?;
    Ok(AllowedNetworks(networks))
}

/// `BANATA_WEBHOOK_RETRY_SCHEDULE`: the waits, in seconds, before the
/// attempts after the first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<u64>);

pub fn parse_schedule(value: &str) -> Result<RetrySchedule, String> {
    let waits: Vec<u64> = value
        .split(',')
        .map(|s| s.trim().parse::<u64>().map_err(|_| format!("{s:?} is not a number of seconds")))
        .collect::<Result<_, _>>()?;
    if waits.len() > 20 || waits.iter().any(|w| *w == 0 || *w > 7 * 86_400) {
        return Err("give 1 to 20 waits, each 1 second to 7 days".into());
    }
    Ok(RetrySchedule(waits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_contain_what_their_prefix_says() {
        let allowed = parse_networks("127.0.0.0/8, ::1/128,10.1.0.0/16").unwrap();
        assert!(allowed.allows("127.0.0.1".parse().unwrap()));
        assert!(allowed.allows("::1".parse().unwrap()));
        assert!(allowed.allows("::ffff:127.0.0.9".parse().unwrap()));
        assert!(allowed.allows("10.1.200.3".parse().unwrap()));
        assert!(!allowed.allows("10.2.0.1".parse().unwrap()));
        assert!(!allowed.allows("::2".parse().unwrap()));
        assert_eq!(parse_networks("").unwrap(), AllowedNetworks::default());
        assert!(parse_networks("127.0.0.1").is_err());
        assert!(parse_networks("127.0.0.0/33").is_err());
        assert!(parse_networks("0.0.0.0/0").unwrap().allows("8.8.8.8".parse().unwrap()));
    }

    #[test]
    fn schedules_are_positive_seconds() {
        assert_eq!(parse_schedule("300,1800").unwrap(), RetrySchedule(vec![300, 1800]));
        assert!(parse_schedule("0").is_err());
        assert!(parse_schedule("a").is_err());
        assert!(parse_schedule("").is_err());
    }
}
