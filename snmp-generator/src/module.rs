//! One module of `generator.yml` made into an `snmp.yml` module: upstream's
//! `generateConfigModule` (tree.go), as named phases over one `Build`:
//! type overrides, the walk's roots, the metrics under them, lookups, the InetAddress check,
//! overrides, static filters, and the walk/get lists.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use snmp_exporter_config as cfg;
use snmp_exporter_config::Layout;

use crate::config::ModuleConfig;
use crate::tree::Tree;
use crate::vocab::{combined, index_node, metric_access, metric_type, minimize, sanitize, search};
use crate::{Problem, ProblemKind};

/// A module's generation in progress.
struct Build<'a> {
    tree: &'a Tree,
    m: &'a ModuleConfig,
    /// Since-0.23 behaviour (current layout).
    current: bool,
    /// Type overrides of this module, by node.
    kinds: HashMap<usize, String>,
    /// OIDs to walk, and (with a trailing dot) to get.
    need: BTreeSet<String>,
    /// Instances asked for, by column OID.
    instances: HashMap<String, Vec<String>>,
    metrics: Vec<cfg::Metric>,
    problems: Vec<Problem>,
    /// Type overrides whose node was not found (named once the walk is known).
    missing_override_type: Vec<String>,
}

impl<'a> Build<'a> {
    fn problem(&mut self, kind: ProblemKind, message: String) {
        self.problems.push(Problem::generator(kind, message));
    }

    /// A name of the module's config: its node, with a warning when the bare label was
    /// ambiguous.
    fn find(&mut self, name: &str) -> Option<usize> {
        let f = self.tree.find(name)?;
        if f.ambiguous.len() > 1 {
            let others = f.ambiguous[1..].join(", ");
            self.problem(
                ProblemKind::Ambiguous,
                format!(
                    "{name} is defined at different OIDs by several MIB modules: {} used (Net-SNMP's choice when its order is known), not {others}; write MODULE::{name} to choose",
                    f.ambiguous[0]
                ),
            );
        }
        Some(f.node)
    }

    fn kind_of(&self, i: usize) -> &str {
        self.kinds
            .get(&i)
            .map(String::as_str)
            .unwrap_or(&self.tree.nodes[i].kind)
    }

    /// Phase 1: type overrides apply to the nodes, for this module only.
    fn type_overrides(&mut self) {
        for (name, o) in &self.m.overrides {
            if o.kind.is_empty() {
                continue;
            }
            match self.find(name) {
                Some(i) => {
                    self.kinds.insert(i, o.kind.clone());
                }
                None => self.missing_override_type.push(name.clone()),
            }
        }
    }

    /// Phase 2: the walk's roots (subtrees, scalars, instances), in OID order.
    fn roots(&mut self) -> Result<Vec<usize>, String> {
        let mut to_walk = Vec::new();
        for w in &self.m.walk {
            if self.current && w.starts_with('.') {
                return Err(format!("invalid OID {w}, prefix of '.' should be removed"));
            }
            match self.find(w) {
                Some(i) => to_walk.push(self.tree.nodes[i].oid.clone()),
                None => to_walk.push(w.clone()),
            }
        }
        let mut roots: Vec<usize> = Vec::new();
        for oid in minimize(to_walk) {
            let found = match self.tree.by_oid.get(&oid) {
                Some(&i) => {
                    let n = &self.tree.nodes[i];
                    if metric_type(self.kind_of(i)).is_some()
                        && metric_access(n.access)
                        && n.indexes.is_empty()
                    {
                        self.need.insert(format!("{oid}.0."));
                    } else {
                        self.need.insert(oid.clone());
                    }
                    Some(i)
                }
                // An instance of a table column (a GET of it), or nothing known.
                None => match search(self.tree, &oid) {
                    Some(i)
                        if metric_type(self.kind_of(i)).is_some()
                            && metric_access(self.tree.nodes[i].access)
                            && !self.tree.nodes[i].indexes.is_empty() =>
                    {
                        self.need.insert(format!("{oid}."));
                        let col = &self.tree.nodes[i].oid;
                        let index = oid.replacen(col.as_str(), "", 1);
                        self.instances.entry(col.clone()).or_default().push(index);
                        Some(i)
                    }
                    _ => None,
                },
            };
            match found {
                Some(i) if !roots.contains(&i) => roots.push(i),
                Some(_) => {}
                None => {
                    let shown = self
                        .m
                        .walk
                        .iter()
                        .find(|w| self.tree.get(w).map(|i| &self.tree.nodes[i].oid) == Some(&oid))
                        .cloned()
                        .unwrap_or_else(|| oid.clone());
                    self.problems.push(
                        Problem::generator(
                            ProblemKind::Walk,
                            format!("cannot find oid '{shown}' to walk"),
                        )
                        .about(&shown),
                    );
                }
            }
        }
        roots.sort_by(|a, b| self.tree.nodes[*a].oid.cmp(&self.tree.nodes[*b].oid));
        Ok(roots)
    }

