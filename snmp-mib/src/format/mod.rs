//! OIDs and values printed as Net-SNMP prints them with MIBs, for each `-O` flag: the
//! options and OIDs here, values in `value`, indexes in `index`, DISPLAY-HINTs in `hint`.

mod hint;
mod index;
mod value;

pub(crate) use hint::push_u64;
pub use hint::{display_hint_integer, display_hint_octets};

#[allow(unused_imports)]
use crate::prelude::*;

use crate::model::{Mib, Node};
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
                match chain
                    .get(ci)
                    .filter(|n| n.depth() == depth.saturating_add(1))
                {
                    Some(n) => {
                        labels.push((n.name(), arc));
                        if n.kind() == crate::Kind::Row {
                            row = Some(*n);
                        }
                        ci = ci.saturating_add(1);
                    }
                    None => labels.push(("", arc)),
                }
            }
            deepest = Some(node);
        }
        let rest = arcs.get(labels.len()..).unwrap_or_default();
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
                    if let Some(tail) = prefix.and_then(|p| full.get(p.len().saturating_add(1)..)) {
                        out.push_str(tail);
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
                        let mut after = labels.get(i..).unwrap_or_default().iter();
                        if let Some((label, _)) = after.next() {
                            out.push_str(label);
                        }
                        for (_, arc) in after {
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

    pub(super) fn quote(&self, out: &mut String, q: char) {
        if self.escape_quotes {
            out.push('\\');
        }
        out.push(q);
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
