//! What an operation is: the one description every adapter passes to [`Session::start`].
//!
//! [`Session::start`]: crate::Session::start

use alloc::vec::Vec;

use snmp_codec::{Oid, TrapV1Pdu, VarBind, Version};

use crate::config::WalkOptions;
use crate::error::StartError;

/// An operation to start with [`Session::start`](crate::Session::start).
///
/// ```
/// use snmp_session::{Request, Session, SessionConfig, TargetConfig, WalkOptions};
/// let mut session = Session::new(SessionConfig::default(), [7; 32]);
/// let t = session.add_target(TargetConfig::v2c("127.0.0.1:161".parse().unwrap(), "public"));
/// let get = session.start(t, Request::Get(vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()]));
/// let walk = session.start(t, Request::bulk_walk("1.3.6.1.2.1.2".parse().unwrap(), 25));
/// assert!(get.is_ok() && walk.is_ok());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Request {
    /// GET of these OIDs: one [`Event::Varbinds`](crate::Event::Varbinds) with a varbind per
    /// OID, in order (exceptions included: see [`VarBind::into_value`]). More OIDs than fit in
    /// one request are split over several.
    ///
    /// [`VarBind::into_value`]: snmp_codec::VarBind::into_value
    Get(Vec<Oid>),
    /// GET where one missing OID fails only itself, in every version: an SNMPv1 agent's
    /// noSuchName becomes a noSuchObject value for the OID it names (as RFC 3584 translates
    /// it) and the other OIDs are asked again. What `poll_many` uses.
    GetEach(Vec<Oid>),
    /// GETNEXT of these OIDs.
    GetNext(Vec<Oid>),
    /// GETBULK (v2c and v3).
    GetBulk {
        /// The OIDs.
        oids: Vec<Oid>,
        /// non-repeaters.
        non_repeaters: u32,
        /// max-repetitions.
        max_repetitions: u32,
    },
    /// SET of these varbinds (never split: a SET is atomic).
    Set(Vec<VarBind>),
    /// A walk of the subtree under `root`: [`Event::Varbinds`](crate::Event::Varbinds) as
    /// answers arrive, then `Done`. With GETNEXT (`max_repetitions: None`, works on v1) or
    /// GETBULK (v2c and v3; a `tooBig` answer halves the repetitions). It ends at the end of
    /// the subtree, at endOfMibView, at v1's noSuchName; a walk that finds nothing tries a GET
    /// of `root` (as `snmpwalk`). See [`WalkOptions`] for non-increasing OIDs.
    Walk {
        /// The subtree.
        root: Oid,
        /// GETBULK's max-repetitions, or `None` for GETNEXT.
        max_repetitions: Option<u32>,
        /// Options.
        options: WalkOptions,
    },
    /// A table: `entry` is the conceptual row's OID (ifEntry, `1.3.6.1.2.1.2.2.1`). With
    /// `columns`, only those columns travel, side by side (one varbind per column in each
    /// GETBULK); without, the whole entry is walked. Rows come in one
    /// [`Event::Rows`](crate::Event::Rows). v1 uses GETNEXT.
    Table {
        /// The entry OID.
        entry: Oid,
        /// The columns to fetch (all when `None`).
        columns: Option<Vec<u32>>,
        /// GETBULK's max-repetitions (shared by the columns of one request).
        max_repetitions: u32,
        /// Options.
        options: WalkOptions,
    },
    /// An InformRequest (v2c, v3): `sysUpTime.0 = uptime`, `snmpTrapOID.0 = trap_oid`, then
    /// `varbinds`; done when the receiver acknowledges it.
    Inform {
        /// snmpTrapOID.0.
        trap_oid: Oid,
        /// sysUpTime.0.
        uptime: u32,
        /// The other varbinds.
        varbinds: Vec<VarBind>,
    },
    /// An SNMPv2-Trap (v2c, v3), fire and forget: done once it has been handed to
    /// [`Session::poll_transmit`](crate::Session::poll_transmit).
    Trap {
        /// snmpTrapOID.0.
        trap_oid: Oid,
        /// sysUpTime.0.
        uptime: u32,
        /// The other varbinds.
        varbinds: Vec<VarBind>,
    },
    /// An SNMPv1 Trap-PDU (v1 targets), fire and forget.
    TrapV1(TrapV1Pdu),
}

impl Request {
    /// A GETNEXT walk of `root` with the default options.
    pub fn walk(root: Oid) -> Request {
        Request::Walk {
            root,
            max_repetitions: None,
            options: WalkOptions::default(),
        }
    }

    /// A GETBULK walk of `root` with `max_repetitions` and the default options.
    pub fn bulk_walk(root: Oid, max_repetitions: u32) -> Request {
        Request::Walk {
            root,
            max_repetitions: Some(max_repetitions),
            options: WalkOptions::default(),
        }
    }

    /// The operation's name, as errors print it (`GETBULK`, `walk`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Request::Get(_) | Request::GetEach(_) => "GET",
            Request::GetNext(_) => "GETNEXT",
            Request::GetBulk { .. } => "GETBULK",
            Request::Set(_) => "SET",
            Request::Walk {
                max_repetitions: None,
                ..
            } => "walk",
            Request::Walk { .. } => "bulk walk",
            Request::Table { .. } => "table",
            Request::Inform { .. } => "InformRequest",
            Request::Trap { .. } => "SNMPv2-Trap",
            Request::TrapV1(_) => "SNMPv1 Trap",
        }
    }

    /// Whether the operation exists in `version` (GETBULK, informs and SNMPv2 traps do not in
    /// v1; the SNMPv1 Trap-PDU exists only there).
    pub fn check_version(&self, version: Version) -> Result<(), StartError> {
        let ok = match self {
            Request::GetBulk { .. }
            | Request::Walk {
                max_repetitions: Some(_),
                ..
            }
            | Request::Inform { .. }
            | Request::Trap { .. } => version != Version::V1,
            Request::TrapV1(_) => version == Version::V1,
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            Err(StartError::NotInVersion {
                request: self.name(),
                version,
            })
        }
    }
}
