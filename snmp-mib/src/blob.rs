//! The compiled form of a set of modules: one flat byte buffer read in place.
//!
//! The embedded standard set and the cache of the user's own folders share this format, so
//! a `Mib` costs no parse and no allocation per node at start-up: records are read straight
//! from the bytes. Every read is bounds-checked; a corrupted or hostile buffer gives
//! [`BlobError`] at open time or empty fields later, never a panic.
//!
//! Layout (all integers little-endian): the magic `SNMPMIB\0`, the format version (u32),
//! then [`SECTIONS`] pairs of (offset, length) in bytes, then the sections. Records are fixed
//! size; strings are (offset, length) into the string section.

#[allow(unused_imports)]
use crate::prelude::*;

use bytes::Bytes;

/// The first eight bytes of every compiled set.
pub(crate) const MAGIC: &[u8; 8] = b"SNMPMIB\0";
/// Bumped whenever the layout changes; older caches are then recompiled.
pub(crate) const VERSION: u32 = 2;

/// Section numbers, in header order.
pub(crate) mod sec {
    pub(crate) const STR: usize = 0;
    pub(crate) const ARCS: usize = 1;
    pub(crate) const MODULES: usize = 2;
    pub(crate) const NODES: usize = 3;
    pub(crate) const BY_NAME: usize = 4;
    pub(crate) const TYPES: usize = 5;
    pub(crate) const ENUMS: usize = 6;
    pub(crate) const INDEXES: usize = 7;
    pub(crate) const RANGES: usize = 8;
    pub(crate) const MEMBERS: usize = 9;
}
pub(crate) const SECTIONS: usize = 10;
const HEADER: usize = 12 + SECTIONS * 8;

/// Record sizes, per section (0: not a record section).
const RECORD: [usize; SECTIONS] = [1, 4, MODULE_REC, NODE_REC, 16, TYPE_REC, 16, 8, 16, 4];

pub(crate) const NONE: u32 = u32::MAX;

// Module: name str(8), oid start u32, oid len u32 (the MODULE-IDENTITY's node or NONE), file str(8).
pub(crate) const MODULE_REC: usize = 24;
// Node: oid start/len (8), name (8), module (4), kind/access/status/flags (4), type (4),
// units (8), description (8), indexes start/len (8), augments (4), members start/len (8),
// reference (8), defval (8).
pub(crate) const NODE_REC: usize = 88;
// Type: name (8), module (4), base/flags (4), hint (8), enums start/len (8),
// sizes start/len (8), ranges start/len (8), description (8), parent type (4).
pub(crate) const TYPE_REC: usize = 60;

/// Why a buffer is not a compiled set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BlobError {
    /// It does not start with the magic bytes.
    #[error("not a compiled MIB set (bad magic)")]
    Magic,
    /// It was written by another version of this crate.
    #[error("compiled MIB set has format version {0}, this build reads {VERSION}")]
    Version(u32),
    /// A section lies outside the buffer or is not a whole number of records.
    #[error("compiled MIB set is truncated or corrupt (section {0})")]
    Section(usize),
}

/// A string reference inside a record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StrRef {
    pub(crate) off: u32,
    pub(crate) len: u32,
}

/// An opened compiled set. Cheap to clone (shares the bytes).
#[derive(Clone)]
pub(crate) struct Blob {
    bytes: Bytes,
    sections: [(usize, usize); SECTIONS],
}

impl core::fmt::Debug for Blob {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Blob")
            .field("bytes", &self.bytes.len())
            .field("nodes", &self.count(sec::NODES))
            .finish()
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..)
        .and_then(<[u8]>::first_chunk::<4>)
        .map_or(0, |s| u32::from_le_bytes(*s))
}

/// The record size of section `s` (1 for a section number out of range: reads then give
/// nothing).
fn record_size(s: usize) -> usize {
    RECORD.get(s).copied().unwrap_or(1).max(1)
}

