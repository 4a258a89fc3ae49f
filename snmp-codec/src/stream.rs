//! SNMP over a byte stream (TCP, RFC 3430): every message is sent whole, one after the other,
//! and found again on the way in by its own BER length. No other framing exists.
//!
//! [`frame_len`] reads the length of the message at the start of a buffer; [`StreamDecoder`]
//! keeps the bytes of one connection and hands out whole messages, never holding more than
//! one message (at most its limit) plus the bytes of the last read.
//!
//! ```
//! use snmp_codec::{CommunityMessage, Pdu, StreamDecoder, Version};
//!
//! let msg = CommunityMessage::new(Version::V2c, "public", Pdu::get_request(7, []));
//! let bytes = msg.to_vec();
//! let mut d = StreamDecoder::new(65_535);
//! // Two messages arrive split at an odd place.
//! let mut wire = bytes.clone();
//! wire.extend_from_slice(&bytes);
//! d.push(&wire[..5]);
//! assert_eq!(d.next_message(), Ok(None)); // not whole yet
//! d.push(&wire[5..]);
//! assert_eq!(d.next_message().unwrap().as_deref(), Some(&bytes[..]));
//! assert_eq!(d.next_message().unwrap().as_deref(), Some(&bytes[..]));
//! assert_eq!(d.next_message(), Ok(None));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use alloc::vec::Vec;
use core::fmt;

use crate::ber::tag;

