//! SMI values and variable bindings.

use alloc::string::String;
use alloc::vec::Vec;
use bytes::Bytes;
use core::fmt;
use core::net::Ipv4Addr;

use crate::ber::{self, tag, Reader, WriteBer, Writer};
use crate::error::{DecodeError, DecodeErrorKind};
use crate::oid::Oid;

/// The Opaque-wrapped float tag (`9f 78`, draft-perkins-opaque) as real agents send it.
const OPAQUE_FLOAT: [u8; 2] = [0x9f, 0x78];
/// The Opaque-wrapped double tag (`9f 79`).
const OPAQUE_DOUBLE: [u8; 2] = [0x9f, 0x79];

/// A value in a variable binding: every SMI type, the Opaque float and double forms that real
/// agents send, and the three SNMPv2 exceptions.
///
/// Octet strings and raw opaques are [`Bytes`]: decoding a message held in a `Bytes` slices it
/// without copying.
///
/// ```
/// use snmp_codec::Value;
/// assert_eq!(Value::from(42), Value::Integer(42));
/// assert_eq!(Value::from("eth0").as_str(), Some("eth0"));
/// assert_eq!(Value::Counter64(9).as_u64(), Some(9));
/// assert_eq!(Value::TimeTicks(123).to_string(), "Timeticks: (123) 0:00:01.23");
/// assert_eq!(Value::from(&[0x00u8, 0x15][..]).to_string(), "Hex-STRING: 00 15 ");
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Value {
    /// INTEGER / Integer32.
    Integer(i32),
    /// OCTET STRING (text or binary).
    OctetString(Bytes),
    /// NULL, the placeholder value of a request.
    Null,
    /// OBJECT IDENTIFIER.
    ObjectIdentifier(Oid),
    /// IpAddress (IPv4 only, as SMIv2 defines it).
    IpAddress([u8; 4]),
    /// Counter32.
    Counter32(u32),
    /// Gauge32, also Unsigned32 (the same tag on the wire).
    Gauge32(u32),
    /// TimeTicks, hundredths of a second.
    TimeTicks(u32),
    /// Opaque with contents that are not one of the wrapped forms below.
    Opaque(Bytes),
    /// An Opaque wrapping a float (`9f 78`), as Net-SNMP's UCD-SNMP-MIB load averages.
    OpaqueFloat(f32),
    /// An Opaque wrapping a double (`9f 79`).
    OpaqueDouble(f64),
    /// Counter64 (v2c and v3 only).
    Counter64(u64),
    /// The noSuchObject exception.
    NoSuchObject,
    /// The noSuchInstance exception.
    NoSuchInstance,
    /// The endOfMibView exception.
    EndOfMibView,
    /// A well-formed value with a tag SNMP does not define, kept as its tag and content so that
    /// one odd varbind does not cost the others.
    Unknown {
        /// The tag octet.
        tag: u8,
        /// The content octets.
        data: Bytes,
    },
}

