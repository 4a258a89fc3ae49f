//! Protocol data units (RFC 1157, RFC 3416).

use alloc::vec::Vec;
use core::fmt;

use crate::ber::{self, tag, Reader, WriteBer, Writer};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::oid::Oid;
use crate::value::{read_varbinds, write_varbinds, VarBind};

/// The error-status of a response: all 19 codes of RFC 3416, and any other value an agent
/// may send.
///
/// ```
/// use snmp_codec::ErrorStatus;
/// assert_eq!(ErrorStatus::from(17), ErrorStatus::NotWritable);
/// assert_eq!(i32::from(ErrorStatus::TooBig), 1);
/// assert_eq!(ErrorStatus::NoSuchName.to_string(), "noSuchName");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorStatus {
    /// 0
    NoError,
    /// 1
    TooBig,
    /// 2 (SNMPv1)
    NoSuchName,
    /// 3 (SNMPv1)
    BadValue,
    /// 4 (SNMPv1)
    ReadOnly,
    /// 5
    GenErr,
    /// 6
    NoAccess,
    /// 7
    WrongType,
    /// 8
    WrongLength,
    /// 9
    WrongEncoding,
    /// 10
    WrongValue,
    /// 11
    NoCreation,
    /// 12
    InconsistentValue,
    /// 13
    ResourceUnavailable,
    /// 14
    CommitFailed,
    /// 15
    UndoFailed,
    /// 16
    AuthorizationError,
    /// 17
    NotWritable,
    /// 18
    InconsistentName,
    /// A value RFC 3416 does not define.
    Other(i32),
}

const ERROR_STATUS_NAMES: [(ErrorStatus, &str); 19] = [
    (ErrorStatus::NoError, "noError"),
    (ErrorStatus::TooBig, "tooBig"),
    (ErrorStatus::NoSuchName, "noSuchName"),
    (ErrorStatus::BadValue, "badValue"),
    (ErrorStatus::ReadOnly, "readOnly"),
    (ErrorStatus::GenErr, "genErr"),
    (ErrorStatus::NoAccess, "noAccess"),
    (ErrorStatus::WrongType, "wrongType"),
    (ErrorStatus::WrongLength, "wrongLength"),
    (ErrorStatus::WrongEncoding, "wrongEncoding"),
    (ErrorStatus::WrongValue, "wrongValue"),
    (ErrorStatus::NoCreation, "noCreation"),
    (ErrorStatus::InconsistentValue, "inconsistentValue"),
    (ErrorStatus::ResourceUnavailable, "resourceUnavailable"),
    (ErrorStatus::CommitFailed, "commitFailed"),
    (ErrorStatus::UndoFailed, "undoFailed"),
    (ErrorStatus::AuthorizationError, "authorizationError"),
    (ErrorStatus::NotWritable, "notWritable"),
    (ErrorStatus::InconsistentName, "inconsistentName"),
];

impl WriteBer for Pdu {
    fn write_ber(&self, w: &mut Writer<'_>) {
        w.tlv(self.pdu_type().tag(), |w| match self {
            Pdu::TrapV1(t) => t.write_fields(w),
            Pdu::GetBulkRequest(b) => b.write_fields(w),
            Pdu::GetRequest(g)
            | Pdu::GetNextRequest(g)
            | Pdu::Response(g)
            | Pdu::SetRequest(g)
            | Pdu::InformRequest(g)
            | Pdu::SnmpV2Trap(g)
            | Pdu::Report(g) => g.write_fields(w),
        });
    }
}

