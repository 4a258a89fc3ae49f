//! From a set resolved by mib-rs to the compiled form.

mod nodes;
mod types;

use crate::blob::{sec, Rec, NONE};
use std::collections::HashMap;

use nodes::NodeRecord;
use types::Compiler;

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
        let mut c = Compiler::new();
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
        // Net-SNMP names the `E.0` node a v1 trap hangs under `E#`, in the trap's module. It
        // prints that name even where a module names the node too (RADLAN-MIB's
        // `rndNotifications ::= { rnd 0 }` prints as `rnd#`; the module's name still
        // resolves).
        let mut invented = HashMap::new();
        for (i, e) in nodes.iter().enumerate() {
            let Some(n) = e.real() else { continue };
            if n.oid().as_ref().last() != Some(&0) {
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
        let (index, owner, invented) = (&self.index, &self.owner, &self.invented);
        let c = &mut self.c;
        for (i, e) in self.nodes.iter().enumerate() {
            let oid_start = c.w.arcs(e.arcs());
            let name =
                c.w.string(invented.get(&i).map_or_else(|| e.name(), String::as_str));
            let parent = parents.get(i).copied().unwrap_or(NONE);
            let mut r = NodeRecord::new(oid_start, e.arcs().len() as u32, name, parent);
            if let Entry::Real(n) = e {
                let owned_by = owner.get(i).copied().flatten().map(|(_, m)| m);
                let own = identity_descr.get(&(i as u32)).map_or("", String::as_str);
                r.definition(c, index, *n, owned_by, own);
            }
            c.w.sections[sec::NODES].extend_from_slice(&r.rec().0);
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
