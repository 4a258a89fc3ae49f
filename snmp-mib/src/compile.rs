//! From a set resolved by mib-rs to the compiled form.

use crate::blob::{sec, Rec, Writer, NONE};
use crate::model::{Access, BaseType, Kind, Status, TF_TC};
use std::collections::HashMap;

fn kind(k: mib_rs::Kind) -> Kind {
    use mib_rs::Kind as K;
    match k {
        K::Node => Kind::Node,
        K::Scalar => Kind::Scalar,
        K::Table => Kind::Table,
        K::Row => Kind::Row,
        K::Column => Kind::Column,
        K::Notification => Kind::Notification,
        K::Group => Kind::Group,
        K::Compliance => Kind::Compliance,
        K::Capability => Kind::Capability,
        K::ModuleIdentity => Kind::ModuleIdentity,
        K::ObjectIdentity => Kind::ObjectIdentity,
        _ => Kind::Unknown,
    }
}

fn access(a: mib_rs::Access) -> Access {
    use mib_rs::Access as A;
    match a {
        A::NotAccessible => Access::NotAccessible,
        A::AccessibleForNotify => Access::AccessibleForNotify,
        A::ReadOnly => Access::ReadOnly,
        A::ReadWrite => Access::ReadWrite,
        A::ReadCreate => Access::ReadCreate,
        A::WriteOnly => Access::WriteOnly,
        _ => Access::None,
    }
}

fn status(s: mib_rs::Status) -> Status {
    use mib_rs::Status as S;
    match s {
        S::Current => Status::Current,
        S::Deprecated => Status::Deprecated,
        S::Obsolete => Status::Obsolete,
        S::Mandatory => Status::Mandatory,
        S::Optional => Status::Optional,
    }
}

fn base(b: mib_rs::BaseType) -> BaseType {
    use mib_rs::BaseType as B;
    match b {
        B::Integer32 => BaseType::Integer32,
        B::Unsigned32 => BaseType::Unsigned32,
        B::Counter32 => BaseType::Counter32,
        B::Counter64 | B::Unsigned64 => BaseType::Counter64,
        B::Gauge32 => BaseType::Gauge32,
        B::TimeTicks => BaseType::TimeTicks,
        B::IpAddress => BaseType::IpAddress,
        B::OctetString => BaseType::OctetString,
        B::ObjectIdentifier => BaseType::ObjectIdentifier,
        B::Bits => BaseType::Bits,
        B::Opaque => BaseType::Opaque,
        B::Integer64 => BaseType::Integer32,
        _ => BaseType::Unknown,
    }
}

/// One of the SMI's own types (defined by SNMPv2-SMI or RFC1155-SMI, or built in).
fn is_smi(t: mib_rs::Type<'_>) -> bool {
    t.module()
        .is_none_or(|m| matches!(m.name(), "SNMPv2-SMI" | "RFC1155-SMI" | "RFC1065-SMI"))
}

fn bounds(list: &[mib_rs::mib::Range]) -> Vec<(i64, i64)> {
    list.iter()
        .map(|r| (bound(&r.min, false), bound(&r.max, true)))
        .collect()
}

fn bound(b: &mib_rs::mib::RangeBound, max: bool) -> i64 {
    use mib_rs::mib::RangeBound as R;
    match b {
        R::Signed(v) => *v,
        R::Unsigned(v) => i64::try_from(*v).unwrap_or(i64::MAX),
        R::Min => i64::MIN,
        R::Max => i64::MAX,
        R::Raw(_) if max => i64::MAX,
        R::Raw(_) => i64::MIN,
    }
}

/// What a type record holds, as a key for interning.
#[derive(Clone, PartialEq, Eq, Hash)]
struct TypeKey {
    name: String,
    module: u32,
    base: u8,
    flags: u8,
    hint: String,
    enums: Vec<(i64, String)>,
    sizes: Vec<(i64, i64)>,
    ranges: Vec<(i64, i64)>,
    descr: String,
    parent: u32,
}

