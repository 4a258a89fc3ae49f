//! Object identifiers.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

use smallvec::SmallVec;

use crate::error::{DecodeError, DecodeErrorKind};

/// The most arcs an OID may have (RFC 2578 section 3.5: at most 128 sub-identifiers).
pub const MAX_OID_ARCS: usize = 128;

/// Arcs stored inline before an [`Oid`] spills to the heap (one allocation per longer OID).
///
/// Chosen with data (`oid-lengths-2026-12-07.txt`: a full walk of Debian's snmpd, 7,235
/// varbinds): 73.5% of its OIDs have at most 12 arcs, every system, ifTable and ifXTable
/// instance among them; 16 arcs would hold 78.3%; the rest are mostly IP-MIB and TCP-MIB rows
/// indexed by addresses (24 to 28 arcs), which 28 inline arcs would hold (97.6%) at the cost of
/// more than doubling every `Oid` (56 bytes to 120) to save one allocation on a fifth of them.
const INLINE_ARCS: usize = 12;

/// An SNMP OBJECT IDENTIFIER: a sequence of `u32` arcs.
///
/// Ordered lexicographically on its arcs (the order GETNEXT walks in), cheap to clone (up to 12
/// arcs live inline, no heap allocation), parsed from and printed as dotted text.
///
/// ```
/// use snmp_codec::Oid;
/// let sys_descr: Oid = ".1.3.6.1.2.1.1.1.0".parse()?;
/// let system: Oid = "1.3.6.1.2.1.1".parse()?;
/// assert!(sys_descr.starts_with(&system));
/// assert!(system < sys_descr);
/// assert_eq!(system.child(5).to_string(), "1.3.6.1.2.1.1.5");
/// assert_eq!(format!("{sys_descr:#}"), ".1.3.6.1.2.1.1.1.0");
/// # Ok::<(), snmp_codec::OidParseError>(())
/// ```
#[derive(Default, PartialEq, Eq, Hash)]
pub struct Oid {
    arcs: SmallVec<[u32; INLINE_ARCS]>,
}

/// Why dotted text is not an OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OidParseError {
    /// The text has no arcs.
    #[error("empty OID")]
    Empty,
    /// An arc is empty (`1..3`, a trailing dot) or has a character other than a digit.
    #[error("invalid arc at character {0}")]
    InvalidArc(usize),
    /// An arc is larger than `u32::MAX`.
    #[error("arc at character {0} is larger than 4294967295")]
    ArcOverflow(usize),
    /// More than [`MAX_OID_ARCS`] arcs.
    #[error("more than 128 arcs")]
    TooLong,
    /// The first arc is not 0, 1 or 2, or the second is 40 or more under 0 or 1, which BER
    /// cannot encode.
    #[error("first arcs not encodable (first must be 0..=2, second < 40 unless first is 2)")]
    NotEncodable,
}

impl Oid {
    /// The empty OID (no arcs). Useful as a starting point for [`Oid::push`]; it cannot be sent.
    pub const fn new() -> Self {
        Self {
            arcs: SmallVec::new_const(),
        }
    }

    /// Builds an OID from arcs.
    ///
    /// ```
    /// let oid = snmp_codec::Oid::from_arcs(&[1, 3, 6, 1]);
    /// assert_eq!(oid.to_string(), "1.3.6.1");
    /// ```
    pub fn from_arcs(arcs: &[u32]) -> Self {
        Self {
            arcs: SmallVec::from_slice(arcs),
        }
    }

    /// The arcs.
    pub fn arcs(&self) -> &[u32] {
        &self.arcs
    }

    /// Number of arcs.
    pub fn len(&self) -> usize {
        self.arcs.len()
    }

    /// True when there are no arcs.
    pub fn is_empty(&self) -> bool {
        self.arcs.is_empty()
    }

    /// True when `prefix`'s arcs are the first arcs of `self` (an OID starts with itself).
    pub fn starts_with(&self, prefix: &Oid) -> bool {
        self.arcs.starts_with(&prefix.arcs)
    }

    /// A new OID with `arc` appended.
    pub fn child(&self, arc: u32) -> Oid {
        let mut c = self.clone();
        c.push(arc);
        c
    }

    /// Appends an arc in place.
    pub fn push(&mut self, arc: u32) {
        self.arcs.push(arc);
    }

    /// Appends several arcs in place.
    pub fn extend_from_slice(&mut self, arcs: &[u32]) {
        self.arcs.extend_from_slice(arcs);
    }