/// A PDU whose contents are borrowed, for encoding without building a [`Pdu`] (a session
/// encodes a request straight from the operation's state, for every attempt).
///
/// ```
/// use snmp_codec::{CommunityMessageRef, Oid, PduRef, PduType, Version};
/// let oids = ["1.3.6.1.2.1.1.3.0".parse::<Oid>().unwrap()];
/// let msg = CommunityMessageRef {
///     version: Version::V2c,
///     community: b"public",
///     pdu: PduRef::Request { pdu_type: PduType::GetRequest, request_id: 9, fields: [0, 0], oids: &oids },
/// };
/// let mut buf = [0u8; 100];
/// let n = msg.encode(&mut buf).unwrap();
/// assert_eq!(snmp_codec::Message::decode(&buf[..n]).unwrap().to_vec(), buf[..n].to_vec());
/// ```
#[derive(Debug, Clone, Copy)]
pub enum PduRef<'a> {
    /// An existing PDU.
    Owned(&'a Pdu),
    /// A request whose varbinds are `oids` with NULL values.
    Request {
        /// GetRequest, GetNextRequest or GetBulkRequest (or any other generic PDU type).
        pdu_type: PduType,
        /// request-id.
        request_id: i32,
        /// error-status and error-index, or non-repeaters and max-repetitions for GetBulk.
        fields: [i32; 2],
        /// The OIDs.
        oids: &'a [Oid],
    },
    /// A PDU with varbinds (SetRequest, InformRequest, SNMPv2-Trap, Response, Report).
    WithVarBinds {
        /// The PDU type.
        pdu_type: PduType,
        /// request-id.
        request_id: i32,
        /// error-status and error-index.
        fields: [i32; 2],
        /// The varbinds.
        varbinds: &'a [VarBind],
    },
}

impl<'a> From<&'a Pdu> for PduRef<'a> {
    fn from(p: &'a Pdu) -> Self {
        PduRef::Owned(p)
    }
}

impl WriteBer for PduRef<'_> {
    fn write_ber(&self, w: &mut Writer<'_>) {
        let (pdu_type, request_id, fields) = match *self {
            PduRef::Owned(p) => return p.write_ber(w),
            PduRef::Request {
                pdu_type,
                request_id,
                fields,
                ..
            }
            | PduRef::WithVarBinds {
                pdu_type,
                request_id,
                fields,
                ..
            } => (pdu_type, request_id, fields),
        };
        w.tlv(pdu_type.tag(), |w| {
            match *self {
                PduRef::Request { oids, .. } => w.tlv(tag::SEQUENCE, |w| {
                    for oid in oids.iter().rev() {
                        w.tlv(tag::SEQUENCE, |w| {
                            w.header(tag::NULL, 0);
                            w.tlv(tag::OBJECT_IDENTIFIER, |w| oid.write_ber_content(w));
                        });
                    }
                }),
                PduRef::WithVarBinds { varbinds, .. } => write_varbinds(w, varbinds),
                PduRef::Owned(_) => {}
            }
            w.i64_tlv(tag::INTEGER, fields[1].into());
            w.i64_tlv(tag::INTEGER, fields[0].into());
            w.i64_tlv(tag::INTEGER, request_id.into());
        });
    }
}

impl From<i32> for ErrorStatus {
    fn from(v: i32) -> Self {
        usize::try_from(v)
            .ok()
            .and_then(|i| ERROR_STATUS_NAMES.get(i))
            .map_or(ErrorStatus::Other(v), |(s, _)| *s)
    }
}

impl From<ErrorStatus> for i32 {
    fn from(s: ErrorStatus) -> i32 {
        match s {
            ErrorStatus::Other(v) => v,
            known => ERROR_STATUS_NAMES
                .iter()
                .position(|(k, _)| *k == known)
                .map_or(0, |i| i as i32),
        }
    }
}

impl fmt::Display for ErrorStatus {
    /// The RFC 3416 name (`tooBig`, `notWritable`, ...), or `error-status N`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorStatus::Other(v) => write!(f, "error-status {v}"),
            known => {
                let name = ERROR_STATUS_NAMES
                    .iter()
                    .find(|(k, _)| k == known)
                    .map_or("?", |(_, n)| n);
                f.write_str(name)
            }
        }
    }
}

/// The generic-trap field of an SNMPv1 Trap-PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GenericTrap {
    /// 0
    ColdStart,
    /// 1
    WarmStart,
    /// 2
    LinkDown,
    /// 3
    LinkUp,
    /// 4
    AuthenticationFailure,
    /// 5
    EgpNeighborLoss,
    /// 6: see specific-trap.
    EnterpriseSpecific,
    /// Any other value.
    Other(i32),
}

impl From<i32> for GenericTrap {
    fn from(v: i32) -> Self {
        match v {
            0 => GenericTrap::ColdStart,
            1 => GenericTrap::WarmStart,
            2 => GenericTrap::LinkDown,
            3 => GenericTrap::LinkUp,
            4 => GenericTrap::AuthenticationFailure,
            5 => GenericTrap::EgpNeighborLoss,
            6 => GenericTrap::EnterpriseSpecific,
            other => GenericTrap::Other(other),
        }
    }
}