    /// Phase 3: every usable object under the roots becomes a metric, with its indexes.
    fn metrics(&mut self, roots: &[usize]) -> Result<(), String> {
        for &top in roots {
            let mut stack = vec![top];
            while let Some(i) = stack.pop() {
                stack.extend(self.tree.nodes[i].children.iter().rev().copied());
                if let Some(m) = self.metric(i)? {
                    self.metrics.push(m);
                }
            }
        }
        Ok(())
    }

    fn metric(&mut self, i: usize) -> Result<Option<cfg::Metric>, String> {
        let tree = self.tree;
        let n = &tree.nodes[i];
        let Some(t) = metric_type(self.kind_of(i)) else {
            return Ok(None);
        };
        if !metric_access(n.access) {
            return Ok(None);
        }
        let name = sanitize(&n.label);
        if self.m.overrides.get(&name).is_some_and(|o| o.ignore) {
            return Ok(None);
        }
        let mut m = cfg::Metric {
            name,
            oid: n.oid.clone(),
            kind: cfg::MetricType::parse(t),
            help: format!("{} - {}", n.description, n.oid),
            indexes: Vec::new(),
            lookups: Vec::new(),
            regex_extracts: BTreeMap::new(),
            datetime_pattern: String::new(),
            enum_values: n.enums.clone(),
            offset: 0.0,
            scale: 0.0,
            display_hint: String::new(),
        };
        // The textual conventions of the one and two indexes before (an InetAddress's
        // InetAddressType; its address family's and subsequent family's since 0.23).
        let (mut prev, mut prev2) = (String::new(), String::new());
        for (count, (label, qualified)) in n.indexes.iter().enumerate() {
            let Some(ii) = tree.get(qualified).or_else(|| tree.get(label)) else {
                self.problem(
                    ProblemKind::Index,
                    format!("Could not find index {label} for node {}", n.label),
                );
                return Ok(None);
            };
            let inode = &tree.nodes[ii];
            let Some(it) = metric_type(self.kind_of(ii)) else {
                let k = self.kind_of(ii).to_owned();
                self.problem(
                    ProblemKind::Index,
                    format!("Can't handle index type {k} of {label} on node {}", n.label),
                );
                return Ok(None);
            };
            let mut index = cfg::Index {
                labelname: label.clone(),
                kind: it.to_owned(),
                fixed_size: inode.fixed_size,
                implied: n.implied && count + 1 == n.indexes.len(),
                enum_values: inode.enums.clone(),
            };
            if self.current {
                if !index.enum_values.is_empty()
                    && index.kind != "EnumAsStateSet"
                    && self.kind_of(ii) != "gauge"
                {
                    index.kind = "EnumAsInfo".into();
                }
                if !cfg::RENDERABLE_INDEX_TYPES.contains(&index.kind.as_str()) {
                    return Err(format!(
                        "cannot use index '{label}' of type {} on metric '{}'",
                        index.kind, n.label
                    ));
                }
            }
            if let Some(sub) = combined(&index.kind) {
                if prev == sub {
                    m.indexes.pop();
                } else if self.current && prev2 == sub {
                    let keep = m.indexes.len().saturating_sub(2);
                    m.indexes.truncate(keep);
                } else {
                    self.problem(
                        ProblemKind::Index,
                        format!(
                            "Can't handle index type {} on node {}, missing preceding {sub}",
                            index.kind, n.label
                        ),
                    );
                    return Ok(None);
                }
            }
            prev2 = std::mem::replace(&mut prev, inode.tc.clone());
            m.indexes.push(index);
        }
        Ok(Some(m))
    }