impl Blob {
    /// Checks the header and the section bounds.
    pub(crate) fn open(bytes: Bytes) -> Result<Blob, BlobError> {
        if bytes.len() < HEADER || bytes.get(..8) != Some(&MAGIC[..]) {
            return Err(BlobError::Magic);
        }
        let version = u32_at(&bytes, 8);
        if version != VERSION {
            return Err(BlobError::Version(version));
        }
        let mut sections = [(0usize, 0usize); SECTIONS];
        for (i, s) in sections.iter_mut().enumerate() {
            // i < SECTIONS: the header's fields are within HEADER.
            let field = i.saturating_mul(8).saturating_add(12);
            let off = u32_at(&bytes, field) as usize;
            let len = u32_at(&bytes, field.saturating_add(4)) as usize;
            let end = off.checked_add(len).ok_or(BlobError::Section(i))?;
            if off < HEADER || end > bytes.len() || !len.is_multiple_of(record_size(i)) {
                return Err(BlobError::Section(i));
            }
            *s = (off, len);
        }
        Ok(Blob { bytes, sections })
    }

    /// The buffer, as written.
    pub(crate) fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    fn section(&self, s: usize) -> &[u8] {
        let (off, len) = self.sections.get(s).copied().unwrap_or((0, 0));
        self.bytes.get(off..off.saturating_add(len)).unwrap_or(&[])
    }

    /// Number of records in a section.
    pub(crate) fn count(&self, s: usize) -> usize {
        self.sections
            .get(s)
            .and_then(|&(_, len)| len.checked_div(record_size(s)))
            .unwrap_or(0)
    }

    /// Record `i` of section `s` (empty when out of range, so field reads give zeros).
    pub(crate) fn record(&self, s: usize, i: u32) -> &[u8] {
        let size = record_size(s);
        let at = (i as usize).saturating_mul(size);
        self.section(s)
            .get(at..at.saturating_add(size))
            .unwrap_or(&[])
    }

    pub(crate) fn u32(&self, s: usize, i: u32, field: usize) -> u32 {
        u32_at(self.record(s, i), field)
    }

    pub(crate) fn u8(&self, s: usize, i: u32, field: usize) -> u8 {
        self.record(s, i).get(field).copied().unwrap_or(0)
    }

    pub(crate) fn str_field(&self, s: usize, i: u32, field: usize) -> &str {
        let r = self.record(s, i);
        self.str(StrRef {
            off: u32_at(r, field),
            len: u32_at(r, field.saturating_add(4)),
        })
    }

    pub(crate) fn str(&self, r: StrRef) -> &str {
        let strs = self.section(sec::STR);
        let start = r.off as usize;
        let end = start.saturating_add(r.len as usize);
        strs.get(start..end)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// `len` arcs from `start` of the arcs section (empty when out of range).
    pub(crate) fn arcs(&self, start: u32, len: u32) -> ArcSlice<'_> {
        let a = self.section(sec::ARCS);
        let from = (start as usize).saturating_mul(4);
        let to = from.saturating_add((len as usize).saturating_mul(4));
        ArcSlice(a.get(from..to).unwrap_or(&[]))
    }

    /// Slice of a u32 list section (BY_NAME, MEMBERS).
    pub(crate) fn list(&self, s: usize, start: u32, len: u32) -> impl Iterator<Item = u32> + '_ {
        let size = record_size(s);
        let a = self.section(s);
        let from = (start as usize).saturating_mul(size);
        let to = from.saturating_add((len as usize).saturating_mul(size));
        a.get(from..to)
            .unwrap_or(&[])
            .chunks_exact(size)
            .map(|c| u32_at(c, 0))
    }

    pub(crate) fn i64_at(&self, s: usize, i: u32, field: usize) -> i64 {
        let r = self.record(s, i);
        r.get(field..)
            .and_then(<[u8]>::first_chunk::<8>)
            .map_or(0, |b| i64::from_le_bytes(*b))
    }
}

/// Arcs read in place.
#[derive(Clone, Copy)]
pub(crate) struct ArcSlice<'a>(&'a [u8]);

