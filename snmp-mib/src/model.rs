//! The loaded set of modules, and borrowed handles onto its nodes, types and modules.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::blob::{sec, ArcSlice, Blob, BlobError, NONE};
pub use crate::kinds::{Access, BaseType, Kind, Status};
use bytes::Bytes;
use snmp_codec::Oid;

/// A set of MIB modules, compiled: names, OIDs, types, tables.
///
/// Cheap to clone (the compiled bytes are shared). [`Mib::standard`] is the embedded
/// IETF/IANA/IEEE/Net-SNMP set; [`Loader`](crate::Loader) compiles the user's own folders.
///
/// ```
/// let mib = snmp_mib::Mib::standard();
/// let oid = mib.resolve("IF-MIB::ifDescr.3").unwrap();
/// assert_eq!(oid.to_string(), "1.3.6.1.2.1.2.2.1.2.3");
/// let node = mib.node("sysDescr").unwrap();
/// assert_eq!(node.module().name(), "SNMPv2-MIB");
/// ```
#[derive(Clone, Debug)]
pub struct Mib {
    pub(crate) blob: Blob,
}

// Node record fields.
pub(crate) const N_OID: usize = 0;
pub(crate) const N_OIDLEN: usize = 4;
pub(crate) const N_NAME: usize = 8;
pub(crate) const N_MODULE: usize = 16;
pub(crate) const N_KIND: usize = 20;
pub(crate) const N_ACCESS: usize = 21;
pub(crate) const N_STATUS: usize = 22;
pub(crate) const N_TYPE: usize = 24;
pub(crate) const N_UNITS: usize = 28;
pub(crate) const N_DESCR: usize = 36;
pub(crate) const N_IDX: usize = 44;
pub(crate) const N_IDXLEN: usize = 48;
pub(crate) const N_AUGMENTS: usize = 52;
pub(crate) const N_MEMBERS: usize = 56;
pub(crate) const N_MEMBERSLEN: usize = 60;
pub(crate) const N_REFERENCE: usize = 64;
pub(crate) const N_DEFVAL: usize = 72;
pub(crate) const N_PARENT: usize = 80;

pub(crate) mod field {
    pub(crate) const T_NAME: usize = 0;
    pub(crate) const T_MODULE: usize = 8;
    pub(crate) const T_BASE: usize = 12;
    pub(crate) const T_FLAGS: usize = 13;
    pub(crate) const T_HINT: usize = 16;
    pub(crate) const T_ENUMS: usize = 24;
    pub(crate) const T_ENUMSLEN: usize = 28;
    pub(crate) const T_SIZES: usize = 32;
    pub(crate) const T_SIZESLEN: usize = 36;
    pub(crate) const T_RANGES: usize = 40;
    pub(crate) const T_RANGESLEN: usize = 44;
    pub(crate) const T_DESCR: usize = 48;
    pub(crate) const T_PARENT: usize = 56;
    pub(crate) const M_NAME: usize = 0;
    pub(crate) const M_IDENTITY: usize = 8;
    pub(crate) const M_FILE: usize = 16;
}
use field::*;

/// Type flag: a TEXTUAL-CONVENTION (or a named type assignment).
pub(crate) const TF_TC: u8 = 1;

impl Mib {
    /// Opens a compiled set (the bytes [`Mib::to_bytes`] gave, or a cache file).
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Result<Mib, BlobError> {
        Ok(Mib {
            blob: Blob::open(bytes.into())?,
        })
    }

    /// The compiled bytes, to store and reopen with [`Mib::from_bytes`].
    pub fn to_bytes(&self) -> Bytes {
        self.blob.bytes().clone()
    }

    /// A set with no modules: numeric OIDs only.
    pub fn empty() -> Mib {
        Mib {
            blob: Blob::open(Bytes::from(crate::blob::Writer::default().finish()))
                .expect("an empty set is well formed"),
        }
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.blob.count(sec::NODES)
    }

    /// Number of modules.
    pub fn module_count(&self) -> usize {
        self.blob.count(sec::MODULES)
    }

