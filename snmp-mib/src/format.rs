//! OIDs and values printed as Net-SNMP prints them with MIBs, for each `-O` flag.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::model::{BaseType, Mib, Node};
use core::fmt::Write as _;
use snmp_codec::{Oid, Value};

/// How OIDs are named (Net-SNMP's `-OS` (default), `-Os`, `-Of`, `-On`, `-Ou`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OidStyle {
    /// `MODULE::name.index` (`-OS`, the default).
    #[default]
    Module,
    /// `name.index` (`-Os`).
    Short,
    /// `.iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0` (`-Of`).
    Full,
    /// `.1.3.6.1.2.1.1.1.0` (`-On`).
    Numeric,
    /// `system.sysDescr.0`: the full form without the standard prefixes (`-Ou`).
    Ucd,
}

/// Output options: Net-SNMP's `-O` flags.
///
/// ```
/// use snmp_mib::{Format, Mib};
/// use snmp_codec::Value;
///
/// let mib = Mib::default_set();
/// let oid = mib.resolve("IF-MIB::ifAdminStatus.2").unwrap();
/// assert_eq!(Format::default().varbind(&mib, &oid, &Value::Integer(2)),
///            "IF-MIB::ifAdminStatus.2 = INTEGER: down(2)");
/// let f = Format::from_flags("sq").unwrap();
/// assert_eq!(f.varbind(&mib, &oid, &Value::Integer(2)), "ifAdminStatus.2 down");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Format {
    /// OID naming.
    pub oid: OidStyle,
    /// `-Oq`: no type prefixes, and a space instead of ` = `.
    pub quick: bool,
    /// `-OQ`: no type prefixes, ` = ` kept.
    pub quick_equals: bool,
    /// `-Ov`: the value only.
    pub value_only: bool,
    /// `-Oe`: enumerations as numbers.
    pub numeric_enums: bool,
    /// `-Ob`: indexes not decoded.
    pub no_index: bool,
    /// `-Ox`: octet strings without a DISPLAY-HINT in hex.
    pub hex: bool,
    /// `-Oa`: octet strings without a DISPLAY-HINT as text.
    pub ascii: bool,
    /// `-Ot`: TimeTicks as a bare number.
    pub numeric_timeticks: bool,
    /// `-OT`: text beside hex strings.
    pub hex_text: bool,
    /// `-OU`: no UNITS.
    pub no_units: bool,
    /// `-OX`: indexes in brackets, typed.
    pub extended_index: bool,
    /// `-OE`: quotes in indexes escaped.
    pub escape_quotes: bool,
    /// `-O0`: hex in DISPLAY-HINTs with a leading zero (`02:fc` for `2:fc`).
    pub two_digit_hex: bool,
    /// `-Op WIDTH.PRECISION`: how floats print (printf's `%W.Pf`; default `%f`, 6 digits).
    pub float_format: Option<FloatFormat>,
}

/// `-Op`'s float format: printf's `%WIDTH.PRECISIONf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FloatFormat {
    /// The least width, padded with spaces on the left.
    pub width: usize,
    /// Digits after the point (6 when not given, as printf).
    pub precision: Option<usize>,
}

impl FloatFormat {
    /// Parses `-Op`'s argument: `WIDTH`, `.PRECISION` or `WIDTH.PRECISION` (`.2`, `8.3`).
    ///
    /// ```
    /// let f = snmp_mib::FloatFormat::parse(".2").unwrap();
    /// assert_eq!((f.width, f.precision), (0, Some(2)));
    /// assert!(snmp_mib::FloatFormat::parse("x").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<FloatFormat> {
        let (w, p) = match text.split_once('.') {
            Some((w, p)) => (w, Some(p)),
            None => (text, None),
        };
        let width = if w.is_empty() { 0 } else { w.parse().ok()? };
        let precision = match p {
            Some(p) => Some(if p.is_empty() { 0 } else { p.parse().ok()? }),
            None => None,
        };
        (width <= 1000 && precision.unwrap_or(0) <= 100).then_some(FloatFormat { width, precision })
    }

    fn write(self, out: &mut String, f: f64) {
        let (w, p) = (self.width, self.precision.unwrap_or(6));
        let _ = write!(out, "{f:>w$.p$}");
    }
}