impl PartialEq for Value {
    /// Floats compare by their bits, so that every value equals itself (NaN included) and a
    /// decoded message equals the one that was encoded.
    fn eq(&self, other: &Self) -> bool {
        use Value::*;
        match (self, other) {
            (Integer(a), Integer(b)) => a == b,
            (OctetString(a), OctetString(b)) | (Opaque(a), Opaque(b)) => a == b,
            (Null, Null) | (NoSuchObject, NoSuchObject) => true,
            (NoSuchInstance, NoSuchInstance) | (EndOfMibView, EndOfMibView) => true,
            (ObjectIdentifier(a), ObjectIdentifier(b)) => a == b,
            (IpAddress(a), IpAddress(b)) => a == b,
            (Counter32(a), Counter32(b)) | (Gauge32(a), Gauge32(b)) => a == b,
            (TimeTicks(a), TimeTicks(b)) => a == b,
            (OpaqueFloat(a), OpaqueFloat(b)) => a.to_bits() == b.to_bits(),
            (OpaqueDouble(a), OpaqueDouble(b)) => a.to_bits() == b.to_bits(),
            (Counter64(a), Counter64(b)) => a == b,
            (Unknown { tag: t1, data: d1 }, Unknown { tag: t2, data: d2 }) => t1 == t2 && d1 == d2,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Value {
    /// The BER tag this value is encoded with.
    pub fn tag(&self) -> u8 {
        match self {
            Value::Integer(_) => tag::INTEGER,
            Value::OctetString(_) => tag::OCTET_STRING,
            Value::Null => tag::NULL,
            Value::ObjectIdentifier(_) => tag::OBJECT_IDENTIFIER,
            Value::IpAddress(_) => tag::IP_ADDRESS,
            Value::Counter32(_) => tag::COUNTER32,
            Value::Gauge32(_) => tag::GAUGE32,
            Value::TimeTicks(_) => tag::TIMETICKS,
            Value::Opaque(_) | Value::OpaqueFloat(_) | Value::OpaqueDouble(_) => tag::OPAQUE,
            Value::Counter64(_) => tag::COUNTER64,
            Value::NoSuchObject => tag::NO_SUCH_OBJECT,
            Value::NoSuchInstance => tag::NO_SUCH_INSTANCE,
            Value::EndOfMibView => tag::END_OF_MIB_VIEW,
            Value::Unknown { tag, .. } => *tag,
        }
    }

    /// A short name of the type (`"Counter32"`, `"OCTET STRING"`, ...), for messages and logs.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Integer(_) => "INTEGER",
            Value::OctetString(_) => "OCTET STRING",
            Value::Null => "NULL",
            Value::ObjectIdentifier(_) => "OBJECT IDENTIFIER",
            Value::IpAddress(_) => "IpAddress",
            Value::Counter32(_) => "Counter32",
            Value::Gauge32(_) => "Gauge32",
            Value::TimeTicks(_) => "TimeTicks",
            Value::Opaque(_) => "Opaque",
            Value::OpaqueFloat(_) => "Opaque Float",
            Value::OpaqueDouble(_) => "Opaque Double",
            Value::Counter64(_) => "Counter64",
            Value::NoSuchObject => "noSuchObject",
            Value::NoSuchInstance => "noSuchInstance",
            Value::EndOfMibView => "endOfMibView",
            Value::Unknown { .. } => "unknown",
        }
    }

    /// True for noSuchObject, noSuchInstance and endOfMibView.
    pub fn is_exception(&self) -> bool {
        matches!(
            self,
            Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
        )
    }

    /// The value as a signed 64-bit integer, for every integer type (Counter64 only if it fits).
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Integer(v) => Some(i64::from(v)),
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => Some(i64::from(v)),
            Value::Counter64(v) => i64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as an unsigned 64-bit integer, for every integer type (INTEGER only if it is
    /// not negative).
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Integer(v) => u64::try_from(v).ok(),
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => Some(u64::from(v)),
            Value::Counter64(v) => Some(v),
            _ => None,
        }
    }

