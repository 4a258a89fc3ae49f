//! `snmp listen` prints what it receives as snmptrapd prints it with its default formats: a
//! line with the time, the sender's name and the transport (`2026-12-02 03:31:19 localhost
//! [UDP: [127.0.0.1]:53484->[127.0.0.1]:17162]:`), then the varbinds separated by tabs; for
//! SNMPv1, `TRAP, SNMP v1, community public` on the first line, then a tab and the enterprise,
//! the generic trap in words, the specific trap and the uptime, then the varbinds each after
//! a tab.

use std::net::{IpAddr, SocketAddr};
use std::time::SystemTime;

use snmp_tokio::codec::GenericTrap;
use snmp_tokio::{Notification, Value};

use std::time::Duration;

use snmp_tokio::{StreamExt, Tokio, TrapReceiver};

use crate::failure::Failure;
use crate::names::{MibOpts, Names, Out};
use crate::netsnmp;
use crate::options::{engine_id_arg, parse_user, ListenAuth};

/// Host names for addresses, from `/etc/hosts` (snmptrapd asks the resolver; we read the
/// file only, so a listener never waits on DNS).
pub(crate) struct Hosts(Vec<(IpAddr, String)>);

impl Hosts {
    pub(crate) fn read() -> Hosts {
        let text = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
        Hosts::parse(&text)
    }

    fn parse(text: &str) -> Hosts {
        let mut names = Vec::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut words = line.split_whitespace();
            let (Some(ip), Some(name)) = (words.next(), words.next()) else {
                continue;
            };
            if let Ok(ip) = ip.parse::<IpAddr>() {
                names.push((ip, name.to_owned()));
            }
        }
        Hosts(names)
    }

    /// The first name of `ip`, or the address itself.
    pub(crate) fn name(&self, ip: IpAddr) -> String {
        self.0
            .iter()
            .find(|(a, _)| *a == ip)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| ip.to_string())
    }
}

/// `UDP: [127.0.0.1]:53484->[127.0.0.1]:17162`, as Net-SNMP formats a UDP transport.
fn transport(from: SocketAddr, to: SocketAddr, tcp: bool) -> String {
    if tcp {
        // snmptrapd names an accepted connection's local end `[0.0.0.0]:0`.
        let (kind, any) = if from.is_ipv6() {
            ("TCP/IPv6", "::")
        } else {
            ("TCP", "0.0.0.0")
        };
        return format!("{kind}: [{}]:{}->[{any}]:0", from.ip(), from.port());
    }
    let kind = if from.is_ipv6() { "UDP/IPv6" } else { "UDP" };
    format!(
        "{kind}: [{}]:{}->[{}]:{}",
        from.ip(),
        from.port(),
        to.ip(),
        to.port()
    )
}

/// `2026-12-02 03:31:19`, in UTC.
pub(crate) fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (year, month, day, h, m, s) = civil_utc(secs);
    format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}:{s:02}")
}

/// Seconds since 1970 as a UTC date and time: (year, month, day, hour, minute, second).
pub(crate) fn civil_utc(secs: u64) -> (i64, i64, i64, u64, u64, u64) {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem / 60 % 60, rem % 60)
}

/// Net-SNMP's words for a generic trap (`%W`).
fn generic_name(g: GenericTrap) -> &'static str {
    match g {
        GenericTrap::ColdStart => "Cold Start",
        GenericTrap::WarmStart => "Warm Start",
        GenericTrap::LinkDown => "Link Down",
        GenericTrap::LinkUp => "Link Up",
        GenericTrap::AuthenticationFailure => "Authentication Failure",
        GenericTrap::EgpNeighborLoss => "EGP Neighbor Loss",
        GenericTrap::EnterpriseSpecific => "Enterprise Specific",
        _ => "Unknown",
    }
}

