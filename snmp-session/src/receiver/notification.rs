//! What the receiver hands out: notifications, their v1 and v3 fields, and the filters that
//! decide which are accepted.

use alloc::vec::Vec;
use core::net::{IpAddr, SocketAddr};

use snmp_codec::{
    Bytes, GenericPdu, GenericTrap, Oid, Pdu, PduType, SecurityLevel, Value, VarBind, Version,
};

const SYS_UPTIME: [u32; 9] = [1, 3, 6, 1, 2, 1, 1, 3, 0];
const SNMP_TRAP_OID: [u32; 11] = [1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0];

/// The SNMPv1 fields of a Trap-PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrapV1Fields {
    /// enterprise.
    pub enterprise: Oid,
    /// agent-addr.
    pub agent_addr: [u8; 4],
    /// generic-trap.
    pub generic_trap: GenericTrap,
    /// specific-trap.
    pub specific_trap: i32,
}

/// The SNMPv3 fields of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct V3Fields {
    /// msgAuthoritativeEngineID (the sender's for traps, ours for informs).
    pub engine_id: Bytes,
    /// msgUserName.
    pub user_name: Bytes,
    /// contextEngineID.
    pub context_engine_id: Bytes,
    /// contextName.
    pub context_name: Bytes,
    /// The security level it arrived with.
    pub level: SecurityLevel,
}

/// A received trap or inform.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// Where it came from.
    pub source: SocketAddr,
    /// The SNMP version.
    pub version: Version,
    /// The community (v1, v2c).
    pub community: Option<Bytes>,
    /// `TrapV1`, `SnmpV2Trap` or `InformRequest`.
    pub pdu_type: PduType,
    /// request-id (0 for v1 traps).
    pub request_id: i32,
    /// snmpTrapOID.0 (v2c/v3), or the v1 trap translated as RFC 3584 does.
    pub trap_oid: Option<Oid>,
    /// sysUpTime.0 (v2c/v3) or time-stamp (v1).
    pub uptime: Option<u32>,
    /// The variable bindings (for v2c/v3 including sysUpTime.0 and snmpTrapOID.0).
    pub varbinds: Vec<VarBind>,
    /// The v1 Trap-PDU's own fields.
    pub v1: Option<TrapV1Fields>,
    /// The v3 fields.
    pub v3: Option<V3Fields>,
}

/// Which notifications to accept (all conditions must hold; an empty list allows anything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrapFilter {
    /// Accept only from these addresses.
    pub allowed_sources: Vec<IpAddr>,
    /// Never accept from these addresses.
    pub denied_sources: Vec<IpAddr>,
    /// Accept only these communities (v1/v2c; v3 notifications are not affected).
    pub allowed_communities: Vec<Bytes>,
    /// Accept only trap OIDs under these prefixes.
    pub allowed_oid_prefixes: Vec<Oid>,
}

impl TrapFilter {
    pub(super) fn accepts(&self, n: &Notification) -> bool {
        let ip = n.source.ip();
        if self.denied_sources.contains(&ip) {
            return false;
        }
        if !self.allowed_sources.is_empty() && !self.allowed_sources.contains(&ip) {
            return false;
        }
        if let Some(c) = &n.community {
            if !self.allowed_communities.is_empty() && !self.allowed_communities.contains(c) {
                return false;
            }
        }
        if !self.allowed_oid_prefixes.is_empty() {
            let Some(oid) = &n.trap_oid else {
                return false;
            };
            if !self.allowed_oid_prefixes.iter().any(|p| oid.starts_with(p)) {
                return false;
            }
        }
        true
    }
}

impl Notification {
    /// The community as text (v1/v2c; `None` for v3 or a community that is not UTF-8).
    ///
    /// ```
    /// # use snmp_session::Notification;
    /// # fn show(n: &Notification) {
    /// println!("community {}", n.community_str().unwrap_or("?"));
    /// # }
    /// ```
    pub fn community_str(&self) -> Option<&str> {
        self.community
            .as_deref()
            .and_then(|c| core::str::from_utf8(c).ok())
    }