    /// The value as a float, for the Opaque float and double forms and every integer type.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::OpaqueFloat(v) => Some(f64::from(v)),
            Value::OpaqueDouble(v) => Some(v),
            Value::Counter64(v) => Some(v as f64),
            _ => self.as_i64().map(|v| v as f64),
        }
    }

    /// The octets of an OCTET STRING or a raw Opaque.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::OctetString(b) | Value::Opaque(b) => Some(b),
            _ => None,
        }
    }

    /// An OCTET STRING as text, if it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::OctetString(b) => core::str::from_utf8(b).ok(),
            _ => None,
        }
    }

    /// The OID of an OBJECT IDENTIFIER value.
    pub fn as_oid(&self) -> Option<&Oid> {
        match self {
            Value::ObjectIdentifier(o) => Some(o),
            _ => None,
        }
    }

    /// The address of an IpAddress value.
    pub fn as_ip(&self) -> Option<Ipv4Addr> {
        match self {
            Value::IpAddress(a) => Some(Ipv4Addr::from(*a)),
            _ => None,
        }
    }

    /// Size of the complete TLV.
    pub fn encoded_len(&self) -> usize {
        self.ber_len()
    }

    /// Encodes the value's TLV into a new vector.
    ///
    /// ```
    /// assert_eq!(snmp_codec::Value::Counter32(128).to_vec(), [0x41, 0x02, 0x00, 0x80]);
    /// ```
    pub fn to_vec(&self) -> Vec<u8> {
        self.ber_to_vec()
    }

    /// Decodes one value TLV that must span all of `input`.
    ///
    /// ```
    /// use snmp_codec::{DecodeErrorKind, Value};
    /// assert_eq!(Value::decode(&[0x43, 0x01, 0x15]), Ok(Value::TimeTicks(21)));
    /// assert_eq!(
    ///     Value::decode(&[0x04, 0x80, 0x01]).unwrap_err().kind(),
    ///     DecodeErrorKind::IndefiniteLength
    /// );
    /// ```
    pub fn decode(input: &[u8]) -> Result<Value, DecodeError> {
        let src = Bytes::copy_from_slice(input);
        let mut r = Reader::new(&src);
        let v = Value::read(&mut r)?;
        r.finish()?;
        Ok(v)
    }

    /// Reads one value TLV.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Value, DecodeError> {
        let tlv = r.read_tlv()?;
        let content = r.slice(&tlv.content);
        let at = tlv.start;
        let bad_len = || {
            DecodeError::new(
                DecodeErrorKind::InvalidLength {
                    tag: tlv.tag,
                    len: content.len(),
                },
                at,
            )
        };
        let u32_of = |c: &[u8]| ber::decode_unsigned(c, 4, at).map(|v| v as u32);
        Ok(match tlv.tag {
            tag::INTEGER => Value::Integer(ber::decode_i32(content, at)?),
            tag::OCTET_STRING => Value::OctetString(r.bytes(&tlv.content)),
            tag::NULL => {
                if !content.is_empty() {
                    return Err(bad_len());
                }
                Value::Null
            }
            tag::OBJECT_IDENTIFIER => Value::ObjectIdentifier(Oid::from_ber(content, at)?),
            tag::IP_ADDRESS => Value::IpAddress(content.try_into().map_err(|_| bad_len())?),
            tag::COUNTER32 => Value::Counter32(u32_of(content)?),
            tag::GAUGE32 | tag::UINTEGER32 => Value::Gauge32(u32_of(content)?),
            tag::TIMETICKS => Value::TimeTicks(u32_of(content)?),
            tag::COUNTER64 => Value::Counter64(ber::decode_unsigned(content, 8, at)?),
            tag::OPAQUE => decode_opaque(content, r.bytes(&tlv.content)),
            // Exceptions have no content; tolerate some if an agent sends it.
            tag::NO_SUCH_OBJECT => Value::NoSuchObject,
            tag::NO_SUCH_INSTANCE => Value::NoSuchInstance,
            tag::END_OF_MIB_VIEW => Value::EndOfMibView,
            other => Value::Unknown {
                tag: other,
                data: r.bytes(&tlv.content),
            },
        })
    }
}

impl WriteBer for Value {
    fn write_ber(&self, w: &mut Writer<'_>) {
        let t = self.tag();
        match self {
            Value::Integer(v) => w.i64_tlv(t, i64::from(*v)),
            Value::OctetString(b) | Value::Opaque(b) => w.octets_tlv(t, b),
            Value::Unknown { data, .. } => w.octets_tlv(t, data),
            Value::Null | Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
                w.header(t, 0)
            }
            Value::ObjectIdentifier(o) => w.tlv(t, |w| o.write_ber_content(w)),
            Value::IpAddress(a) => w.octets_tlv(t, a),
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => {
                w.u64_tlv(t, u64::from(*v))
            }
            Value::Counter64(v) => w.u64_tlv(t, *v),
            Value::OpaqueFloat(f) => {
                w.bytes(&f.to_be_bytes());
                w.bytes(&[OPAQUE_FLOAT[0], OPAQUE_FLOAT[1], 4]);
                w.header(t, 7);
            }
            Value::OpaqueDouble(f) => {
                w.bytes(&f.to_be_bytes());
                w.bytes(&[OPAQUE_DOUBLE[0], OPAQUE_DOUBLE[1], 8]);
                w.header(t, 11);
            }
        }
    }
}