    /// The arcs after `prefix`, if `self` starts with it (a table row's index, for example).
    ///
    /// ```
    /// let col: snmp_codec::Oid = "1.3.6.1.2.1.2.2.1.2".parse().unwrap();
    /// let cell: snmp_codec::Oid = "1.3.6.1.2.1.2.2.1.2.7".parse().unwrap();
    /// assert_eq!(cell.strip_prefix(&col), Some(&[7u32][..]));
    /// ```
    pub fn strip_prefix(&self, prefix: &Oid) -> Option<&[u32]> {
        self.arcs.strip_prefix(prefix.arcs.as_slice())
    }

    /// The OID without its last arc (`None` when empty).
    pub fn parent(&self) -> Option<Oid> {
        let (_, rest) = self.arcs.split_last()?;
        Some(Oid::from_arcs(rest))
    }

    /// The first sub-identifier (the first two arcs combined as `X * 40 + Y`) and the arcs
    /// after it. A one-arc OID encodes as `X * 40`, which decodes as `X.0` (as Net-SNMP does).
    fn first_subid(&self) -> (u64, &[u32]) {
        match self.arcs.as_slice() {
            [] => (0, &[]),
            // u32 arcs: `x * 40 + y` stays far below u64::MAX.
            [x] => (u64::from(*x).saturating_mul(40), &[]),
            [x, y, rest @ ..] => (
                u64::from(*x)
                    .saturating_mul(40)
                    .saturating_add(u64::from(*y)),
                rest,
            ),
        }
    }

    /// Prepends the BER content octets (the writer works backwards).
    pub(crate) fn write_ber_content(&self, w: &mut crate::ber::Writer<'_>) {
        let (first, rest) = self.first_subid();
        for &a in rest.iter().rev() {
            write_subid(w, u64::from(a));
        }
        write_subid(w, first);
    }

    /// Decodes BER content octets (`offset` for errors only).
    ///
    /// Rejects empty content, non-minimal sub-identifiers (leading `0x80`), a last
    /// sub-identifier cut short, arcs above `u32::MAX` and more than [`MAX_OID_ARCS`] arcs.
    ///
    /// ```
    /// let oid = snmp_codec::Oid::from_ber(&[0x2b, 0x06, 0x01, 0x82, 0x3e], 0).unwrap();
    /// assert_eq!(oid.to_string(), "1.3.6.1.318");
    /// ```
    pub fn from_ber(content: &[u8], offset: usize) -> Result<Oid, DecodeError> {
        let mut oid = Oid::new();
        oid.decode_into(content, offset)?;
        Ok(oid)
    }

    /// [`Oid::from_ber`] into an existing OID (whose arcs are replaced), reusing its storage.
    pub fn decode_into(&mut self, content: &[u8], offset: usize) -> Result<(), DecodeError> {
        self.arcs.clear();
        let Some((&first, rest)) = content.split_first() else {
            return Err(DecodeError::new(DecodeErrorKind::EmptyOid, offset));
        };
        // Fast path: short, every sub-identifier one octet (nearly every OID on the wire).
        if first < 0x80 && rest.len() < INLINE_ARCS.saturating_sub(1) {
            let mut tmp = [0u32; INLINE_ARCS];
            let mut high = 0u8;
            let (head, tail) = tmp.split_at_mut(2);
            for (slot, &b) in tail.iter_mut().zip(rest) {
                high |= b;
                *slot = u32::from(b);
            }
            if high < 0x80 {
                let (x, y) = match first {
                    0..=39 => (0, first),
                    40..=79 => (1, first.saturating_sub(40)),
                    f => (2, f.saturating_sub(80)),
                };
                if let [a, b] = head {
                    *a = x;
                    *b = u32::from(y);
                }
                let used = rest.len().saturating_add(2);
                self.arcs.extend_from_slice(tmp.get(..used).unwrap_or(&tmp));
                return Ok(());
            }
        }
        let arcs = &mut self.arcs;
        decode_subids(content, offset, |arc| arcs.push(arc))?;
        if arcs.len() > MAX_OID_ARCS {
            arcs.clear();
            return Err(DecodeError::new(DecodeErrorKind::OidTooLong, offset));
        }
        Ok(())
    }

    /// Checks that BER can encode this OID (first arc 0..=2, second below 40 under 0 and 1,
    /// at least one arc, at most [`MAX_OID_ARCS`]).
    pub fn validate(&self) -> Result<(), OidParseError> {
        match self.arcs.as_slice() {
            [] => Err(OidParseError::Empty),
            a if a.len() > MAX_OID_ARCS => Err(OidParseError::TooLong),
            [x, ..] if *x > 2 => Err(OidParseError::NotEncodable),
            [x, y, ..] if *x < 2 && *y >= 40 => Err(OidParseError::NotEncodable),
            _ => Ok(()),
        }
    }
}