    /// The static filters' indices by target OID.
    fn static_filters(&self) -> HashMap<String, Vec<String>> {
        let mut out = HashMap::new();
        for f in &self.m.filters.static_ {
            for t in &f.targets {
                let oid = self
                    .tree
                    .get(t)
                    .map_or_else(|| t.clone(), |i| self.tree.nodes[i].oid.clone());
                out.insert(oid, f.indices.clone());
            }
        }
        out
    }

    /// Phase 4: lookups replace (or add to) index labels with another column's value.
    fn lookups(&mut self) -> Result<(), String> {
        let tree = self.tree;
        let mut lookup_nodes = Vec::new();
        for l in &self.m.lookups {
            match self.find(&l.lookup) {
                Some(i) => lookup_nodes.push(Some(i)),
                None => {
                    self.problems.push(
                        Problem::generator(
                            ProblemKind::Lookup,
                            format!("unknown index '{}' (a lookup)", l.lookup),
                        )
                        .about(&l.lookup),
                    );
                    lookup_nodes.push(None);
                }
            }
        }
        let required_as_index: Vec<&String> = self
            .m
            .lookups
            .iter()
            .flat_map(|l| l.source_indexes.iter())
            .collect();
        let filters = self.static_filters();
        let mut metrics = std::mem::take(&mut self.metrics);
        for m in &mut metrics {
            let mut to_delete: Vec<String> = Vec::new();
            for (l, node) in self.m.lookups.iter().zip(&lookup_nodes) {
                let found = l
                    .source_indexes
                    .iter()
                    .filter(|s| m.indexes.iter().any(|i| &&i.labelname == s))
                    .count();
                if found != l.source_indexes.len() {
                    continue;
                }
                let Some(mut li) = *node else { continue };
                if self.current && !l.lookup.contains("::") {
                    li = index_node(tree, &l.lookup, &m.oid).unwrap_or(li);
                }
                let lnode = &tree.nodes[li];
                let Some(lt) = metric_type(self.kind_of(li)) else {
                    return Err(format!(
                        "unknown index type {} for {}",
                        self.kind_of(li),
                        l.lookup
                    ));
                };
                let mut out = cfg::Lookup {
                    labels: l.source_indexes.iter().map(|s| sanitize(s)).collect(),
                    labelname: sanitize(&lnode.label),
                    oid: lnode.oid.clone(),
                    kind: lt.to_owned(),
                    display_hint: String::new(),
                    enum_values: BTreeMap::new(),
                };
                if self.current {
                    if !lnode.enums.is_empty()
                        && out.kind != "EnumAsStateSet"
                        && self.kind_of(li) != "gauge"
                    {
                        out.kind = "EnumAsInfo".into();
                    }
                    out.enum_values = lnode.enums.clone();
                    match l.display_hint.as_str() {
                        "" => {}
                        "@mib" if lnode.hint.is_empty() => self.problems.push(Problem::generator(
                            ProblemKind::Warning,
                            format!(
                                "display_hint @mib specified but MIB has no DISPLAY-HINT: lookup {}",
                                l.lookup
                            ),
                        )),
                        "@mib" => out.display_hint = lnode.hint.clone(),
                        h => out.display_hint = h.to_owned(),
                    }
                }
                if required_as_index.contains(&&out.labelname) {
                    if self.current && !cfg::RENDERABLE_INDEX_TYPES.contains(&out.kind.as_str()) {
                        return Err(format!(
                            "cannot use lookup '{}' of type {} as an index",
                            l.lookup, out.kind
                        ));
                    }
                    m.indexes.push(cfg::Index {
                        labelname: out.labelname.clone(),
                        kind: out.kind.clone(),
                        fixed_size: 0,
                        implied: false,
                        enum_values: if self.current {
                            lnode.enums.clone()
                        } else {
                            BTreeMap::new()
                        },
                    });
                }
                match self.instances.get(&m.oid) {
                    Some(idx) if !idx.is_empty() => {
                        for i in idx {
                            self.need.insert(format!("{}{i}.", lnode.oid));
                        }
                    }
                    _ => {
                        self.need.insert(lnode.oid.clone());
                    }
                }
                if self.current {
                    if let Some(indices) = filters.get(&lnode.oid) {
                        self.need.remove(&m.oid);
                        for i in indices {
                            self.need.insert(format!("{}.{i}.", m.oid));
                        }
                    }
                }
                m.lookups.push(out);
                if l.drop_source_indexes {
                    to_delete.extend(l.source_indexes.iter().cloned());
                }
            }
            for d in to_delete {
                m.lookups.push(cfg::Lookup {
                    labels: Vec::new(),
                    labelname: sanitize(&d),
                    oid: String::new(),
                    kind: String::new(),
                    display_hint: String::new(),
                    enum_values: BTreeMap::new(),
                });
            }
        }
        for m in &mut metrics {
            for i in &mut m.indexes {
                i.labelname = sanitize(&i.labelname);
            }
        }
        self.metrics = metrics;
        Ok(())
    }

