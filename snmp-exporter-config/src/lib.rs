//! # snmp-exporter-config
//!
//! `snmp.yml` as typed Rust, the one schema the exporter reads and the generator writes: the
//! current layout (`auths:` + `modules:`, snmp_exporter 0.23 and later) and the pre-0.23 one
//! (each module carries its own `version` and `auth`, as Debian's 0.21 ships), read into one
//! model. Unknown keys are errors, as upstream's strict YAML decoding.
//!
//! ```
//! let c = snmp_exporter_config::Config::builtin();
//! assert!(c.modules["if_mib"].metrics.iter().any(|m| m.name == "ifHCInOctets"));
//! ```
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize, Serializer};

pub mod emit;

std::thread_local! {
    /// Set while [`Config::to_snmp_yml`] writes a file with its secrets (upstream's
    /// `DoNotHideSecrets`, scoped to one call on one thread).
    static SHOW_SECRETS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a written configuration shows its secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    /// `<secret>` in their place (what `/config` serves).
    Hidden,
    /// The values themselves (what the generator writes).
    Shown,
}

/// Which layout a configuration was written in; it decides which upstream behaviour a scrape
/// follows (see the README's "differences" section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Layout {
    /// Pre-0.23: auth inside each module (snmp_exporter 0.21's behaviour: one module per
    /// scrape, any failure fails the whole scrape with HTTP 500).
    Legacy,
    /// 0.23 and later: `auths:` and `modules:` (several modules per scrape, `module` labels on
    /// the `snmp_scrape_*` series, a failed module costs only itself).
    Current,
}

/// A configuration error: the file, and what is wrong in it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("error reading config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The YAML did not parse or has unknown keys.
    #[error("error parsing config file {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message (with line and column).
        message: String,
    },
    /// A value is not allowed.
    #[error("error parsing config file {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// A secret: printed as `<secret>` by `/config`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<secret>")
    }
}

impl Secret {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if SHOW_SECRETS.with(std::cell::Cell::get) {
            s.serialize_str(&self.0)
        } else {
            s.serialize_str("<secret>")
        }
    }
}

/// Credentials and the SNMP version.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Auth {
    /// v1/v2c community (default `public`).
    #[serde(skip_serializing_if = "Secret::is_empty")]
    pub community: Secret,
    /// `noAuthNoPriv`, `authNoPriv` or `authPriv`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub security_level: String,
    /// v3 user.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// v3 authentication password.
    #[serde(skip_serializing_if = "Secret::is_empty")]
    pub password: Secret,
    /// MD5, SHA, SHA224, SHA256, SHA384, SHA512.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub auth_protocol: String,
    /// DES, AES, AES192, AES256, AES192C, AES256C.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub priv_protocol: String,
    /// v3 privacy password.
    #[serde(skip_serializing_if = "Secret::is_empty")]
    pub priv_password: Secret,
    /// v3 context.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub context_name: String,
    /// 1, 2 or 3 (current layout only; the pre-0.23 layout has it on the module).
    #[serde(skip_serializing_if = "is_zero_u8")]
    pub version: u8,
}

fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

/// A pre-0.23 module's `auth:` as written: only the keys given (what Debian's 0.21 generator
/// copies from `generator.yml`); [`AuthSpec::resolve`] fills in upstream's defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// v1/v2c community.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<Secret>,
    /// v3 security level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_level: Option<String>,
    /// v3 user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// v3 authentication password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// v3 authentication protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_protocol: Option<String>,
    /// v3 privacy protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priv_protocol: Option<String>,
    /// v3 privacy password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priv_password: Option<Secret>,
    /// v3 context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_name: Option<String>,
}