/// Recognises the float and double forms; everything else (including a malformed wrapper)
/// stays a raw Opaque, which loses nothing.
fn decode_opaque(content: &[u8], raw: Bytes) -> Value {
    match content {
        [0x9f, 0x78, 4, f @ ..] => match <[u8; 4]>::try_from(f) {
            Ok(b) => Value::OpaqueFloat(f32::from_be_bytes(b)),
            Err(_) => Value::Opaque(raw),
        },
        [0x9f, 0x79, 8, f @ ..] => match <[u8; 8]>::try_from(f) {
            Ok(b) => Value::OpaqueDouble(f64::from_be_bytes(b)),
            Err(_) => Value::Opaque(raw),
        },
        _ => Value::Opaque(raw),
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Integer(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::OctetString(Bytes::copy_from_slice(v.as_bytes()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::OctetString(Bytes::from(v.into_bytes()))
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::OctetString(Bytes::copy_from_slice(v))
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::OctetString(Bytes::from(v))
    }
}

impl From<Bytes> for Value {
    fn from(v: Bytes) -> Self {
        Value::OctetString(v)
    }
}

impl From<Oid> for Value {
    fn from(v: Oid) -> Self {
        Value::ObjectIdentifier(v)
    }
}

impl From<Ipv4Addr> for Value {
    fn from(v: Ipv4Addr) -> Self {
        Value::IpAddress(v.octets())
    }
}

impl From<u32> for Value {
    /// Unsigned32 (Gauge32 on the wire), as snmpset's type `u`.
    fn from(v: u32) -> Self {
        Value::Gauge32(v)
    }
}

impl From<u64> for Value {
    /// Counter64, as snmpset's type `C` would be.
    fn from(v: u64) -> Self {
        Value::Counter64(v)
    }
}

/// A value is not of the type asked for ([`TryFrom`] of a [`Value`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongType {
    /// What was asked for.
    pub wanted: &'static str,
    /// The value's type ([`Value::type_name`]).
    pub found: &'static str,
}

impl fmt::Display for WrongType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} value where {} was wanted", self.found, self.wanted)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for WrongType {}

impl Value {
    fn wrong(&self, wanted: &'static str) -> WrongType {
        WrongType {
            wanted,
            found: self.type_name(),
        }
    }

    /// The value alone, as Net-SNMP prints it with `-Oqv`: `5`, `"text"`, `"00 15 99 "`,
    /// `.1.3.6.1`, `0:0:02:03.45`, `10.0.0.1` (exceptions as their text).
    ///
    /// ```
    /// use snmp_codec::Value;
    /// assert_eq!(Value::TimeTicks(12345).bare().to_string(), "0:0:02:03.45");
    /// assert_eq!(Value::from("fake agent").bare().to_string(), "\"fake agent\"");
    /// assert_eq!(Value::Gauge32(7).bare().to_string(), "7");
    /// ```
    pub fn bare(&self) -> Bare<'_> {
        Bare(self)
    }
}

/// A [`Value`] printed without its type ([`Value::bare`]).
#[derive(Debug, Clone, Copy)]
pub struct Bare<'a>(&'a Value);

impl fmt::Display for Bare<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Integer(v) => write!(f, "{v}"),
            Value::OctetString(b) if b.iter().all(|&c| is_text_byte(c)) => write_quoted(f, b),
            Value::OctetString(b) => {
                f.write_str("\"")?;
                write_hex(f, b)?;
                f.write_str("\"")
            }
            Value::ObjectIdentifier(o) => write!(f, "{o:#}"),
            Value::IpAddress([a, b, c, d]) => write!(f, "{a}.{b}.{c}.{d}"),
            Value::Counter32(v) | Value::Gauge32(v) => write!(f, "{v}"),
            Value::Counter64(v) => write!(f, "{v}"),
            Value::TimeTicks(t) => {
                // `-Oq` prints days:hours:minutes:seconds.centiseconds.
                let (days, h, m, s, centis) = uptime_parts(*t);
                write!(f, "{days}:{h}:{m:02}:{s:02}.{centis:02}")
            }
            Value::Opaque(b) => write_hex(f, b),
            Value::OpaqueFloat(v) => write_c_float(f, f64::from(*v)),
            Value::OpaqueDouble(v) => write_c_float(f, *v),
            other => other.fmt(f),
        }
    }
}

macro_rules! try_from_value {
    ($t:ty, $wanted:literal, |$v:ident| $body:expr) => {
        impl TryFrom<&Value> for $t {
            type Error = WrongType;
            fn try_from($v: &Value) -> Result<$t, WrongType> {
                $body.ok_or_else(|| $v.wrong($wanted))
            }
        }

        impl TryFrom<Value> for $t {
            type Error = WrongType;
            fn try_from(v: Value) -> Result<$t, WrongType> {
                <$t>::try_from(&v)
            }
        }
    };
}

try_from_value!(i64, "an integer", |v| v.as_i64());
try_from_value!(u64, "an unsigned integer", |v| v.as_u64());
try_from_value!(i32, "a 32-bit integer", |v| v
    .as_i64()
    .and_then(|x| i32::try_from(x).ok()));
