//! A module: what to fetch and how to turn it into metrics.

#[allow(unused_imports)]
use super::*;

/// A module: what to fetch and how to turn it into metrics. Serialised as upstream's
/// generator writes it (`walk`, `get`, `metrics`, the walk parameters given, `filters`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Module {
    /// Subtrees walked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub walk: Vec<String>,
    /// Instances fetched with GET.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub get: Vec<String>,
    /// The metrics.
    pub metrics: Vec<Metric>,
    /// The walk parameters as written (pre-0.23: with the module's version and auth).
    #[serde(flatten)]
    pub spec: WalkSpec,
    /// The walk parameters in force ([`WalkSpec::resolve`]).
    #[serde(skip)]
    pub walk_params: WalkParams,
    /// Dynamic filters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<DynamicFilter>,
    /// Pre-0.23 layout: the module's own version and credentials, resolved.
    #[serde(skip)]
    pub auth: Option<Auth>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    #[serde(default)]
    walk: Vec<String>,
    #[serde(default)]
    get: Vec<String>,
    #[serde(default)]
    metrics: Vec<Metric>,
    #[serde(default)]
    filters: Option<serde_yaml_ng::Value>,
}

impl Module {
    pub(crate) fn from_value(v: serde_yaml_ng::Value, layout: Layout) -> Result<Module, String> {
        let mut map = match v {
            serde_yaml_ng::Value::Null => serde_yaml_ng::Mapping::new(),
            serde_yaml_ng::Value::Mapping(m) => m,
            _ => return Err("a module must be a mapping".into()),
        };
        let spec = WalkSpec::take_from(&mut map)?;
        let m: RawModule = serde_yaml_ng::from_value(serde_yaml_ng::Value::Mapping(map))
            .map_err(|e| e.to_string())?;
        let filters = match m.filters {
            None | Some(serde_yaml_ng::Value::Null) => Vec::new(),
            Some(v @ serde_yaml_ng::Value::Sequence(_)) => {
                serde_yaml_ng::from_value::<Vec<DynamicFilter>>(v).map_err(|e| e.to_string())?
            }
            Some(serde_yaml_ng::Value::Mapping(map)) => {
                // generator.yml's form ({static:, dynamic:}); only dynamic filters act at
                // scrape time (static ones are applied by the generator).
                let mut out = Vec::new();
                for (k, v) in map {
                    match k.as_str() {
                        Some("dynamic") => out.extend(
                            serde_yaml_ng::from_value::<Vec<DynamicFilter>>(v)
                                .map_err(|e| e.to_string())?,
                        ),
                        Some("static") => {}
                        _ => return Err(format!("unknown field in filters: {k:?}")),
                    }
                }
                out
            }
            Some(_) => return Err("filters must be a list".into()),
        };
        Module::new(m.walk, m.get, m.metrics, spec, filters, layout)
    }

    /// A module from its parts, checked as upstream checks a loaded one (the version and
    /// credentials of a pre-0.23 module, the filters' expressions, the index types).
    pub fn new(
        walk: Vec<String>,
        get: Vec<String>,
        metrics: Vec<Metric>,
        spec: WalkSpec,
        filters: Vec<DynamicFilter>,
        layout: Layout,
    ) -> Result<Module, String> {
        let wp = spec.resolve();
        for f in &filters {
            for v in &f.values {
                regex::Regex::new(v).map_err(|e| format!("filter value {v:?}: {e}"))?;
            }
        }
        let auth = match layout {
            Layout::Legacy => {
                let a = spec
                    .auth
                    .clone()
                    .unwrap_or_default()
                    .resolve(spec.version.unwrap_or(2));
                a.validate()?;
                Some(a)
            }
            Layout::Current => {
                if spec.version.is_some() {
                    return Err("field version not found in type config.plain".into());
                }
                if spec.auth.is_some() {
                    return Err("field auth not found in type config.plain".into());
                }
                None
            }
        };
        for metric in &metrics {
            for idx in &metric.indexes {
                if !RENDERABLE_INDEX_TYPES.contains(&idx.kind.as_str()) {
                    // Upstream's words (#1653), with the metric named.
                    return Err(format!(
                        "metric {}: invalid index type {:?}",
                        metric.name, idx.kind
                    ));
                }
            }
        }
        Ok(Module {
            walk,
            get,
            metrics,
            spec,
            walk_params: wp,
            filters,
            auth,
        })
    }
}
