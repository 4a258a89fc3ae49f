//! A row's index as typed values, decoded per the INDEX clause.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::model::{BaseType, Mib, Node, Type};
use snmp_codec::Oid;

/// One component of a row index.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IndexValue {
    /// An integer index (INTEGER, Integer32, Unsigned32, Gauge32), with its enumeration
    /// label when the syntax names one.
    Integer {
        /// The value.
        value: i64,
        /// The label (`ipv4`), when any.
        label: Option<String>,
    },
    /// An octet string (length-prefixed, fixed-size or IMPLIED).
    OctetString(Vec<u8>),
    /// An IpAddress.
    IpAddress([u8; 4]),
    /// An InetAddress, read with the InetAddressType before it (`ipv4`, `ipv6`).
    InetAddress(core::net::IpAddr),
    /// An InetAddress of the zoned types (`ipv4z`, `ipv6z`): the address and its zone
    /// index.
    InetAddressZoned {
        /// The address.
        addr: core::net::IpAddr,
        /// The zone index (the four octets after the address).
        zone: u32,
    },
    /// An OBJECT IDENTIFIER.
    Oid(Oid),
}

impl core::fmt::Display for IndexValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            IndexValue::Integer {
                value,
                label: Some(l),
            } => write!(f, "{l}({value})"),
            IndexValue::Integer { value, .. } => write!(f, "{value}"),
            IndexValue::OctetString(b) => match core::str::from_utf8(b) {
                Ok(s) if s.chars().all(|c| !c.is_control()) => write!(f, "{s:?}"),
                _ => {
                    for (i, x) in b.iter().enumerate() {
                        if i > 0 {
                            f.write_str(":")?;
                        }
                        write!(f, "{x:02x}")?;
                    }
                    Ok(())
                }
            },
            IndexValue::IpAddress(a) => write!(f, "{}.{}.{}.{}", a[0], a[1], a[2], a[3]),
            IndexValue::InetAddress(a) => write!(f, "{a}"),
            IndexValue::InetAddressZoned { addr, zone } => write!(f, "{addr}%{zone}"),
            IndexValue::Oid(o) => write!(f, "{o}"),
        }
    }
}

/// Why an index did not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// The object is not a column or row with an INDEX.
    #[error("{0} has no INDEX")]
    NoIndex(String),
    /// The arcs end before the index does, or an arc is out of range.
    #[error("index of {object} is malformed at component {component} ({name})")]
    Malformed {
        /// The row or column.
        object: String,
        /// Which component (0-based).
        component: usize,
        /// Its index object.
        name: String,
    },
    /// Arcs remain after the last component.
    #[error("index of {object} has {extra} arcs after its last component")]
    Trailing {
        /// The row or column.
        object: String,
        /// How many.
        extra: usize,
    },
}

/// How a component's arcs are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One arc (an integer) or four (an IpAddress), or a fixed-size string.
    Fixed,
    /// A length arc, then that many.
    Length,
    /// IMPLIED (the last component only): the rest of the arcs.
    Implied,
}

/// One decoded component of an index: its value, the arcs it took, the arcs of its content
/// (without a length arc) and their layout.
#[derive(Debug, Clone)]
pub(crate) struct Piece<'a> {
    pub(crate) value: IndexValue,
    /// Every arc it took (a length arc too).
    pub(crate) arcs: &'a [u32],
    pub(crate) body: &'a [u32],
    pub(crate) layout: Layout,
}

/// What [`decode_prefix`] read: the components that decoded, in order, the arcs after them,
/// and the position of the component that did not decode (if one did not).
pub(crate) struct Prefix<'a> {
    pub(crate) pieces: Vec<Piece<'a>>,
    pub(crate) rest: &'a [u32],
    pub(crate) failed: Option<usize>,
}

/// The one index decoder, which formatting and [`Mib::decode_index`] both use: decodes the
/// components of `index` from the front of `arcs` until one does not decode (the arcs end,
/// an arc is out of range, a syntax that cannot be an index). IMPLIED counts on the last
/// component only (RFC 2578 7.7); integers are INTEGER, Integer32, Unsigned32, Gauge32,
/// Counter32 and TimeTicks; octet strings are OCTET STRING, Opaque and BITS (fixed-size,
/// length-prefixed or IMPLIED); an InetAddress after an InetAddressType of ipv4/ipv6 (and
/// their zoned forms, zone kept) is an address.
pub(crate) fn decode_prefix<'a>(index: &[(Node<'_>, bool)], arcs: &'a [u32]) -> Prefix<'a> {
    let mut rest = arcs;
    let mut pieces: Vec<Piece<'a>> = Vec::with_capacity(index.len());
    for (i, (ix, implied)) in index.iter().enumerate() {
        let last = i.saturating_add(1) == index.len();
        let Some(piece) = decode_one(ix, *implied && last, pieces.last(), &mut rest) else {
            return Prefix {
                pieces,
                rest,
                failed: Some(i),
            };
        };
        pieces.push(piece);
    }
    Prefix {
        pieces,
        rest,
        failed: None,
    }
}