try_from_value!(u32, "a 32-bit unsigned integer", |v| v
    .as_u64()
    .and_then(|x| u32::try_from(x).ok()));
try_from_value!(f64, "a number", |v| v.as_f64());
try_from_value!(String, "text", |v| v.as_str().map(String::from));
try_from_value!(Vec<u8>, "octets", |v| v.as_bytes().map(<[u8]>::to_vec));
try_from_value!(Oid, "an OID", |v| v.as_oid().cloned());
try_from_value!(Ipv4Addr, "an IpAddress", |v| match v {
    Value::IpAddress(a) => Some(Ipv4Addr::from(*a)),
    _ => None,
});

impl From<f32> for Value {
    fn from(v: f32) -> Self {
        Value::OpaqueFloat(v)
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::OpaqueDouble(v)
    }
}

/// Writes octets the way Net-SNMP's `sprint_realloc_hexstring` does: `%02X ` per octet, a
/// newline after every 16 octets when more follow.
pub(crate) fn write_hex(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    for (i, byte) in b.iter().enumerate() {
        if i > 0 && i % 16 == 0 {
            f.write_str("\n")?;
        }
        write!(f, "{byte:02X} ")?;
    }
    Ok(())
}

/// Text in double quotes, `"` and `\` escaped, as Net-SNMP prints a printable string.
fn write_quoted(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    f.write_str("\"")?;
    for &c in b {
        if c == b'"' || c == b'\\' {
            f.write_str("\\")?;
        }
        write!(f, "{}", char::from(c))?;
    }
    f.write_str("\"")
}

/// TimeTicks as (days, hours, minutes, seconds, centiseconds).
fn uptime_parts(ticks: u32) -> (u32, u32, u32, u32, u32) {
    let (centis, secs) = (ticks % 100, ticks / 100);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    (days, rem / 3600, (rem % 3600) / 60, rem % 60, centis)
}

/// C's `isprint || isspace` in the "C" locale: what Net-SNMP prints as text.
fn is_text_byte(b: u8) -> bool {
    (0x20..=0x7e).contains(&b) || (0x09..=0x0d).contains(&b)
}

/// Net-SNMP's `%f`: six decimals, `inf`/`nan` spelled in lower case.
fn write_c_float(f: &mut fmt::Formatter<'_>, v: f64) -> fmt::Result {
    if v.is_nan() {
        f.write_str(if v.is_sign_negative() { "-nan" } else { "nan" })
    } else if v.is_infinite() {
        f.write_str(if v < 0.0 { "-inf" } else { "inf" })
    } else {
        write!(f, "{v:.6}")
    }
}

/// Formats TimeTicks as Net-SNMP's `uptimeString`: `13 days, 22:25:49.00`.
pub(crate) fn write_uptime(f: &mut fmt::Formatter<'_>, ticks: u32) -> fmt::Result {
    let (days, h, m, s, centis) = uptime_parts(ticks);
    match days {
        0 => write!(f, "{h}:{m:02}:{s:02}.{centis:02}"),
        1 => write!(f, "1 day, {h}:{m:02}:{s:02}.{centis:02}"),
        d => write!(f, "{d} days, {h}:{m:02}:{s:02}.{centis:02}"),
    }
}