struct Compiler {
    w: Writer,
    modules: HashMap<mib_rs::raw::ModuleId, u32>,
    types: HashMap<mib_rs::raw::TypeId, u32>,
    interned: HashMap<TypeKey, u32>,
    /// The key of each type record, by record number.
    keys: Vec<TypeKey>,
}

impl Compiler {
    fn module(&self, m: Option<mib_rs::Module<'_>>) -> u32 {
        m.and_then(|m| self.modules.get(&m.id()).copied())
            .unwrap_or(NONE)
    }

    fn intern(&mut self, key: TypeKey) -> u32 {
        if let Some(&i) = self.interned.get(&key) {
            return i;
        }
        let i = self.w.next(sec::TYPES);
        let enums_start = self.w.next(sec::ENUMS);
        for (v, l) in &key.enums {
            let l = self.w.string(l);
            let r = Rec::default().i64(*v).s(l);
            self.w.sections[sec::ENUMS].extend_from_slice(&r.0);
        }
        let bounds = |w: &mut Writer, list: &[(i64, i64)]| {
            let start = w.next(sec::RANGES);
            for (lo, hi) in list {
                let r = Rec::default().i64(*lo).i64(*hi);
                w.sections[sec::RANGES].extend_from_slice(&r.0);
            }
            start
        };
        let sizes_start = bounds(&mut self.w, &key.sizes);
        let ranges_start = bounds(&mut self.w, &key.ranges);
        let name = self.w.string(&key.name);
        let hint = self.w.string(&key.hint);
        let descr = self.w.string(&key.descr);
        let r = Rec::default()
            .s(name)
            .u32(key.module)
            .u8(key.base)
            .u8(key.flags)
            .u8(0)
            .u8(0)
            .s(hint)
            .u32(enums_start)
            .u32(key.enums.len() as u32)
            .u32(sizes_start)
            .u32(key.sizes.len() as u32)
            .u32(ranges_start)
            .u32(key.ranges.len() as u32)
            .s(descr)
            .u32(key.parent);
        self.w.sections[sec::TYPES].extend_from_slice(&r.0);
        self.keys.push(key.clone());
        self.interned.insert(key, i);
        i
    }