impl<'a> ArcSlice<'a> {
    pub(crate) fn len(&self) -> usize {
        self.0.len() / 4
    }
    pub(crate) fn get(&self, i: usize) -> Option<u32> {
        self.0
            .get(i.checked_mul(4)?..)
            .and_then(<[u8]>::first_chunk::<4>)
            .map(|s| u32::from_le_bytes(*s))
    }
    pub(crate) fn iter(self) -> impl Iterator<Item = u32> + 'a {
        self.0.chunks_exact(4).map(|s| u32_at(s, 0))
    }
    pub(crate) fn to_vec(self) -> Vec<u32> {
        self.iter().collect()
    }
    /// Compares with a plain arc slice, as OIDs order.
    pub(crate) fn cmp_arcs(self, other: &[u32]) -> core::cmp::Ordering {
        self.iter().cmp(other.iter().copied())
    }
}

/// Builds a compiled set.
#[cfg_attr(not(feature = "load"), allow(dead_code))]
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) sections: [Vec<u8>; SECTIONS],
    strings: alloc::collections::BTreeMap<String, StrRef>,
}

#[cfg_attr(not(feature = "load"), allow(dead_code))]
impl Writer {
    pub(crate) fn string(&mut self, s: &str) -> StrRef {
        if s.is_empty() {
            return StrRef::default();
        }
        if let Some(r) = self.strings.get(s) {
            return *r;
        }
        let buf = &mut self.sections[sec::STR];
        let r = StrRef {
            off: buf.len() as u32,
            len: s.len() as u32,
        };
        buf.extend_from_slice(s.as_bytes());
        self.strings.insert(s.to_owned(), r);
        r
    }

    /// Appends arcs, returning their start.
    pub(crate) fn arcs(&mut self, arcs: &[u32]) -> u32 {
        let buf = &mut self.sections[sec::ARCS];
        let start = (buf.len() / 4) as u32;
        for a in arcs {
            buf.extend_from_slice(&a.to_le_bytes());
        }
        start
    }

    /// The next record number of a section.
    pub(crate) fn next(&self, s: usize) -> u32 {
        self.sections
            .get(s)
            .and_then(|v| v.len().checked_div(record_size(s)))
            .map_or(0, |n| n as u32)
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            self.sections
                .iter()
                .map(Vec::len)
                .fold(HEADER, usize::saturating_add),
        );
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        let mut off = HEADER;
        for s in &self.sections {
            out.extend_from_slice(&(off as u32).to_le_bytes());
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            off = off.saturating_add(s.len());
        }
        for s in &self.sections {
            out.extend_from_slice(s);
        }
        out
    }
}

/// Little helpers for building records.
#[cfg_attr(not(feature = "load"), allow(dead_code))]
#[derive(Default)]
pub(crate) struct Rec(pub(crate) Vec<u8>);

#[cfg_attr(not(feature = "load"), allow(dead_code))]
impl Rec {
    pub(crate) fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    pub(crate) fn i64(mut self, v: i64) -> Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn s(self, r: StrRef) -> Self {
        self.u32(r.off).u32(r.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_buffers_are_errors_not_panics() {
        assert_eq!(Blob::open(Bytes::new()).unwrap_err(), BlobError::Magic);
        let mut w = Writer::default();
        w.string("x");
        let good = w.finish();
        assert!(Blob::open(Bytes::from(good.clone())).is_ok());
        for cut in 0..good.len() {
            let _ = Blob::open(Bytes::copy_from_slice(&good[..cut]));
        }
        let mut bad = good.clone();
        bad[8] = 9;
        assert_eq!(
            Blob::open(Bytes::from(bad)).unwrap_err(),
            BlobError::Version(9)
        );
        let mut bad = good;
        bad[12] = 0xff;
        bad[13] = 0xff;
        assert!(matches!(
            Blob::open(Bytes::from(bad)),
            Err(BlobError::Section(0))
        ));
    }
}