/// Why a stream can no longer be read: the connection must be closed (nothing after the
/// bad bytes can be framed again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrameError {
    /// The first byte of a message is not a SEQUENCE tag (garbage on the stream).
    NotASequence {
        /// The byte found.
        found: u8,
    },
    /// An indefinite length, or more than four length octets.
    BadLength,
    /// The message says it is longer than the limit.
    TooLong {
        /// Its length with its header, in bytes.
        len: u64,
        /// The limit.
        limit: usize,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::NotASequence { found } => {
                write!(
                    f,
                    "stream out of step: a message starts with 0x{found:02x}, not a SEQUENCE"
                )
            }
            FrameError::BadLength => f.write_str("stream message with an unusable length field"),
            FrameError::TooLong { len, limit } => {
                write!(
                    f,
                    "stream message of {len} bytes is over the limit of {limit}"
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FrameError {}

/// The length, header included, of the message at the start of `buf`: `Ok(None)` while the
/// header is not all there, an error for bytes that cannot start a message.
///
/// ```
/// use snmp_codec::stream::frame_len;
/// assert_eq!(frame_len(&[0x30, 0x03, 2, 1, 0]), Ok(Some(5)));
/// assert_eq!(frame_len(&[0x30, 0x82, 0x01]), Ok(None));
/// assert_eq!(frame_len(&[0x30, 0x82, 0x01, 0x00]), Ok(Some(260)));
/// assert!(frame_len(&[0x02, 0x01]).is_err());
/// ```
pub fn frame_len(buf: &[u8]) -> Result<Option<u64>, FrameError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    if first != tag::SEQUENCE {
        return Err(FrameError::NotASequence { found: first });
    }
    let Some(&l) = buf.get(1) else {
        return Ok(None);
    };
    if l < 0x80 {
        return Ok(Some(2 + u64::from(l)));
    }
    let n = usize::from(l & 0x7f);
    if n == 0 || n > 4 {
        return Err(FrameError::BadLength);
    }
    let Some(octets) = buf.get(2..n.saturating_add(2)) else {
        return Ok(None);
    };
    // At most 8 length octets (checked above): the shifts and the sum fit (or saturate, and
    // the caller's limit refuses it).
    let content = octets
        .iter()
        .fold(0u64, |a, &b| a.checked_shl(8).unwrap_or(0) | u64::from(b));
    Ok(Some(content.saturating_add(2).saturating_add(n as u64)))
}

/// The bytes of one stream connection, turned into whole messages.
///
/// Push what each read returned with [`StreamDecoder::push`], then take messages with
/// [`StreamDecoder::next_message`] until it returns `Ok(None)`. A message whose length is
/// over the limit is refused as soon as its header is read, so a peer that announces an
/// endless message costs at most the limit. After an error the decoder stays in error: close
/// the connection.
#[derive(Debug, Clone)]
pub struct StreamDecoder {
    buf: Vec<u8>,
    /// Where the unread bytes start in `buf`.
    start: usize,
    limit: usize,
    failed: Option<FrameError>,
}

impl StreamDecoder {
    /// A decoder that refuses messages longer than `limit` bytes (header included).
    pub fn new(limit: usize) -> Self {
        StreamDecoder {
            buf: Vec::new(),
            start: 0,
            limit,
            failed: None,
        }
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        if self.start > 0 {
            // Keep only the unread part (at most one partial message).
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole message, `Ok(None)` while it is not all there, or the error that ends
    /// the stream (and every later call returns it too).
    pub fn next_message(&mut self) -> Result<Option<&[u8]>, FrameError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let rest = self.buf.get(self.start..).unwrap_or(&[]);
        let len = match frame_len(rest) {
            Ok(Some(len)) => len,
            Ok(None) => return Ok(None),
            Err(e) => return Err(self.fail(e)),
        };
        if len > self.limit as u64 {
            return Err(self.fail(FrameError::TooLong {
                len,
                limit: self.limit,
            }));
        }
        // `len` is at most the limit, a usize.
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        if rest.len() < len {
            return Ok(None);
        }
        let from = self.start;
        self.start = from.saturating_add(len);
        Ok(self.buf.get(from..self.start))
    }

    /// Bytes held that are not a whole message yet.
    pub fn pending(&self) -> usize {
        self.buf.len().saturating_sub(self.start)
    }

    /// The error that ended the stream, if one did.
    pub fn error(&self) -> Option<FrameError> {
        self.failed
    }

    fn fail(&mut self, e: FrameError) -> FrameError {
        self.failed = Some(e);
        self.buf = Vec::new();
        self.start = 0;
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn msg(content: usize) -> Vec<u8> {
        let mut v = vec![0x30];
        v.extend(crate::ber::encode_length(content));
        v.extend(core::iter::repeat_n(0x05, content));
        v
    }

    #[test]
    fn split_at_every_byte() {
        let a = msg(3);
        let b = msg(300);
        let mut wire = a.clone();
        wire.extend(&b);
        for cut in 0..=wire.len() {
            let mut d = StreamDecoder::new(1000);
            let mut got: Vec<Vec<u8>> = Vec::new();
            for part in [&wire[..cut], &wire[cut..]] {
                d.push(part);
                while let Some(m) = d.next_message().unwrap() {
                    got.push(m.to_vec());
                }
            }
            assert_eq!(got, vec![a.clone(), b.clone()], "cut at {cut}");
            assert_eq!(d.pending(), 0);
        }
    }

    #[test]
    fn one_byte_at_a_time() {
        let a = msg(200);
        let mut d = StreamDecoder::new(1000);
        let mut n = 0;
        for byte in a.iter().chain(&a) {
            d.push(core::slice::from_ref(byte));
            while d.next_message().unwrap().is_some() {
                n += 1;
            }
        }
        assert_eq!(n, 2);
    }

    #[test]
    fn endless_length_is_refused_at_the_header() {
        let mut d = StreamDecoder::new(65_535);
        d.push(&[0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]);
        assert!(matches!(d.next_message(), Err(FrameError::TooLong { .. })));
        d.push(&[0; 100]);
        assert_eq!(d.pending(), 0, "nothing is kept after an error");
        assert!(d.next_message().is_err());
    }

    #[test]
    fn garbage_and_bad_lengths_are_errors() {
        for bad in [
            &[0x02u8, 1, 0][..],
            &[0x30, 0x80],
            &[0x30, 0x85, 1, 1, 1, 1, 1],
        ] {
            let mut d = StreamDecoder::new(100);
            d.push(bad);
            assert!(d.next_message().is_err(), "{bad:?}");
        }
        assert_eq!(frame_len(&[]), Ok(None));
    }
}
