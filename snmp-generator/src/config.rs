//! `generator.yml`: upstream's generator input, in the current layout (`auths:` and
//! `modules:` with walk parameters) and the pre-0.23 one (`modules:` whose modules carry
//! `version` and `auth`). Every key of upstream's current generator is read; unknown keys are
//! errors, as upstream's strict decoding.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};
pub use snmp_exporter_config::DynamicFilter;
use snmp_exporter_config::{Auth, Layout, RegexExtract, WalkSpec};

/// A lookup: replace (or add to) index labels with another column's value.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// The index labels the looked-up column is indexed by.
    pub source_indexes: Vec<String>,
    /// The column (a name, `MODULE::name` or an OID).
    pub lookup: String,
    /// Remove the source index labels from the metrics.
    #[serde(default)]
    pub drop_source_indexes: bool,
    /// An RFC 2579 DISPLAY-HINT for the looked-up value; `@mib`: the column's own (#1549).
    #[serde(default)]
    pub display_hint: String,
}

/// What a module changes about one metric (keyed by metric name, `MODULE::name` or OID).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Leave the metric out (a lookup-only column).
    #[serde(default)]
    pub ignore: bool,
    /// Numbers extracted from a string value, by metric-name suffix.
    #[serde(default)]
    pub regex_extracts: BTreeMap<String, Vec<RegexExtract>>,
    /// strptime pattern of a ParseDateAndTime.
    #[serde(default)]
    pub datetime_pattern: String,
    /// Added to the value.
    #[serde(default)]
    pub offset: f64,
    /// Multiplies the value.
    #[serde(default)]
    pub scale: f64,
    /// Another metric type.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Another HELP text (#1106).
    #[serde(default)]
    pub help: String,
    /// Another metric name (#1341).
    #[serde(default)]
    pub name: String,
    /// An RFC 2579 DISPLAY-HINT for the value; `@mib`: the object's own (#1549).
    #[serde(default)]
    pub display_hint: String,
}

/// Static and dynamic filters.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    /// Only these indexes of these columns are fetched.
    #[serde(rename = "static", default)]
    pub static_: Vec<StaticFilter>,
    /// Passed to the exporter (names resolved to OIDs): decided at scrape time.
    #[serde(default)]
    pub dynamic: Vec<DynamicFilter>,
}

/// A static filter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StaticFilter {
    /// Columns (names or OIDs).
    #[serde(default)]
    pub targets: Vec<String>,
    /// Index values kept (integers).
    #[serde(default)]
    pub indices: Vec<String>,
}

/// One module of `generator.yml`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModuleConfig {
    /// Names or OIDs to walk (or get, for scalars and instances).
    pub walk: Vec<String>,
    /// Lookups.
    pub lookups: Vec<Lookup>,
    /// Overrides by metric name, `MODULE::name` or OID.
    pub overrides: BTreeMap<String, Override>,
    /// Filters.
    pub filters: Filters,
    /// The walk parameters, copied to `snmp.yml` as given.
    pub spec: WalkSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    #[serde(default)]
    walk: Vec<String>,
    #[serde(default)]
    lookups: Vec<Lookup>,
    #[serde(default)]
    overrides: BTreeMap<String, Override>,
    #[serde(default)]
    filters: Filters,
}

/// A whole `generator.yml`.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorConfig {
    /// Credentials (current layout), written to `snmp.yml` with upstream's defaults filled in.
    pub auths: BTreeMap<String, Auth>,
    /// Modules, in name order.
    pub modules: BTreeMap<String, ModuleConfig>,
    /// The input's layout (with `auths:`: current), which the output keeps, and which decides
    /// whether upstream's behaviour since 0.23 applies (see the crate's README).
    pub layout: Layout,
}

/// A `generator.yml` that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("error parsing generator config {path}: {message}")]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// What is wrong (with line and column where the YAML parser gives them).
    pub message: String,
}

/// The metric types an override may name (upstream's `metricType(t) == t`).
pub const OVERRIDE_TYPES: &[&str] = &[
    "gauge",
    "counter",
    "OctetString",
    "Bits",
    "InetAddressIPv4",
    "InetAddressIPv6",
    "InetAddress",
    "InetAddressMissingSize",
    "LldpPortId",
    "PhysAddress48",
    "DisplayString",
    "Float",
    "Double",
    "DateAndTime",
    "ParseDateAndTime",
    "NTPTimeStamp",
    "EnumAsInfo",
    "EnumAsStateSet",
];