    /// What a type without constraints of its own inherits: its parent's, unless the parent
    /// is one of the SMI's own types.
    fn inherited(
        &self,
        parent: u32,
        t: mib_rs::Type<'_>,
        pick: impl Fn(&TypeKey) -> &Vec<(i64, i64)>,
    ) -> Vec<(i64, i64)> {
        match t.parent() {
            Some(p) if parent != NONE && !is_smi(p) => self
                .keys
                .get(parent as usize)
                .map(|k| pick(k).clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn ty(&mut self, t: mib_rs::Type<'_>, depth: usize) -> u32 {
        if let Some(&i) = self.types.get(&t.id()) {
            return i;
        }
        let parent = match t.parent() {
            Some(p) if depth < 16 => self.ty(p, depth.saturating_add(1)),
            _ => NONE,
        };
        let b = base(t.effective_base());
        let enums = if b == BaseType::Bits {
            t.effective_bits()
        } else {
            t.effective_enums()
        };
        let key = TypeKey {
            name: t.name().to_owned(),
            module: self.module(t.module()),
            base: b.to_u8(),
            flags: if t.is_textual_convention() { TF_TC } else { 0 },
            hint: t.effective_display_hint().to_owned(),
            enums: enums.iter().map(|e| (e.value, e.label.clone())).collect(),
            // Constraints as written: the type's own, else what it inherits from a textual
            // convention; the SMI's own types (Counter32's 0..4294967295) are no constraint
            // anyone wrote, as Net-SNMP sees it.
            sizes: match bounds(t.sizes()) {
                _ if is_smi(t) && t.effective_base() != mib_rs::BaseType::IpAddress => Vec::new(),
                own if !own.is_empty() => own,
                _ => self.inherited(parent, t, |k| &k.sizes),
            },
            ranges: match bounds(t.ranges()) {
                _ if is_smi(t) => Vec::new(),
                own if !own.is_empty() => own,
                _ => self.inherited(parent, t, |k| &k.ranges),
            },
            descr: t.description().to_owned(),
            parent,
        };
        let i = self.intern(key);
        self.types.insert(t.id(), i);
        i
    }

    /// The object's effective syntax: its type, or an anonymous refinement when the
    /// object's own clauses (an inline enumeration, a SIZE) differ from the type's.
    fn object_type(&mut self, o: mib_rs::Object<'_>) -> u32 {
        let Some(t) = o.ty() else { return NONE };
        let ti = self.ty(t, 0);
        let b = base(t.effective_base());
        let enums = if b == BaseType::Bits {
            o.effective_bits()
        } else {
            o.effective_enums()
        };
        let enums: Vec<(i64, String)> = enums.iter().map(|e| (e.value, e.label.clone())).collect();
        // `ty` gave a type it recorded: its key is there.
        let Some(key) = self.keys.get(ti as usize) else {
            return ti;
        };
        let sizes = match bounds(o.declared_sizes()) {
            own if !own.is_empty() => own,
            _ => key.sizes.clone(),
        };
        let ranges = match bounds(o.declared_ranges()) {
            own if !own.is_empty() => own,
            _ => key.ranges.clone(),
        };
        let hint = o.effective_display_hint().to_owned();
        let same =
            key.enums == enums && key.sizes == sizes && key.ranges == ranges && key.hint == hint;
        if same {
            return ti;
        }
        self.intern(TypeKey {
            name: String::new(),
            module: NONE,
            base: b.to_u8(),
            flags: 0,
            hint,
            enums,
            sizes,
            ranges,
            descr: String::new(),
            parent: ti,
        })
    }
}

/// Module names in Net-SNMP's load order: the requested ones in order, each after its
/// imports (depth first), then the rest by name.
fn load_order(mib: &mib_rs::Mib, requested: &[String]) -> HashMap<String, usize> {
    fn visit(
        mib: &mib_rs::Mib,
        name: &str,
        rank: &mut HashMap<String, usize>,
        seen: &mut std::collections::HashSet<String>,
    ) {
        if !seen.insert(name.to_owned()) {
            return;
        }
        if let Some(m) = mib.module(name) {
            for imp in m.imports() {
                visit(mib, &imp.module, rank, seen);
            }
        }
        let next = rank.len();
        rank.insert(name.to_owned(), next);
    }
    let mut rank = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for r in requested {
        visit(mib, r, &mut rank, &mut seen);
    }
    let mut rest: Vec<&str> = mib.modules().map(|m| m.name()).collect();
    rest.sort_unstable();
    for r in rest {
        visit(mib, r, &mut rank, &mut seen);
    }
    rank
}

const ROOTS: [(u32, &str); 3] = [(0, "ccitt"), (1, "iso"), (2, "joint-iso-ccitt")];
const ROOT_ARCS: [&[u32]; 3] = [&[0], &[1], &[2]];

/// A node to write: one of the set's, or a root Net-SNMP always has.
enum Entry<'m> {
    Real(mib_rs::Node<'m>),
    Root(&'static str, &'static [u32]),
}

impl<'m> Entry<'m> {
    fn arcs(&self) -> &[u32] {
        match self {
            Entry::Real(n) => n.oid().as_ref(),
            Entry::Root(_, a) => a,
        }
    }
    fn name(&self) -> &str {
        match self {
            Entry::Real(n) if n.name().is_empty() && n.oid().len() == 1 => ROOTS
                .iter()
                .find(|(a, _)| n.oid().as_ref() == [*a])
                .map(|(_, name)| *name)
                .unwrap_or(""),
            Entry::Real(n) => n.name(),
            Entry::Root(name, _) => name,
        }
    }
    fn real(&self) -> Option<mib_rs::Node<'m>> {
        match self {
            Entry::Real(n) => Some(*n),
            Entry::Root(..) => None,
        }
    }
}

/// Compiles a resolved set.
///
/// `requested` is the module list asked for (empty for all): where several loaded modules
/// define the same node, the one Net-SNMP would load first names it (the requested
/// modules in order, each after what it imports).
///
/// `labels` maps the loader's source labels to the files they came from.
pub(crate) fn compile(
    mib: &mib_rs::Mib,
    requested: &[String],
    labels: &HashMap<String, String>,
) -> Vec<u8> {
    let mut p = Compilation::new(mib, requested);
    p.write_modules(labels);
    p.write_nodes();
    p.write_names();
    p.c.w.finish()
}

/// A compilation in progress: the set, its modules and nodes in the order they are written,
/// and who names each node. `compile` runs its phases in order.
struct Compilation<'m> {
    mib: &'m mib_rs::Mib,
    c: Compiler,
    /// The modules, by name.
    mods: Vec<mib_rs::Module<'m>>,
    /// The nodes to write, in OID order, with the roots Net-SNMP always has.
    nodes: Vec<Entry<'m>>,
    /// Each real node's record number.
    index: HashMap<mib_rs::raw::NodeId, u32>,
    /// Who names each node: (load rank, module record) of the first module that loads it.
    owner: Vec<Option<(usize, u32)>>,
    /// Names Net-SNMP makes up: `ENTERPRISE#` for the unnamed `enterprise.0` node a v1
    /// TRAP-TYPE hangs under (its traps are `enterprise.0.N`), by node.
    invented: HashMap<usize, String>,
}

impl<'m> Compilation<'m> {
    /// Orders the modules and nodes, and finds who names each node.
    fn new(mib: &'m mib_rs::Mib, requested: &[String]) -> Self {
        let mut c = Compiler {
            w: Writer::default(),
            modules: HashMap::new(),
            types: HashMap::new(),
            interned: HashMap::new(),
            keys: Vec::new(),
        };
        // Modules, by name.
        let mut mods: Vec<mib_rs::Module<'m>> = mib.modules().collect();
        mods.sort_by(|a, b| a.name().cmp(b.name()));
        for (i, m) in mods.iter().enumerate() {
            c.modules.insert(m.id(), i as u32);
        }
        let nodes = Self::entries(mib);
        let index: HashMap<mib_rs::raw::NodeId, u32> = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((n.real()?.id(), i as u32)))
            .collect();
        // Who names a node defined by several modules: the first loaded.
        let rank = load_order(mib, requested);
        let mut owner: Vec<Option<(usize, u32)>> = vec![None; nodes.len()];
        for m in &mods {
            let r = rank.get(m.name()).copied().unwrap_or(usize::MAX);
            let mi = c.modules.get(&m.id()).copied().unwrap_or(NONE);
            for n in m.nodes() {
                if let Some(slot) = index
                    .get(&n.id())
                    .and_then(|&ni| owner.get_mut(ni as usize))
                {
                    if slot.is_none_or(|(best, _)| r < best) {
                        *slot = Some((r, mi));
                    }
                }
            }
        }
        // Net-SNMP names the unnamed `E.0` node of a v1 trap `E#`, in the trap's module.
        let mut invented = HashMap::new();
        for (i, e) in nodes.iter().enumerate() {
            let Some(n) = e.real() else { continue };
            if !e.name().is_empty() || n.oid().as_ref().last() != Some(&0) {
                continue;
            }
            // An SMIv1 TRAP-TYPE's (an SMIv2 NOTIFICATION-TYPE under an unnamed `.0` gets
            // no such name in Net-SNMP).
            let trap = n.children().find(|c| {
                !c.name().is_empty() && c.notification().is_some_and(|t| t.trap_info().is_some())
            });
            let (Some(trap), Some(parent)) = (trap, n.parent()) else {
                continue;
            };
            if parent.name().is_empty() {
                continue;
            }
            invented.insert(i, format!("{}#", parent.name()));
            if let Some(&ti) = index.get(&trap.id()) {
                if let Some(o) = owner.get(ti as usize).copied().flatten() {
                    if let Some(slot) = owner.get_mut(i) {
                        slot.get_or_insert(o);
                    }
                }
            }
        }
        Compilation {
            mib,
            c,
            mods,
            nodes,
            index,
            owner,
            invented,
        }
    }

