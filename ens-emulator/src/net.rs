//! IPv4 CIDR blocks, for networks, vSwitches and the private addresses in them.

use std::net::Ipv4Addr;

/// An IPv4 block `base/prefix`, base aligned to the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    pub(crate) base: u32,
    pub(crate) prefix: u8,
}

impl Cidr {
    /// Reads `a.b.c.d/n`; `None` unless the address is the block's first one.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (ip, prefix) = text.split_once('/')?;
        let ip: Ipv4Addr = ip.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        if prefix > 32 {
            return None;
        }
        let cidr = Self {
            base: u32::from(ip),
            prefix,
        };
        (cidr.base & cidr.mask() == cidr.base).then_some(cidr)
    }

    fn mask(self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.prefix))
        }
    }

    /// How many addresses the block spans.
    pub(crate) fn size(self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    pub(crate) fn contains_ip(self, ip: u32) -> bool {
        ip & self.mask() == self.base
    }

    /// Whether `inner` lies entirely in this block.
    pub(crate) fn contains(self, inner: Cidr) -> bool {
        inner.prefix >= self.prefix && self.contains_ip(inner.base)
    }

    pub(crate) fn overlaps(self, other: Cidr) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// The usable host addresses: all but the block's first (network), second (gateway) and last
    /// (broadcast) ones.
    pub(crate) fn hosts(self) -> impl Iterator<Item = u32> {
        let last = u64::from(self.base) + self.size() - 1;
        (u64::from(self.base) + 2..last).map(|ip| ip as u32)
    }

    /// The gateway address: the block's second one.
    pub(crate) fn gateway(self) -> u32 {
        self.base.saturating_add(1)
    }
}

pub(crate) fn ip_text(ip: u32) -> String {
    Ipv4Addr::from(ip).to_string()
}

pub(crate) fn parse_ip(text: &str) -> Option<u32> {
    text.parse::<Ipv4Addr>().ok().map(u32::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        let net = Cidr::parse("10.0.0.0/8").expect("valid");
        let vsw = Cidr::parse("10.1.2.0/24").expect("valid");
        assert!(net.contains(vsw) && !vsw.contains(net) && net.overlaps(vsw));
        assert!(Cidr::parse("10.1.2.3/24").is_none(), "not aligned");
        assert!(Cidr::parse("10.1.2.0/33").is_none());
        assert!(vsw.contains_ip(parse_ip("10.1.2.200").expect("ip")));
        assert!(!vsw.contains_ip(parse_ip("10.1.3.1").expect("ip")));
        let hosts: Vec<String> = Cidr::parse("192.168.0.0/29")
            .expect("valid")
            .hosts()
            .map(ip_text)
            .collect();
        assert_eq!(hosts.first().map(String::as_str), Some("192.168.0.2"));
        assert_eq!(hosts.last().map(String::as_str), Some("192.168.0.6"));
        assert_eq!(hosts.len(), 5);
    }
}