impl From<GenericTrap> for i32 {
    fn from(g: GenericTrap) -> i32 {
        match g {
            GenericTrap::ColdStart => 0,
            GenericTrap::WarmStart => 1,
            GenericTrap::LinkDown => 2,
            GenericTrap::LinkUp => 3,
            GenericTrap::AuthenticationFailure => 4,
            GenericTrap::EgpNeighborLoss => 5,
            GenericTrap::EnterpriseSpecific => 6,
            GenericTrap::Other(v) => v,
        }
    }
}

/// The PDU tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PduType {
    /// GetRequest-PDU, `0xa0`.
    GetRequest,
    /// GetNextRequest-PDU, `0xa1`.
    GetNextRequest,
    /// Response-PDU (GetResponse in v1), `0xa2`.
    Response,
    /// SetRequest-PDU, `0xa3`.
    SetRequest,
    /// SNMPv1 Trap-PDU, `0xa4`.
    TrapV1,
    /// GetBulkRequest-PDU, `0xa5`.
    GetBulkRequest,
    /// InformRequest-PDU, `0xa6`.
    InformRequest,
    /// SNMPv2-Trap-PDU, `0xa7`.
    SnmpV2Trap,
    /// Report-PDU, `0xa8`.
    Report,
}

impl PduType {
    /// The BER tag.
    pub const fn tag(self) -> u8 {
        match self {
            PduType::GetRequest => 0xa0,
            PduType::GetNextRequest => 0xa1,
            PduType::Response => 0xa2,
            PduType::SetRequest => 0xa3,
            PduType::TrapV1 => 0xa4,
            PduType::GetBulkRequest => 0xa5,
            PduType::InformRequest => 0xa6,
            PduType::SnmpV2Trap => 0xa7,
            PduType::Report => 0xa8,
        }
    }

    /// The PDU type of a tag.
    pub const fn from_tag(t: u8) -> Option<PduType> {
        Some(match t {
            0xa0 => PduType::GetRequest,
            0xa1 => PduType::GetNextRequest,
            0xa2 => PduType::Response,
            0xa3 => PduType::SetRequest,
            0xa4 => PduType::TrapV1,
            0xa5 => PduType::GetBulkRequest,
            0xa6 => PduType::InformRequest,
            0xa7 => PduType::SnmpV2Trap,
            0xa8 => PduType::Report,
            _ => return None,
        })
    }
}

/// The fields shared by every PDU except GetBulk and the v1 Trap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenericPdu {
    /// request-id.
    pub request_id: i32,
    /// error-status (`NoError` in requests).
    pub error_status: ErrorStatus,
    /// error-index: 1-based position of the varbind the error is about, 0 for none.
    pub error_index: i32,
    /// variable-bindings.
    pub varbinds: Vec<VarBind>,
}

impl GenericPdu {
    /// A request: no error, the given varbinds.
    pub fn new(request_id: i32, varbinds: Vec<VarBind>) -> Self {
        Self {
            request_id,
            error_status: ErrorStatus::NoError,
            error_index: 0,
            varbinds,
        }
    }

    /// The varbind error-index points at, if it is in range.
    pub fn error_varbind(&self) -> Option<&VarBind> {
        let i = usize::try_from(self.error_index).ok()?.checked_sub(1)?;
        self.varbinds.get(i)
    }

    /// Prepends the PDU's fields (not its tag and length).
    fn write_fields(&self, w: &mut Writer<'_>) {
        write_varbinds(w, &self.varbinds);
        w.i64_tlv(tag::INTEGER, self.error_index.into());
        w.i64_tlv(tag::INTEGER, i32::from(self.error_status).into());
        w.i64_tlv(tag::INTEGER, self.request_id.into());
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            request_id: r.read_i32()?,
            error_status: ErrorStatus::from(r.read_i32()?),
            error_index: r.read_i32()?,
            varbinds: read_varbinds(r)?,
        })
    }
}

/// A GetBulkRequest-PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkPdu {
    /// request-id.
    pub request_id: i32,
    /// How many of the first varbinds get a single GETNEXT.
    pub non_repeaters: i32,
    /// How many successors to return for each of the other varbinds.
    pub max_repetitions: i32,
    /// variable-bindings (values NULL).
    pub varbinds: Vec<VarBind>,
}

