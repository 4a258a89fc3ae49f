//! From text to OIDs, in every form Net-SNMP accepts.

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
    /// Not a name, a number or a quoted index.
    #[error("{text}: invalid OID syntax at {part:?}")]
    Syntax {
        /// The whole text.
        text: String,
        /// The offending part.
        part: String,
    },
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

fn parts(text: &str) -> Result<Vec<Part<'_>>, String> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => i += 1,
            q @ (b'"' | b'\'') => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != q {
                    if b[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                if j >= b.len() {
                    return Err(text[i..].to_owned());
                }
                let v = unescape(&text[start..j]);
                out.push(if q == b'"' {
                    Part::Quoted(v)
                } else {
                    Part::Implied(v)
                });
                i = j + 1;
            }
            _ => {
                let start = i;
                while i < b.len() && b[i] != b'.' {
                    i += 1;
                }
                let p = &text[start..i];
                if p.bytes().all(|c| c.is_ascii_digit()) {
                    out.push(Part::Number(p.parse().map_err(|_| p.to_owned())?));
                } else if p
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'#')
                {
                    // Net-SNMP's `name(1)` form is not taken here; plain names only.
                    out.push(Part::Name(p));
                } else {
                    return Err(p.to_owned());
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
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
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
        let syntax = |part: String| ResolveError::Syntax {
            text: text.to_owned(),
            part,
        };
        let t = text.trim();
        if t.is_empty() {
            return Err(syntax(String::new()));
        }
        let (module, rest) = match t.split_once("::") {
            Some((m, r)) => (Some(m), r),
            None => (None, t),
        };
        let absolute = module.is_none() && rest.starts_with('.');
        let parts = parts(rest).map_err(syntax)?;
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
                        self.by_name(name).find(|(_, mm)| mm.name() == m).map(|(n, _)| n)
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
        let mut in_index = false;
        for p in iter {
            match p {
                Part::Number(n) => {
                    arcs.push(n);
                    if !in_index {
                        match self.node_by_oid(&arcs) {
                            Some(next) => node = Some(next),
                            None => in_index = true,
                        }
                    }
                }
                Part::Name(name) if !in_index => {
                    let next = match node {
                        Some(cur) => cur.children().find(|c| c.name() == name),
                        None if arcs.is_empty() => self
                            .nodes()
                            .filter(|n| n.depth() == 1)
                            .find(|n| n.name() == name),
                        None => None,
                    };
                    let Some(next) = next else {
                        return Err(self.unknown(text, name));
                    };
                    arcs = next.arcs().to_vec();
                    node = Some(next);
                }
                Part::Name(name) => {
                    // An enumeration label as an index value (`ifType.ethernetCsmacd`
                    // style is not Net-SNMP's; numbers only), so this is an error.
                    return Err(syntax(name.to_owned()));
                }
                Part::Quoted(bytes) => {
                    in_index = true;
                    let implied = self.implied_at(node, arcs.len());
                    if !implied {
                        arcs.push(bytes.len() as u32);
                    }
                    arcs.extend(bytes.iter().map(|&b| u32::from(b)));
                }
                Part::Implied(bytes) => {
                    in_index = true;
                    arcs.extend(bytes.iter().map(|&b| u32::from(b)));
                }
            }
        }
        if arcs.is_empty() {
            return Err(syntax(rest.to_owned()));
        }
        Ok(Oid::from_arcs(&arcs))
    }

    /// Whether the string index being written at this point is the last, IMPLIED one.
    fn implied_at(&self, node: Option<Node<'_>>, _at: usize) -> bool {
        let Some(n) = node else { return false };
        let idx = n.effective_index();
        // Net-SNMP looks at the index component being written; a quoted string written
        // for an IMPLIED last component takes no length.
        idx.last().is_some_and(|(ix, implied)| {
            *implied && ix.syntax().is_some_and(|t| t.base() == BaseType::OctetString)
        })
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
            suggestions: best.into_iter().take(3).map(|(_, n)| n.to_owned()).collect(),
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
