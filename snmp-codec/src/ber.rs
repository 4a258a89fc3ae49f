//! The BER subset SNMP uses: single-octet tags, definite lengths, and the primitive encodings
//! of INTEGER, unsigned integers, OCTET STRING, NULL and OBJECT IDENTIFIER.
//!
//! Decoding is strict where it matters (no indefinite lengths, every length bounded by its
//! parent, integers that fit their type) and lenient where real agents are sloppy (non-minimal
//! long-form lengths such as `30 82 00 35`, redundant leading sign octets in integers).
//!
//! The functions here are public so that other crates (and tests) can reuse them, but most users
//! want [`crate::Message`] instead.

use bytes::Bytes;
use core::ops::Range;

use crate::error::{DecodeError, DecodeErrorKind};

/// Universal and application tags used by SNMP.
pub mod tag {
    /// INTEGER.
    pub const INTEGER: u8 = 0x02;
    /// OCTET STRING.
    pub const OCTET_STRING: u8 = 0x04;
    /// NULL.
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER.
    pub const OBJECT_IDENTIFIER: u8 = 0x06;
    /// SEQUENCE (constructed).
    pub const SEQUENCE: u8 = 0x30;
    /// IpAddress, `[APPLICATION 0]`.
    pub const IP_ADDRESS: u8 = 0x40;
    /// Counter32, `[APPLICATION 1]`.
    pub const COUNTER32: u8 = 0x41;
    /// Gauge32 / Unsigned32, `[APPLICATION 2]`.
    pub const GAUGE32: u8 = 0x42;
    /// TimeTicks, `[APPLICATION 3]`.
    pub const TIMETICKS: u8 = 0x43;
    /// Opaque, `[APPLICATION 4]`.
    pub const OPAQUE: u8 = 0x44;
    /// Counter64, `[APPLICATION 6]`.
    pub const COUNTER64: u8 = 0x46;
    /// The historic UInteger32, `[APPLICATION 7]` (decoded as an unsigned 32-bit value).
    pub const UINTEGER32: u8 = 0x47;
    /// noSuchObject exception, `[CONTEXT 0]` primitive.
    pub const NO_SUCH_OBJECT: u8 = 0x80;
    /// noSuchInstance exception, `[CONTEXT 1]` primitive.
    pub const NO_SUCH_INSTANCE: u8 = 0x81;
    /// endOfMibView exception, `[CONTEXT 2]` primitive.
    pub const END_OF_MIB_VIEW: u8 = 0x82;
}

/// The largest long-form length we accept: four length octets.
const MAX_LENGTH_OCTETS: usize = 4;

/// A cursor over a slice of a shared input buffer.
///
/// Every read is bounded by `end`, which is the end of the enclosing TLV, so a length can never
/// reach outside its parent. Positions in errors are absolute offsets into the original input.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    src: &'a Bytes,
    /// `src` as a plain slice (saves an indirection on every byte read).
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

