//! From text to OIDs, in every form Net-SNMP accepts.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::index::push_string;
use crate::model::{BaseType, Mib, Node};
use snmp_codec::Oid;

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// A name that no loaded module defines.
    #[error("{text}: unknown object name {name:?}{}", suggest(.suggestions))]
    UnknownName {
        /// The whole text given.
        text: String,
        /// The name not found.
        name: String,
        /// Close names that exist.
        suggestions: Vec<String>,
    },
    /// `MODULE::name` with a module that is not loaded.
    #[error("{text}: module {module} is not loaded")]
    UnknownModule {
        /// The whole text.
        text: String,
        /// The module.
        module: String,
    },
    /// Not a name, a number or a quoted index; or an empty part (`1.3..6`, a trailing dot).
    #[error("{text}: invalid OID syntax at character {}: {}", at.saturating_add(1), what(part))]
    Syntax {
        /// The whole text.
        text: String,
        /// The offending part (empty for an empty part between dots).
        part: String,
        /// Where it starts in the text (a byte offset).
        at: usize,
    },
}

/// InetAddress text (`127.0.0.1`, `fe:80:...:01`, with `%zone` for the z forms) as the
/// octets its InetAddressType value calls for.
fn inet_bytes(kind: u32, text: &str) -> Option<Vec<u8>> {
    let (addr, zone) = match text.split_once('%') {
        Some((a, z)) => (a, Some(z.parse::<u32>().ok()?)),
        None => (text, None),
    };
    let mut out = match kind {
        1 | 3 => addr.parse::<core::net::Ipv4Addr>().ok()?.octets().to_vec(),
        2 | 4 => {
            let hex: Vec<u8> = addr
                .split(':')
                .map(|h| u8::from_str_radix(h, 16).ok())
                .collect::<Option<_>>()?;
            if hex.len() == 16 {
                hex
            } else {
                addr.parse::<core::net::Ipv6Addr>().ok()?.octets().to_vec()
            }
        }
        _ => return None,
    };
    match (kind, zone) {
        (3 | 4, Some(z)) => out.extend_from_slice(&z.to_be_bytes()),
        (1 | 2, None) => {}
        _ => return None,
    }
    Some(out)
}

fn what(part: &str) -> String {
    if part.is_empty() {
        "an empty sub-identifier".to_owned()
    } else {
        format!("{part:?}")
    }
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" (did you mean {}?)", s.join(", "))
    }
}

/// A part of the text between dots.
#[derive(Debug, PartialEq)]
enum Part<'a> {
    Number(u32),
    Name(&'a str),
    /// `"..."`: a string index with its length (unless the index is IMPLIED).
    Quoted(Vec<u8>),
    /// `'...'`: a string index without its length.
    Implied(Vec<u8>),
}

fn unescape(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut chars = s.bytes();
    while let Some(c) = chars.next() {
        if c == b'\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The parts between the dots: one leading dot is allowed (the absolute form); every other
/// dot must stand between two parts. An error is the offending part and where it starts.
fn parts(text: &str) -> Result<Vec<Part<'_>>, (String, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    // Where the next part must start: after the leading dot, or after each separator.
    let mut expect_part = true;
    if b.first() == Some(&b'.') {
        i = 1;
    }
    // `i` and `j` step over the text's bytes (never past its length plus one: they cannot
    // overflow); the text is sliced where ASCII bytes were found, so on char boundaries.
    let from = |at: usize| text.get(at..).unwrap_or_default().to_owned();
    while let Some(&c) = b.get(i) {
        if !expect_part {
            // A part ended: a dot follows, and then another part.
            if c != b'.' {
                return Err((from(i), i));
            }
            i = i.saturating_add(1);
            expect_part = true;
            if i >= b.len() {
                return Err((String::new(), i));
            }
            continue;
        }
        expect_part = false;
        match c {
            b'.' => return Err((String::new(), i)),
            q @ (b'"' | b'\'') => {
                let start = i.saturating_add(1);
                let mut j = start;
                while let Some(&d) = b.get(j).filter(|&&d| d != q) {
                    if d == b'\\' {
                        j = j.saturating_add(1);
                    }
                    j = j.saturating_add(1);
                }
                if j >= b.len() {
                    return Err((from(i), i));
                }
                let v = unescape(text.get(start..j).unwrap_or_default());
                out.push(if q == b'"' {
                    Part::Quoted(v)
                } else {
                    Part::Implied(v)
                });
                i = j.saturating_add(1);
            }
            _ => {
                let start = i;
                while b.get(i).is_some_and(|&d| d != b'.') {
                    i = i.saturating_add(1);
                }
                let p = text.get(start..i).unwrap_or_default();
                if p.bytes().all(|c| c.is_ascii_digit()) {
                    out.push(Part::Number(p.parse().map_err(|_| (p.to_owned(), start))?));
                } else if p
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'#')
                {
                    // Net-SNMP's `name(1)` form is not taken here; plain names only.
                    out.push(Part::Name(p));
                } else {
                    return Err((p.to_owned(), start));
                }
            }
        }
    }
    Ok(out)
}