    /// Every node, in OID order.
    pub fn nodes(&self) -> impl Iterator<Item = Node<'_>> + '_ {
        (0..self.node_count() as u32).map(move |i| Node { mib: self, i })
    }

    /// Every module.
    pub fn modules(&self) -> impl Iterator<Item = Module<'_>> + '_ {
        (0..self.module_count() as u32).map(move |i| Module { mib: self, i })
    }

    /// A module by its name.
    pub fn module(&self, name: &str) -> Option<Module<'_>> {
        self.modules().find(|m| m.name() == name)
    }

    pub(crate) fn node_at(&self, i: u32) -> Option<Node<'_>> {
        (i != NONE && (i as usize) < self.node_count()).then_some(Node { mib: self, i })
    }

    pub(crate) fn type_at(&self, i: u32) -> Option<Type<'_>> {
        (i != NONE && (i as usize) < self.blob.count(sec::TYPES)).then_some(Type { mib: self, i })
    }

    /// The node with exactly this OID.
    pub fn node_by_oid(&self, arcs: &[u32]) -> Option<Node<'_>> {
        let i = self.search_oid(arcs).ok()?;
        self.node_at(i as u32)
    }

    /// The deepest node that is `arcs` or a prefix of it, and the arcs after it (the
    /// instance suffix). `None` when not even the first arc is known.
    pub fn lookup(&self, arcs: &[u32]) -> Option<(Node<'_>, usize)> {
        // Walk up the candidate's ancestry: the node just before `arcs` in OID order is
        // either a prefix of it or shares a prefix with it.
        let mut at = match self.search_oid(arcs) {
            Ok(i) => return self.node_at(i as u32).map(|n| (n, arcs.len())),
            Err(0) => return None,
            Err(i) => self.node_at((i as u32).saturating_sub(1)),
        };
        while let Some(n) = at {
            let oid = n.arcs();
            if arcs
                .get(..oid.len())
                .is_some_and(|a| oid.cmp_arcs(a).is_eq())
            {
                return Some((n, oid.len()));
            }
            at = n.parent();
        }
        None
    }

    fn search_oid(&self, arcs: &[u32]) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0usize, self.node_count());
        while lo < hi {
            // lo < hi <= node_count: the midpoint and mid + 1 cannot overflow.
            let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
            let n = Node {
                mib: self,
                i: mid as u32,
            };
            match n.arcs().cmp_arcs(arcs) {
                core::cmp::Ordering::Less => lo = mid.saturating_add(1),
                core::cmp::Ordering::Greater => hi = mid,
                core::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// Entries of the name index whose name is `name`: (node, module) pairs.
    pub(crate) fn by_name(&self, name: &str) -> impl Iterator<Item = (Node<'_>, Module<'_>)> + '_ {
        let count = self.blob.count(sec::BY_NAME);
        let entry = move |i: usize| -> (u32, u32) {
            (
                self.blob.u32(sec::BY_NAME, i as u32, 0),
                self.blob.u32(sec::BY_NAME, i as u32, 4),
            )
        };
        let name_of = move |i: usize| self.blob.str_field(sec::BY_NAME, i as u32, 8);
        let (mut lo, mut hi) = (0usize, count);
        while lo < hi {
            let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
            if name_of(mid) < name {
                lo = mid.saturating_add(1);
            } else {
                hi = mid;
            }
        }
        let name = name.to_owned();
        (lo..count)
            .take_while(move |&i| name_of(i) == name)
            .filter_map(move |i| {
                let (n, m) = entry(i);
                Some((self.node_at(n)?, Module { mib: self, i: m }))
            })
    }

    /// Every (name, node, module) the name index holds, by name: a node's own name under
    /// each module that defines it, and any other name a module gives the same OID.
    pub fn name_index(&self) -> impl Iterator<Item = (&str, Node<'_>, Module<'_>)> + '_ {
        (0..self.blob.count(sec::BY_NAME) as u32).filter_map(move |i| {
            let n = self.node_at(self.blob.u32(sec::BY_NAME, i, 0))?;
            let m = Module {
                mib: self,
                i: self.blob.u32(sec::BY_NAME, i, 4),
            };
            Some((self.blob.str_field(sec::BY_NAME, i, 8), n, m))
        })
    }

    /// Every name in the index (for suggestions).
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.blob.count(sec::BY_NAME) as u32)
            .map(move |i| self.blob.str_field(sec::BY_NAME, i, 8))
    }

    /// A node by name, `name` or `MODULE::name` (no instance suffix: see [`Mib::resolve`]).
    pub fn node(&self, name: &str) -> Option<Node<'_>> {
        let (module, name) = match name.split_once("::") {
            Some((m, n)) => (Some(m), n),
            None => (None, name),
        };
        let mut first = None;
        for (n, m) in self.by_name(name) {
            match module {
                Some(want) if m.name() == want => return Some(n),
                Some(_) => {}
                None if n.module().i == m.i => return Some(n),
                None => {
                    first.get_or_insert(n);
                }
            }
        }
        first
    }
}

