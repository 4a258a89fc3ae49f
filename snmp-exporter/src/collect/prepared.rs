//! A module's metrics prepared once per load: OIDs parsed, matched by prefix length, and the
//! lookup plan of a module with `lookup_cache`.

use super::*;

/// A module's metrics indexed by OID for matching, with the OIDs its lookups use parsed once.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub(crate) by_oid: FxHashMap<Vec<u32>, usize>,
    /// The lengths of the metrics' OIDs, ascending (only these prefixes can match).
    pub(crate) lengths: Vec<usize>,
    /// Per metric: the OID before it (for InetAddress-like types), and per lookup its OID and
    /// the OID before that.
    pub(crate) metrics: Vec<PreparedMetric>,
    /// With `lookup_cache`: the columns that only serve lookups, and the walks without them.
    pub lookup_plan: Option<LookupPlan>,
}

/// How a module with `lookup_cache` walks: the columns that only serve lookups apart, so that
/// they can be skipped while cached.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupPlan {
    /// The cached columns (each walked on its own when it has to be fetched).
    pub cached: Vec<String>,
    /// The module's walks with the cached columns left out (a subtree holding one is walked
    /// as the needed columns under it).
    pub walk_without: Vec<String>,
}

pub(crate) fn under(oid: &str, root: &str) -> bool {
    oid == root
        || (oid.len() > root.len() && oid.starts_with(root) && oid.as_bytes()[root.len()] == b'.')
}

impl LookupPlan {
    /// The plan of `module`, or `None` when no column serves only lookups.
    pub fn new(module: &Module) -> Option<LookupPlan> {
        let mut needed: Vec<String> = Vec::new();
        for m in &module.metrics {
            needed.push(m.oid.clone());
            if combined(m.kind.as_str()).is_some() {
                needed.push(prev_oid(&m.oid));
            }
        }
        let mut lookup_cols: Vec<String> = Vec::new();
        for m in &module.metrics {
            for l in m.lookups.iter().filter(|l| !l.labels.is_empty()) {
                lookup_cols.push(l.oid.clone());
                if combined(&l.kind).is_some() {
                    lookup_cols.push(prev_oid(&l.oid));
                }
            }
        }
        let mut cached: Vec<String> = lookup_cols
            .iter()
            .filter(|c| !needed.contains(c))
            .filter(|c| module.walk.iter().any(|w| under(c, w)))
            .cloned()
            .collect();
        cached.sort();
        cached.dedup();
        if cached.is_empty() {
            return None;
        }
        needed.extend(lookup_cols.into_iter().filter(|c| !cached.contains(c)));
        let mut walk_without = Vec::new();
        for w in &module.walk {
            if !cached.iter().any(|c| under(c, w)) {
                walk_without.push(w.clone());
                continue;
            }
            let mut cols: Vec<&String> = needed.iter().filter(|n| under(n, w)).collect();
            cols.sort();
            cols.dedup();
            walk_without.extend(cols.into_iter().cloned());
        }
        Some(LookupPlan {
            cached,
            walk_without,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PreparedMetric {
    /// Counter64 values wrapped at 2^53 (`--snmp.wrap-large-counters`, upstream's default).
    pub(crate) wrap: bool,
    pub(crate) prev: Vec<u32>,
    pub(crate) lookups: Vec<(Vec<u32>, Vec<u32>)>,
}

/// An OID string as upstream reads it (a part that is not a number reads as 0).
pub fn oid_arcs(s: &str) -> Vec<u32> {
    s.trim_start_matches('.')
        .split('.')
        .map(|x| x.parse::<u32>().unwrap_or(0))
        .collect()
}

impl Prepared {
    /// Indexes `module`'s metrics (Counter64 values wrapped at 2^53, upstream's default).
    pub fn new(module: &Module) -> Prepared {
        Prepared::with_wrap(module, true)
    }

    /// [`Prepared::new`], with Counter64 values wrapped at 2^53 or not
    /// (`--[no-]snmp.wrap-large-counters`).
    pub fn with_wrap(module: &Module, wrap: bool) -> Prepared {
        let mut by_oid = FxHashMap::default();
        let mut lengths = Vec::new();
        let mut metrics = Vec::with_capacity(module.metrics.len());
        for (i, m) in module.metrics.iter().enumerate() {
            let arcs = oid_arcs(&m.oid);
            if !lengths.contains(&arcs.len()) {
                lengths.push(arcs.len());
            }
            by_oid.insert(arcs, i);
            metrics.push(PreparedMetric {
                wrap,
                prev: oid_arcs(&prev_oid(&m.oid)),
                lookups: m
                    .lookups
                    .iter()
                    .map(|l| (oid_arcs(&l.oid), oid_arcs(&prev_oid(&l.oid))))
                    .collect(),
            });
        }
        lengths.sort_unstable();
        let lookup_plan = if module.walk_params.lookup_cache.is_zero() {
            None
        } else {
            LookupPlan::new(module)
        };
        Prepared {
            by_oid,
            lengths,
            metrics,
            lookup_plan,
        }
    }

    /// The metric whose OID is the shortest prefix of `arcs` (upstream's tree walk stops at
    /// the first metric on the path), and that prefix's length.
    pub(crate) fn find(&self, arcs: &[u32]) -> Option<(usize, usize)> {
        self.lengths
            .iter()
            .take_while(|&&n| n <= arcs.len())
            .find_map(|&n| self.by_oid.get(&arcs[..n]).map(|&m| (m, n)))
    }
}

pub(crate) fn prev_oid(oid: &str) -> String {
    match oid.rsplit_once('.') {
        Some((head, last)) => format!("{head}.{}", last.parse::<i64>().unwrap_or(0) - 1),
        None => (oid.parse::<i64>().unwrap_or(0) - 1).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn lookup_plan_walks_around_the_lookup_columns() {
        let cfg = crate::Config::parse(
            "m:\n  walk: [1.3.6.1.2.1.2, 1.3.6.1.2.1.1.3]\n  lookup_cache: 10m\n  metrics:\n  - {name: ifNumber, oid: 1.3.6.1.2.1.2.1, type: gauge}\n  - name: ifInOctets\n    oid: 1.3.6.1.2.1.2.2.1.10\n    type: counter\n    indexes: [{labelname: ifIndex, type: gauge}]\n    lookups: [{labels: [ifIndex], labelname: ifDescr, oid: 1.3.6.1.2.1.2.2.1.2, type: DisplayString}]\n",
            "t.yml",
        )
        .expect("config");
        let plan = LookupPlan::new(&cfg.modules["m"]).expect("a plan");
        assert_eq!(plan.cached, vec!["1.3.6.1.2.1.2.2.1.2"]);
        assert_eq!(
            plan.walk_without,
            vec!["1.3.6.1.2.1.2.1", "1.3.6.1.2.1.2.2.1.10", "1.3.6.1.2.1.1.3"]
        );
    }
}