/// One component from the front of `rest` (advanced past it), or `None` (then `rest` is
/// left as it was).
fn decode_one<'a>(
    ix: &Node<'_>,
    implied: bool,
    previous: Option<&Piece<'_>>,
    rest: &mut &'a [u32],
) -> Option<Piece<'a>> {
    let t = ix.syntax()?;
    let arcs: &'a [u32] = rest;
    let (value, body, layout, taken) = match t.base() {
        BaseType::Integer32
        | BaseType::Unsigned32
        | BaseType::Gauge32
        | BaseType::Counter32
        | BaseType::TimeTicks => {
            let body = arcs.get(..1)?;
            let arc = *body.first()?;
            let value = if t.base() == BaseType::Integer32 {
                i64::from(arc as i32)
            } else {
                i64::from(arc)
            };
            let label = t.enum_label(value).map(str::to_owned);
            (IndexValue::Integer { value, label }, body, Layout::Fixed, 1)
        }
        BaseType::IpAddress => {
            let body = arcs.get(..4)?;
            let b = octets(body)?;
            (
                IndexValue::IpAddress(*b.first_chunk::<4>()?),
                body,
                Layout::Fixed,
                4,
            )
        }
        BaseType::OctetString | BaseType::Opaque | BaseType::Bits => {
            let (skip, n, layout) = if implied {
                (0usize, arcs.len(), Layout::Implied)
            } else if let Some(n) = t.fixed_size() {
                (0, n, Layout::Fixed)
            } else {
                (1, *arcs.first()? as usize, Layout::Length)
            };
            let body = arcs.get(skip..skip.checked_add(n)?)?;
            let b = octets(body)?;
            let kind = match previous.map(|p| &p.value) {
                Some(IndexValue::Integer { value, .. }) if t.is("InetAddress") => Some(*value),
                _ => None,
            };
            // The lengths are matched first: the chunks below are always there.
            let zone = |z: &[u8]| z.last_chunk::<4>().map_or(0, |z| u32::from_be_bytes(*z));
            let v4 = |a: &[u8]| a.first_chunk::<4>().map(|a| core::net::IpAddr::from(*a));
            let v6 = |a: &[u8]| a.first_chunk::<16>().map(|a| core::net::IpAddr::from(*a));
            let value = match (kind, b.len()) {
                (Some(1), 4) => v4(&b).map(IndexValue::InetAddress),
                (Some(2), 16) => v6(&b).map(IndexValue::InetAddress),
                (Some(3), 8) => v4(&b).map(|addr| IndexValue::InetAddressZoned {
                    addr,
                    zone: zone(&b),
                }),
                (Some(4), 20) => v6(&b).map(|addr| IndexValue::InetAddressZoned {
                    addr,
                    zone: zone(&b),
                }),
                _ => None,
            }
            .unwrap_or(IndexValue::OctetString(b));
            // skip + n was checked above (the body's range).
            (value, body, layout, skip.saturating_add(n))
        }
        BaseType::ObjectIdentifier => {
            let (skip, n, layout) = if implied {
                (0usize, arcs.len(), Layout::Implied)
            } else {
                (1, *arcs.first()? as usize, Layout::Length)
            };
            let body = arcs.get(skip..skip.checked_add(n)?)?;
            (
                IndexValue::Oid(Oid::from_arcs(body)),
                body,
                layout,
                skip.saturating_add(n),
            )
        }
        _ => return None,
    };
    let (taken, after) = arcs.split_at_checked(taken)?;
    *rest = after;
    Some(Piece {
        value,
        arcs: taken,
        body,
        layout,
    })
}

/// Arcs as octets, when every one is at most 255.
fn octets(arcs: &[u32]) -> Option<Vec<u8>> {
    arcs.iter().map(|&a| u8::try_from(a).ok()).collect()
}