    /// The nodes in OID order (the root has no arcs and is left out), with the three roots
    /// Net-SNMP's tree always has added where the set does not define them (so that `.0.0`
    /// prints as `ccitt.0`, or zeroDotZero, as there).
    fn entries(mib: &'m mib_rs::Mib) -> Vec<Entry<'m>> {
        let mut real: Vec<mib_rs::Node<'m>> = mib.nodes().filter(|n| !n.oid().is_empty()).collect();
        real.sort_by(|a, b| a.oid().as_ref().cmp(b.oid().as_ref()));
        real.dedup_by(|a, b| a.oid().as_ref() == b.oid().as_ref());
        let mut nodes: Vec<Entry<'m>> = Vec::with_capacity(real.len().saturating_add(3));
        // ROOTS, ROOT_ARCS and `have` are the three roots 0, 1 and 2, in that order.
        let mut have = [false; 3];
        for n in real {
            let arcs = n.oid().as_ref();
            for (((arc, name), seen), root) in ROOTS.into_iter().zip(&mut have).zip(ROOT_ARCS) {
                if arcs.first().is_some_and(|&first| first >= arc) && !*seen {
                    *seen = true;
                    if arcs != [arc] {
                        nodes.push(Entry::Root(name, root));
                    }
                }
            }
            nodes.push(Entry::Real(n));
        }
        for (((_, name), seen), root) in ROOTS.into_iter().zip(have).zip(ROOT_ARCS) {
            if !seen {
                nodes.push(Entry::Root(name, root));
            }
        }
        nodes
    }

    /// The modules section.
    fn write_modules(&mut self, labels: &HashMap<String, String>) {
        let (mib, c) = (self.mib, &mut self.c);
        for m in &self.mods {
            let name = c.w.string(m.name());
            let label = m.source_label().unwrap_or("");
            let file =
                c.w.string(labels.get(label).map(String::as_str).unwrap_or(label));
            let identity = m
                .oid()
                .and_then(|o| mib.exact_node_by_oid(o))
                .map(|n| node_of_in(&self.index, Some(n)))
                .unwrap_or(NONE);
            let r = Rec::default().s(name).u32(identity).u32(0).s(file);
            c.w.sections[sec::MODULES].extend_from_slice(&r.0);
        }
    }

    /// The description of each MODULE-IDENTITY, for its identity node.
    fn identity_descriptions(&self) -> HashMap<u32, String> {
        let (mib, mods, index) = (self.mib, &self.mods, &self.index);
        // MODULE-IDENTITY descriptions belong to the module's identity node.
        let mut identity_descr: HashMap<u32, String> = HashMap::new();
        for m in mods {
            for ident in m.identities() {
                if let Some(&ni) = mib
                    .exact_node_by_oid(ident.oid())
                    .and_then(|n| index.get(&n.id()))
                {
                    identity_descr
                        .entry(ni)
                        .or_insert_with(|| ident.description().to_owned());
                }
            }
        }

        identity_descr
    }

    /// Each node's parent: the nearest ancestor present (a stack over the OID-ordered list).
    fn parents(&self) -> Vec<u32> {
        let nodes = &self.nodes;
        let mut parents = vec![NONE; nodes.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            let arcs = n.arcs();
            while let Some(t) = stack.last().and_then(|&top| nodes.get(top)) {
                let t = t.arcs();
                if t.len() < arcs.len() && arcs.starts_with(t) {
                    break;
                }
                stack.pop();
            }
            if let Some(p) = parents.get_mut(i) {
                *p = stack.last().map(|&t| t as u32).unwrap_or(NONE);
            }
            stack.push(i);
        }

        parents
    }

    /// The nodes section (with their index and member lists).
    fn write_nodes(&mut self) {
        let identity_descr = self.identity_descriptions();
        let parents = self.parents();
        let index = &self.index;
        let owner = &self.owner;
        let invented = &self.invented;
        let c = &mut self.c;
        let node_of = |n: Option<mib_rs::Node<'_>>| node_of_in(index, n);
        for (i, e) in self.nodes.iter().enumerate() {
            let oid_start = c.w.arcs(e.arcs());
            let name =
                c.w.string(invented.get(&i).map_or_else(|| e.name(), String::as_str));
            let Entry::Real(n) = e else {
                let r = Rec::default()
                    .u32(oid_start)
                    .u32(e.arcs().len() as u32)
                    .s(name)
                    .u32(NONE)
                    .u8(Kind::Node.to_u8())
                    .u8(0)
                    .u8(0)
                    .u8(0)
                    .u32(NONE)
                    .s(Default::default())
                    .s(Default::default())
                    .u32(0)
                    .u32(0)
                    .u32(NONE)
                    .u32(0)
                    .u32(0)
                    .s(Default::default())
                    .s(Default::default())
                    .u32(parents.get(i).copied().unwrap_or(NONE))
                    .u32(0);
                c.w.sections[sec::NODES].extend_from_slice(&r.0);
                continue;
            };
            let module = owner
                .get(i)
                .copied()
                .flatten()
                .map(|(_, m)| m)
                .unwrap_or_else(|| c.module(n.module()));
            let obj = n.object();
            let (acc, ty, units, defval) = match obj {
                Some(o) => (
                    access(o.access()),
                    c.object_type(o),
                    o.units().to_owned(),
                    o.default_value()
                        .map(|d| d.raw().to_owned())
                        .unwrap_or_default(),
                ),
                None => (Access::None, NONE, String::new(), String::new()),
            };
            // STATUS, DESCRIPTION and REFERENCE live on the definition (object, notification,
            // group, ...), the node's own only for OBJECT-IDENTITY and MODULE-IDENTITY.
            let (e_status, e_descr, e_ref): (Option<mib_rs::Status>, &str, &str) =
                if let Some(o) = obj {
                    (Some(o.status()), o.description(), o.reference())
                } else if let Some(x) = n.notification() {
                    (Some(x.status()), x.description(), x.reference())
                } else if let Some(x) = n.group() {
                    (Some(x.status()), x.description(), x.reference())
                } else if let Some(x) = n.compliance() {
                    (Some(x.status()), x.description(), x.reference())
                } else if let Some(x) = n.capability() {
                    (Some(x.status()), x.description(), x.reference())
                } else {
                    (None, "", "")
                };
            let st = e_status.or(n.status()).map(status).unwrap_or(Status::None);
            let units = c.w.string(&units);
            let own = identity_descr
                .get(&(i as u32))
                .map(String::as_str)
                .unwrap_or("");
            let descr = c.w.string(match (e_descr, n.description(), own) {
                ("", "", own) => own,
                ("", d, _) => d,
                (d, _, _) => d,
            });
            let reference = c.w.string(if e_ref.is_empty() {
                n.reference()
            } else {
                e_ref
            });
            let defval = c.w.string(&defval);
            let idx_start = c.w.next(sec::INDEXES);
            let mut idx_len = 0u32;
            let mut augments = NONE;
            if let Some(o) = obj.filter(|o| o.is_row()) {
                for ix in o.index() {
                    let target = ix
                        .object()
                        .and_then(|io| io.node())
                        .map(|n| node_of(Some(n)));
                    if let Some(t) = target {
                        let r = Rec::default().u32(t).u32(ix.implied() as u32);
                        c.w.sections[sec::INDEXES].extend_from_slice(&r.0);
                        idx_len = idx_len.saturating_add(1);
                    }
                }
                augments = o
                    .augments()
                    .and_then(|a| a.node())
                    .map(|a| node_of(Some(a)))
                    .unwrap_or(NONE);
            }
            let members_start = c.w.next(sec::MEMBERS);
            let mut members: Vec<u32> = Vec::new();
            if let Some(nt) = n.notification() {
                members.extend(
                    nt.objects()
                        .filter_map(|o| o.node())
                        .map(|m| node_of(Some(m))),
                );
            } else if let Some(g) = n.group() {
                members.extend(g.members().map(|m| node_of(Some(m))));
            }
            for m in &members {
                c.w.sections[sec::MEMBERS].extend_from_slice(&m.to_le_bytes());
            }
            let r = Rec::default()
                .u32(oid_start)
                .u32(e.arcs().len() as u32)
                .s(name)
                .u32(module)
                .u8(kind(n.kind()).to_u8())
                .u8(acc.to_u8())
                .u8(st.to_u8())
                .u8(0)
                .u32(ty)
                .s(units)
                .s(descr)
                .u32(idx_start)
                .u32(idx_len)
                .u32(augments)
                .u32(members_start)
                .u32(members.len() as u32)
                .s(reference)
                .s(defval)
                .u32(parents.get(i).copied().unwrap_or(NONE))
                .u32(0);
            c.w.sections[sec::NODES].extend_from_slice(&r.0);
        }
    }

    /// The name index: every (name, node, module) a name is visible under, including a
    /// second name a module gives an OID another module named first.
    fn write_names(&mut self) {
        let (mib, mods, index, owner, nodes) =
            (self.mib, &self.mods, &self.index, &self.owner, &self.nodes);
        let invented = &self.invented;
        let c = &mut self.c;
        let mut by_name: Vec<(String, u32, u32)> = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            let module = match (owner.get(i).copied().flatten(), n.real()) {
                (Some((_, m)), _) => m,
                (None, Some(r)) => c.module(r.module()),
                (None, None) => NONE,
            };
            let name = invented.get(&i).map_or_else(|| n.name(), String::as_str);
            if !name.is_empty() {
                by_name.push((name.to_owned(), i as u32, module));
            }
        }
        let raw = mib.raw();
        for m in mods {
            let mi = c.modules.get(&m.id()).copied().unwrap_or(NONE);
            for n in m.nodes() {
                if let Some(&ni) = index.get(&n.id()) {
                    if !n.name().is_empty() {
                        by_name.push((n.name().to_owned(), ni, mi));
                    }
                }
            }
            let mut alias = |name: &str, node: Option<mib_rs::Node<'_>>| {
                if let Some(&ni) = node.and_then(|n| index.get(&n.id())) {
                    if !name.is_empty() {
                        by_name.push((name.to_owned(), ni, mi));
                    }
                }
            };
            for sym in raw.module(m.id()).definitions() {
                use mib_rs::raw::Symbol as S;
                match sym {
                    S::Object(id) => {
                        let o = mib.object_by_id(id);
                        alias(o.name(), o.node());
                    }
                    S::Notification(id) => {
                        let o = mib.notification_by_id(id);
                        alias(o.name(), o.node());
                    }
                    S::Group(id) => {
                        let o = mib.group_by_id(id);
                        alias(o.name(), o.node());
                    }
                    S::Compliance(id) => {
                        let o = mib.compliance_by_id(id);
                        alias(o.name(), o.node());
                    }
                    S::Capability(id) => {
                        let o = mib.capability_by_id(id);
                        alias(o.name(), o.node());
                    }
                    _ => {}
                }
            }
            for ident in m.identities() {
                alias(ident.name(), mib.exact_node_by_oid(ident.oid()));
            }
        }
        by_name.sort();
        by_name.dedup();
        for (name, n, m) in &by_name {
            let name = c.w.string(name);
            let r = Rec::default().u32(*n).u32(*m).s(name);
            c.w.sections[sec::BY_NAME].extend_from_slice(&r.0);
        }
    }
}

/// A node's record number in `index` (NONE when it is not in the set).
fn node_of_in(index: &HashMap<mib_rs::raw::NodeId, u32>, n: Option<mib_rs::Node<'_>>) -> u32 {
    n.and_then(|n| index.get(&n.id()).copied()).unwrap_or(NONE)
}