/// Decodes BER sub-identifiers and hands each arc to `sink` (the first sub-identifier as its
/// two arcs). Stops at the first error; at most `content.len() + 1` arcs are produced.
#[inline(always)]
fn decode_subids(
    content: &[u8],
    offset: usize,
    mut sink: impl FnMut(u32),
) -> Result<(), DecodeError> {
    let err = |kind, at: usize| DecodeError::new(kind, offset.saturating_add(at));
    let mut i = 0;
    let mut first = true;
    while let Some(&b0) = content.get(i) {
        let start = i;
        // `i` counts octets of `content`: it can't overflow.
        let v = if b0 < 0x80 {
            i = i.saturating_add(1);
            u64::from(b0)
        } else {
            if b0 == 0x80 {
                return Err(err(DecodeErrorKind::NonMinimalOid, start));
            }
            let mut v: u64 = 0;
            loop {
                let Some(&b) = content.get(i) else {
                    return Err(err(DecodeErrorKind::TruncatedOid, start));
                };
                i = i.saturating_add(1);
                // Checked below after every octet: `v` stays under 2^33 before the shift.
                v = v.checked_shl(7).unwrap_or(u64::MAX) | u64::from(b & 0x7f);
                // The first sub-identifier may reach 2^32 - 1 + 80; others must fit a u32.
                if v > u64::from(u32::MAX).saturating_add(80) {
                    return Err(err(DecodeErrorKind::OidArcOverflow, start));
                }
                if b & 0x80 == 0 {
                    break v;
                }
            }
        };
        if first {
            first = false;
            let (x, y) = match v {
                0..=39 => (0, v),
                40..=79 => (1, v.saturating_sub(40)),
                _ => (2, v.saturating_sub(80)),
            };
            sink(x);
            sink(u32::try_from(y).map_err(|_| err(DecodeErrorKind::OidArcOverflow, start))?);
        } else {
            sink(u32::try_from(v).map_err(|_| err(DecodeErrorKind::OidArcOverflow, start))?);
        }
    }
    Ok(())
}

/// Prepends one base-128 sub-identifier.
#[inline]
fn write_subid(w: &mut crate::ber::Writer<'_>, v: u64) {
    if v < 0x80 {
        w.byte(v as u8);
        return;
    }
    // A u64 takes at most 10 base-128 octets: `i` stays in 0..10.
    let mut tmp = [0u8; 10];
    let mut i = tmp.len();
    let mut v = v;
    let mut last = true;
    while (v > 0 || last) && i > 0 {
        i = i.saturating_sub(1);
        if let Some(slot) = tmp.get_mut(i) {
            *slot = (v & 0x7f) as u8 | if last { 0 } else { 0x80 };
        }
        v >>= 7;
        last = false;
    }
    w.bytes(tmp.get(i..).unwrap_or(&tmp));
}

impl Clone for Oid {
    /// Copies the arcs in one piece (the derived clone copies them one by one).
    fn clone(&self) -> Self {
        Self {
            arcs: SmallVec::from_slice(&self.arcs),
        }
    }
}

impl PartialOrd for Oid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Oid {
    /// Lexicographic on arcs: `1.3 < 1.3.0 < 1.3.6 < 1.4`.
    fn cmp(&self, other: &Self) -> Ordering {
        self.arcs.as_slice().cmp(other.arcs.as_slice())
    }
}

impl fmt::Display for Oid {
    /// Dotted text without a leading dot; `{:#}` adds the leading dot as Net-SNMP's `-On` does.
    /// Width and alignment apply to the whole text (`{:>8}`).
    ///
    /// ```
    /// let index = snmp_codec::Oid::from_arcs(&[3]);
    /// assert_eq!(format!("[{index:>4}]"), "[   3]");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            let mut text = alloc::string::String::new();
            write_dotted(&mut text, &self.arcs, f.alternate())?;
            return f.pad(&text);
        }
        write_dotted(f, &self.arcs, f.alternate())
    }
}

/// Arcs as dotted text, with a leading dot if `dot`.
fn write_dotted(w: &mut impl fmt::Write, arcs: &[u32], dot: bool) -> fmt::Result {
    for (i, a) in arcs.iter().enumerate() {
        if i > 0 || dot {
            w.write_str(".")?;
        }
        write!(w, "{a}")?;
    }
    Ok(())
}

impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Oid({self})")
    }
}