    /// The v3 user name as text (`None` for v1/v2c or a name that is not UTF-8).
    pub fn user_name(&self) -> Option<&str> {
        self.v3
            .as_ref()
            .and_then(|v| core::str::from_utf8(&v.user_name).ok())
    }

    /// An estimate of the memory this notification holds (its own size and what its fields
    /// allocate), for the receiver's byte budget.
    pub fn footprint(&self) -> usize {
        fn oid(o: &Oid) -> usize {
            o.len().saturating_mul(core::mem::size_of::<u32>())
        }
        let varbinds: usize = self
            .varbinds
            .iter()
            .map(|vb| {
                core::mem::size_of::<VarBind>()
                    .saturating_add(oid(&vb.oid))
                    .saturating_add(vb.value.as_bytes().map_or(0, <[u8]>::len))
                    .saturating_add(vb.value.as_oid().map_or(0, oid))
            })
            .fold(0usize, usize::saturating_add);
        let v3 = self.v3.as_ref().map_or(0, |v| {
            v.engine_id
                .len()
                .saturating_add(v.user_name.len())
                .saturating_add(v.context_engine_id.len())
                .saturating_add(v.context_name.len())
        });
        [
            varbinds,
            self.community.as_ref().map_or(0, Bytes::len),
            self.trap_oid.as_ref().map_or(0, oid),
            self.v1.as_ref().map_or(0, |v| oid(&v.enterprise)),
            v3,
        ]
        .into_iter()
        .fold(core::mem::size_of::<Notification>(), usize::saturating_add)
    }

    /// The v3 context name as text, when it is UTF-8.
    pub fn context_name(&self) -> Option<&str> {
        self.v3
            .as_ref()
            .and_then(|v| core::str::from_utf8(&v.context_name).ok())
    }

    /// The sender's engine ID for v3 traps (ours for informs) in hex, as Net-SNMP writes it
    /// (`8000000001020304`).
    pub fn engine_id_hex(&self) -> Option<alloc::string::String> {
        use core::fmt::Write;
        self.v3.as_ref().map(|v| {
            let mut s = alloc::string::String::with_capacity(v.engine_id.len().saturating_mul(2));
            for b in v.engine_id.iter() {
                let _ = write!(s, "{b:02x}");
            }
            s
        })
    }

    /// `"TRAP"` (v1), `"SNMPv2-Trap"` or `"INFORM"`.
    pub fn pdu_type_name(&self) -> &'static str {
        match self.pdu_type {
            PduType::TrapV1 => "TRAP",
            PduType::InformRequest => "INFORM",
            _ => "SNMPv2-Trap",
        }
    }
}

pub(super) fn v2_notification(
    from: SocketAddr,
    version: Version,
    community: Option<Bytes>,
    pdu: &Pdu,
    g: &GenericPdu,
    v3: Option<V3Fields>,
) -> Notification {
    let uptime = g
        .varbinds
        .iter()
        .find(|vb| vb.oid.arcs() == SYS_UPTIME)
        .and_then(|vb| match vb.value {
            Value::TimeTicks(t) => Some(t),
            _ => None,
        });
    let trap_oid = g
        .varbinds
        .iter()
        .find(|vb| vb.oid.arcs() == SNMP_TRAP_OID)
        .and_then(|vb| vb.value.as_oid().cloned());
    Notification {
        source: from,
        version,
        community,
        pdu_type: pdu.pdu_type(),
        request_id: g.request_id,
        trap_oid,
        uptime,
        varbinds: g.varbinds.clone(),
        v1: None,
        v3,
    }
}

/// The snmpTrapOID of a v1 trap (RFC 3584 3.1): generic traps map to snmpTraps.(g+1),
/// enterprise-specific ones to enterprise.0.specific.
pub(super) fn v1_trap_oid(t: &snmp_codec::TrapV1Pdu) -> Oid {
    match t.generic_trap {
        GenericTrap::EnterpriseSpecific => t.enterprise.child(0).child(t.specific_trap as u32),
        g => {
            let n = i32::from(g);
            // The generic traps are 0..=5 (snmpTraps.1..6).
            Oid::from_arcs(&[1, 3, 6, 1, 6, 3, 1, 1, 5, n.saturating_add(1) as u32])
        }
    }
}