/// Edit distance, bounded.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    // Two rows of the table: prev[j] is the distance of a[..i] and b[..j].
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = prev.clone();
    for (i, ca) in a.iter().enumerate() {
        let mut left = i.saturating_add(1);
        if let Some(first) = cur.first_mut() {
            *first = left;
        }
        for ((cb, pair), slot) in b.iter().zip(prev.windows(2)).zip(cur.iter_mut().skip(1)) {
            let (diag, up) = (
                pair.first().copied().unwrap_or(0),
                pair.get(1).copied().unwrap_or(0),
            );
            let sub = diag.saturating_add(usize::from(ca != cb));
            left = sub.min(up.saturating_add(1)).min(left.saturating_add(1));
            *slot = left;
        }
        core::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

impl Mib {
    /// Resolves a name or OID: `sysDescr.0`, `SNMPv2-MIB::sysDescr.0`, `IF-MIB::ifTable`,
    /// `ifDescr.3`, `.iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0`, `1.3.6.1.2.1.1.1.0`,
    /// `.1.3.6.1`, and string indexes as Net-SNMP writes them
    /// (`vacmGroupName.3."public"`; `'abc'` for one without its length).
    ///
    /// ```
    /// let mib = snmp_mib::Mib::standard();
    /// assert_eq!(mib.resolve("sysDescr.0").unwrap().to_string(), "1.3.6.1.2.1.1.1.0");
    /// assert_eq!(
    ///     mib.resolve(".iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0").unwrap(),
    ///     mib.resolve("SNMPv2-MIB::sysDescr.0").unwrap(),
    /// );
    /// let err = mib.resolve("sysDescrr.0").unwrap_err().to_string();
    /// assert!(err.contains("did you mean sysDescr"), "{err}");
    /// ```
    pub fn resolve(&self, text: &str) -> Result<Oid, ResolveError> {
        let t = text.trim();
        // Offsets in `rest` are made offsets in `text`.
        let lead = text.len().saturating_sub(text.trim_start().len());
        let (module, rest) = match t.split_once("::") {
            Some((m, r)) => (Some(m), r),
            None => (None, t),
        };
        let base = lead.saturating_add(t.len().saturating_sub(rest.len()));
        let syntax = |part: String| ResolveError::Syntax {
            text: text.to_owned(),
            at: base.saturating_add(rest.find(part.as_str()).unwrap_or(0)),
            part,
        };
        if t.is_empty() {
            return Err(syntax(String::new()));
        }
        let absolute = module.is_none() && rest.starts_with('.');
        let parts = parts(rest).map_err(|(part, at)| ResolveError::Syntax {
            text: text.to_owned(),
            part,
            at: base.saturating_add(at),
        })?;
        let mut arcs: Vec<u32> = Vec::new();
        let mut node: Option<Node<'_>> = None;
        let mut iter = parts.into_iter().peekable();
        // The first part fixes where we start.
        match iter.peek() {
            Some(Part::Name(name)) if !absolute => {
                let name = *name;
                let found = match module {
                    Some(m) => {
                        if self.module(m).is_none() {
                            return Err(ResolveError::UnknownModule {
                                text: text.to_owned(),
                                module: m.to_owned(),
                            });
                        }
                        self.by_name(name)
                            .find(|(_, mm)| mm.name() == m)
                            .map(|(n, _)| n)
                    }
                    None => self.node(name),
                };
                let Some(n) = found else {
                    return Err(self.unknown(text, name));
                };
                arcs = n.arcs().to_vec();
                node = Some(n);
                iter.next();
            }
            Some(Part::Name(_)) | Some(Part::Number(_)) => {}
            _ => return Err(syntax(rest.to_owned())),
        }
        // Descend while the parts name (or number) nodes of the tree.
        while let Some(p) = iter.peek() {
            let next = match p {
                Part::Number(n) => {
                    let mut probe = arcs.clone();
                    probe.push(*n);
                    self.node_by_oid(&probe)
                }
                Part::Name(name) => match node {
                    Some(cur) => cur.children().find(|c| c.name() == *name),
                    None if arcs.is_empty() => self
                        .nodes()
                        .filter(|n| n.depth() == 1)
                        .find(|n| n.name() == *name),
                    None => None,
                },
                _ => None,
            };
            match next {
                Some(n) => {
                    arcs = n.arcs().to_vec();
                    node = Some(n);
                    iter.next();
                }
                None => break,
            }
        }
        let rest_parts: Vec<Part<'_>> = iter.collect();
        if let Some(Part::Name(name)) = rest_parts.first() {
            // A name that is no child here, with no index to read it as a label.
            let has_index = node.is_some_and(|n| !n.effective_index().is_empty());
            if !has_index {
                return Err(self.unknown(text, name));
            }
        }
        self.index_arcs(text, node, rest_parts, &mut arcs)?;
        if arcs.is_empty() {
            return Err(syntax(rest.to_owned()));
        }
        Ok(Oid::from_arcs(&arcs))
    }

    /// The instance part: read by the row's INDEX where there is one (enumeration labels
    /// for integers, `"..."` strings with their length unless IMPLIED or fixed-size,
    /// InetAddress text after its InetAddressType), numbers taken as they are.
    fn index_arcs(
        &self,
        text: &str,
        node: Option<Node<'_>>,
        parts: Vec<Part<'_>>,
        arcs: &mut Vec<u32>,
    ) -> Result<(), ResolveError> {
        let syntax = |part: String| ResolveError::Syntax {
            at: text.find(part.as_str()).unwrap_or(0),
            text: text.to_owned(),
            part,
        };
        let index = node.map(|n| n.effective_index()).unwrap_or_default();
        let mut comps = index.iter();
        let mut prev_int: Option<u32> = None;
        let mut parts = parts.into_iter().peekable();
        while let Some(p) = parts.next() {
            let comp = comps.next();
            let t = comp.and_then(|(ix, _)| ix.syntax());
            let implied = comp.is_some_and(|(_, imp)| *imp);
            match p {
                Part::Number(n) => {
                    arcs.push(n);
                    prev_int = Some(n);
                    match t.map(|t| t.base()) {
                        // An IpAddress written as its four numbers.
                        Some(BaseType::IpAddress) => {
                            for _ in 0..3 {
                                match parts.peek() {
                                    Some(Part::Number(x)) => {
                                        arcs.push(*x);
                                        parts.next();
                                    }
                                    _ => break,
                                }
                            }
                        }
                        // A string or OID written as numbers: the rest is taken as is.
                        Some(
                            BaseType::OctetString | BaseType::ObjectIdentifier | BaseType::Opaque,
                        ) => {
                            for p in parts.by_ref() {
                                match p {
                                    Part::Number(x) => arcs.push(x),
                                    Part::Name(n) => return Err(syntax(n.to_owned())),
                                    Part::Quoted(b) | Part::Implied(b) => {
                                        arcs.extend(b.iter().map(|&c| u32::from(c)))
                                    }
                                }
                            }
                            return Ok(());
                        }
                        _ => {}
                    }
                }
                Part::Name(label) => {
                    let v = t
                        .filter(|t| {
                            matches!(
                                t.base(),
                                BaseType::Integer32 | BaseType::Unsigned32 | BaseType::Gauge32
                            )
                        })
                        .and_then(|t| t.enum_value(label))
                        .and_then(|v| u32::try_from(v).ok());
                    match v {
                        Some(v) => {
                            arcs.push(v);
                            prev_int = Some(v);
                        }
                        None => return Err(self.unknown(text, label)),
                    }
                }
                Part::Quoted(bytes) => {
                    let inet = t
                        .filter(|t| t.is("InetAddress"))
                        .and_then(|_| inet_bytes(prev_int?, core::str::from_utf8(&bytes).ok()?));
                    push_string(arcs, &inet.unwrap_or(bytes), t, implied);
                    prev_int = None;
                }
                Part::Implied(bytes) => {
                    push_string(arcs, &bytes, t, true);
                    prev_int = None;
                }
            }
        }
        Ok(())
    }

    fn unknown(&self, text: &str, name: &str) -> ResolveError {
        let max = (name.len() / 3).clamp(1, 3);
        let mut best: Vec<(usize, &str)> = self
            .names()
            .filter(|n| n.len().abs_diff(name.len()) <= max)
            .map(|n| (distance(n, name), n))
            .filter(|(d, _)| *d <= max)
            .collect();
        best.sort();
        best.dedup_by(|a, b| a.1 == b.1);
        ResolveError::UnknownName {
            text: text.to_owned(),
            name: name.to_owned(),
            suggestions: best
                .into_iter()
                .take(3)
                .map(|(_, n)| n.to_owned())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_split_on_dots_outside_quotes() {
        assert_eq!(
            parts("a.3.\"x.y\".'z'").unwrap(),
            vec![
                Part::Name("a"),
                Part::Number(3),
                Part::Quoted(b"x.y".to_vec()),
                Part::Implied(b"z".to_vec())
            ]
        );
        assert!(parts("a.\"open").is_err());
        assert!(parts("a b").is_err());
        assert!(parts("99999999999").is_err());
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("sysDescr", "sysDescr"), 0);
        assert_eq!(distance("sysDescrr", "sysDescr"), 1);
        assert_eq!(distance("sysdescr", "sysDescr"), 0);
    }
}
