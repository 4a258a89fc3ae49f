//! `generator.yml`: upstream's generator input, in the current layout (`auths:` and
//! `modules:` with walk parameters) and the pre-0.23 one (`modules:` whose modules carry
//! `version` and `auth`). Unknown keys are errors, as upstream.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};

/// A lookup: replace (or add to) index labels with another column's value.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// The index labels the looked-up column is indexed by.
    pub source_indexes: Vec<String>,
    /// The column (a name or an OID).
    pub lookup: String,
    /// Remove the source index labels from the metrics.
    #[serde(default)]
    pub drop_source_indexes: bool,
}

/// A regular expression extract of an override (passed through).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegexExtract {
    /// The expression.
    pub regex: String,
    /// The template.
    #[serde(default = "dollar_one")]
    pub value: String,
}

fn dollar_one() -> String {
    "$1".into()
}

/// What a module changes about one metric.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Leave the metric out (a lookup-only column).
    #[serde(default)]
    pub ignore: bool,
    /// Numbers extracted from a string value.
    #[serde(default)]
    pub regex_extracts: BTreeMap<String, Vec<RegexExtract>>,
    /// Another metric type.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Another help text (current layout).
    #[serde(default)]
    pub help: Option<String>,
    /// Added to the value (current layout).
    #[serde(default)]
    pub offset: Option<f64>,
    /// Multiplies the value (current layout).
    #[serde(default)]
    pub scale: Option<f64>,
    /// strptime pattern of a ParseDateAndTime (current layout).
    #[serde(default)]
    pub datetime_pattern: Option<String>,
}

/// Static and dynamic filters (current layout).
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

/// A dynamic filter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DynamicFilter {
    /// The column whose values decide (a name or an OID).
    pub oid: String,
    /// The columns fetched only for the matching indexes.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Regular expressions over the column's value.
    #[serde(default)]
    pub values: Vec<String>,
}

/// A static filter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StaticFilter {
    /// Columns (names or OIDs).
    pub targets: Vec<String>,
    /// Index values kept.
    pub indices: Vec<String>,
}

/// One module of `generator.yml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModuleConfig {
    /// Names or OIDs to walk (or get, for scalars and instances).
    #[serde(default)]
    pub walk: Vec<String>,
    /// Lookups.
    #[serde(default)]
    pub lookups: Vec<Lookup>,
    /// Overrides by metric name.
    #[serde(default)]
    pub overrides: BTreeMap<String, Override>,
    /// Filters (current layout).
    #[serde(default)]
    pub filters: Option<Filters>,
    /// Walk parameters, written to the output as given.
    #[serde(default)]
    pub version: Option<Value>,
    /// GETBULK max-repetitions.
    #[serde(default)]
    pub max_repetitions: Option<Value>,
    /// Retries.
    #[serde(default)]
    pub retries: Option<Value>,
    /// Timeout.
    #[serde(default)]
    pub timeout: Option<Value>,
    /// Credentials (pre-0.23 layout).
    #[serde(default)]
    pub auth: Option<Value>,
    /// Accept non-increasing OIDs.
    #[serde(default)]
    pub allow_nonincreasing_oids: Option<Value>,
    /// Unconnected UDP socket.
    #[serde(default)]
    pub use_unconnected_udp_socket: Option<Value>,
}

impl ModuleConfig {
    /// The walk parameters in upstream's output order.
    pub fn walk_params(&self) -> Vec<(&'static str, Value)> {
        [
            ("version", &self.version),
            ("max_repetitions", &self.max_repetitions),
            ("retries", &self.retries),
            ("timeout", &self.timeout),
            ("auth", &self.auth),
            ("allow_nonincreasing_oids", &self.allow_nonincreasing_oids),
            (
                "use_unconnected_udp_socket",
                &self.use_unconnected_udp_socket,
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
        .collect()
    }
}

/// A whole `generator.yml`.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorConfig {
    /// Credentials (current layout), passed through to `snmp.yml`.
    pub auths: Option<Value>,
    /// Modules, in name order.
    pub modules: BTreeMap<String, ModuleConfig>,
    /// Whether the input had `auths:` (the output then has the current layout).
    pub current: bool,
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

const TYPES: &[&str] = &[
    "gauge",
    "counter",
    "OctetString",
    "Bits",
    "InetAddressIPv4",
    "InetAddressIPv6",
    "InetAddress",
    "InetAddressMissingSize",
    "IpAddr",
    "PhysAddress48",
    "DisplayString",
    "Float",
    "Double",
    "DateAndTime",
    "ParseDateAndTime",
    "NTPTimeStamp",
    "EnumAsInfo",
    "EnumAsStateSet",
    "LldpPortId",
];

impl GeneratorConfig {
    /// Parses `text` (`path` names it in errors).
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
                Some("modules") | Some("auths") => {}
                _ => return Err(err(format!("field {k:?} not found in type main.Config"))),
            }
        }
        let auths = top.remove("auths");
        let modules = top.remove("modules").unwrap_or(Value::Null);
        let modules: BTreeMap<String, ModuleConfig> = if modules.is_null() {
            BTreeMap::new()
        } else {
            serde_yaml_ng::from_value(modules).map_err(|e| err(e.to_string()))?
        };
        for (name, m) in &modules {
            for (metric, o) in &m.overrides {
                if let Some(t) = &o.kind {
                    if !TYPES.contains(&t.as_str()) {
                        return Err(err(format!(
                            "module {name}: invalid metric type override '{t}' for {metric}"
                        )));
                    }
                }
                for list in o.regex_extracts.values() {
                    for r in list {
                        regex::Regex::new(&format!("^(?:{})$", r.regex))
                            .map_err(|e| err(format!("module {name}: override {metric}: {e}")))?;
                    }
                }
            }
        }
        Ok(GeneratorConfig {
            current: auths.is_some(),
            auths,
            modules,
        })
    }
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
        assert!(!c.current);
        assert_eq!(c.modules["m"].walk_params()[0].0, "version");
        let c = GeneratorConfig::parse(
            "auths:\n  public_v2:\n    version: 2\nmodules:\n  m:\n    walk: [sysUpTime]\n    filters:\n      static:\n        - targets: [ifDescr]\n          indices: [\"2\"]\n",
            "g.yml",
        )
        .unwrap();
        assert!(c.current);
        for bad in [
            "modules:\n  m:\n    bogus: 1\n",
            "modules:\n  m:\n    overrides:\n      x:\n        type: nope\n",
            "other: 1\n",
            "modules: [\n",
            "- a\n",
        ] {
            assert!(GeneratorConfig::parse(bad, "g.yml").is_err(), "{bad}");
        }
    }
}