/// One decoded TLV header: the tag, where the TLV started and where its content lies.
#[derive(Debug, Clone)]
pub(crate) struct Tlv {
    pub(crate) tag: u8,
    pub(crate) start: usize,
    pub(crate) content: Range<usize>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(src: &'a Bytes) -> Self {
        Self {
            src,
            buf: src,
            pos: 0,
            end: src.len(),
        }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    pub(crate) fn err(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(kind, self.pos)
    }

    /// The tag of the next TLV, without consuming it.
    pub(crate) fn peek_tag(&self) -> Result<u8, DecodeError> {
        if self.pos < self.end {
            self.buf
                .get(self.pos)
                .copied()
                .ok_or_else(|| self.err(DecodeErrorKind::Truncated))
        } else {
            Err(self.err(DecodeErrorKind::Truncated))
        }
    }

    fn byte_at(&self, at: usize) -> Result<u8, DecodeError> {
        if at < self.end {
            if let Some(b) = self.buf.get(at) {
                return Ok(*b);
            }
        }
        Err(DecodeError::new(DecodeErrorKind::Truncated, at))
    }

    /// Reads one TLV header and skips over its content.
    #[inline]
    pub(crate) fn read_tlv(&mut self) -> Result<Tlv, DecodeError> {
        let start = self.pos;
        // Fast path: a low tag and a short-form length, which is nearly every TLV in SNMP.
        // (Positions saturate: one at usize::MAX only fails the bounds checks.)
        let content_start = start.saturating_add(2);
        if let Some(&[tag, len]) = self.buf.get(start..content_start) {
            if len < 0x80 && tag & 0x1f != 0x1f && self.end >= content_start {
                let content_end = content_start.saturating_add(usize::from(len));
                if content_end <= self.end {
                    self.pos = content_end;
                    return Ok(Tlv {
                        tag,
                        start,
                        content: content_start..content_end,
                    });
                }
            }
        }
        self.read_tlv_slow()
    }

    #[cold]
    fn read_tlv_slow(&mut self) -> Result<Tlv, DecodeError> {
        let start = self.pos;
        let tag = self.byte_at(start)?;
        if tag & 0x1f == 0x1f {
            return Err(DecodeError::new(DecodeErrorKind::HighTagNumber, start));
        }
        let first = self.byte_at(start.saturating_add(1))?;
        let mut at = start.saturating_add(2);
        let len = if first < 0x80 {
            usize::from(first)
        } else if first == 0x80 {
            return Err(DecodeError::new(
                DecodeErrorKind::IndefiniteLength,
                start.saturating_add(1),
            ));
        } else {
            let n = usize::from(first & 0x7f);
            if n > MAX_LENGTH_OCTETS {
                return Err(DecodeError::new(
                    DecodeErrorKind::LengthTooLong,
                    start.saturating_add(1),
                ));
            }
            let mut len: usize = 0;
            for _ in 0..n {
                len = (len << 8) | usize::from(self.byte_at(at)?);
                at = at.saturating_add(1);
            }
            len
        };
        let content_end = at.checked_add(len).ok_or(DecodeError::new(
            DecodeErrorKind::LengthTooLong,
            start.saturating_add(1),
        ))?;
        if content_end > self.end {
            return Err(DecodeError::new(DecodeErrorKind::Truncated, start));
        }
        self.pos = content_end;
        Ok(Tlv {
            tag,
            start,
            content: at..content_end,
        })
    }

    /// Reads a TLV that must carry `expected`.
    #[inline]
    pub(crate) fn expect(&mut self, expected: u8) -> Result<Tlv, DecodeError> {
        let tlv = self.read_tlv()?;
        if tlv.tag != expected {
            self.pos = tlv.start;
            return Err(DecodeError::new(
                DecodeErrorKind::UnexpectedTag {
                    expected,
                    found: tlv.tag,
                },
                tlv.start,
            ));
        }
        Ok(tlv)
    }

    /// A reader over the content of the next TLV, which must carry `expected`.
    ///
    /// There is no depth counter: the decoder follows SNMP's fixed grammar (at most seven
    /// levels: message, scopedPDU, PDU, varbind list, varbind, value) and never descends into a
    /// structure because the input says so, so input cannot make it recurse.
    pub(crate) fn nested(&mut self, expected: u8) -> Result<Reader<'a>, DecodeError> {
        let tlv = self.expect(expected)?;
        Ok(self.sub(&tlv))
    }

    /// A reader over the content of `tlv` (which this reader produced).
    pub(crate) fn sub(&self, tlv: &Tlv) -> Reader<'a> {
        Reader {
            src: self.src,
            buf: self.buf,
            pos: tlv.content.start,
            end: tlv.content.end,
        }
    }

    /// The content bytes of `tlv` as a slice.
    pub(crate) fn slice(&self, range: &Range<usize>) -> &'a [u8] {
        self.buf.get(range.clone()).unwrap_or(&[])
    }

    /// The content bytes of `tlv` as a zero-copy `Bytes`.
    pub(crate) fn bytes(&self, range: &Range<usize>) -> Bytes {
        if range.start <= range.end && range.end <= self.src.len() {
            self.src.slice(range.clone())
        } else {
            Bytes::new()
        }
    }

    /// Fails with [`DecodeErrorKind::TrailingData`] unless every byte was consumed.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.err(DecodeErrorKind::TrailingData))
        }
    }

    pub(crate) fn read_i32(&mut self) -> Result<i32, DecodeError> {
        let tlv = self.expect(tag::INTEGER)?;
        decode_i32(self.slice(&tlv.content), tlv.start)
    }

    pub(crate) fn read_octets(&mut self) -> Result<Bytes, DecodeError> {
        let tlv = self.expect(tag::OCTET_STRING)?;
        Ok(self.bytes(&tlv.content))
    }
}