    /// Phase 5: the object before an InetAddress must be an InetAddressType (then it is
    /// fetched too), else the address is an OctetString.
    fn inet_addresses(&mut self) {
        for m in &mut self.metrics {
            if !matches!(m.kind.as_str(), "InetAddress" | "InetAddressMissingSize") {
                continue;
            }
            let prev = match m.oid.rsplit_once('.') {
                Some((h, l)) => format!("{h}.{}", l.parse::<i64>().unwrap_or(0) - 1),
                None => String::new(),
            };
            match self.tree.by_oid.get(&prev) {
                Some(&p) if self.tree.nodes[p].tc == "InetAddressType" => {
                    match self.instances.get(&m.oid) {
                        Some(idx) if !idx.is_empty() => {
                            for i in idx {
                                self.need.insert(format!("{prev}{i}."));
                            }
                        }
                        _ => {
                            self.need.insert(prev);
                        }
                    }
                }
                _ => m.kind = cfg::MetricType::parse("OctetString"),
            }
        }
    }

    /// Phase 6: overrides of metrics (by metric name, OID, or a name resolving to its OID).
    fn overrides(&mut self) {
        for (key, o) in &self.m.overrides {
            let oid = self.tree.get(key).map(|i| self.tree.nodes[i].oid.clone());
            let mut matched = false;
            for m in &mut self.metrics {
                if key != &m.name && key != &m.oid && oid.as_ref() != Some(&m.oid) {
                    continue;
                }
                matched = true;
                m.regex_extracts.clone_from(&o.regex_extracts);
                m.datetime_pattern.clone_from(&o.datetime_pattern);
                m.offset = o.offset;
                m.scale = o.scale;
                if !o.help.is_empty() {
                    m.help.clone_from(&o.help);
                }
                if !o.name.is_empty() {
                    m.name.clone_from(&o.name);
                }
                match o.display_hint.as_str() {
                    "" => {}
                    "@mib" => {
                        match self.tree.by_oid.get(&m.oid).map(|&i| &self.tree.nodes[i].hint) {
                            Some(h) if !h.is_empty() => m.display_hint.clone_from(h),
                            _ => self.problems.push(Problem::generator(
                                ProblemKind::Warning,
                                format!(
                                    "display_hint @mib specified but MIB has no DISPLAY-HINT: metric {}",
                                    m.oid
                                ),
                            )),
                        }
                    }
                    h => m.display_hint = h.to_owned(),
                }
            }
            // Only when the walk found everything: an override of a missing MIB's object is a
            // consequence of the walk's error, already named.
            let walk_failed = self.problems.iter().any(|p| p.kind == ProblemKind::Walk);
            if !matched && oid.is_none() && o.kind.is_empty() && !walk_failed {
                self.problems.push(
                    Problem::generator(
                        ProblemKind::Override,
                        format!("override {key} names no metric and no MIB object"),
                    )
                    .about(key),
                );
            }
        }
    }

