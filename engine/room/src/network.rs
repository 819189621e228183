//! Which address goes into the QR code: the laptop's address on a real network (Wi-Fi,
//! Ethernet), never a VPN, Docker or virtual machine interface that phones cannot
//! reach; and what to say when phones may not reach the laptop at all.

use std::net::{IpAddr, Ipv4Addr};

/// An address phones might reach the laptop on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// The system's name for it (`wlp2s0`, `en0`, `Wi-Fi`).
    pub name: String,
    /// Its address.
    pub ip: IpAddr,
}

/// Names of interfaces phones cannot reach: containers, bridges of virtual machines,
/// VPN tunnels.
const VIRTUAL: [&str; 16] = [
    "docker",
    "br-",
    "veth",
    "virbr",
    "vboxnet",
    "vmnet",
    "tun",
    "tap",
    "wg",
    "utun",
    "zt",
    "tailscale",
    "lxc",
    "lxd",
    "cni",
    "flannel",
];

/// Whether an interface is one phones cannot reach (by its name or its address).
pub fn is_virtual(name: &str, ip: IpAddr) -> bool {
    let lower = name.to_ascii_lowercase();
    if VIRTUAL.iter().any(|v| lower.starts_with(v)) || lower.contains("vpn") || lower.contains("virtual") {
        return true;
    }
    match ip {
        // Carrier-grade NAT space: Tailscale and other overlay networks.
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            a == 100 && (64..128).contains(&b)
        }
        IpAddr::V6(_) => false,
    }
}

/// The laptop's addresses phones might reach, private LAN addresses first; loopback,
/// link-local and virtual interfaces left out. IPv4 only: phones' browsers and QR
/// codes handle it best.
pub fn candidates() -> Vec<Interface> {
    let mut out: Vec<Interface> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback())
        .map(|i| Interface { ip: i.ip(), name: i.name })
        .filter(|i| matches!(i.ip, IpAddr::V4(v4) if !v4.is_link_local() && !v4.is_unspecified()))
        .filter(|i| !is_virtual(&i.name, i.ip))
        .collect();
    out.sort_by_key(|i| (!is_private(i.ip), i.name.clone()));
    out.dedup_by(|a, b| a.ip == b.ip);
    out
}

fn is_private(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.is_private())
}

/// The address to put in the links when listening on `listening`: itself when it is
/// one address; on all interfaces, the interface the system would send from if it is
/// a real one, else the first real one; loopback when there is none.
pub fn reachable_ip(listening: IpAddr) -> IpAddr {
    if !listening.is_unspecified() {
        return listening;
    }
    let all = candidates();
    // A UDP socket "connected" to a documentation address sends nothing; it only
    // shows the interface the system would use.
    let routed = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").and_then(|()| s.local_addr()))
        .map(|a| a.ip())
        .ok();
    match routed {
        Some(ip) if all.iter().any(|i| i.ip == ip) => ip,
        _ => all.first().map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |i| i.ip),
    }
}

/// What to tell the facilitator about the network phones should use, if anything:
/// no network at all, or an address phones cannot be on.
pub fn warning(ip: IpAddr, dutch: bool) -> Option<&'static str> {
    let pick = |nl, en| Some(if dutch { nl } else { en });
    if ip.is_loopback() {
        return pick(
            "Deze laptop heeft geen netwerk waar telefoons op kunnen: verbind hem met de wifi van de zaal of met de hotspot van je telefoon.",
            "This laptop is on no network phones can join: connect it to the venue's Wi-Fi or to your phone's hotspot.",
        );
    }
    if !is_private(ip) {
        return pick(
            "Dit is geen adres van een lokaal netwerk; telefoons komen er misschien niet bij. Kies een ander netwerk of gebruik een ruimte op een server.",
            "This is not a local network address; phones may not reach it. Choose another network or use a room on a server.",
        );
    }
    None
}

/// What to say when nobody has come in a while: guest and venue Wi-Fi often keeps
/// devices apart (client isolation), so phones cannot reach the laptop at all.
pub fn nobody_came(dutch: bool) -> &'static str {
    if dutch {
        "Nog niemand binnen? Gastnetwerken houden apparaten vaak van elkaar gescheiden: dan kunnen telefoons de laptop niet bereiken. \
         Laat iemand de link openen. Lukt het niet, zet dan de laptop én de deelnemers op de hotspot van een telefoon, \
         of gebruik een ruimte op een server (plaatwerk room serve)."
    } else {
        "Nobody in yet? Guest networks often keep devices apart: then phones cannot reach the laptop. \
         Have someone open the link. If it fails, put the laptop and the participants on a phone's hotspot, \
         or use a room on a server (plaatwerk room serve)."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpn_docker_and_overlay_interfaces_are_not_offered() {
        let lan = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20));
        for name in ["docker0", "br-1a2b", "veth12", "virbr0", "tun0", "wg0", "utun3", "tailscale0", "Cisco VPN"] {
            assert!(is_virtual(name, lan), "{name}");
        }
        assert!(is_virtual("en0", IpAddr::V4(Ipv4Addr::new(100, 101, 1, 2))), "overlay address space");
        for name in ["wlp2s0", "en0", "eth0", "Wi-Fi", "Ethernet"] {
            assert!(!is_virtual(name, lan), "{name}");
        }
        assert!(warning(lan, true).is_none());
        assert!(warning(IpAddr::V4(Ipv4Addr::LOCALHOST), false).is_some_and(|w| w.contains("hotspot")));
        assert!(warning(IpAddr::V4(Ipv4Addr::new(8, 8, 8, 8)), false).is_some());
        for i in candidates() {
            assert!(!i.ip.is_loopback() && !is_virtual(&i.name, i.ip), "{i:?}");
        }
    }
}