/// An unknown `-O` flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown output option passed to -O: {0}")]
pub struct UnknownFlag(pub char);

impl Format {
    /// The format of Net-SNMP's `-O` flags, e.g. `"nq"`.
    pub fn from_flags(flags: &str) -> Result<Format, UnknownFlag> {
        let mut f = Format::default();
        for c in flags.chars() {
            f.apply(c)?;
        }
        Ok(f)
    }

    /// Applies one `-O` flag.
    pub fn apply(&mut self, c: char) -> Result<(), UnknownFlag> {
        match c {
            'n' => self.oid = OidStyle::Numeric,
            'f' => self.oid = OidStyle::Full,
            's' => self.oid = OidStyle::Short,
            'S' => self.oid = OidStyle::Module,
            'u' => self.oid = OidStyle::Ucd,
            'q' => self.quick = true,
            'Q' => {
                self.quick = true;
                self.quick_equals = true;
            }
            'v' => self.value_only = true,
            'e' => self.numeric_enums = true,
            'b' => self.no_index = true,
            'x' => {
                self.hex = true;
                self.ascii = false;
            }
            'a' => {
                self.ascii = true;
                self.hex = false;
            }
            't' => self.numeric_timeticks = true,
            'T' => self.hex_text = true,
            'U' => self.no_units = true,
            'X' => self.extended_index = true,
            'E' => self.escape_quotes = true,
            '0' => self.two_digit_hex = true,
            other => return Err(UnknownFlag(other)),
        }
        Ok(())
    }

    /// `OID = VALUE` as snmpwalk prints one varbind line (without the newline).
    pub fn varbind(&self, mib: &Mib, oid: &Oid, value: &Value) -> String {
        let mut s = String::new();
        self.write_varbind(&mut s, mib, oid, value);
        s
    }

    /// Appends a varbind line to `out`.
    pub fn write_varbind(&self, out: &mut String, mib: &Mib, oid: &Oid, value: &Value) {
        if !self.value_only {
            self.write_oid(out, mib, oid.arcs());
            out.push_str(if self.quick && !self.quick_equals {
                " "
            } else {
                " = "
            });
        }
        self.write_value(out, mib, oid.arcs(), value);
    }

    /// The OID, named.
    pub fn oid(&self, mib: &Mib, oid: &Oid) -> String {
        let mut s = String::new();
        self.write_oid(&mut s, mib, oid.arcs());
        s
    }

    /// The value as snmpwalk prints it for this OID.
    pub fn value(&self, mib: &Mib, oid: &Oid, value: &Value) -> String {
        let mut s = String::new();
        self.write_value(&mut s, mib, oid.arcs(), value);
        s
    }