    /// Phase 7: a static filter fetches only the given indexes of its columns.
    fn apply_static_filters(&mut self) {
        for (oid, indices) in self.static_filters() {
            self.need.remove(&oid);
            for i in indices {
                self.need.insert(format!("{oid}.{i}."));
            }
        }
    }

    /// Phase 8: the `snmp.yml` module.
    fn finish(self, layout: Layout) -> Result<(cfg::Module, Vec<Problem>), String> {
        let mut walk = Vec::new();
        let mut get = Vec::new();
        for k in minimize(self.need.into_iter().collect()) {
            match k.strip_suffix('.') {
                Some(g) => get.push(g.to_owned()),
                None => walk.push(k),
            }
        }
        let resolve = |name: &str| -> String {
            self.tree
                .get(name)
                .map_or_else(|| name.to_owned(), |i| self.tree.nodes[i].oid.clone())
        };
        let filters = self
            .m
            .filters
            .dynamic
            .iter()
            .map(|d| cfg::DynamicFilter {
                oid: resolve(&d.oid),
                targets: d.targets.iter().map(|t| resolve(t)).collect(),
                values: d.values.clone(),
            })
            .collect();
        let module = cfg::Module::new(
            walk,
            get,
            self.metrics,
            self.m.spec.clone(),
            filters,
            layout,
        )?;
        Ok((module, self.problems))
    }
}

/// Generates one module: the `snmp.yml` module and what was skipped or noticed, or why
/// nothing can be made of it.
pub fn generate_module(
    tree: &Tree,
    m: &ModuleConfig,
    layout: Layout,
) -> Result<(cfg::Module, Vec<Problem>), (String, Vec<Problem>)> {
    let mut b = Build {
        tree,
        m,
        current: layout == Layout::Current,
        kinds: HashMap::new(),
        need: BTreeSet::new(),
        instances: HashMap::new(),
        metrics: Vec::new(),
        problems: Vec::new(),
        missing_override_type: Vec::new(),
    };
    b.type_overrides();
    let roots = match b.roots() {
        Ok(r) => r,
        Err(e) => return Err((e, b.problems)),
    };
    if roots.is_empty() && !m.walk.is_empty() {
        return Err(("nothing of its walk was found".into(), b.problems));
    }
    if let Err(e) = b.metrics(&roots).and_then(|()| b.lookups()) {
        return Err((e, b.problems));
    }
    b.inet_addresses();
    if !b.problems.iter().any(|p| p.kind == ProblemKind::Walk) {
        for name in std::mem::take(&mut b.missing_override_type) {
            b.problems.push(
                Problem::generator(
                    ProblemKind::Override,
                    format!("Could not find node to override type: {name}"),
                )
                .about(&name),
            );
        }
    }
    b.overrides();
    b.apply_static_filters();
    let problems_if_err = b.problems.clone();
    b.finish(layout).map_err(|e| (e, problems_if_err))
}
