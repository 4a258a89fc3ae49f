//! `snmp trap` and `snmp inform` (snmptrap, snmpinform).

use snmp_tokio::Version;

use crate::failure::Failure;
use crate::netsnmp::Tool;
use crate::options::Agent;
use crate::triples;

/// The uptime Net-SNMP's snmptrap puts in a notification given `''`: the system's, from
/// /proc/uptime, in hundredths of a second (0 where there is none).
pub(crate) fn system_uptime() -> u32 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
        .map(|s| (s * 100.0) as u64 as u32)
        .unwrap_or(0)
}

/// The uptime argument of a notification: `''` for the system's, else hundredths.
pub(crate) fn uptime_arg(text: &str) -> Result<u32, Failure> {
    if text.is_empty() {
        return Ok(system_uptime());
    }
    text.parse()
        .map_err(|_| Failure::Usage(format!("Bad uptime value: {text}")))
}

/// Sends what `snmptrap` / `snmpinform` send: with -v1 `ENTERPRISE AGENT-ADDR GENERIC
/// SPECIFIC UPTIME [OID TYPE VALUE]...`, else `UPTIME TRAP-OID [OID TYPE VALUE]...`.
/// The arguments of `trap` and `inform`.
#[derive(clap::Args)]
pub(crate) struct NotifyArgs {
    #[command(flatten)]
    pub(crate) agent: Agent,
    /// The trap parameters, then OID TYPE VALUE triples.
    #[arg(value_name = "TRAP-PARAMETERS", allow_hyphen_values = true)]
    pub(crate) args: Vec<String>,
}

pub(crate) async fn notify(
    NotifyArgs { agent, args }: NotifyArgs,
    inform: bool,
) -> Result<(), Failure> {
    let (agent, args) = (&agent, &args[..]);
    let tool = if inform { Tool::Inform } else { Tool::Trap };
    let inform = inform || agent.app_has('i');
    let names = agent.names.load()?;
    let version = agent.version()?;
    let missing = |what: &str| Failure::Usage(format!("Missing {what} parameter"));
    if version == Version::V1 {
        if inform {
            return Err(Failure::Usage("Cannot send INFORM as SNMPv1 PDU".into()));
        }
        let [enterprise, addr, generic, specific, uptime, rest @ ..] = args else {
            return Err(missing(match args.len() {
                0 => "enterprise-oid",
                1 => "agent",
                2 => "generic-trap",
                3 => "specific-trap",
                _ => "uptime",
            }));
        };
        let enterprise = if enterprise.is_empty() {
            "1.3.6.1.4.1.3.1.1".parse()?
        } else {
            names.resolve(enterprise)?
        };
        let agent_addr = if addr.is_empty() {
            local_ipv4()
        } else {
            addr.parse::<std::net::Ipv4Addr>()
                .map_err(|_| Failure::Usage(format!("unknown host: {addr}")))?
                .octets()
        };
        let generic: i32 = generic
            .parse()
            .map_err(|_| Failure::Usage(format!("Bad generic-trap value: {generic}")))?;
        let specific: i32 = specific
            .parse()
            .map_err(|_| Failure::Usage(format!("Bad specific-trap value: {specific}")))?;
        let trap = snmp_tokio::codec::TrapV1Pdu {
            enterprise,
            agent_addr,
            generic_trap: generic.into(),
            specific_trap: specific,
            time_stamp: uptime_arg(uptime)?,
            varbinds: triples::parse_triples(&names, rest, triples::TripleFor::Notification)?,
        };
        let m = agent.manager(tool).await?;
        m.send_trap_v1(trap).await?;
        return Ok(());
    }
    let [uptime, trap_oid, rest @ ..] = args else {
        return Err(missing(if args.is_empty() {
            "uptime"
        } else {
            "trap-oid"
        }));
    };
    let uptime = uptime_arg(uptime)?;
    let trap_oid = names.resolve(trap_oid)?;
    let vbs = triples::parse_triples(&names, rest, triples::TripleFor::Notification)?;
    let m = agent.manager(tool).await?;
    if inform {
        m.send_inform(trap_oid, vbs, uptime).await?;
    } else {
        m.send_trap(trap_oid, vbs, uptime).await?;
    }
    Ok(())
}

/// This host's first IPv4 address, as snmptrap fills in an empty agent-addr (127.0.0.1 when
/// it cannot tell).
pub(crate) fn local_ipv4() -> [u8; 4] {
    std::net::UdpSocket::bind("0.0.0.0:0")
        .ok()
        .and_then(|s| {
            s.connect("127.0.0.1:9").ok()?;
            s.local_addr().ok()
        })
        .and_then(|a| match a.ip() {
            std::net::IpAddr::V4(v4) => Some(v4.octets()),
            std::net::IpAddr::V6(_) => None,
        })
        .unwrap_or([127, 0, 0, 1])
}