    /// Appends the OID, named.
    pub fn write_oid(&self, out: &mut String, mib: &Mib, arcs: &[u32]) {
        if self.oid == OidStyle::Numeric {
            for &a in arcs {
                out.push('.');
                push_u64(out, u64::from(a));
            }
            return;
        }
        // The labels of the known part (empty where an arc has no node), the deepest node,
        // and the row whose INDEX reads the rest.
        let mut labels: Vec<(&str, u32)> = Vec::with_capacity(arcs.len());
        let mut deepest: Option<Node<'_>> = None;
        let mut row: Option<Node<'_>> = None;
        if let Some((node, _)) = mib.lookup(arcs) {
            let mut chain = Vec::new();
            let mut at = Some(node);
            while let Some(n) = at {
                if chain.len() > arcs.len() {
                    break;
                }
                chain.push(n);
                at = n.parent();
            }
            chain.reverse();
            let mut ci = 0;
            for (depth, &arc) in arcs.iter().enumerate().take(node.depth()) {
                match chain.get(ci).filter(|n| n.depth() == depth + 1) {
                    Some(n) => {
                        labels.push((n.name(), arc));
                        if n.kind() == crate::Kind::Row {
                            row = Some(*n);
                        }
                        ci += 1;
                    }
                    None => labels.push(("", arc)),
                }
            }
            deepest = Some(node);
        }
        let rest = &arcs[labels.len()..];
        let mut index = String::new();
        if !rest.is_empty() {
            let list = match (row, self.no_index) {
                (Some(r), false) => r.effective_index(),
                _ => Vec::new(),
            };
            self.write_index(&mut index, mib, rest, &list);
        }
        match self.oid {
            OidStyle::Full | OidStyle::Ucd => {
                let mut full = String::new();
                for (label, arc) in &labels {
                    full.push('.');
                    if label.is_empty() {
                        let _ = write!(full, "{arc}");
                    } else {
                        full.push_str(label);
                    }
                }
                full.push_str(&index);
                if self.oid == OidStyle::Ucd {
                    let prefix = UCD_PREFIXES
                        .iter()
                        .find(|p| full.len() > p.len() && full.starts_with(*p));
                    if let Some(p) = prefix {
                        out.push_str(&full[p.len() + 1..]);
                        return;
                    }
                }
                out.push_str(&full);
            }
            OidStyle::Module | OidStyle::Short => {
                // From the last named label on; numbers before it are dropped.
                match labels.iter().rposition(|(l, _)| !l.is_empty()) {
                    Some(i) => {
                        if self.oid == OidStyle::Module {
                            let module =
                                deepest.filter(|n| n.depth() > 1).map(|n| n.module().name());
                            if let Some(m) = module.filter(|m| !m.is_empty()) {
                                out.push_str(m);
                                out.push_str("::");
                            }
                        }
                        out.push_str(labels[i].0);
                        for (_, arc) in &labels[i + 1..] {
                            let _ = write!(out, ".{arc}");
                        }
                        out.push_str(&index);
                    }
                    None => {
                        // Nothing named: the numbers, without a leading dot.
                        let mut all = String::new();
                        for (_, arc) in &labels {
                            let _ = write!(all, ".{arc}");
                        }
                        all.push_str(&index);
                        out.push_str(all.strip_prefix('.').unwrap_or(&all));
                    }
                }
            }
            OidStyle::Numeric => {}
        }
    }