/// Decodes the content octets of a signed INTEGER that must fit in an `i32`.
///
/// Redundant leading sign octets (`00 00 05`, `ff ff fe`) are accepted; a value outside the
/// `i32` range is [`DecodeErrorKind::IntegerOverflow`]; empty content is
/// [`DecodeErrorKind::EmptyInteger`]. `offset` is used for errors only.
///
/// ```
/// assert_eq!(snmp_codec::ber::decode_i32(&[0xff, 0x00], 0), Ok(-256));
/// ```
pub fn decode_i32(content: &[u8], offset: usize) -> Result<i32, DecodeError> {
    let v = decode_i64(content, offset)?;
    i32::try_from(v).map_err(|_| DecodeError::new(DecodeErrorKind::IntegerOverflow, offset))
}

/// Decodes the content octets of a signed INTEGER that must fit in an `i64`.
pub fn decode_i64(content: &[u8], offset: usize) -> Result<i64, DecodeError> {
    let (&first, _) = content
        .split_first()
        .ok_or(DecodeError::new(DecodeErrorKind::EmptyInteger, offset))?;
    let negative = first & 0x80 != 0;
    let sign_byte = if negative { 0xff } else { 0x00 };
    // Skip redundant sign octets, keeping one if the next octet's top bit would flip the sign.
    let mut digits = content;
    while digits.len() > 1 {
        match digits {
            [s, tail @ ..]
                if *s == sign_byte && tail.first().is_some_and(|n| (n & 0x80 != 0) == negative) =>
            {
                digits = tail;
            }
            _ => break,
        }
    }
    if digits.len() > 8 {
        return Err(DecodeError::new(DecodeErrorKind::IntegerOverflow, offset));
    }
    // At most 8 octets: the shifts stay within the 64 bits (the checks can't fail).
    let mut v: i64 = if negative { -1 } else { 0 };
    for &b in digits {
        v = v.checked_shl(8).unwrap_or(0) | i64::from(b);
    }
    Ok(v)
}

/// Decodes the content octets of an unsigned integer (Counter32, Gauge32, TimeTicks,
/// Counter64, ...) that must fit in `max_bytes` octets (4 or 8).
///
/// Following Net-SNMP, the content is read as unsigned even when its first octet has the top
/// bit set (`41 01 80` is 128, not -128), leading zero octets are skipped, and empty content
/// reads as 0 (as gosnmp does).
pub fn decode_unsigned(
    content: &[u8],
    max_bytes: usize,
    offset: usize,
) -> Result<u64, DecodeError> {
    let mut digits = content;
    while let [0, rest @ ..] = digits {
        digits = rest;
    }
    if digits.len() > max_bytes {
        return Err(DecodeError::new(DecodeErrorKind::IntegerOverflow, offset));
    }
    Ok(digits
        .iter()
        .fold(0u64, |v, &b| v.checked_shl(8).unwrap_or(0) | u64::from(b)))
}

/// Number of octets of the minimal two's-complement encoding of `v`.
pub fn i64_content_len(v: i64) -> usize {
    // The bits above the sign bit that only repeat it: whole octets of them can go.
    let repeated = if v < 0 {
        v.leading_ones()
    } else {
        v.leading_zeros()
    };
    let needed = 65u32.saturating_sub(repeated); // with one sign bit
    needed.div_ceil(8).max(1) as usize
}

/// Number of octets of the minimal encoding of the unsigned `v` (with a leading zero octet when
/// the top bit would otherwise be set).
pub fn u64_content_len(v: u64) -> usize {
    let bits = 64u32.saturating_sub(v.leading_zeros());
    // bits / 8 + 1 gives room for the sign bit; zero still takes one octet.
    (bits / 8).saturating_add(1) as usize
}

/// Number of octets the length field of a TLV with `len` content octets takes.
pub fn length_len(len: usize) -> usize {
    match len {
        0..=0x7f => 1,
        0x80..=0xff => 2,
        0x100..=0xffff => 3,
        0x1_0000..=0xff_ffff => 4,
        _ => 5,
    }
}