/// A node of the OID tree.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub(crate) mib: &'a Mib,
    pub(crate) i: u32,
}

impl core::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}::{} ({})",
            self.module().name(),
            self.name(),
            self.oid()
        )
    }
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.i == other.i && core::ptr::eq(self.mib, other.mib)
    }
}

impl<'a> Node<'a> {
    fn b(&self) -> &'a Blob {
        &self.mib.blob
    }
    fn u32f(&self, f: usize) -> u32 {
        self.b().u32(sec::NODES, self.i, f)
    }
    pub(crate) fn arcs(&self) -> ArcSlice<'a> {
        self.b().arcs(self.u32f(N_OID), self.u32f(N_OIDLEN))
    }
    /// Its position in the set's OID order (a key for maps; stable for one set).
    pub fn position(&self) -> u32 {
        self.i
    }
    /// The node's name (its descriptor).
    pub fn name(&self) -> &'a str {
        self.b().str_field(sec::NODES, self.i, N_NAME)
    }
    /// Its OID.
    pub fn oid(&self) -> Oid {
        Oid::from_arcs(&self.arcs().to_vec())
    }
    /// Number of arcs of its OID.
    pub fn depth(&self) -> usize {
        self.arcs().len()
    }
    /// Its last arc.
    pub fn arc(&self) -> u32 {
        let a = self.arcs();
        a.get(a.len().saturating_sub(1)).unwrap_or(0)
    }
    /// The module that defines it.
    pub fn module(&self) -> Module<'a> {
        Module {
            mib: self.mib,
            i: self.u32f(N_MODULE),
        }
    }
    /// What it is.
    pub fn kind(&self) -> Kind {
        Kind::from_u8(self.b().u8(sec::NODES, self.i, N_KIND))
    }
    /// MAX-ACCESS.
    pub fn access(&self) -> Access {
        Access::from_u8(self.b().u8(sec::NODES, self.i, N_ACCESS))
    }
    /// STATUS.
    pub fn status(&self) -> Status {
        Status::from_u8(self.b().u8(sec::NODES, self.i, N_STATUS))
    }
    /// SYNTAX, for objects.
    pub fn syntax(&self) -> Option<Type<'a>> {
        self.mib.type_at(self.u32f(N_TYPE))
    }
    /// UNITS, empty when none.
    pub fn units(&self) -> &'a str {
        self.b().str_field(sec::NODES, self.i, N_UNITS)
    }
    /// DESCRIPTION, empty when none.
    pub fn description(&self) -> &'a str {
        self.b().str_field(sec::NODES, self.i, N_DESCR)
    }
    /// REFERENCE, empty when none.
    pub fn reference(&self) -> &'a str {
        self.b().str_field(sec::NODES, self.i, N_REFERENCE)
    }
    /// DEFVAL as the MIB writes it, empty when none.
    pub fn defval(&self) -> &'a str {
        self.b().str_field(sec::NODES, self.i, N_DEFVAL)
    }
    /// The parent node, `None` at a root.
    pub fn parent(&self) -> Option<Node<'a>> {
        // A parent precedes its child in OID order; a damaged set that says otherwise ends
        // the chain here, so walks up the tree always end.
        let p = self.u32f(N_PARENT);
        if p >= self.i {
            return None;
        }
        self.mib.node_at(p)
    }
    /// The INDEX clause of a row, as written (empty for AUGMENTS rows and non-rows):
    /// `(index object, IMPLIED)`.
    pub fn index(&self) -> impl Iterator<Item = (Node<'a>, bool)> + 'a {
        let b = self.b();
        let mib = self.mib;
        let start = self.u32f(N_IDX);
        let len = self.u32f(N_IDXLEN);
        (start..start.saturating_add(len)).filter_map(move |i| {
            let n = mib.node_at(b.u32(sec::INDEXES, i, 0))?;
            Some((n, b.u32(sec::INDEXES, i, 4) != 0))
        })
    }
    /// The row this row AUGMENTS.
    pub fn augments(&self) -> Option<Node<'a>> {
        self.mib.node_at(self.u32f(N_AUGMENTS))
    }
    /// OBJECTS of a notification, or members of a group.
    pub fn members(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        let mib = self.mib;
        self.b()
            .list(sec::MEMBERS, self.u32f(N_MEMBERS), self.u32f(N_MEMBERSLEN))
            .filter_map(move |i| mib.node_at(i))
    }
    /// The row a column belongs to, or the row itself, with its effective INDEX (AUGMENTS
    /// followed, at most a few hops).
    pub fn row(&self) -> Option<Node<'a>> {
        match self.kind() {
            Kind::Row => Some(*self),
            Kind::Column => self.parent().filter(|p| p.kind() == Kind::Row),
            Kind::Table => self.children().find(|c| c.kind() == Kind::Row),
            _ => None,
        }
    }
    /// The effective index of a row or column: the INDEX of the row, or of the row it
    /// AUGMENTS.
    pub fn effective_index(&self) -> Vec<(Node<'a>, bool)> {
        let Some(mut row) = self.row() else {
            return Vec::new();
        };
        for _ in 0..8 {
            let idx: Vec<_> = row.index().collect();
            if !idx.is_empty() {
                return idx;
            }
            match row.augments() {
                Some(a) => row = a,
                None => break,
            }
        }
        Vec::new()
    }
    /// Direct children, in arc order.
    pub fn children(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        let depth = self.depth();
        let me = *self;
        let mib = self.mib;
        (self.i.saturating_add(1)..mib.node_count() as u32)
            .map(move |i| Node { mib, i })
            .take_while(move |n| {
                let a = n.arcs();
                a.len() > depth && me.arcs().iter().zip(a.iter()).all(|(x, y)| x == y)
            })
            .filter(move |n| n.depth() == depth.saturating_add(1))
    }
}