impl AuthSpec {
    /// The credentials with upstream's defaults for what is not given, and `version`.
    pub fn resolve(&self, version: u8) -> Auth {
        let d = Auth::default();
        Auth {
            community: self.community.clone().unwrap_or(d.community),
            security_level: self.security_level.clone().unwrap_or(d.security_level),
            username: self.username.clone().unwrap_or_default(),
            password: self.password.clone().unwrap_or_default(),
            auth_protocol: self.auth_protocol.clone().unwrap_or(d.auth_protocol),
            priv_protocol: self.priv_protocol.clone().unwrap_or(d.priv_protocol),
            priv_password: self.priv_password.clone().unwrap_or_default(),
            context_name: self.context_name.clone().unwrap_or_default(),
            version,
        }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            community: Secret("public".into()),
            security_level: "noAuthNoPriv".into(),
            username: String::new(),
            password: Secret::default(),
            auth_protocol: "MD5".into(),
            priv_protocol: "DES".into(),
            priv_password: Secret::default(),
            context_name: String::new(),
            version: 2,
        }
    }
}

impl Auth {
    /// Upstream's checks of a version and its credentials.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=3).contains(&self.version) {
            return Err(format!(
                "SNMP version must be 1, 2 or 3. Got: {}",
                self.version
            ));
        }
        if self.version != 3 {
            return Ok(());
        }
        let level = self.security_level.as_str();
        if !matches!(level, "noAuthNoPriv" | "authNoPriv" | "authPriv") {
            return Err(
                "security level must be one of authPriv, authNoPriv or noAuthNoPriv".into(),
            );
        }
        if level == "authPriv" {
            if self.priv_password.0.is_empty() {
                return Err("priv password is missing, required for SNMPv3 with priv".into());
            }
            if !matches!(
                self.priv_protocol.as_str(),
                "DES" | "AES" | "AES192" | "AES256" | "AES192C" | "AES256C"
            ) {
                return Err(
                    "priv protocol must be DES or AES, AES192, AES256, AES192C, AES256C".into(),
                );
            }
        }
        if level != "noAuthNoPriv" {
            if self.password.0.is_empty() {
                return Err("auth password is missing, required for SNMPv3 with auth.".into());
            }
            if !matches!(
                self.auth_protocol.as_str(),
                "MD5" | "SHA" | "SHA224" | "SHA256" | "SHA384" | "SHA512"
            ) {
                return Err(
                    "auth protocol must be SHA, SHA224, SHA256, SHA384, SHA512 or MD5".into(),
                );
            }
        }
        if self.username.is_empty() {
            return Err("auth username is missing, required for SNMPv3".into());
        }
        Ok(())
    }
}

/// How a module walks: upstream's walk parameters and this exporter's opt-in keys.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct WalkParams {
    /// GETBULK max-repetitions (default 25); also how many OIDs one GET carries.
    pub max_repetitions: u32,
    /// Retries after the first attempt (default 3).
    pub retries: u32,
    /// Per attempt (default 5 s).
    #[serde(serialize_with = "ser_duration")]
    pub timeout: Duration,
    /// Accept OIDs that do not increase (`snmpwalk -Cc`).
    pub allow_nonincreasing_oids: bool,
    /// Accepted for compatibility; this exporter's sockets accept answers from any source
    /// address of the target only when this is set.
    pub use_unconnected_udp_socket: bool,
    /// Opt-in (not upstream): walk each subtree in this many parallel stripes (default 1).
    pub parallel_walks: u16,
    /// Opt-in (not upstream): size GETBULK repetitions to the agent, up to this many
    /// (default 0: fixed `max_repetitions`).
    pub adaptive_repetitions: u32,
    /// Opt-in (not upstream): keep a v3 target's client, and so the engine it discovered
    /// (engine ID, boots, time) and its localized keys, between scrapes: one discovery per
    /// target and process instead of one per scrape. Idle clients are dropped after 10
    /// minutes.
    pub v3_engine_cache: bool,
    /// Opt-in (not upstream): keep the columns that only serve lookups (an `ifDescr` for the
    /// `ifIndex` label) between scrapes of a target, for at most this long, while its
    /// sysUpTime.0 shows no restart; the other columns are walked one by one around them.
    /// Zero: off.
    #[serde(serialize_with = "ser_duration")]
    pub lookup_cache: Duration,
}

impl Default for WalkParams {
    fn default() -> Self {
        WalkParams {
            max_repetitions: 25,
            retries: 3,
            timeout: Duration::from_secs(5),
            allow_nonincreasing_oids: false,
            use_unconnected_udp_socket: false,
            parallel_walks: 1,
            adaptive_repetitions: 0,
            v3_engine_cache: false,
            lookup_cache: Duration::ZERO,
        }
    }
}