/// Total size of a TLV with a one-octet tag and `content_len` content octets.
pub fn tlv_len(content_len: usize) -> usize {
    length_len(content_len)
        .saturating_add(1)
        .saturating_add(content_len)
}

/// Writes BER backwards, from the end of a buffer towards its start.
///
/// Writing backwards means every length is known when its header is written (it is the number
/// of bytes written since the content began), so one pass encodes a whole message with minimal
/// lengths and nothing is measured twice. When the buffer is too small the writer keeps
/// counting without writing, so the same code computes `encoded_len` (with an empty buffer)
/// and reports how many bytes a failed encode needed.
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    /// Bytes produced so far (written or, after an overflow, only counted).
    len: usize,
    overflow: bool,
}

impl<'a> Writer<'a> {
    /// A writer that fills `buf` from its end.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Self {
            buf,
            len: 0,
            overflow: false,
        }
    }

    /// Bytes produced so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// True when the buffer was too small; the output is then incomplete.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflow
    }

    /// Prepends `b`.
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        // A length that saturates can't fit the buffer either: it overflows.
        let new_len = self.len.saturating_add(b.len());
        if !self.overflow {
            match self.buf.len().checked_sub(new_len) {
                Some(start) => {
                    if let Some(dst) = self.buf.get_mut(start..start.saturating_add(b.len())) {
                        dst.copy_from_slice(b);
                    }
                }
                None => self.overflow = true,
            }
        }
        self.len = new_len;
    }

    /// Prepends one byte.
    pub(crate) fn byte(&mut self, b: u8) {
        self.len = self.len.saturating_add(1);
        if !self.overflow {
            match self.buf.len().checked_sub(self.len) {
                Some(at) => {
                    if let Some(slot) = self.buf.get_mut(at) {
                        *slot = b;
                    }
                }
                None => self.overflow = true,
            }
        }
    }

    /// Prepends a tag and the minimal definite length of the `len` bytes that follow it.
    pub(crate) fn header(&mut self, tag: u8, len: usize) {
        if len < 0x80 {
            self.bytes(&[tag, len as u8]);
        } else {
            let n = length_len(len).saturating_sub(1);
            let be = (len as u64).to_be_bytes();
            self.bytes(low_octets(&be, n));
            self.bytes(&[tag, 0x80 | n as u8]);
        }
    }

    /// Runs `content` (which prepends the content octets), then prepends the header.
    #[inline]
    pub(crate) fn tlv(&mut self, tag: u8, content: impl FnOnce(&mut Self)) {
        let end = self.len;
        content(self);
        let n = self.len.saturating_sub(end);
        self.header(tag, n);
    }

    pub(crate) fn i64_tlv(&mut self, tag: u8, v: i64) {
        let n = i64_content_len(v);
        let be = v.to_be_bytes();
        self.bytes(low_octets(&be, n));
        self.header(tag, n);
    }

    pub(crate) fn u64_tlv(&mut self, tag: u8, v: u64) {
        let n = u64_content_len(v);
        let be = v.to_be_bytes();
        if n > 8 {
            self.bytes(&be);
            self.byte(0);
        } else {
            self.bytes(low_octets(&be, n));
        }
        self.header(tag, n);
    }

    pub(crate) fn octets_tlv(&mut self, tag: u8, b: &[u8]) {
        self.bytes(b);
        self.header(tag, b.len());
    }
}