impl FromStr for Oid {
    type Err = OidParseError;

    /// Parses dotted text, with or without a leading dot (`1.3.6.1`, `.1.3.6.1`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let body = s.strip_prefix('.').unwrap_or(s);
        if body.is_empty() {
            return Err(OidParseError::Empty);
        }
        let base = s.len().saturating_sub(body.len());
        let mut arcs = SmallVec::new();
        let mut pos = base;
        for part in body.split('.') {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(OidParseError::InvalidArc(pos));
            }
            let arc: u32 = part.parse().map_err(|_| OidParseError::ArcOverflow(pos))?;
            if arcs.len() == MAX_OID_ARCS {
                return Err(OidParseError::TooLong);
            }
            arcs.push(arc);
            pos = pos.saturating_add(part.len()).saturating_add(1);
        }
        let oid = Oid { arcs };
        oid.validate()?;
        Ok(oid)
    }
}

impl TryFrom<&str> for Oid {
    type Error = OidParseError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<&[u32]> for Oid {
    fn from(arcs: &[u32]) -> Self {
        Oid::from_arcs(arcs)
    }
}

impl<const N: usize> From<[u32; N]> for Oid {
    fn from(arcs: [u32; N]) -> Self {
        Oid::from_arcs(&arcs)
    }
}

impl AsRef<[u32]> for Oid {
    fn as_ref(&self) -> &[u32] {
        &self.arcs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn parse_and_display() {
        let o: Oid = ".1.3.6.1.2.1.1.1.0".parse().unwrap();
        assert_eq!(o.to_string(), "1.3.6.1.2.1.1.1.0");
        assert_eq!(o, "1.3.6.1.2.1.1.1.0".parse().unwrap());
        assert_eq!(
            "4294967295".parse::<Oid>(),
            Err(OidParseError::NotEncodable)
        );
        let big: Oid = "2.4294967295.4294967295".parse().unwrap();
        assert_eq!(big.arcs(), &[2, u32::MAX, u32::MAX]);
        assert_eq!(
            "1.3.4294967296".parse::<Oid>(),
            Err(OidParseError::ArcOverflow(4))
        );
        assert_eq!("1..3".parse::<Oid>(), Err(OidParseError::InvalidArc(2)));
        assert_eq!("1.3.".parse::<Oid>(), Err(OidParseError::InvalidArc(4)));
        assert_eq!("1.x".parse::<Oid>(), Err(OidParseError::InvalidArc(2)));
        assert_eq!("".parse::<Oid>(), Err(OidParseError::Empty));
        assert_eq!(".".parse::<Oid>(), Err(OidParseError::Empty));
        assert_eq!("1.+3".parse::<Oid>(), Err(OidParseError::InvalidArc(2)));
        assert_eq!("1.40".parse::<Oid>(), Err(OidParseError::NotEncodable));
        let long = ["1"; 129].join(".");
        assert_eq!(long.parse::<Oid>(), Err(OidParseError::TooLong));
    }

    #[test]
    fn ordering() {
        let a: Oid = "1.3".parse().unwrap();
        let b: Oid = "1.3.0".parse().unwrap();
        let c: Oid = "1.3.6".parse().unwrap();
        let d: Oid = "1.4".parse().unwrap();
        assert!(a < b && b < c && c < d);
        let e: Oid = "1.3.6.1.2.1.2.2.1.10.9".parse().unwrap();
        let f: Oid = "1.3.6.1.2.1.2.2.1.10.10".parse().unwrap();
        assert!(e < f);
    }

    #[test]
    fn ber_first_arcs() {
        let big = Oid::from_arcs(&[2, u32::MAX, 5]);
        let mut buf = [0u8; 16];
        let mut w = crate::ber::Writer::new(&mut buf);
        big.write_ber_content(&mut w);
        let n = w.len();
        assert_eq!(Oid::from_ber(&buf[16 - n..], 0).unwrap(), big);
        assert_eq!(
            Oid::from_ber(&[0x2b, 0x80, 0x01], 0).unwrap_err().kind(),
            DecodeErrorKind::NonMinimalOid
        );
        assert_eq!(
            Oid::from_ber(&[0x2b, 0x86, 0x86], 0).unwrap_err().kind(),
            DecodeErrorKind::TruncatedOid
        );
        assert_eq!(
            Oid::from_ber(&[0x2b, 0x8f, 0x8f, 0x8f, 0x8f, 0x8f, 0x01], 0)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::OidArcOverflow
        );
        assert_eq!(Oid::from_ber(&[0x28], 0).unwrap().arcs(), &[1, 0]);
    }
}