impl Mib {
    /// Decodes the instance arcs of a row or column (`ifDescr` and `[3]`, or the arcs
    /// after the column of a full OID) into typed values, exactly: malformed, truncated
    /// or trailing arcs are errors.
    ///
    /// ```
    /// use snmp_mib::{IndexValue, Mib};
    /// let mib = Mib::default_set();
    /// let col = mib.node("IP-MIB::ipAddressIfIndex").unwrap();
    /// let idx = mib.decode_index(col, &[1, 4, 192, 0, 2, 1]).unwrap();
    /// assert_eq!(idx[1], IndexValue::InetAddress("192.0.2.1".parse().unwrap()));
    /// ```
    pub fn decode_index(
        &self,
        object: Node<'_>,
        arcs: &[u32],
    ) -> Result<Vec<IndexValue>, IndexError> {
        let index = object.effective_index();
        if index.is_empty() {
            return Err(IndexError::NoIndex(object.name().to_owned()));
        }
        let prefix = decode_prefix(&index, arcs);
        if let Some(i) = prefix.failed {
            return Err(IndexError::Malformed {
                object: object.name().to_owned(),
                component: i,
                name: index.get(i).map(|(n, _)| n.name()).unwrap_or("").to_owned(),
            });
        }
        if !prefix.rest.is_empty() {
            return Err(IndexError::Trailing {
                object: object.name().to_owned(),
                extra: prefix.rest.len(),
            });
        }
        let out: Vec<IndexValue> = prefix.pieces.into_iter().map(|p| p.value).collect();
        Ok(out)
    }

    /// The instance arcs of a row or column's index values (what [`Mib::decode_index`] gives
    /// back): the inverse of decoding, for building an instance OID from values.
    ///
    /// ```
    /// use snmp_mib::{IndexValue, Mib};
    /// let mib = Mib::default_set();
    /// let col = mib.node("IP-MIB::ipAddressIfIndex").unwrap();
    /// let values = [
    ///     IndexValue::Integer { value: 1, label: None },
    ///     IndexValue::InetAddress("192.0.2.1".parse().unwrap()),
    /// ];
    /// assert_eq!(mib.encode_index(col, &values).unwrap(), [1, 4, 192, 0, 2, 1]);
    /// ```
    pub fn encode_index(
        &self,
        object: Node<'_>,
        values: &[IndexValue],
    ) -> Result<Vec<u32>, IndexError> {
        let index = object.effective_index();
        if index.is_empty() {
            return Err(IndexError::NoIndex(object.name().to_owned()));
        }
        if values.len() != index.len() {
            return Err(IndexError::Malformed {
                object: object.name().to_owned(),
                component: values.len().min(index.len()),
                name: String::new(),
            });
        }
        let mut out = Vec::new();
        for (i, ((ix, implied), v)) in index.iter().zip(values).enumerate() {
            let implied = *implied && i.saturating_add(1) == index.len();
            let ty = ix.syntax();
            let mut string = |octets: &[u8]| push_string(&mut out, octets, ty, implied);
            match v {
                // Integer32 values are stored as the arc's two's complement.
                IndexValue::Integer { value, .. } => out.push(*value as u32),
                IndexValue::IpAddress(a) => out.extend(a.iter().map(|&x| u32::from(x))),
                IndexValue::OctetString(b) => string(b),
                IndexValue::InetAddress(a) => string(&ip_octets(a)),
                IndexValue::InetAddressZoned { addr, zone } => {
                    let mut b = ip_octets(addr);
                    b.extend_from_slice(&zone.to_be_bytes());
                    string(&b);
                }
                IndexValue::Oid(o) => {
                    if !implied {
                        out.push(o.arcs().len() as u32);
                    }
                    out.extend_from_slice(o.arcs());
                }
            }
        }
        Ok(out)
    }
}

/// The arcs of a string index component: its length first, unless the component is IMPLIED
/// or of a fixed size (RFC 2578 section 7.7), then one arc per octet. Instances built from
/// values ([`Mib::encode_index`]) and from text (`IF-MIB::ifDescr."x"`) both use it.
pub(crate) fn push_string(arcs: &mut Vec<u32>, octets: &[u8], ty: Option<Type<'_>>, implied: bool) {
    if !implied && ty.and_then(|t| t.fixed_size()).is_none() {
        arcs.push(octets.len() as u32);
    }
    arcs.extend(octets.iter().map(|&x| u32::from(x)));
}

fn ip_octets(a: &core::net::IpAddr) -> Vec<u8> {
    match a {
        core::net::IpAddr::V4(v) => v.octets().to_vec(),
        core::net::IpAddr::V6(v) => v.octets().to_vec(),
    }
}