impl BulkPdu {
    fn write_fields(&self, w: &mut Writer<'_>) {
        write_varbinds(w, &self.varbinds);
        w.i64_tlv(tag::INTEGER, self.max_repetitions.into());
        w.i64_tlv(tag::INTEGER, self.non_repeaters.into());
        w.i64_tlv(tag::INTEGER, self.request_id.into());
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Self {
            request_id: r.read_i32()?,
            non_repeaters: r.read_i32()?,
            max_repetitions: r.read_i32()?,
            varbinds: read_varbinds(r)?,
        })
    }
}

/// An SNMPv1 Trap-PDU (RFC 1157).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrapV1Pdu {
    /// The sending entity's sysObjectID (or the enterprise of the trap).
    pub enterprise: Oid,
    /// The sender's IPv4 address.
    pub agent_addr: [u8; 4],
    /// generic-trap.
    pub generic_trap: GenericTrap,
    /// specific-trap (meaningful when generic-trap is enterpriseSpecific).
    pub specific_trap: i32,
    /// time-stamp: the sender's sysUpTime.
    pub time_stamp: u32,
    /// variable-bindings.
    pub varbinds: Vec<VarBind>,
}

impl TrapV1Pdu {
    fn write_fields(&self, w: &mut Writer<'_>) {
        write_varbinds(w, &self.varbinds);
        w.u64_tlv(tag::TIMETICKS, self.time_stamp.into());
        w.i64_tlv(tag::INTEGER, self.specific_trap.into());
        w.i64_tlv(tag::INTEGER, i32::from(self.generic_trap).into());
        w.octets_tlv(tag::IP_ADDRESS, &self.agent_addr);
        w.tlv(tag::OBJECT_IDENTIFIER, |w| {
            self.enterprise.write_ber_content(w)
        });
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let ent = r.expect(tag::OBJECT_IDENTIFIER)?;
        let enterprise = Oid::from_ber(r.slice(&ent.content), ent.start)?;
        let addr = r.expect(tag::IP_ADDRESS)?;
        let agent_addr = r.slice(&addr.content).try_into().map_err(|_| {
            DecodeError::new(
                DecodeErrorKind::InvalidLength {
                    tag: tag::IP_ADDRESS,
                    len: addr.content.len(),
                },
                addr.start,
            )
        })?;
        let generic_trap = GenericTrap::from(r.read_i32()?);
        let specific_trap = r.read_i32()?;
        let ts = r.expect(tag::TIMETICKS)?;
        let time_stamp = ber::decode_unsigned(r.slice(&ts.content), 4, ts.start)? as u32;
        Ok(Self {
            enterprise,
            agent_addr,
            generic_trap,
            specific_trap,
            time_stamp,
            varbinds: read_varbinds(r)?,
        })
    }
}

/// A PDU of any type.
///
/// ```
/// use snmp_codec::{Pdu, PduType};
/// let pdu = Pdu::get_request(7, ["1.3.6.1.2.1.1.1.0".parse().unwrap()]);
/// assert_eq!(pdu.pdu_type(), PduType::GetRequest);
/// assert_eq!(pdu.request_id(), Some(7));
/// assert_eq!(pdu.varbinds().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pdu {
    /// GetRequest.
    GetRequest(GenericPdu),
    /// GetNextRequest.
    GetNextRequest(GenericPdu),
    /// Response (GetResponse in v1).
    Response(GenericPdu),
    /// SetRequest.
    SetRequest(GenericPdu),
    /// SNMPv1 Trap.
    TrapV1(TrapV1Pdu),
    /// GetBulkRequest (v2c and v3).
    GetBulkRequest(BulkPdu),
    /// InformRequest (v2c and v3).
    InformRequest(GenericPdu),
    /// SNMPv2-Trap (v2c and v3).
    SnmpV2Trap(GenericPdu),
    /// Report (v3).
    Report(GenericPdu),
}

impl Pdu {
    /// A GetRequest for `oids` (values NULL).
    pub fn get_request(request_id: i32, oids: impl IntoIterator<Item = Oid>) -> Pdu {
        Pdu::GetRequest(GenericPdu::new(
            request_id,
            oids.into_iter().map(VarBind::null).collect(),
        ))
    }

    /// A GetNextRequest for `oids`.
    pub fn get_next_request(request_id: i32, oids: impl IntoIterator<Item = Oid>) -> Pdu {
        Pdu::GetNextRequest(GenericPdu::new(
            request_id,
            oids.into_iter().map(VarBind::null).collect(),
        ))
    }