fn ser_duration<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_go_duration(*d))
}

fn ser_opt_duration<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_duration(d, s),
        None => s.serialize_none(),
    }
}

fn de_opt_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let v = Option::<serde_yaml_ng::Value>::deserialize(d)?;
    match v {
        None | Some(serde_yaml_ng::Value::Null) => Ok(None),
        Some(v) => duration_value(&v)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

fn none_or_zero_u32(v: &Option<u32>) -> bool {
    matches!(v, None | Some(0))
}
fn none_or_false(v: &Option<bool>) -> bool {
    matches!(v, None | Some(false))
}
fn none_or_zero_duration(v: &Option<Duration>) -> bool {
    v.is_none_or(|d| d.is_zero())
}

/// A module's walk parameters as written in a file, `None` where not given (the default
/// applies and nothing is written back): what the generator copies from `generator.yml` into
/// `snmp.yml`. Written in upstream's order and with Go's `omitempty` (a zero or `false` is
/// left out; `retries: 0` is kept).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WalkSpec {
    /// Pre-0.23 layout: the module's SNMP version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u8>,
    /// GETBULK max-repetitions.
    #[serde(default, skip_serializing_if = "none_or_zero_u32")]
    pub max_repetitions: Option<u32>,
    /// Retries after the first attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
    /// Per attempt.
    #[serde(
        default,
        deserialize_with = "de_opt_duration",
        serialize_with = "ser_opt_duration",
        skip_serializing_if = "none_or_zero_duration"
    )]
    pub timeout: Option<Duration>,
    /// Pre-0.23 layout: the module's credentials, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthSpec>,
    /// Unconnected UDP socket.
    #[serde(default, skip_serializing_if = "none_or_false")]
    pub use_unconnected_udp_socket: Option<bool>,
    /// Accept OIDs that do not increase.
    #[serde(default, skip_serializing_if = "none_or_false")]
    pub allow_nonincreasing_oids: Option<bool>,
    /// Opt-in (not upstream): parallel stripes per subtree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_walks: Option<u16>,
    /// Opt-in (not upstream): adaptive GETBULK repetitions, up to this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptive_repetitions: Option<u32>,
    /// Opt-in (not upstream): keep v3 engines between scrapes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub v3_engine_cache: Option<bool>,
    /// Opt-in (not upstream): keep lookup-only columns this long.
    #[serde(
        default,
        deserialize_with = "de_opt_duration",
        serialize_with = "ser_opt_duration",
        skip_serializing_if = "Option::is_none"
    )]
    pub lookup_cache: Option<Duration>,
}

impl WalkSpec {
    /// The keys a [`WalkSpec`] reads, inline in a module's mapping.
    pub const KEYS: [&'static str; 11] = [
        "version",
        "max_repetitions",
        "retries",
        "timeout",
        "auth",
        "use_unconnected_udp_socket",
        "allow_nonincreasing_oids",
        "parallel_walks",
        "adaptive_repetitions",
        "v3_engine_cache",
        "lookup_cache",
    ];

    /// Takes the walk parameters out of a module's mapping (the rest stays for the module's
    /// own keys).
    pub fn take_from(module: &mut serde_yaml_ng::Mapping) -> Result<WalkSpec, String> {
        let mut own = serde_yaml_ng::Mapping::new();
        for k in WalkSpec::KEYS {
            if let Some(v) = module.remove(k) {
                own.insert(k.into(), v);
            }
        }
        serde_yaml_ng::from_value(serde_yaml_ng::Value::Mapping(own)).map_err(|e| e.to_string())
    }

    /// The parameters a walk uses: the given ones, upstream's defaults for the rest.
    pub fn resolve(&self) -> WalkParams {
        let d = WalkParams::default();
        WalkParams {
            max_repetitions: self
                .max_repetitions
                .filter(|&n| n != 0)
                .unwrap_or(d.max_repetitions),
            retries: self.retries.unwrap_or(d.retries),
            timeout: self.timeout.filter(|t| !t.is_zero()).unwrap_or(d.timeout),
            allow_nonincreasing_oids: self.allow_nonincreasing_oids.unwrap_or(false),
            use_unconnected_udp_socket: self.use_unconnected_udp_socket.unwrap_or(false),
            parallel_walks: self.parallel_walks.unwrap_or(1).max(1),
            adaptive_repetitions: self.adaptive_repetitions.unwrap_or(0),
            v3_engine_cache: self.v3_engine_cache.unwrap_or(false),
            lookup_cache: self.lookup_cache.unwrap_or(Duration::ZERO),
        }
    }