    fn write_index(
        &self,
        out: &mut String,
        mib: &Mib,
        mut rest: &[u32],
        index: &[(Node<'_>, bool)],
    ) {
        let mut prev_int: Option<u32> = None;
        for (ix, implied) in index {
            if rest.is_empty() {
                break;
            }
            let Some(t) = ix.syntax() else { break };
            let mut piece = String::new();
            let consumed = match t.base() {
                BaseType::OctetString | BaseType::Opaque => {
                    let fixed = t.fixed_size();
                    let (skip, n) = if *implied {
                        (0, rest.len())
                    } else if let Some(n) = fixed {
                        (0, n)
                    } else {
                        (1, rest[0] as usize)
                    };
                    if skip + n > rest.len() {
                        break;
                    }
                    let body = &rest[skip..skip + n];
                    let quote = if *implied || (fixed.is_some() && skip == 0) {
                        '\''
                    } else {
                        '"'
                    };
                    if self.extended_index && !t.hint().is_empty() {
                        let bytes: Vec<u8> = body.iter().map(|&a| a as u8).collect();
                        let inet = inet_address(t, prev_int, &bytes);
                        match inet {
                            Some(s) => {
                                piece.push('"');
                                piece.push_str(&s);
                                piece.push('"');
                            }
                            None => {
                                if !self.quick {
                                    piece.push_str("STRING: ");
                                }
                                hinted_octets_with(
                                    &mut piece,
                                    &bytes,
                                    t.hint(),
                                    self.two_digit_hex,
                                );
                            }
                        }
                    } else {
                        let bytes: Option<Vec<u8>> =
                            body.iter().map(|&a| u8::try_from(a).ok()).collect();
                        let inet = bytes.as_deref().and_then(|b| inet_address(t, prev_int, b));
                        match inet {
                            Some(s) => {
                                // Net-SNMP writes these quotes itself, unescaped by -OE.
                                piece.push('"');
                                piece.push_str(&s);
                                piece.push('"');
                            }
                            None if body.is_empty() => {
                                self.quote(&mut piece, '"');
                                self.quote(&mut piece, '"');
                            }
                            None => {
                                self.quote(&mut piece, quote);
                                for &a in body {
                                    let c = u8::try_from(a).ok().filter(|c| is_print(*c));
                                    piece.push(c.map(char::from).unwrap_or('.'));
                                }
                                self.quote(&mut piece, quote);
                            }
                        }
                    }
                    prev_int = None;
                    skip + n
                }
                BaseType::Integer32 | BaseType::Unsigned32 | BaseType::Gauge32 => {
                    let v = rest[0];
                    match t
                        .enum_label(i64::from(v as i32))
                        .filter(|_| t.base() == BaseType::Integer32)
                    {
                        Some(l) => piece.push_str(l),
                        None => {
                            let _ = write!(piece, "{v}");
                        }
                    }
                    prev_int = Some(v);
                    1
                }
                BaseType::ObjectIdentifier => {
                    let (skip, n) = if *implied {
                        (0, rest.len())
                    } else {
                        (1, rest[0] as usize)
                    };
                    if skip + n > rest.len() {
                        break;
                    }
                    if self.extended_index {
                        let sub = Format {
                            extended_index: false,
                            ..self.clone()
                        };
                        sub.write_oid(&mut piece, mib, &rest[skip..skip + n]);
                    } else {
                        let mut first = true;
                        for a in &rest[..skip + n] {
                            if !first {
                                piece.push('.');
                            }
                            first = false;
                            let _ = write!(piece, "{a}");
                        }
                    }
                    prev_int = None;
                    skip + n
                }
                BaseType::IpAddress => {
                    if rest.len() < 4 {
                        break;
                    }
                    let _ = write!(piece, "{}.{}.{}.{}", rest[0], rest[1], rest[2], rest[3]);
                    prev_int = None;
                    4
                }
                _ => break,
            };
            if self.extended_index {
                out.push('[');
                out.push_str(&piece);
                out.push(']');
            } else {
                out.push('.');
                out.push_str(&piece);
            }
            rest = &rest[consumed..];
        }
        for a in rest {
            let _ = write!(out, ".{a}");
        }
    }

    fn quote(&self, out: &mut String, q: char) {
        if self.escape_quotes {
            out.push('\\');
        }
        out.push(q);
    }

    /// Appends the value as snmpwalk prints it for this OID.
    pub fn write_value(&self, out: &mut String, mib: &Mib, arcs: &[u32], value: &Value) {
        match value {
            Value::NoSuchObject => {
                return out.push_str("No Such Object available on this agent at this OID")
            }
            Value::NoSuchInstance => {
                return out.push_str("No Such Instance currently exists at this OID")
            }
            Value::EndOfMibView => {
                return out.push_str(
                    "No more variables left in this MIB View (It is past the end of the MIB tree)",
                )
            }
            _ => {}
        }
        let node = mib.lookup(arcs).map(|(n, _)| n);
        let syntax = node.and_then(|n| n.syntax());
        let units = match node {
            Some(n) if !self.no_units && !n.units().is_empty() => Some(n.units()),
            _ => None,
        };
        let Some(t) = syntax else {
            return self.by_type(out, mib, value, None, None, units);
        };
        let hint = Some(t.hint()).filter(|h| !h.is_empty());
        let enums: Vec<(i64, &str)> = t.enums().collect();
        let expect = t.base();
        let matches = matches!(
            (expect, value),
            (BaseType::Integer32, Value::Integer(_))
                | (BaseType::Unsigned32 | BaseType::Gauge32, Value::Gauge32(_))
                | (BaseType::Counter32, Value::Counter32(_))
                | (BaseType::Counter64, Value::Counter64(_))
                | (BaseType::TimeTicks, Value::TimeTicks(_))
                | (BaseType::IpAddress, Value::IpAddress(_))
                | (BaseType::OctetString, Value::OctetString(_))
                | (BaseType::ObjectIdentifier, Value::ObjectIdentifier(_))
                | (BaseType::Bits, Value::OctetString(_))
                | (
                    BaseType::Opaque,
                    Value::Opaque(_) | Value::OpaqueFloat(_) | Value::OpaqueDouble(_)
                )
        );
        if expect == BaseType::Unknown {
            return self.by_type(out, mib, value, Some(&enums), hint, units);
        }
        if !matches {
            if !self.quick_equals {
                out.push_str("Wrong Type (should be ");
                out.push_str(match expect {
                    BaseType::Integer32 => "INTEGER",
                    BaseType::Unsigned32 | BaseType::Gauge32 => "Gauge32 or Unsigned32",
                    BaseType::Counter32 => "Counter32",
                    BaseType::Counter64 => "Counter64",
                    BaseType::TimeTicks => "Timeticks",
                    BaseType::IpAddress => "IpAddress",
                    BaseType::OctetString => "OCTET STRING",
                    BaseType::ObjectIdentifier => "OBJECT IDENTIFIER",
                    BaseType::Bits => "BITS",
                    BaseType::Opaque => "Opaque",
                    BaseType::Unknown => "",
                });
                out.push_str("): ");
            }
            return self.by_type(out, mib, value, None, None, None);
        }
        if expect == BaseType::Bits {
            if let Value::OctetString(b) = value {
                self.bits(out, b, &enums);
                return push_units(out, units);
            }
        }
        self.by_type(out, mib, value, Some(&enums), hint, units)
    }

    fn bits(&self, out: &mut String, b: &[u8], enums: &[(i64, &str)]) {
        if self.quick {
            out.push('"');
        } else {
            out.push_str("BITS: ");
        }
        hex_string(out, b, self.hex_text);
        if self.quick {
            out.push('"');
            return;
        }
        for (i, byte) in b.iter().enumerate() {
            for bit in 0..8 {
                if byte & (0x80 >> bit) != 0 {
                    let pos = (i * 8 + bit) as i64;
                    match enums.iter().find(|(v, _)| *v == pos) {
                        Some((_, l)) if !self.numeric_enums => {
                            let _ = write!(out, "{l}({pos}) ");
                        }
                        _ => {
                            let _ = write!(out, "{pos} ");
                        }
                    }
                }
            }
        }
    }

    /// Printing by the value's own type, with the MIB's enumerations, hint and units.
    fn by_type(
        &self,
        out: &mut String,
        mib: &Mib,
        value: &Value,
        enums: Option<&[(i64, &str)]>,
        hint: Option<&str>,
        units: Option<&str>,
    ) {
        let q = self.quick;
        match value {
            Value::Integer(v) => {
                if !q {
                    out.push_str("INTEGER: ");
                }
                let label = enums.and_then(|e| e.iter().find(|(x, _)| *x == i64::from(*v)));
                match label {
                    Some((_, l)) if !self.numeric_enums => {
                        out.push_str(l);
                        if !q {
                            let _ = write!(out, "({v})");
                        }
                    }
                    _ => match hint {
                        Some(h) => hinted_integer(out, i64::from(*v), h),
                        None => push_i64(out, i64::from(*v)),
                    },
                }
            }
            Value::Gauge32(v) => {
                if !q {
                    out.push_str("Gauge32: ");
                }
                match hint {
                    Some(h) => hinted_integer(out, i64::from(*v), h),
                    None => push_u64(out, u64::from(*v)),
                }
            }
            Value::Counter32(v) => {
                if !q {
                    out.push_str("Counter32: ");
                }
                push_u64(out, u64::from(*v));
            }
            Value::Counter64(v) => {
                if !q {
                    out.push_str("Counter64: ");
                }
                push_u64(out, *v);
            }
            Value::TimeTicks(v) => {
                if self.numeric_timeticks {
                    let _ = write!(out, "{v}");
                    return;
                }
                if !q {
                    let _ = write!(out, "Timeticks: ({v}) ");
                }
                uptime(out, *v, q);
            }
            Value::IpAddress(a) => {
                if !q {
                    out.push_str("IpAddress: ");
                }
                let _ = write!(out, "{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
            }
            Value::ObjectIdentifier(o) => {
                if !q {
                    out.push_str("OID: ");
                }
                self.write_oid(out, mib, o.arcs());
            }
            Value::OctetString(b) => {
                if let Some(h) = hint {
                    if !q {
                        out.push_str("STRING: ");
                    }
                    hinted_octets_with(out, b, h, self.two_digit_hex);
                } else if b.is_empty() {
                    out.push_str("\"\"");
                } else {
                    let hex = if self.hex {
                        true
                    } else if self.ascii {
                        false
                    } else {
                        b.iter().any(|&c| !is_print(c) && !is_space(c))
                    };
                    if hex {
                        out.push_str(if q { "\"" } else { "Hex-STRING: " });
                        hex_string(out, b, self.hex_text);
                        if q {
                            out.push('"');
                        }
                    } else {
                        if !q {
                            out.push_str("STRING: ");
                        }
                        out.push('"');
                        for &c in b.iter() {
                            if is_print(c) || is_space(c) {
                                if c == b'\\' || c == b'"' {
                                    out.push('\\');
                                }
                                out.push(char::from(c));
                            } else {
                                out.push('.');
                            }
                        }
                        out.push('"');
                    }
                }
            }
            Value::Opaque(b) => {
                if !q {
                    out.push_str("OPAQUE: ");
                }
                hex_string(out, b, self.hex_text);
            }
            Value::OpaqueFloat(f) => {
                if !q {
                    out.push_str("Opaque: Float: ");
                }
                self.float_format
                    .unwrap_or_default()
                    .write(out, f64::from(*f));
            }
            Value::OpaqueDouble(f) => {
                if !q {
                    out.push_str("Opaque: Float: ");
                }
                self.float_format.unwrap_or_default().write(out, *f);
            }
            Value::Null => out.push_str("NULL"),
            other => {
                let _ = write!(out, "{other}");
            }
        }
        push_units(out, units);
    }

    /// Object, module, index and formatted value of a varbind, for display.
    pub fn describe(&self, mib: &Mib, oid: &Oid, value: &Value) -> Description {
        let found = mib.lookup(oid.arcs());
        let (object, module, units, index) = match found {
            Some((n, at)) => (
                n.name().to_owned(),
                n.module().name().to_owned(),
                n.units().to_owned(),
                Oid::from_arcs(&oid.arcs()[at..]),
            ),
            None => (String::new(), String::new(), String::new(), oid.clone()),
        };
        let bare = Format {
            quick: true,
            no_units: true,
            ..self.clone()
        };
        Description {
            name: self.oid(mib, oid),
            object,
            module,
            index,
            value: bare.value(mib, oid, value),
            units,
        }
    }
}

/// What `-Ou` strips from the front of the full form (Net-SNMP's prefix list).
const UCD_PREFIXES: [&str; 5] = [
    ".iso.org.dod.internet.mgmt.mib-2",
    ".iso.org.dod.internet.experimental",
    ".iso.org.dod.internet.private",
    ".iso.org.dod.internet.snmpParties",
    ".iso.org.dod.internet.snmpSecrets",
];

/// What [`Format::describe`] tells of a varbind.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Description {
    /// The OID as the format names it (`IF-MIB::ifDescr.1`).
    pub name: String,
    /// The object's name (`ifDescr`), empty when no MIB names it.
    pub object: String,
    /// Its module (`IF-MIB`).
    pub module: String,
    /// The instance part after the object.
    pub index: Oid,
    /// The value formatted by the MIB, without type prefix or units (`up`, `eth0`).
    pub value: String,
    /// UNITS, empty when none.
    pub units: String,
}

fn push_units(out: &mut String, units: Option<&str>) {
    if let Some(u) = units {
        out.push(' ');
        out.push_str(u);
    }
}

fn is_print(c: u8) -> bool {
    (0x20..0x7f).contains(&c)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Net-SNMP's hex dump: `XX ` per byte, a newline after each full 16, text with `-OT`.
fn hex_string(out: &mut String, b: &[u8], text: bool) {
    let mut chunks = b.chunks(16).peekable();
    while let Some(c) = chunks.next() {
        for x in c {
            let _ = write!(out, "{x:02X} ");
        }
        if text {
            out.push_str("  [");
            for &x in c {
                out.push(if is_print(x) || is_space(x) {
                    char::from(x)
                } else {
                    '.'
                });
            }
            out.push(']');
        }
        if c.len() == 16 && chunks.peek().is_some() {
            out.push('\n');
        }
    }
}

fn uptime(out: &mut String, ticks: u32, quick: bool) {
    let centis = ticks % 100;
    let mut t = ticks / 100;
    let days = t / 86_400;
    t %= 86_400;
    let (h, m, s) = (t / 3600, (t % 3600) / 60, t % 60);
    let _ = if quick {
        write!(out, "{days}:{h}:{m:02}:{s:02}.{centis:02}")
    } else if days == 0 {
        write!(out, "{h}:{m:02}:{s:02}.{centis:02}")
    } else if days == 1 {
        write!(out, "1 day, {h}:{m:02}:{s:02}.{centis:02}")
    } else {
        write!(out, "{days} days, {h}:{m:02}:{s:02}.{centis:02}")
    };
}

/// An integer with a DISPLAY-HINT (`d-2`, `x`, `o`, `b`), as Net-SNMP prints it.
pub(crate) fn hinted_integer(out: &mut String, v: i64, hint: &str) {
    let h = hint.as_bytes();
    let shift: usize = if h.get(1) == Some(&b'-') {
        hint[2..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .fold(0usize, |a, d| {
                a.saturating_mul(10).saturating_add(usize::from(d - b'0'))
            })
            .min(64)
    } else {
        0
    };
    let mut tmp = match h.first() {
        Some(b'x') => format!("{v:x}"),
        Some(b'o') => format!("{v:o}"),
        Some(b'b') => format!("{v:b}"),
        _ => format!("{v}"),
    };
    if shift != 0 {
        let len = tmp.len();
        if shift <= len {
            tmp.insert(len - shift, '.');
        } else {
            let digits = tmp.clone();
            tmp = String::from(".");
            for _ in 0..(shift - len) {
                tmp.push('0');
            }
            tmp.push_str(&digits);
        }
    }
    out.push_str(&tmp);
}

/// Appends `v` in decimal (without `core::fmt`: the numbers of a walk's OIDs and values are
/// the formatter's hottest path).
pub(crate) fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(core::str::from_utf8(&buf[at..]).unwrap_or_default());
}

/// Appends `v` in decimal.
pub(crate) fn push_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// An octet string with a DISPLAY-HINT (RFC 2579 3.1), as Net-SNMP prints it.
#[cfg(test)]
pub(crate) fn hinted_octets(out: &mut String, b: &[u8], hint: &str) {
    hinted_octets_with(out, b, hint, false)
}

/// As [`hinted_octets`], with `-O0`'s zero-padded hex when `two_digit` is set.
pub(crate) fn hinted_octets_with(out: &mut String, b: &[u8], hint: &str, two_digit: bool) {
    let h = hint.as_bytes();
    let mut hi = 0usize;
    let mut cp = 0usize;
    let (mut width, mut code, mut separ, mut term) = (1usize, b'd', 0u8, 0u8);
    let start = out.len();
    while cp < b.len() {
        let mut repeat = 1usize;
        if hi < h.len() {
            if h[hi] == b'*' {
                repeat = usize::from(b[cp]);
                cp += 1;
                hi += 1;
            }
            width = 0;
            while hi < h.len() && h[hi].is_ascii_digit() {
                width = width
                    .saturating_mul(10)
                    .saturating_add(usize::from(h[hi] - b'0'));
                hi += 1;
            }
            code = h.get(hi).copied().unwrap_or(0);
            hi += 1;
            let sep_ok = |hi: usize, width: usize| {
                h.get(hi).is_some_and(|&ch| {
                    ch != b'*'
                        && !ch.is_ascii_digit()
                        && (width != 0 || !matches!(ch, b'x' | b'd' | b'o'))
                })
            };
            if sep_ok(hi, width) {
                separ = h[hi];
                hi += 1;
            } else {
                separ = 0;
            }
            if sep_ok(hi, width) {
                term = h[hi];
                hi += 1;
            } else {
                term = 0;
            }
            if width == 0 {
                width = 1;
            }
        }
        while repeat > 0 && cp < b.len() {
            match code {
                b'a' | b't' => {
                    let end = (cp + width).min(b.len());
                    // Net-SNMP copies the bytes as they are; invalid UTF-8 is replaced.
                    out.push_str(&String::from_utf8_lossy(&b[cp..end]));
                    cp = end;
                }
                b'x' | b'd' | b'o' => {
                    let mut value: u64 = 0;
                    let cp_start = cp;
                    let end = cp.saturating_add(width).min(b.len());
                    for &byte in &b[cp..end] {
                        value = value.wrapping_mul(256).wrapping_add(u64::from(byte));
                    }
                    cp = end;
                    let digits = (end - cp_start) * 2;
                    let _ = match code {
                        b'x' if two_digit => write!(out, "{value:0digits$x}"),
                        b'x' => write!(out, "{value:x}"),
                        b'o' => write!(out, "{value:o}"),
                        _ => write!(out, "{value}"),
                    };
                }
                _ => {
                    // A hint Net-SNMP cannot use: it says so and prints without it.
                    out.truncate(start);
                    let _ = write!(out, "(Bad hint ignored: {hint}) ");
                    let hex = b.iter().any(|&c| !is_print(c) && !is_space(c));
                    if hex {
                        out.push_str("Hex-STRING: ");
                        hex_string(out, b, false);
                    } else {
                        out.push_str("STRING: \"");
                        out.push_str(&String::from_utf8_lossy(b));
                        out.push('"');
                    }
                    return;
                }
            }
            if cp < b.len() && separ != 0 {
                out.push(char::from(separ));
            }
            repeat -= 1;
        }
        if term != 0 && cp < b.len() {
            out.push(char::from(term));
        }
    }
}

/// Net-SNMP 5.9's reading of an InetAddress index after its InetAddressType: dotted
/// IPv4, colon-separated hex IPv6, with `%zone` for the z forms.
fn inet_address(t: crate::model::Type<'_>, kind: Option<u32>, b: &[u8]) -> Option<String> {
    if !t.is("InetAddress") {
        return None;
    }
    let zone = |z: &[u8]| u32::from_be_bytes([z[0], z[1], z[2], z[3]]);
    let v6 = |a: &[u8]| {
        a.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    match (kind?, b.len()) {
        (1, 4) => Some(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])),
        (2, 16) => Some(v6(b)),
        (3, 8) => Some(format!(
            "{}.{}.{}.{}%{}",
            b[0],
            b[1],
            b[2],
            b[3],
            zone(&b[4..])
        )),
        (4, 20) => Some(format!("{}%{}", v6(&b[..16]), zone(&b[16..]))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_without_fmt() {
        for v in [0u64, 7, 10, 4_294_967_295, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
        for v in [0i64, -1, i64::MIN, i64::MAX, 42] {
            let mut s = String::new();
            push_i64(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }

    #[test]
    fn hints_as_net_snmp_applies_them() {
        let mut s = String::new();
        hinted_octets(&mut s, &[0x00, 0x1b, 0x21, 0x3c, 0x9d, 0xf8], "1x:");
        assert_eq!(s, "0:1b:21:3c:9d:f8");
        let mut s = String::new();
        hinted_octets(
            &mut s,
            &[7, 234, 12, 2, 0, 3, 25, 0, b'+', 0, 0],
            "2d-1d-1d,1d:1d:1d.1d,1a1d:1d",
        );
        assert_eq!(s, "2026-12-2,0:3:25.0,+0:0");
        let mut s = String::new();
        hinted_octets(&mut s, b"abc", "255a");
        assert_eq!(s, "abc");
        let mut s = String::new();
        hinted_integer(&mut s, 1234, "d-2");
        assert_eq!(s, "12.34");
        let mut s = String::new();
        hinted_integer(&mut s, 5, "d-3");
        assert_eq!(s, ".005");
        let mut s = String::new();
        hinted_octets(&mut s, &[1, 2], "1q");
        assert!(s.starts_with("(Bad hint ignored: 1q) "), "{s}");
    }

    #[test]
    fn hostile_hints_do_not_panic() {
        for hint in [
            "*",
            "99999999999999999999x",
            "*1x",
            "-",
            "",
            "255",
            "1",
            "0a",
        ] {
            let mut s = String::new();
            hinted_octets(&mut s, &[0xff; 40], hint);
            let mut s = String::new();
            hinted_integer(&mut s, -5, hint);
        }
    }
}