    /// A GetBulkRequest for `oids`.
    pub fn get_bulk_request(
        request_id: i32,
        non_repeaters: i32,
        max_repetitions: i32,
        oids: impl IntoIterator<Item = Oid>,
    ) -> Pdu {
        Pdu::GetBulkRequest(BulkPdu {
            request_id,
            non_repeaters,
            max_repetitions,
            varbinds: oids.into_iter().map(VarBind::null).collect(),
        })
    }

    /// A SetRequest with `varbinds`.
    pub fn set_request(request_id: i32, varbinds: Vec<VarBind>) -> Pdu {
        Pdu::SetRequest(GenericPdu::new(request_id, varbinds))
    }

    /// The PDU's type.
    pub fn pdu_type(&self) -> PduType {
        match self {
            Pdu::GetRequest(_) => PduType::GetRequest,
            Pdu::GetNextRequest(_) => PduType::GetNextRequest,
            Pdu::Response(_) => PduType::Response,
            Pdu::SetRequest(_) => PduType::SetRequest,
            Pdu::TrapV1(_) => PduType::TrapV1,
            Pdu::GetBulkRequest(_) => PduType::GetBulkRequest,
            Pdu::InformRequest(_) => PduType::InformRequest,
            Pdu::SnmpV2Trap(_) => PduType::SnmpV2Trap,
            Pdu::Report(_) => PduType::Report,
        }
    }

    /// The request-id (every PDU but the v1 Trap has one).
    pub fn request_id(&self) -> Option<i32> {
        match self {
            Pdu::TrapV1(_) => None,
            Pdu::GetBulkRequest(b) => Some(b.request_id),
            other => other.generic().map(|g| g.request_id),
        }
    }

    /// The fields of the PDU types that share them.
    pub fn generic(&self) -> Option<&GenericPdu> {
        match self {
            Pdu::GetRequest(g)
            | Pdu::GetNextRequest(g)
            | Pdu::Response(g)
            | Pdu::SetRequest(g)
            | Pdu::InformRequest(g)
            | Pdu::SnmpV2Trap(g)
            | Pdu::Report(g) => Some(g),
            Pdu::TrapV1(_) | Pdu::GetBulkRequest(_) => None,
        }
    }

    /// The variable bindings.
    pub fn varbinds(&self) -> &[VarBind] {
        match self {
            Pdu::TrapV1(t) => &t.varbinds,
            Pdu::GetBulkRequest(b) => &b.varbinds,
            other => other.generic().map_or(&[], |g| &g.varbinds),
        }
    }

    /// Takes the variable bindings.
    pub fn into_varbinds(self) -> Vec<VarBind> {
        match self {
            Pdu::TrapV1(t) => t.varbinds,
            Pdu::GetBulkRequest(b) => b.varbinds,
            Pdu::GetRequest(g)
            | Pdu::GetNextRequest(g)
            | Pdu::Response(g)
            | Pdu::SetRequest(g)
            | Pdu::InformRequest(g)
            | Pdu::SnmpV2Trap(g)
            | Pdu::Report(g) => g.varbinds,
        }
    }

    /// Size of the complete PDU TLV.
    pub fn encoded_len(&self) -> usize {
        self.ber_len()
    }

    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Pdu, DecodeError> {
        let t = r.peek_tag()?;
        let ty = PduType::from_tag(t).ok_or(r.err(DecodeErrorKind::UnknownPduType(t)))?;
        let mut body = r.nested(t)?;
        let pdu = match ty {
            PduType::TrapV1 => Pdu::TrapV1(TrapV1Pdu::read(&mut body)?),
            PduType::GetBulkRequest => Pdu::GetBulkRequest(BulkPdu::read(&mut body)?),
            PduType::GetRequest => Pdu::GetRequest(GenericPdu::read(&mut body)?),
            PduType::GetNextRequest => Pdu::GetNextRequest(GenericPdu::read(&mut body)?),
            PduType::Response => Pdu::Response(GenericPdu::read(&mut body)?),
            PduType::SetRequest => Pdu::SetRequest(GenericPdu::read(&mut body)?),
            PduType::InformRequest => Pdu::InformRequest(GenericPdu::read(&mut body)?),
            PduType::SnmpV2Trap => Pdu::SnmpV2Trap(GenericPdu::read(&mut body)?),
            PduType::Report => Pdu::Report(GenericPdu::read(&mut body)?),
        };
        body.finish()?;
        Ok(pdu)
    }
}