    /// Every parameter written out (what `/config` shows: the values in force).
    fn of(p: &WalkParams) -> WalkSpec {
        WalkSpec {
            version: None,
            max_repetitions: Some(p.max_repetitions),
            retries: Some(p.retries),
            timeout: Some(p.timeout),
            auth: None,
            use_unconnected_udp_socket: Some(p.use_unconnected_udp_socket),
            allow_nonincreasing_oids: Some(p.allow_nonincreasing_oids),
            parallel_walks: (p.parallel_walks != 1).then_some(p.parallel_walks),
            adaptive_repetitions: (p.adaptive_repetitions != 0).then_some(p.adaptive_repetitions),
            v3_engine_cache: p.v3_engine_cache.then_some(true),
            lookup_cache: (!p.lookup_cache.is_zero()).then_some(p.lookup_cache),
        }
    }
}

/// A dynamic filter: walk `oid`, keep the indexes whose value matches one of `values`, and
/// fetch `targets` only for those indexes.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DynamicFilter {
    /// The column whose values decide.
    pub oid: String,
    /// The columns fetched only for the kept indexes.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Regular expressions over the column's value as a string.
    #[serde(default)]
    pub values: Vec<String>,
}

/// An index of a table metric.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The label it becomes.
    pub labelname: String,
    /// How its arcs are read (gauge, DisplayString, OctetString, InetAddress, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Length of a fixed-size string index.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub fixed_size: usize,
    /// IMPLIED: the string takes the rest of the OID.
    #[serde(default, skip_serializing_if = "is_false")]
    pub implied: bool,
    /// Names of an EnumAsInfo index's values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enum_values: BTreeMap<i64, String>,
}

/// A lookup: a label whose value is another column's value at the index.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    /// The index labels that address the looked-up column (empty: delete `labelname`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// The label set.
    pub labelname: String,
    /// The column.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub oid: String,
    /// How its value is printed.
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// RFC 2579 DISPLAY-HINT for an OctetString value (upstream #1549).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_hint: String,
    /// Names of an `EnumAsInfo` column's values: the label is the name (upstream #1624).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enum_values: BTreeMap<i64, String>,
}

/// The index types the collector can render as label values; any other is refused at load
/// (upstream #1653).
pub const RENDERABLE_INDEX_TYPES: [&str; 13] = [
    "Integer32",
    "Integer",
    "gauge",
    "counter",
    "PhysAddress48",
    "OctetString",
    "DisplayString",
    "InetAddressIPv4",
    "InetAddressIPv6",
    "InetAddress",
    "InetAddressMissingSize",
    "LldpPortId",
    "EnumAsInfo",
];

/// A regular expression extracting a number from a string value. Written back as upstream
/// writes it: `value`, then the expression anchored at both ends (`^(?:...)$`).
#[derive(Debug, Clone)]
pub struct RegexExtract {
    /// The expression, as written.
    pub regex: String,
    /// The template (`$1` by default).
    pub value: String,
    /// Compiled, anchored at both ends as upstream does.
    pub compiled: regex::Regex,
}

impl RegexExtract {
    /// `regex` (as written in `generator.yml` or `snmp.yml`) and its template.
    pub fn new(regex: &str, value: &str) -> Result<RegexExtract, regex::Error> {
        Ok(RegexExtract {
            regex: regex.to_owned(),
            value: value.to_owned(),
            compiled: regex::Regex::new(&format!("^(?:{regex})$"))?,
        })
    }
}