impl GeneratorConfig {
    /// Parses `text` (`path` names it in errors).
    ///
    /// ```
    /// let c = snmp_generator::GeneratorConfig::parse(
    ///     "auths:\n  public_v2:\n    version: 2\nmodules:\n  m:\n    walk: [IF-MIB::ifTable]\n    overrides:\n      ifType: {type: EnumAsInfo, name: if_type}\n",
    ///     "generator.yml",
    /// ).unwrap();
    /// assert_eq!(c.modules["m"].overrides["ifType"].name, "if_type");
    /// assert_eq!(c.auths["public_v2"].community.0, "public");
    /// ```
    pub fn parse(text: &str, path: &str) -> Result<GeneratorConfig, ConfigError> {
        let err = |message: String| ConfigError {
            path: path.to_owned(),
            message,
        };
        let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut top: Mapping = match doc {
            Value::Mapping(m) => m,
            Value::Null => Mapping::new(),
            _ => return Err(err("the document is not a mapping".into())),
        };
        for k in top.keys() {
            match k.as_str() {
                Some("modules") | Some("auths") | Some("version") => {}
                _ => return Err(err(format!("field {k:?} not found in type main.Config"))),
            }
        }
        let layout = if top.contains_key("auths") {
            Layout::Current
        } else {
            Layout::Legacy
        };
        let auths: BTreeMap<String, Auth> = match top.remove("auths") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(v) => serde_yaml_ng::from_value(v).map_err(|e| err(e.to_string()))?,
        };
        for (name, a) in &auths {
            a.validate().map_err(|m| err(format!("auth {name}: {m}")))?;
        }
        let raw: BTreeMap<String, Value> = match top.remove("modules") {
            None | Some(Value::Null) => BTreeMap::new(),
            Some(v) => serde_yaml_ng::from_value(v).map_err(|e| err(e.to_string()))?,
        };
        let mut modules = BTreeMap::new();
        for (name, v) in raw {
            let m = module(v, layout).map_err(|e| err(format!("module {name}: {e}")))?;
            modules.insert(name, m);
        }
        Ok(GeneratorConfig {
            auths,
            modules,
            layout,
        })
    }
}

fn module(v: Value, layout: Layout) -> Result<ModuleConfig, String> {
    let mut map = match v {
        Value::Null => Mapping::new(),
        Value::Mapping(m) => m,
        _ => return Err("a module must be a mapping".into()),
    };
    let spec = WalkSpec::take_from(&mut map)?;
    if layout == Layout::Current && (spec.version.is_some() || spec.auth.is_some()) {
        return Err("version and auth belong in auths: with the current layout".into());
    }
    let raw: RawModule =
        serde_yaml_ng::from_value(Value::Mapping(map)).map_err(|e| e.to_string())?;
    for (metric, o) in &raw.overrides {
        if !o.kind.is_empty() && !OVERRIDE_TYPES.contains(&o.kind.as_str()) {
            return Err(format!(
                "invalid metric type override '{}' for {metric}",
                o.kind
            ));
        }
    }
    for f in &raw.filters.static_ {
        for i in &f.indices {
            if i.parse::<i64>().is_err() {
                return Err(format!("invalid index '{i}'. Index must be integer"));
            }
        }
    }
    for f in &raw.filters.dynamic {
        for v in &f.values {
            regex::Regex::new(v).map_err(|e| format!("filter value {v:?}: {e}"))?;
        }
    }
    Ok(ModuleConfig {
        walk: raw.walk,
        lookups: raw.lookups,
        overrides: raw.overrides,
        filters: raw.filters,
        spec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_and_bad_input() {
        let c = GeneratorConfig::parse(
            "modules:\n  m:\n    walk: [ifTable]\n    version: 1\n    lookups:\n      - source_indexes: [ifIndex]\n        lookup: ifDescr\n    overrides:\n      ifType:\n        type: EnumAsInfo\n",
            "g.yml",
        )
        .unwrap();
        assert_eq!(c.layout, Layout::Legacy);
        assert_eq!(c.modules["m"].spec.version, Some(1));
        let c = GeneratorConfig::parse(
            "auths:\n  public_v2:\n    version: 2\nmodules:\n  m:\n    walk: [SNMPv2-MIB::sysUpTime]\n    retries: 0\n    filters:\n      static:\n        - targets: [ifDescr]\n          indices: [\"2\"]\n    overrides:\n      x:\n        name: y\n        help: z\n        display_hint: \"@mib\"\n",
            "g.yml",
        )
        .unwrap();
        assert_eq!(c.layout, Layout::Current);
        assert_eq!(c.modules["m"].spec.retries, Some(0));
        for bad in [
            "modules:\n  m:\n    bogus: 1\n",
            "modules:\n  m:\n    overrides:\n      x:\n        type: nope\n",
            "modules:\n  m:\n    filters:\n      static:\n        - targets: [a]\n          indices: [x]\n",
            "auths:\n  a:\n    version: 2\nmodules:\n  m:\n    version: 2\n",
            "other: 1\n",
            "modules: [\n",
            "- a\n",
        ] {
            assert!(GeneratorConfig::parse(bad, "g.yml").is_err(), "{bad}");
        }
    }
}