impl fmt::Display for Value {
    /// Prints the value as Net-SNMP's `snmpget -On` does when no MIB is loaded:
    /// `INTEGER: 5`, `STRING: "x"`, `Hex-STRING: 00 15 `, `""`, `OID: .1.3.6`,
    /// `Timeticks: (123) 0:00:01.23`, `IpAddress: 10.0.0.1`, `Counter64: 9`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Integer(v) => write!(f, "INTEGER: {v}"),
            Value::OctetString(b) if b.is_empty() => f.write_str("\"\""),
            Value::OctetString(b) if b.iter().all(|&c| is_text_byte(c)) => {
                f.write_str("STRING: ")?;
                write_quoted(f, b)
            }
            Value::OctetString(b) => {
                f.write_str("Hex-STRING: ")?;
                write_hex(f, b)
            }
            Value::Null => f.write_str("NULL"),
            Value::ObjectIdentifier(o) => write!(f, "OID: {o:#}"),
            Value::IpAddress([a, b, c, d]) => write!(f, "IpAddress: {a}.{b}.{c}.{d}"),
            Value::Counter32(v) => write!(f, "Counter32: {v}"),
            Value::Gauge32(v) => write!(f, "Gauge32: {v}"),
            Value::TimeTicks(v) => {
                write!(f, "Timeticks: ({v}) ")?;
                write_uptime(f, *v)
            }
            Value::Opaque(b) => {
                f.write_str("OPAQUE: ")?;
                write_hex(f, b)
            }
            Value::OpaqueFloat(v) => {
                f.write_str("Opaque: Float: ")?;
                write_c_float(f, f64::from(*v))
            }
            Value::OpaqueDouble(v) => {
                // Net-SNMP's sprint_realloc_double prints "Float" for doubles too; scripts
                // written for its output expect exactly that.
                f.write_str("Opaque: Float: ")?;
                write_c_float(f, *v)
            }
            Value::Counter64(v) => write!(f, "Counter64: {v}"),
            Value::NoSuchObject => {
                f.write_str("No Such Object available on this agent at this OID")
            }
            Value::NoSuchInstance => f.write_str("No Such Instance currently exists at this OID"),
            Value::EndOfMibView => f.write_str(
                "No more variables left in this MIB View (It is past the end of the MIB tree)",
            ),
            Value::Unknown { tag, data } => {
                write!(f, "Variable has bad type (0x{tag:02X}): ")?;
                write_hex(f, data)
            }
        }
    }
}

/// Which exception a varbind carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExceptionKind {
    /// noSuchObject.
    NoSuchObject,
    /// noSuchInstance.
    NoSuchInstance,
    /// endOfMibView.
    EndOfMibView,
}

/// A varbind whose value is an exception, from [`VarBind::into_value`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The OID.
    pub oid: Oid,
    /// The exception.
    pub kind: ExceptionKind,
}

impl core::fmt::Display for Exception {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.kind {
            ExceptionKind::NoSuchObject => write!(f, "no such object: {}", self.oid),
            ExceptionKind::NoSuchInstance => write!(f, "no such instance: {}", self.oid),
            ExceptionKind::EndOfMibView => write!(f, "end of MIB view after {}", self.oid),
        }
    }
}

/// A variable binding: an OID and its value.
///
/// ```
/// use snmp_codec::{Value, VarBind};
/// let vb = VarBind::new("1.3.6.1.2.1.1.5.0".parse().unwrap(), Value::from("router1"));
/// assert_eq!(vb.to_string(), ".1.3.6.1.2.1.1.5.0 = STRING: \"router1\"");
/// let request = VarBind::null("1.3.6.1.2.1.1.3.0".parse().unwrap());
/// assert_eq!(request.value, Value::Null);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarBind {
    /// The name.
    pub oid: Oid,
    /// The value.
    pub value: Value,
}

impl VarBind {
    /// A binding of `oid` to `value`.
    pub fn new(oid: Oid, value: Value) -> Self {
        Self { oid, value }
    }

    /// The value, or the exception (noSuchObject, noSuchInstance, endOfMibView) with the OID
    /// it came for: what a GET returns to its caller.
    ///
    /// ```
    /// use snmp_codec::{Exception, ExceptionKind, Value, VarBind};
    /// let oid: snmp_codec::Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
    /// assert_eq!(VarBind::new(oid.clone(), Value::Integer(5)).into_value(), Ok(Value::Integer(5)));
    /// let missing = VarBind::new(oid.clone(), Value::NoSuchInstance).into_value();
    /// assert_eq!(missing, Err(Exception { oid, kind: ExceptionKind::NoSuchInstance }));
    /// ```
    pub fn into_value(self) -> Result<Value, Exception> {
        let kind = match self.value {
            Value::NoSuchObject => ExceptionKind::NoSuchObject,
            Value::NoSuchInstance => ExceptionKind::NoSuchInstance,
            Value::EndOfMibView => ExceptionKind::EndOfMibView,
            v => return Ok(v),
        };
        Err(Exception {
            oid: self.oid,
            kind,
        })
    }

    /// A binding of `oid` to NULL, as requests carry.
    pub fn null(oid: Oid) -> Self {
        Self {
            oid,
            value: Value::Null,
        }
    }

    /// Size of the complete SEQUENCE TLV.
    pub fn encoded_len(&self) -> usize {
        self.ber_len()
    }