impl RegexExtract {
    /// The expression anchored at both ends, as written to a file: once (an expression
    /// already written so, as upstream's generator writes it, is not wrapped again; the
    /// match is the same).
    pub fn anchored(&self) -> std::borrow::Cow<'_, str> {
        let r = self.regex.as_str();
        if r.starts_with("^(?:") && r.ends_with(")$") {
            std::borrow::Cow::Borrowed(r)
        } else {
            std::borrow::Cow::Owned(format!("^(?:{r})$"))
        }
    }
}

impl Serialize for RegexExtract {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RegexExtract", 2)?;
        st.serialize_field("value", &self.value)?;
        st.serialize_field("regex", &self.anchored())?;
        st.end()
    }
}

impl PartialEq for RegexExtract {
    fn eq(&self, other: &Self) -> bool {
        self.anchored() == other.anchored() && self.value == other.value
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegexExtract {
    #[serde(default)]
    regex: String,
    #[serde(default = "dollar_one")]
    value: String,
}

fn dollar_one() -> String {
    "$1".into()
}

impl<'de> Deserialize<'de> for RegexExtract {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawRegexExtract::deserialize(d)?;
        RegexExtract::new(&raw.regex, &raw.value)
            .map_err(|e| serde::de::Error::custom(format!("invalid regex {:?}: {e}", raw.regex)))
    }
}

/// One metric of a module.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// The metric name.
    pub name: String,
    /// Its OID (numbers).
    pub oid: String,
    /// gauge, counter, DisplayString, EnumAsInfo, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// HELP text.
    #[serde(default)]
    pub help: String,
    /// Table indexes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// Lookups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lookups: Vec<Lookup>,
    /// Numbers extracted from a string value, by name suffix.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regex_extracts: BTreeMap<String, Vec<RegexExtract>>,
    /// strptime-style pattern of a ParseDateAndTime string.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub datetime_pattern: String,
    /// Names of enumerated values (EnumAsInfo, EnumAsStateSet, Bits).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enum_values: BTreeMap<i64, String>,
    /// Added to the value (after `scale`).
    #[serde(default, skip_serializing_if = "is_zero_f")]
    pub offset: f64,
    /// Multiplies the value (0: not applied).
    #[serde(default, skip_serializing_if = "is_zero_f")]
    pub scale: f64,
    /// RFC 2579 DISPLAY-HINT for an OctetString value (upstream #1549).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub display_hint: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_zero_f(f: &f64) -> bool {
    *f == 0.0
}

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

/// Go's `os.Expand` over `s`, failing on a variable `lookup` does not know.
fn expand(s: &str, lookup: &impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(j) => (&inner[..j], &inner[j + 1..]),
                None => return Err("unterminated ${ in a value".into()),
            }
        } else {
            let j = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..j], &after[j..])
        };
        if name.is_empty() {
            out.push('$');
        } else {
            match lookup(name) {
                Some(v) => out.push_str(&v),
                None => return Err(format!("{name} environment variable not found")),
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    Ok(out)
}

/// A whole configuration (one or several files merged).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Config {
    /// The layout of the files (all files must share it).
    #[serde(skip)]
    pub layout: Layout,
    /// Credentials by name (current layout).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub auths: BTreeMap<String, Auth>,
    /// Modules by name.
    pub modules: BTreeMap<String, Module>,
}

/// The built-in configuration's text: what a first run serves without a file (modules
/// `system`, `if_mib`, `hrStorage`, `ucd`; auths `public_v1`, `public_v2`).
pub const BUILTIN_YAML: &str = include_str!("../default-snmp.yml");

impl Config {
    /// The built-in configuration ([`BUILTIN_YAML`]).
    ///
    /// ```
    /// let c = snmp_exporter_config::Config::builtin();
    /// assert!(c.modules.contains_key("if_mib") && c.auths.contains_key("public_v2"));
    /// ```
    pub fn builtin() -> Config {
        // Checked by a unit test: the built-in text always parses.
        Config::parse(BUILTIN_YAML, "<built-in>").unwrap_or_else(|_| Config {
            layout: Layout::Current,
            auths: BTreeMap::new(),
            modules: BTreeMap::new(),
        })
    }

