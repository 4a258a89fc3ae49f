//! A module's metrics: indexes, lookups, regex extracts, dynamic filters.

#[allow(unused_imports)]
use super::*;

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

/// A metric's `type:`: how its value is read and exposed. Parsed once at load; a type this
/// exporter does not know is kept (`Other`) and exposed as a string, as upstream's collector
/// does with any type it does not handle.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// `gauge`.
    Gauge,
    /// `counter`.
    Counter,
    /// `Float` (an opaque-wrapped float).
    Float,
    /// `Double`.
    Double,
    /// `DateAndTime` (RFC 2579).
    DateAndTime,
    /// `ParseDateAndTime` (a string and `datetime_pattern`).
    ParseDateAndTime,
    /// `NTPTimeStamp`.
    NtpTimeStamp,
    /// `EnumAsInfo`.
    EnumAsInfo,
    /// `EnumAsStateSet`.
    EnumAsStateSet,
    /// `Bits`.
    Bits,
    /// Any other type, a string of some form (`OctetString`, `DisplayString`,
    /// `PhysAddress48`, `InetAddress`, `LldpPortId`, ...), by its name.
    Other(String),
}

impl MetricType {
    /// The type of a `type:` value.
    ///
    /// ```
    /// use snmp_exporter_config::MetricType;
    /// assert_eq!(MetricType::parse("counter"), MetricType::Counter);
    /// assert_eq!(MetricType::parse("DisplayString").as_str(), "DisplayString");
    /// ```
    pub fn parse(s: &str) -> MetricType {
        match s {
            "gauge" => MetricType::Gauge,
            "counter" => MetricType::Counter,
            "Float" => MetricType::Float,
            "Double" => MetricType::Double,
            "DateAndTime" => MetricType::DateAndTime,
            "ParseDateAndTime" => MetricType::ParseDateAndTime,
            "NTPTimeStamp" => MetricType::NtpTimeStamp,
            "EnumAsInfo" => MetricType::EnumAsInfo,
            "EnumAsStateSet" => MetricType::EnumAsStateSet,
            "Bits" => MetricType::Bits,
            other => MetricType::Other(other.to_owned()),
        }
    }

    /// Its name in `snmp.yml`.
    pub fn as_str(&self) -> &str {
        match self {
            MetricType::Gauge => "gauge",
            MetricType::Counter => "counter",
            MetricType::Float => "Float",
            MetricType::Double => "Double",
            MetricType::DateAndTime => "DateAndTime",
            MetricType::ParseDateAndTime => "ParseDateAndTime",
            MetricType::NtpTimeStamp => "NTPTimeStamp",
            MetricType::EnumAsInfo => "EnumAsInfo",
            MetricType::EnumAsStateSet => "EnumAsStateSet",
            MetricType::Bits => "Bits",
            MetricType::Other(s) => s,
        }
    }
}

impl Serialize for MetricType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MetricType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(MetricType::parse(&String::deserialize(d)?))
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
    pub kind: MetricType,
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