/// A syntax: a textual convention, a base type, or an object's own refinement of one.
#[derive(Clone, Copy)]
pub struct Type<'a> {
    pub(crate) mib: &'a Mib,
    pub(crate) i: u32,
}

impl core::fmt::Debug for Type<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Type({:?} {:?})", self.name(), self.base())
    }
}

impl<'a> Type<'a> {
    fn b(&self) -> &'a Blob {
        &self.mib.blob
    }
    /// The type's name (`DisplayString`), empty for an object's anonymous refinement.
    pub fn name(&self) -> &'a str {
        self.b().str_field(sec::TYPES, self.i, T_NAME)
    }
    /// The module defining the named type.
    pub fn module(&self) -> Option<Module<'a>> {
        let m = self.b().u32(sec::TYPES, self.i, T_MODULE);
        (m != NONE && (m as usize) < self.mib.module_count()).then_some(Module {
            mib: self.mib,
            i: m,
        })
    }
    /// Whether it is a TEXTUAL-CONVENTION.
    pub fn is_textual_convention(&self) -> bool {
        self.b().u8(sec::TYPES, self.i, T_FLAGS) & TF_TC != 0
    }
    /// The SMI base type.
    pub fn base(&self) -> BaseType {
        BaseType::from_u8(self.b().u8(sec::TYPES, self.i, T_BASE))
    }
    /// The effective DISPLAY-HINT, empty when none.
    pub fn hint(&self) -> &'a str {
        self.b().str_field(sec::TYPES, self.i, T_HINT)
    }
    /// DESCRIPTION of a textual convention.
    pub fn description(&self) -> &'a str {
        self.b().str_field(sec::TYPES, self.i, T_DESCR)
    }
    /// The type this one refines (the TC of an anonymous refinement).
    pub fn parent(&self) -> Option<Type<'a>> {
        self.mib.type_at(self.b().u32(sec::TYPES, self.i, T_PARENT))
    }
    /// The named enumeration values (or BITS positions), in MIB order.
    pub fn enums(&self) -> impl Iterator<Item = (i64, &'a str)> + 'a {
        let b = self.b();
        let start = b.u32(sec::TYPES, self.i, T_ENUMS);
        let len = b.u32(sec::TYPES, self.i, T_ENUMSLEN);
        (start..start.saturating_add(len))
            .map(move |i| (b.i64_at(sec::ENUMS, i, 0), b.str_field(sec::ENUMS, i, 8)))
    }
    /// The label of an enumeration value.
    pub fn enum_label(&self, value: i64) -> Option<&'a str> {
        self.enums().find(|(v, _)| *v == value).map(|(_, l)| l)
    }
    /// The value of an enumeration label.
    pub fn enum_value(&self, label: &str) -> Option<i64> {
        self.enums().find(|(_, l)| *l == label).map(|(v, _)| v)
    }
    /// Whether the enumeration list names BITS positions.
    pub fn is_bits(&self) -> bool {
        self.base() == BaseType::Bits
    }
    fn bounds(&self, f: usize, flen: usize) -> impl Iterator<Item = (i64, i64)> + 'a {
        let b = self.b();
        let start = b.u32(sec::TYPES, self.i, f);
        let len = b.u32(sec::TYPES, self.i, flen);
        (start..start.saturating_add(len))
            .map(move |i| (b.i64_at(sec::RANGES, i, 0), b.i64_at(sec::RANGES, i, 8)))
    }
    /// The effective SIZE constraint, as (min, max) pairs.
    pub fn sizes(&self) -> impl Iterator<Item = (i64, i64)> + 'a {
        self.bounds(T_SIZES, T_SIZESLEN)
    }
    /// The effective range constraint, as (min, max) pairs.
    pub fn ranges(&self) -> impl Iterator<Item = (i64, i64)> + 'a {
        self.bounds(T_RANGES, T_RANGESLEN)
    }
    /// The one fixed size, when SIZE allows exactly one length.
    pub fn fixed_size(&self) -> Option<usize> {
        let mut s = self.sizes();
        let (lo, hi) = s.next()?;
        (s.next().is_none() && lo == hi && lo >= 0).then_some(lo as usize)
    }
    /// The chain of names from this type up (`[InetAddressIPv4, InetAddress]`).
    pub fn names(&self) -> impl Iterator<Item = &'a str> + 'a {
        let mut at = Some(*self);
        let mut hops = 0u32;
        core::iter::from_fn(move || {
            let t = at?;
            hops = hops.saturating_add(1);
            at = if hops < 16 { t.parent() } else { None };
            Some(t.name())
        })
        .filter(|n| !n.is_empty())
    }
    /// Whether this type is, or refines, the named textual convention.
    pub fn is(&self, tc: &str) -> bool {
        self.names().any(|n| n == tc)
    }
}

/// A loaded module.
#[derive(Clone, Copy)]
pub struct Module<'a> {
    pub(crate) mib: &'a Mib,
    pub(crate) i: u32,
}

impl core::fmt::Debug for Module<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl<'a> Module<'a> {
    /// The module's name.
    pub fn name(&self) -> &'a str {
        self.mib.blob.str_field(sec::MODULES, self.i, M_NAME)
    }
    /// The file it was read from (empty for the embedded set's base modules).
    pub fn file(&self) -> &'a str {
        self.mib.blob.str_field(sec::MODULES, self.i, M_FILE)
    }
    /// The MODULE-IDENTITY node.
    pub fn identity(&self) -> Option<Node<'a>> {
        self.mib
            .node_at(self.mib.blob.u32(sec::MODULES, self.i, M_IDENTITY))
    }
}
