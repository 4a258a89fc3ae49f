//! A row's index as typed values, decoded per the INDEX clause.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::model::{BaseType, Mib, Node};
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
    /// An InetAddress, read with the InetAddressType before it (`ipv4`, `ipv6`, the z
    /// forms with their zone, `dns`).
    InetAddress(core::net::IpAddr),
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
        let mut rest = arcs;
        let mut out = Vec::with_capacity(index.len());
        for (i, (ix, implied)) in index.iter().enumerate() {
            let bad = || IndexError::Malformed {
                object: object.name().to_owned(),
                component: i,
                name: ix.name().to_owned(),
            };
            let t = ix.syntax().ok_or_else(bad)?;
            let take = |n: usize, rest: &mut &[u32]| -> Option<Vec<u32>> {
                if n > rest.len() {
                    return None;
                }
                let (a, b) = rest.split_at(n);
                *rest = b;
                Some(a.to_vec())
            };
            let v = match t.base() {
                BaseType::Integer32
                | BaseType::Unsigned32
                | BaseType::Gauge32
                | BaseType::Counter32
                | BaseType::TimeTicks => {
                    let a = take(1, &mut rest).ok_or_else(bad)?[0];
                    let value = if t.base() == BaseType::Integer32 {
                        i64::from(a as i32)
                    } else {
                        i64::from(a)
                    };
                    IndexValue::Integer {
                        value,
                        label: t.enum_label(value).map(str::to_owned),
                    }
                }
                BaseType::IpAddress => {
                    let a = take(4, &mut rest).ok_or_else(bad)?;
                    let b: Option<Vec<u8>> = a.iter().map(|&x| u8::try_from(x).ok()).collect();
                    let b = b.ok_or_else(bad)?;
                    IndexValue::IpAddress([b[0], b[1], b[2], b[3]])
                }
                BaseType::OctetString | BaseType::Opaque | BaseType::Bits => {
                    let n = if *implied && i + 1 == index.len() {
                        rest.len()
                    } else if let Some(n) = t.fixed_size() {
                        n
                    } else {
                        take(1, &mut rest).ok_or_else(bad)?[0] as usize
                    };
                    let a = take(n, &mut rest).ok_or_else(bad)?;
                    let b: Option<Vec<u8>> = a.iter().map(|&x| u8::try_from(x).ok()).collect();
                    let b = b.ok_or_else(bad)?;
                    let kind = match out.last() {
                        Some(IndexValue::Integer { value, .. }) if t.is("InetAddress") => {
                            Some(*value)
                        }
                        _ => None,
                    };
                    match (kind, b.len()) {
                        (Some(1), 4) | (Some(3), 8) => IndexValue::InetAddress(
                            core::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).into(),
                        ),
                        (Some(2), 16) | (Some(4), 20) => {
                            let mut a = [0u8; 16];
                            a.copy_from_slice(&b[..16]);
                            IndexValue::InetAddress(core::net::Ipv6Addr::from(a).into())
                        }
                        _ => IndexValue::OctetString(b),
                    }
                }
                BaseType::ObjectIdentifier => {
                    let n = if *implied && i + 1 == index.len() {
                        rest.len()
                    } else {
                        take(1, &mut rest).ok_or_else(bad)?[0] as usize
                    };
                    let a = take(n, &mut rest).ok_or_else(bad)?;
                    IndexValue::Oid(Oid::from_arcs(&a))
                }
                _ => return Err(bad()),
            };
            out.push(v);
        }
        if !rest.is_empty() {
            return Err(IndexError::Trailing {
                object: object.name().to_owned(),
                extra: rest.len(),
            });
        }
        Ok(out)
    }
}
