//! The vocabulary of a compiled node and type: what a node is, its access and status, and a
//! type's base, with their numbers in the compiled form.

#[allow(unused_imports)]
use crate::prelude::*;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// Not known (a node only other nodes hang from, with no definition loaded).
    Unknown,
    /// An OBJECT IDENTIFIER value assignment.
    Node,
    /// A scalar OBJECT-TYPE.
    Scalar,
    /// A table (SEQUENCE OF).
    Table,
    /// A conceptual row (an entry).
    Row,
    /// A column of a row.
    Column,
    /// NOTIFICATION-TYPE or TRAP-TYPE.
    Notification,
    /// OBJECT-GROUP or NOTIFICATION-GROUP.
    Group,
    /// MODULE-COMPLIANCE.
    Compliance,
    /// AGENT-CAPABILITIES.
    Capability,
    /// MODULE-IDENTITY.
    ModuleIdentity,
    /// OBJECT-IDENTITY.
    ObjectIdentity,
}

impl Kind {
    pub(crate) fn from_u8(v: u8) -> Kind {
        match v {
            1 => Kind::Node,
            2 => Kind::Scalar,
            3 => Kind::Table,
            4 => Kind::Row,
            5 => Kind::Column,
            6 => Kind::Notification,
            7 => Kind::Group,
            8 => Kind::Compliance,
            9 => Kind::Capability,
            10 => Kind::ModuleIdentity,
            11 => Kind::ObjectIdentity,
            _ => Kind::Unknown,
        }
    }
    #[cfg_attr(not(feature = "load"), allow(dead_code))]
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            Kind::Unknown => 0,
            Kind::Node => 1,
            Kind::Scalar => 2,
            Kind::Table => 3,
            Kind::Row => 4,
            Kind::Column => 5,
            Kind::Notification => 6,
            Kind::Group => 7,
            Kind::Compliance => 8,
            Kind::Capability => 9,
            Kind::ModuleIdentity => 10,
            Kind::ObjectIdentity => 11,
        }
    }
    /// Whether it is an OBJECT-TYPE (scalar, table, row or column).
    pub fn is_object(self) -> bool {
        matches!(self, Kind::Scalar | Kind::Table | Kind::Row | Kind::Column)
    }
}

/// MAX-ACCESS (or SMIv1 ACCESS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Access {
    /// No access clause (not an object).
    None,
    /// not-accessible
    NotAccessible,
    /// accessible-for-notify
    AccessibleForNotify,
    /// read-only
    ReadOnly,
    /// read-write
    ReadWrite,
    /// read-create
    ReadCreate,
    /// write-only (SMIv1)
    WriteOnly,
}

impl Access {
    pub(crate) fn from_u8(v: u8) -> Access {
        match v {
            1 => Access::NotAccessible,
            2 => Access::AccessibleForNotify,
            3 => Access::ReadOnly,
            4 => Access::ReadWrite,
            5 => Access::ReadCreate,
            6 => Access::WriteOnly,
            _ => Access::None,
        }
    }
    #[cfg_attr(not(feature = "load"), allow(dead_code))]
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            Access::None => 0,
            Access::NotAccessible => 1,
            Access::AccessibleForNotify => 2,
            Access::ReadOnly => 3,
            Access::ReadWrite => 4,
            Access::ReadCreate => 5,
            Access::WriteOnly => 6,
        }
    }
    /// The keyword as a MIB writes it (`read-only`), empty for [`Access::None`].
    pub fn as_str(self) -> &'static str {
        match self {
            Access::None => "",
            Access::NotAccessible => "not-accessible",
            Access::AccessibleForNotify => "accessible-for-notify",
            Access::ReadOnly => "read-only",
            Access::ReadWrite => "read-write",
            Access::ReadCreate => "read-create",
            Access::WriteOnly => "write-only",
        }
    }
}

/// STATUS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// No status clause.
    None,
    /// current
    Current,
    /// deprecated
    Deprecated,
    /// obsolete
    Obsolete,
    /// mandatory (SMIv1)
    Mandatory,
    /// optional (SMIv1)
    Optional,
}

impl Status {
    pub(crate) fn from_u8(v: u8) -> Status {
        match v {
            1 => Status::Current,
            2 => Status::Deprecated,
            3 => Status::Obsolete,
            4 => Status::Mandatory,
            5 => Status::Optional,
            _ => Status::None,
        }
    }
    #[cfg_attr(not(feature = "load"), allow(dead_code))]
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            Status::None => 0,
            Status::Current => 1,
            Status::Deprecated => 2,
            Status::Obsolete => 3,
            Status::Mandatory => 4,
            Status::Optional => 5,
        }
    }
    /// The keyword as a MIB writes it, empty for [`Status::None`].
    pub fn as_str(self) -> &'static str {
        match self {
            Status::None => "",
            Status::Current => "current",
            Status::Deprecated => "deprecated",
            Status::Obsolete => "obsolete",
            Status::Mandatory => "mandatory",
            Status::Optional => "optional",
        }
    }
}

/// The SMI base type under a syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BaseType {
    /// Not known.
    Unknown,
    /// INTEGER / Integer32 (enumerations too).
    Integer32,
    /// Unsigned32.
    Unsigned32,
    /// Counter32.
    Counter32,
    /// Counter64.
    Counter64,
    /// Gauge32.
    Gauge32,
    /// TimeTicks.
    TimeTicks,
    /// IpAddress.
    IpAddress,
    /// OCTET STRING.
    OctetString,
    /// OBJECT IDENTIFIER.
    ObjectIdentifier,
    /// BITS.
    Bits,
    /// Opaque.
    Opaque,
}

impl BaseType {
    pub(crate) fn from_u8(v: u8) -> BaseType {
        match v {
            1 => BaseType::Integer32,
            2 => BaseType::Unsigned32,
            3 => BaseType::Counter32,
            4 => BaseType::Counter64,
            5 => BaseType::Gauge32,
            6 => BaseType::TimeTicks,
            7 => BaseType::IpAddress,
            8 => BaseType::OctetString,
            9 => BaseType::ObjectIdentifier,
            10 => BaseType::Bits,
            11 => BaseType::Opaque,
            _ => BaseType::Unknown,
        }
    }
    #[cfg_attr(not(feature = "load"), allow(dead_code))]
    pub(crate) fn to_u8(self) -> u8 {
        match self {
            BaseType::Unknown => 0,
            BaseType::Integer32 => 1,
            BaseType::Unsigned32 => 2,
            BaseType::Counter32 => 3,
            BaseType::Counter64 => 4,
            BaseType::Gauge32 => 5,
            BaseType::TimeTicks => 6,
            BaseType::IpAddress => 7,
            BaseType::OctetString => 8,
            BaseType::ObjectIdentifier => 9,
            BaseType::Bits => 10,
            BaseType::Opaque => 11,
        }
    }
}