    /// Reads one varbind into `self` (in place: decoding straight into a vector's slot saves
    /// moving a large value around).
    fn read_into(&mut self, r: &mut Reader<'_>) -> Result<(), DecodeError> {
        let mut seq = r.nested(tag::SEQUENCE)?;
        let name = seq.expect(tag::OBJECT_IDENTIFIER)?;
        self.oid.decode_into(seq.slice(&name.content), name.start)?;
        self.value = Value::read(&mut seq)?;
        seq.finish()
    }
}

impl WriteBer for VarBind {
    fn write_ber(&self, w: &mut Writer<'_>) {
        w.tlv(tag::SEQUENCE, |w| {
            self.value.write_ber(w);
            w.tlv(tag::OBJECT_IDENTIFIER, |w| self.oid.write_ber_content(w));
        });
    }
}

impl fmt::Display for VarBind {
    /// One line as `snmpwalk -On` prints it: `.1.3.6.1.2.1.1.5.0 = STRING: "router1"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#} = {}", self.oid, self.value)
    }
}

/// Prepends a varbind list SEQUENCE.
pub(crate) fn write_varbinds(w: &mut Writer<'_>, vbs: &[VarBind]) {
    w.tlv(tag::SEQUENCE, |w| {
        for vb in vbs.iter().rev() {
            vb.write_ber(w);
        }
    });
}

pub(crate) fn read_varbinds(r: &mut Reader<'_>) -> Result<Vec<VarBind>, DecodeError> {
    let mut list = r.nested(tag::SEQUENCE)?;
    // Count the varbinds first (headers only) so the vector is allocated once, at the size the
    // input really holds: a length field alone never sizes an allocation.
    let mut scan = list.clone();
    let mut count: usize = 0;
    while !scan.is_empty() && scan.read_tlv().is_ok() {
        count = count.saturating_add(1);
    }
    let mut out: Vec<VarBind> = Vec::with_capacity(count);
    while !list.is_empty() {
        out.push(VarBind::null(Oid::new()));
        if let Some(slot) = out.last_mut() {
            slot.read_into(&mut list)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_like_net_snmp() {
        assert_eq!(Value::Integer(-5).to_string(), "INTEGER: -5");
        assert_eq!(
            Value::from("a\"b\\c").to_string(),
            "STRING: \"a\\\"b\\\\c\""
        );
        assert_eq!(Value::from("").to_string(), "\"\"");
        assert_eq!(Value::from("x\ny").to_string(), "STRING: \"x\ny\"");
        let bin: Vec<u8> = (0u8..17).collect();
        assert_eq!(
            Value::from(bin).to_string(),
            "Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F \n10 "
        );
        assert_eq!(
            Value::TimeTicks(120_394_900).to_string(),
            "Timeticks: (120394900) 13 days, 22:25:49.00"
        );
        assert_eq!(
            Value::TimeTicks(8_640_000).to_string(),
            "Timeticks: (8640000) 1 day, 0:00:00.00"
        );
        assert_eq!(
            Value::OpaqueFloat(0.042969).to_string(),
            "Opaque: Float: 0.042969"
        );
        // Net-SNMP labels doubles "Float" as well (sprint_realloc_double).
        assert_eq!(
            Value::OpaqueDouble(2.5).to_string(),
            "Opaque: Float: 2.500000"
        );
        assert_eq!(
            Value::ObjectIdentifier("1.3.6".parse().unwrap()).to_string(),
            "OID: .1.3.6"
        );
        assert_eq!(
            Value::IpAddress([10, 0, 0, 1]).to_string(),
            "IpAddress: 10.0.0.1"
        );
        assert_eq!(Value::Gauge32(7).to_string(), "Gauge32: 7");
        assert_eq!(Value::Null.to_string(), "NULL");
    }

    #[test]
    fn accessors() {
        assert_eq!(Value::Integer(-1).as_u64(), None);
        assert_eq!(Value::Counter64(u64::MAX).as_i64(), None);
        assert_eq!(Value::Gauge32(5).as_i64(), Some(5));
        assert_eq!(Value::OpaqueFloat(1.5).as_f64(), Some(1.5));
        assert_eq!(
            Value::from(Ipv4Addr::new(1, 2, 3, 4)).as_ip(),
            Some(Ipv4Addr::new(1, 2, 3, 4))
        );
        assert!(Value::EndOfMibView.is_exception());
        assert_eq!(Value::OpaqueDouble(f64::NAN), Value::OpaqueDouble(f64::NAN));
    }
}