    /// What an exporter must have to start, as upstream checks after loading: modules, and
    /// (current layout) auths.
    pub fn check(&self) -> Result<(), ConfigError> {
        let invalid = |message: &str| ConfigError::Invalid {
            path: String::new(),
            message: message.into(),
        };
        if self.modules.is_empty() {
            return Err(invalid(
                "Configuration is missing Modules. Did you provide any configuration file?",
            ));
        }
        if self.layout == Layout::Current && self.auths.is_empty() {
            return Err(invalid("Configuration is missing Auths."));
        }
        Ok(())
    }

    /// [`load`](Config::load), then with `expand_env` (`--config.expand-environment-variables`)
    /// `${VAR}` and `$VAR` in every auth's `username`, `password` and `priv_password`
    /// replaced by the environment's value (a variable that is not set is an error), as
    /// upstream does.
    pub fn load_with<P: AsRef<Path>>(paths: &[P], expand_env: bool) -> Result<Config, ConfigError> {
        let mut c = Config::load(paths)?;
        if expand_env {
            c.expand_env(|v| std::env::var(v).ok())?;
        }
        Ok(c)
    }

    /// Replaces `${VAR}` / `$VAR` in the auths' `username`, `password` and `priv_password`
    /// with `lookup(VAR)`.
    ///
    /// ```
    /// let mut c = snmp_exporter_config::Config::parse(
    ///     "auths:\n  a:\n    version: 3\n    username: ${USER_X}\n    security_level: noAuthNoPriv\nmodules:\n  m: {}\n",
    ///     "snmp.yml",
    /// ).unwrap();
    /// c.expand_env(|v| (v == "USER_X").then(|| "monitor".to_string())).unwrap();
    /// assert_eq!(c.auths["a"].username, "monitor");
    /// ```
    pub fn expand_env(
        &mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        for (name, a) in self.auths.iter_mut() {
            for field in [&mut a.username, &mut a.password.0, &mut a.priv_password.0] {
                if field.contains('$') {
                    *field = expand(field, &lookup).map_err(|message| ConfigError::Invalid {
                        path: String::new(),
                        message: format!("auth {name}: {message}"),
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Reads and merges `paths` (later files override modules and auths of the same name).
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Result<Config, ConfigError> {
        let mut merged: Option<Config> = None;
        for p in paths {
            let path = p.as_ref().display().to_string();
            let text = std::fs::read_to_string(p.as_ref()).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let cfg = Config::parse(&text, &path)?;
            merged = Some(match merged {
                None => cfg,
                Some(mut m) => {
                    if m.layout != cfg.layout {
                        return Err(ConfigError::Invalid {
                            path,
                            message: "mixes the pre-0.23 layout (auth in modules) with the current one (auths:)".into(),
                        });
                    }
                    m.auths.extend(cfg.auths);
                    m.modules.extend(cfg.modules);
                    m
                }
            });
        }
        merged.ok_or_else(|| ConfigError::Invalid {
            path: String::new(),
            message: "no configuration file given".into(),
        })
    }

    /// Parses one file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let perr = |e: serde_yaml_ng::Error| ConfigError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(perr)?;
        let top = match doc {
            serde_yaml_ng::Value::Null => serde_yaml_ng::Mapping::new(),
            serde_yaml_ng::Value::Mapping(m) => m,
            _ => return Err(invalid("the document is not a mapping".into())),
        };
        let current = top.keys().all(|k| {
            matches!(
                k.as_str(),
                Some("auths") | Some("modules") | Some("version")
            )
        }) && !top.is_empty();
        let mut cfg = Config {
            layout: if current {
                Layout::Current
            } else {
                Layout::Legacy
            },
            auths: BTreeMap::new(),
            modules: BTreeMap::new(),
        };
        let (auths, modules) = if current {
            let auths = top
                .get("auths")
                .cloned()
                .unwrap_or(serde_yaml_ng::Value::Null);
            let modules = top
                .get("modules")
                .cloned()
                .unwrap_or(serde_yaml_ng::Value::Null);
            (auths, modules)
        } else {
            (
                serde_yaml_ng::Value::Null,
                serde_yaml_ng::Value::Mapping(top),
            )
        };
        if !auths.is_null() {
            let auths: BTreeMap<String, Auth> = serde_yaml_ng::from_value(auths).map_err(perr)?;
            for (name, a) in &auths {
                a.validate()
                    .map_err(|m| invalid(format!("auth {name}: {m}")))?;
            }
            cfg.auths = auths;
        }
        if !modules.is_null() {
            let raw: BTreeMap<String, serde_yaml_ng::Value> =
                serde_yaml_ng::from_value(modules).map_err(perr)?;
            for (name, m) in raw {
                let module = Module::from_value(m, cfg.layout)
                    .map_err(|msg| invalid(format!("module {name}: {msg}")))?;
                cfg.modules.insert(name, module);
            }
        }
        Ok(cfg)
    }

    /// The configuration as YAML with secrets hidden and every walk parameter in force
    /// written out (what `/config` serves, as upstream's).
    pub fn to_yaml(&self) -> String {
        let mut shown = self.clone();
        for m in shown.modules.values_mut() {
            let mut spec = WalkSpec::of(&m.walk_params);
            if let Some(a) = &m.auth {
                spec.version = Some(a.version);
                spec.auth = m.spec.auth.clone();
            }
            m.spec = spec;
        }
        shown.body(Secrets::Hidden)
    }

    /// The file upstream's generator writes for this configuration: its warning line, then
    /// `auths:` and `modules:` (pre-0.23 layout: the modules at the top), keys in upstream's
    /// order, empty values left out, YAML that YAML 1.1 and 1.2 readers read alike.
    ///
    /// ```
    /// let c = snmp_exporter_config::Config::builtin();
    /// let text = c.to_snmp_yml(snmp_exporter_config::Secrets::Shown);
    /// assert_eq!(snmp_exporter_config::Config::parse(&text, "snmp.yml").unwrap(), c);
    /// ```
    pub fn to_snmp_yml(&self, secrets: Secrets) -> String {
        format!(
            "# WARNING: This file was auto-generated using snmp_exporter generator, manual changes will be lost.\n{}",
            self.body(secrets)
        )
    }

    /// The YAML without the generator's warning line.
    fn body(&self, secrets: Secrets) -> String {
        struct Reset(bool);
        impl Drop for Reset {
            fn drop(&mut self) {
                SHOW_SECRETS.with(|c| c.set(self.0));
            }
        }
        let _reset = Reset(SHOW_SECRETS.with(|c| c.replace(secrets == Secrets::Shown)));
        let value = if self.layout == Layout::Legacy {
            serde_yaml_ng::to_value(&self.modules)
        } else {
            serde_yaml_ng::to_value(self)
        };
        match value {
            Ok(v) => emit::to_yaml(&v),
            Err(e) => format!("# cannot write the configuration: {e}\n"),
        }
    }
}

impl Module {
    fn from_value(v: serde_yaml_ng::Value, layout: Layout) -> Result<Module, String> {
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

fn duration_value(v: &serde_yaml_ng::Value) -> Result<Duration, String> {
    match v {
        serde_yaml_ng::Value::String(s) => parse_go_duration(s),
        serde_yaml_ng::Value::Number(n) => n
            .as_u64()
            .map(Duration::from_nanos)
            .ok_or_else(|| format!("invalid duration {n}")),
        other => Err(format!("invalid duration {other:?}")),
    }
}

/// Parses a Go `time.Duration` string (`5s`, `1m30s`, `250ms`, `1.5h`, `0`).
///
/// ```
/// use std::time::Duration;
/// assert_eq!(snmp_exporter_config::parse_go_duration("1m30s"), Ok(Duration::from_secs(90)));
/// assert_eq!(snmp_exporter_config::parse_go_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert!(snmp_exporter_config::parse_go_duration("5").is_err());
/// ```
pub fn parse_go_duration(s: &str) -> Result<Duration, String> {
    let err = || format!("time: invalid duration \"{s}\"");
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() || s.starts_with('-') {
        return Err(err());
    }
    let s2 = s.strip_prefix('+').unwrap_or(s);
    let mut rest = s2;
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| format!("time: missing unit in duration \"{s}\""))?;
        if num_end == 0 {
            return Err(err());
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| err())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let nanos_per = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            u => return Err(format!("time: unknown unit \"{u}\" in duration \"{s}\"")),
        };
        total += n * nanos_per;
        rest = &rest[unit_end..];
    }
    if !total.is_finite() || total > u64::MAX as f64 {
        return Err(err());
    }
    Ok(Duration::from_nanos(total as u64))
}

/// Prints a duration as Go does (`5s`, `1m30s`, `500ms`).
pub fn format_go_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        return "0s".into();
    }
    if ns < 1_000_000_000 {
        return if ns.is_multiple_of(1_000_000) {
            format!("{}ms", ns / 1_000_000)
        } else if ns.is_multiple_of(1000) {
            format!("{}µs", ns / 1000)
        } else {
            format!("{ns}ns")
        };
    }
    let secs = d.as_secs();
    let frac = d.subsec_nanos();
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if frac == 0 {
        out.push_str(&format!("{s}s"));
    } else {
        let f = format!("{:09}", frac);
        out.push_str(&format!("{s}.{}s", f.trim_end_matches('0')));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_configuration_parses_and_passes_the_start_checks() {
        let c = Config::parse(BUILTIN_YAML, "<built-in>").expect("built-in parses");
        c.check().expect("modules and auths");
        assert_eq!(c, Config::builtin());
    }

    #[test]
    fn environment_expansion_as_go_os_expand() {
        let env = |v: &str| match v {
            "A" => Some("x".to_string()),
            "B_2" => Some("y".to_string()),
            _ => None,
        };
        assert_eq!(expand("${A}-$B_2-$A.z", &env).unwrap(), "x-y-x.z");
        assert_eq!(expand("no vars", &env).unwrap(), "no vars");
        assert_eq!(
            expand("$MISSING", &env).unwrap_err(),
            "MISSING environment variable not found"
        );
        assert!(expand("${A", &env).is_err());
        assert_eq!(expand("trailing $", &env).unwrap(), "trailing $");
    }

    #[test]
    fn legacy_layout_with_module_auth() {
        let cfg = Config::parse(
            "if_mib:\n  walk: [1.3.6.1.2.1.2]\n  version: 3\n  timeout: 10s\n  auth:\n    username: u\n    security_level: authNoPriv\n    password: secretpw\n    auth_protocol: SHA\n  metrics: []\n",
            "t.yml",
        )
        .unwrap();
        assert_eq!(cfg.layout, Layout::Legacy);
        let m = &cfg.modules["if_mib"];
        assert_eq!(m.walk_params.timeout, Duration::from_secs(10));
        let a = m.auth.as_ref().unwrap();
        assert_eq!((a.version, a.username.as_str()), (3, "u"));
        assert!(!cfg.to_yaml().contains("secretpw"));
    }

    #[test]
    fn current_layout_and_unknown_keys() {
        let cfg = Config::parse(
            "auths:\n  public_v2:\n    community: public\n    version: 2\nmodules:\n  sys:\n    get: [1.3.6.1.2.1.1.3.0]\n    metrics: []\n",
            "t.yml",
        )
        .unwrap();
        assert_eq!(cfg.layout, Layout::Current);
        assert_eq!(cfg.auths["public_v2"].version, 2);
        let err = Config::parse("m:\n  walk: []\n  bogus: 1\n", "t.yml").unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
        let err = Config::parse(
            "auths:\n  a:\n    version: 3\n    security_level: authPriv\n",
            "t.yml",
        )
        .unwrap_err();
        assert!(err.to_string().contains("priv password"), "{err}");
        let err = Config::parse("modules:\n  m:\n    version: 2\n", "t.yml").unwrap_err();
        assert!(err.to_string().contains("version"), "{err}");
    }

    #[test]
    fn go_durations_round_trip() {
        for (text, d) in [
            ("5s", Duration::from_secs(5)),
            ("1m30s", Duration::from_secs(90)),
            ("1h0m0s", Duration::from_secs(3600)),
            ("500ms", Duration::from_millis(500)),
            ("1.5s", Duration::from_millis(1500)),
        ] {
            assert_eq!(parse_go_duration(text), Ok(d), "{text}");
        }
        assert_eq!(format_go_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_go_duration(Duration::from_millis(1500)), "1.5s");
        assert!(parse_go_duration("5x").is_err());
        assert!(parse_go_duration("s").is_err());
    }
}