/// One notification as snmptrapd prints it (without the last newline).
pub(crate) fn format(
    names: &Names,
    hosts: &Hosts,
    n: &Notification,
    local: SocketAddr,
    tcp: bool,
    now: SystemTime,
) -> String {
    let varbinds: Vec<String> = n
        .varbinds
        .iter()
        .map(|vb| names.line(&vb.oid, &vb.value))
        .collect();
    let when = timestamp(now);
    let via = transport(n.source, local, tcp);
    match &n.v1 {
        Some(v1) => {
            let agent = IpAddr::from(v1.agent_addr);
            let uptime = names.fmt.value(
                &names.mib,
                &snmp_tokio::Oid::from_arcs(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
                &Value::TimeTicks(n.uptime.unwrap_or(0)),
            );
            // The value alone, as %#T: `0:00:00.55`.
            let uptime = uptime.rsplit(") ").next().unwrap_or(&uptime).to_owned();
            let community = n
                .community
                .as_ref()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .unwrap_or_default();
            let tabbed: String = varbinds.iter().map(|v| format!("\t{v}")).collect();
            format!(
                "{when} {agent} [{agent}] (via {via}) TRAP, SNMP v1, community {community}\n\t{} {} Trap ({}) Uptime: {uptime}\n{tabbed}",
                names.oid(&v1.enterprise),
                generic_name(v1.generic_trap),
                v1.specific_trap,
            )
        }
        None => format!(
            "{when} {} [{via}]:\n{}",
            hosts.name(n.source.ip()),
            varbinds.join("\t")
        ),
    }
}

/// `snmp listen`: receive notifications as snmptrapd does, printed as it prints them; drop
/// counters to stderr when they change.
pub(crate) async fn listen(
    addr: &str,
    auth: &ListenAuth,
    v3_users: &[String],
    names: &MibOpts,
) -> Result<(), Failure> {
    let names = names.load()?;
    let (transport, host) = netsnmp::host(addr)?;
    let addr = snmp_tokio::resolve(&host, 162)?;

    let mut config = snmp_tokio::ReceiverConfig::default();
    config.communities = auth
        .communities
        .iter()
        .map(|c| snmp_tokio::codec::Bytes::copy_from_slice(c.as_bytes()))
        .collect();
    let mut rx = match transport {
        // snmptrapd tcp:ADDR: notifications over TCP connections.
        snmp_tokio::Transport::Tcp => TrapReceiver::bind_tcp_on(Tokio, addr, config).await?,
        _ => TrapReceiver::bind::<Tokio>(addr, config).await?,
    };
    if let Some(user) = auth.user()? {
        rx.add_user(user);
    }
    for spec in v3_users {
        rx.add_user(parse_user(spec)?);
    }
    let only_engine = auth
        .engine_id
        .as_deref()
        .map(|e| engine_id_arg(e, 'e'))
        .transpose()?;
    eprintln!("listening on {}", rx.local_addr());
    let local = rx.local_addr();
    let hosts = Hosts::read();
    let mut reported = snmp_tokio::ReceiverCounters::default();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut out = Out::new();
    loop {
        tokio::select! {
            n = rx.next() => {
                let Some(n) = n else { break };
                let from_other_engine = match (&only_engine, &n.v3) {
                    (Some(id), Some(v3)) => {
                        n.pdu_type == snmp_tokio::codec::PduType::SnmpV2Trap
                            && v3.engine_id.as_ref() != id.as_slice()
                    }
                    _ => false,
                };
                if from_other_engine {
                    continue;
                }
                let tcp = transport == snmp_tokio::Transport::Tcp;
                let text = format(&names, &hosts, &n, local, tcp, std::time::SystemTime::now());
                if !out.line(&text) {
                    break;
                }
                out.flush();
            }
            _ = tick.tick() => {
                // What was dropped, once a second when it changed.
                let c = rx.counters();
                if drops(&c) != drops(&reported) {
                    eprintln!(
                        "snmp listen: dropped malformed {}, filtered {}, queue full {}, \
                         security {} (unknown user {}, wrong digest {}, time window {}, \
                         decryption {}, level {})",
                        c.dropped_malformed,
                        c.dropped_filtered,
                        c.dropped_queue_full,
                        c.dropped_security,
                        c.dropped_unknown_user,
                        c.dropped_wrong_digest,
                        c.dropped_time_window,
                        c.dropped_decryption,
                        c.dropped_security_level
                    );
                    reported = c;
                }
            }
        }
    }
    Ok(())
}

/// The drop counters of a receiver.
fn drops(c: &snmp_tokio::ReceiverCounters) -> [u64; 4] {
    [
        c.dropped_malformed,
        c.dropped_filtered,
        c.dropped_queue_full,
        c.dropped_security,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_timestamps() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_796_182_279);
        assert_eq!(timestamp(t), "2026-12-02 03:31:19");
        assert_eq!(timestamp(SystemTime::UNIX_EPOCH), "1970-01-01 00:00:00");
    }

    #[test]
    fn host_names_from_the_hosts_file() {
        let h = Hosts::parse("127.0.0.1 localhost\n# x\n::1 ip6-localhost ip6-loopback\n");
        assert_eq!(h.name("127.0.0.1".parse().unwrap()), "localhost");
        assert_eq!(h.name("::1".parse().unwrap()), "ip6-localhost");
        assert_eq!(h.name("10.0.0.1".parse().unwrap()), "10.0.0.1");
    }
}
