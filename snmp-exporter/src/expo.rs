//! The Prometheus text exposition (format 0.0.4) as client_golang writes it: families sorted
//! by name, the metrics of a family sorted by their label values, labels sorted by name,
//! floats printed as Go's `strconv.FormatFloat(v, 'g', -1, 64)`, and the checks its registry
//! makes while gathering (valid names, one help text and type per family, no duplicates).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::fmt::Write as _;

/// A metric's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `counter`.
    Counter,
    /// `gauge`.
    Gauge,
    /// `untyped`.
    Untyped,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Untyped => "untyped",
        }
    }
}

/// One sample: a metric name, its help and type, labels and value. Names and help texts are
/// usually borrowed from the configuration (no copy per sample).
#[derive(Debug, Clone, PartialEq)]
pub struct Sample<'a> {
    /// Metric name.
    pub name: Cow<'a, str>,
    /// HELP text.
    pub help: Cow<'a, str>,
    /// TYPE.
    pub kind: Kind,
    /// Labels in any order (sorted when added).
    pub labels: Vec<(Cow<'a, str>, String)>,
    /// Value.
    pub value: f64,
}

impl<'a> Sample<'a> {
    /// A gauge without labels.
    pub fn gauge(name: &'a str, help: &'a str, value: f64) -> Sample<'a> {
        Sample {
            name: Cow::Borrowed(name),
            help: Cow::Borrowed(help),
            kind: Kind::Gauge,
            labels: Vec::new(),
            value,
        }
    }

    /// This sample with one more label.
    pub fn with_label(mut self, name: &'a str, value: &str) -> Sample<'a> {
        self.labels.push((Cow::Borrowed(name), value.to_owned()));
        self
    }
}

type Labels<'a> = Vec<(Cow<'a, str>, String)>;

struct Family<'a> {
    help: Cow<'a, str>,
    kind: Kind,
    metrics: Vec<(Labels<'a>, f64)>,
}

/// Samples gathered for one response, with the errors the gathering found.
#[derive(Default)]
pub struct Exposition<'a> {
    families: HashMap<Cow<'a, str>, Family<'a>>,
    valid_metric_names: HashSet<String>,
    valid_label_names: HashSet<String>,
    finished: bool,
    /// What could not be added (client_golang's gathering errors), in the order found.
    pub errors: Vec<String>,
    /// Varbinds whose type a counter or gauge metric cannot read as a number (counted by
    /// `snmp_unexpected_pdu_type_total`).
    pub unexpected_types: u64,
}