/// How encodable types are written: backwards, into a [`Writer`].
pub(crate) trait WriteBer {
    fn write_ber(&self, w: &mut Writer<'_>);

    /// Bytes the encoding takes (a counting pass of the same writer).
    fn ber_len(&self) -> usize {
        let mut w = Writer::new(&mut []);
        self.write_ber(&mut w);
        w.len()
    }

    /// Encodes into the start of `buf`.
    fn encode_ber(&self, buf: &mut [u8]) -> Result<usize, crate::EncodeError> {
        let mut w = Writer::new(buf);
        self.write_ber(&mut w);
        let n = w.len();
        if w.overflowed() {
            return Err(crate::EncodeError {
                needed: n,
                available: buf.len(),
            });
        }
        let start = buf.len().saturating_sub(n);
        buf.copy_within(start.., 0);
        Ok(n)
    }

    /// Encodes into a new vector of exactly the right size.
    fn ber_to_vec(&self) -> alloc::vec::Vec<u8> {
        let mut v = alloc::vec![0; self.ber_len()];
        let mut w = Writer::new(&mut v);
        self.write_ber(&mut w);
        debug_assert!(!w.overflowed() && w.len() == v.len());
        v
    }
}

/// The last `n` of the 8 big-endian octets (all 8 when `n` is larger).
fn low_octets(be: &[u8; 8], n: usize) -> &[u8] {
    be.get(8usize.saturating_sub(n)..).unwrap_or(be)
}

/// Encodes the content octets of a signed integer (minimal two's complement).
///
/// ```
/// assert_eq!(snmp_codec::ber::encode_i64_content(128), vec![0x00, 0x80]);
/// ```
pub fn encode_i64_content(v: i64) -> alloc::vec::Vec<u8> {
    let n = i64_content_len(v);
    low_octets(&v.to_be_bytes(), n).to_vec()
}

/// Encodes the content octets of an unsigned integer (minimal, with a leading zero octet when
/// the top bit is set).
///
/// ```
/// assert_eq!(snmp_codec::ber::encode_u64_content(255), vec![0x00, 0xff]);
/// ```
pub fn encode_u64_content(v: u64) -> alloc::vec::Vec<u8> {
    let n = u64_content_len(v);
    let mut out = alloc::vec![0u8; n.saturating_add(2)];
    let mut w = Writer::new(&mut out);
    w.u64_tlv(0, v);
    out.split_off(2)
}

/// Encodes a definite length field (minimal form).
///
/// ```
/// assert_eq!(snmp_codec::ber::encode_length(256), vec![0x82, 0x01, 0x00]);
/// ```
pub fn encode_length(len: usize) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec![0u8; length_len(len).saturating_add(1)];
    let mut w = Writer::new(&mut out);
    w.header(0, len);
    out.split_off(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(encode_length(0), [0]);
        assert_eq!(encode_length(127), [0x7f]);
        assert_eq!(encode_length(128), [0x81, 0x80]);
        assert_eq!(encode_length(65536), [0x83, 1, 0, 0]);
    }

    #[test]
    fn reader_rejects_length_past_parent() {
        let src = Bytes::from_static(&[0x30, 0x05, 0x04, 0x05, 0x41, 0x42]);
        let mut r = Reader::new(&src);
        let mut inner = r.nested(tag::SEQUENCE).err().unwrap();
        assert_eq!(inner.kind(), DecodeErrorKind::Truncated);
        let src = Bytes::from_static(&[0x30, 0x02, 0x04, 0x05, 0x41, 0x42, 0x43, 0x44]);
        let mut r = Reader::new(&src);
        let mut seq = r.nested(tag::SEQUENCE).ok().unwrap();
        inner = seq.read_tlv().unwrap_err();
        assert_eq!(inner.kind(), DecodeErrorKind::Truncated);
        assert_eq!(inner.offset(), 2);
    }

    #[test]
    fn integers() {
        assert_eq!(decode_i32(&[0x00, 0x00, 0x05], 0), Ok(5));
        assert_eq!(decode_i32(&[0xff, 0xff, 0xfe], 0), Ok(-2));
        assert_eq!(
            decode_i32(&[0x01, 0x00, 0x00, 0x00, 0x00], 0)
                .unwrap_err()
                .kind(),
            DecodeErrorKind::IntegerOverflow
        );
        assert_eq!(
            decode_i32(&[], 0).unwrap_err().kind(),
            DecodeErrorKind::EmptyInteger
        );
        assert_eq!(decode_i64(&[0; 20], 0), Ok(0));
        assert_eq!(decode_unsigned(&[0x80], 4, 0), Ok(128));
        assert!(decode_unsigned(&[1, 0, 0, 0, 0], 4, 0).is_err());
        for v in [0i64, 1, -1, 127, 128, -128, -129, i64::MAX, i64::MIN] {
            assert_eq!(decode_i64(&encode_i64_content(v), 0), Ok(v));
        }
        for v in [0u64, 1, 127, 128, 255, 256, u64::MAX] {
            assert_eq!(decode_unsigned(&encode_u64_content(v), 8, 0), Ok(v));
        }
    }
}
