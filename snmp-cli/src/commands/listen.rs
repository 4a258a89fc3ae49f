//! `snmp listen` prints what it receives as snmptrapd prints it with its default formats: a
//! line with the time, the sender's name and the transport (`2026-12-02 03:31:19 localhost
//! [UDP: [127.0.0.1]:53484->[127.0.0.1]:17162]:`), then the varbinds separated by tabs; for
//! SNMPv1, `TRAP, SNMP v1, community public` on the first line, then a tab and the enterprise,
//! the generic trap in words, the specific trap and the uptime, then the varbinds each after
//! a tab.

use std::net::{IpAddr, SocketAddr};
use std::time::SystemTime;

use snmp_tokio::Notification;

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

/// One notification as snmptrapd prints it with its default formats (without the last
/// newline): snmp-trapd's plain SNMPv1 layout or its v2 format.
pub(crate) fn format(
    names: &Names,
    hosts: &Hosts,
    n: &Notification,
    local: SocketAddr,
    tcp: bool,
    now: SystemTime,
) -> String {
    let host = hosts.name(n.source.ip());
    // snmptrapd prints a v1 agent-addr as the address (its host name lookup gives that back).
    let ev = snmp_trapd::format::Event {
        n,
        local,
        tcp,
        host_name: Some(&host),
        agent_name: None,
        now,
    };
    let p = snmp_trapd::format::Printer {
        mib: &names.mib,
        format: &names.fmt,
    };
    let mut text = if n.v1.is_some() {
        snmp_trapd::format::plain_v1(&ev, &p)
    } else {
        snmp_trapd::format::render(snmp_trapd::format::PRINT_V2, &ev, &p)
    };
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// The arguments of `listen`.
#[derive(clap::Args)]
pub(crate) struct ListenArgs {
    /// Address to listen on: [udp:|udp6:]host:port, as snmptrapd's listening address.
    #[arg(default_value = "127.0.0.1:16200", value_name = "ADDRESS")]
    pub(crate) addr: String,
    #[command(flatten)]
    pub(crate) auth: ListenAuth,
    /// More v3 users: NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]] (Net-SNMP protocol names);
    /// notifications in a user's name are accepted only at the level its keys allow.
    #[arg(long = "v3-user", value_name = "USER")]
    pub(crate) v3_users: Vec<String>,
    #[command(flatten)]
    pub(crate) names: MibOpts,
}

/// `snmp listen`: receive notifications as snmptrapd does, printed as it prints them; drop
/// counters to stderr when they change.
pub(crate) async fn listen(args: ListenArgs) -> Result<(), Failure> {
    let ListenArgs {
        addr,
        auth,
        v3_users,
        names,
    } = args;
    let (addr, auth, v3_users, names) = (addr.as_str(), &auth, &v3_users[..], &names);
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
        _ => TrapReceiver::bind(addr, config).await?,
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
    fn host_names_from_the_hosts_file() {
        let h = Hosts::parse("127.0.0.1 localhost\n# x\n::1 ip6-localhost ip6-loopback\n");
        assert_eq!(h.name("127.0.0.1".parse().unwrap()), "localhost");
        assert_eq!(h.name("::1".parse().unwrap()), "ip6-localhost");
        assert_eq!(h.name("10.0.0.1".parse().unwrap()), "10.0.0.1");
    }
}