/// Is `name` a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`)?
pub fn valid_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Is `name` a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`)?
pub fn valid_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

fn same(a: &str, b: &str) -> bool {
    (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
}

impl<'a> Exposition<'a> {
    /// An empty exposition.
    pub fn new() -> Exposition<'a> {
        Exposition::default()
    }

    /// Checks a sample as client_golang's `NewConstMetric` does (names valid, no label twice):
    /// the message of the error it would return. Names already found valid are remembered.
    pub fn check(&mut self, sample: &Sample<'_>) -> Result<(), String> {
        if !self.valid_metric_names.contains(sample.name.as_ref()) {
            if !valid_metric_name(&sample.name) {
                return Err(format!("{:?} is not a valid metric name", sample.name));
            }
            self.valid_metric_names.insert(sample.name.to_string());
        }
        for (i, (n, _)) in sample.labels.iter().enumerate() {
            if !self.valid_label_names.contains(n.as_ref()) {
                if !valid_label_name(n) {
                    return Err(format!(
                        "{n:?} is not a valid label name for metric {:?}",
                        sample.name
                    ));
                }
                self.valid_label_names.insert(n.to_string());
            }
            if sample.labels[..i].iter().any(|(m, _)| m == n) {
                return Err(format!(
                    "duplicate label names in constant and variable labels for metric {:?}",
                    sample.name
                ));
            }
        }
        Ok(())
    }

    /// Adds a sample, or records why it cannot be (as an error).
    pub fn add(&mut self, mut sample: Sample<'a>) {
        if let Err(e) = self.check(&sample) {
            self.errors.push(e);
            return;
        }
        sample.labels.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let fam = match self.families.get_mut(sample.name.as_ref()) {
            Some(f) => f,
            None => self
                .families
                .entry(sample.name.clone())
                .or_insert_with(|| Family {
                    help: sample.help.clone(),
                    kind: sample.kind,
                    metrics: Vec::new(),
                }),
        };
        if !same(&fam.help, &sample.help) {
            self.errors.push(format!(
                "collected metric {} {} has help {:?} but should have {:?}",
                sample.name,
                label_text(&sample.labels, sample.value),
                sample.help,
                fam.help
            ));
            return;
        }
        if fam.kind != sample.kind {
            self.errors.push(format!(
                "collected metric {} {} should be a {}",
                sample.name,
                label_text(&sample.labels, sample.value),
                fam.kind.as_str().to_uppercase()
            ));
            return;
        }
        self.finished = false;
        fam.metrics.push((sample.labels, sample.value));
    }

    /// Records a gathering error (an invalid metric).
    pub fn error(&mut self, message: String) {
        self.errors.push(message);
    }

    /// Adds every sample of `other` (checked again) and its errors.
    pub fn extend(&mut self, other: Exposition<'a>) {
        for (name, fam) in other.families {
            if !self.families.contains_key(&name) {
                // A family this one does not have: its samples were checked when added.
                self.finished = false;
                self.families.insert(name, fam);
                continue;
            }
            for (labels, value) in fam.metrics {
                self.add(Sample {
                    name: name.clone(),
                    help: fam.help.clone(),
                    kind: fam.kind,
                    labels,
                    value,
                });
            }
        }
        self.errors.extend(other.errors);
    }

    /// Sorts every family as client_golang does and turns repeated series (the same name
    /// and label values) into errors; [`Exposition::render`] and the error list are final
    /// after this.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        let mut names: Vec<&Cow<'a, str>> = self.families.keys().collect();
        names.sort();
        let names: Vec<Cow<'a, str>> = names.into_iter().cloned().collect();
        for name in names {
            let Some(fam) = self.families.get_mut(&name) else {
                continue;
            };
            // client_golang's order: by the number of labels, then by the label values in
            // the order of the (sorted) label names. Equal keys are duplicates, reported below.
            // The values are joined into one key per series first (NUL-separated, which sorts
            // as the tuple does): comparing scattered strings costs a cache miss each.
            let nul = fam
                .metrics
                .iter()
                .any(|(l, _)| l.iter().any(|(_, v)| v.as_bytes().contains(&0)));
            if nul {
                fam.metrics.sort_by(|a, b| {
                    a.0.len().cmp(&b.0.len()).then_with(|| {
                        for (x, y) in a.0.iter().zip(b.0.iter()) {
                            match x.1.as_bytes().cmp(y.1.as_bytes()) {
                                std::cmp::Ordering::Equal => {}
                                other => return other,
                            }
                        }
                        std::cmp::Ordering::Equal
                    })
                });
            } else {
                fam.metrics.sort_by_cached_key(|(labels, _)| {
                    let mut key = Vec::with_capacity(
                        1 + labels.iter().map(|(_, v)| v.len() + 1).sum::<usize>(),
                    );
                    key.push(labels.len().min(255) as u8);
                    for (_, v) in labels {
                        key.extend_from_slice(v.as_bytes());
                        key.push(0);
                    }
                    key
                });
            }
            let mut i = 1;
            while i < fam.metrics.len() {
                if fam.metrics[i].0 == fam.metrics[i - 1].0 {
                    let (labels, value) = fam.metrics.remove(i);
                    self.errors.push(format!(
                        "collected metric {:?} {{ {}}} was collected before with the same name and label values",
                        name,
                        label_text(&labels, value)
                    ));
                } else {
                    i += 1;
                }
            }
        }
        self.finished = true;
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.families.values().map(|f| f.metrics.len()).sum()
    }

    /// No samples?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text exposition (after [`Exposition::finish`], which it calls).
    pub fn render(&mut self) -> String {
        self.finish();
        let mut out = String::with_capacity(self.len() * 96);
        let mut names: Vec<&Cow<'a, str>> = self.families.keys().collect();
        names.sort();
        for name in names {
            let fam = &self.families[name];
            let _ = writeln!(out, "# HELP {name} {}", escape_help(&fam.help));
            let _ = writeln!(out, "# TYPE {name} {}", fam.kind.as_str());
            for (labels, value) in &fam.metrics {
                out.push_str(name);
                if !labels.is_empty() {
                    out.push('{');
                    for (i, (n, v)) in labels.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(n);
                        out.push_str("=\"");
                        escape_label_into(&mut out, v);
                        out.push('"');
                    }
                    out.push('}');
                }
                out.push(' ');
                push_go_float(&mut out, *value);
                out.push('\n');
            }
        }
        out
    }
}

fn label_text(labels: &[(Cow<'_, str>, String)], value: f64) -> String {
    let mut s = String::new();
    for (n, v) in labels {
        let _ = write!(s, "label:{{name:{n:?} value:{v:?}}} ");
    }
    let _ = write!(s, "gauge:{{value:{}}} ", go_float(value));
    s
}

fn escape_help(s: &str) -> Cow<'_, str> {
    if s.contains(['\\', '\n']) {
        Cow::Owned(s.replace('\\', "\\\\").replace('\n', "\\n"))
    } else {
        Cow::Borrowed(s)
    }
}

fn escape_label_into(out: &mut String, s: &str) {
    if !s.contains(['\\', '\n', '"']) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

/// A float as client_golang's text format prints it: Go's shortest `%g` (`1.234567e+06`,
/// `0.001`, `1e-05`), with `+Inf`, `-Inf` and `NaN`.
///
/// ```
/// use snmp_exporter::expo::go_float;
/// assert_eq!(go_float(1234567.0), "1.234567e+06");
/// assert_eq!(go_float(123456.0), "123456");
/// assert_eq!(go_float(0.0001), "0.0001");
/// assert_eq!(go_float(0.00001), "1e-05");
/// assert_eq!(go_float(-2.5), "-2.5");
/// assert_eq!(go_float(f64::INFINITY), "+Inf");
/// ```
pub fn go_float(f: f64) -> String {
    let mut s = String::new();
    push_go_float(&mut s, f);
    s
}

/// Appends [`go_float`]'s text (integers up to 1e6 without formatting machinery).
pub fn push_go_float(out: &mut String, f: f64) {
    if f.fract() == 0.0 && f.abs() < 1e6 && !(f == 0.0 && f.is_sign_negative()) {
        let _ = write!(out, "{}", f as i64);
        return;
    }
    out.push_str(&go_float_slow(f));
}

fn go_float_slow(f: f64) -> String {
    if f == 1.0 {
        return "1".into();
    }
    if f == 0.0 {
        return "0".into();
    }
    if f == -1.0 {
        return "-1".into();
    }
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde[-]x".
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((e.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let neg = if f < 0.0 { "-" } else { "" };
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let sign = if exp < 0 { '-' } else { '+' };
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        return format!("{neg}{first}{frac}e{sign}{:02}", exp.abs());
    }
    // Fixed notation.
    let nd = digits.len() as i32;
    let dp = exp + 1; // position of the decimal point in the digits
    if dp <= 0 {
        format!("{neg}0.{}{}", "0".repeat((-dp) as usize), digits)
    } else if dp >= nd {
        format!("{neg}{}{}", digits, "0".repeat((dp - nd) as usize))
    } else {
        let (a, b) = digits.split_at(dp as usize);
        format!("{neg}{a}.{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_go_prints_them() {
        for (f, s) in [
            (1e6, "1e+06"),
            (999999.0, "999999"),
            (1.5e-7, "1.5e-07"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (4294967295.0, "4.294967295e+09"),
            (1e21, "1e+21"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Inf"),
            (2.0, "2"),
            (100.0, "100"),
        ] {
            assert_eq!(go_float(f), s, "{f}");
        }
    }

    #[test]
    fn sorted_escaped_and_checked() {
        let mut e = Exposition::new();
        e.add(Sample::gauge("b", "B", 2.0).with_label("x", "2"));
        e.add(Sample::gauge("b", "B", 1.0).with_label("x", "10"));
        e.add(
            Sample::gauge("a", "A\\n\nx", 1.0)
                .with_label("z", "q\"\n\\")
                .with_label("y", "1"),
        );
        e.add(Sample::gauge("b", "B", 3.0).with_label("x", "2"));
        e.add(Sample::gauge("b", "other help", 3.0).with_label("x", "3"));
        e.add(Sample::gauge("1bad", "", 3.0));
        assert_eq!(
            e.render(),
            "# HELP a A\\\\n\\nx\n# TYPE a gauge\na{y=\"1\",z=\"q\\\"\\n\\\\\"} 1\n# HELP b B\n# TYPE b gauge\nb{x=\"10\"} 1\nb{x=\"2\"} 2\n"
        );
        assert_eq!(e.errors.len(), 3, "{:?}", e.errors);
    }
}
