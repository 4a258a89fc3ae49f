//! What loading found wrong and skipped: mib-rs's diagnostics in Net-SNMP's terms (which
//! problems are errors, where an unresolved import is placed).

/// A problem found while loading, reported instead of failing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad: `error`, `warning`, ... (mib-rs's severity names).
    pub severity: String,
    /// The module it was found in, when known.
    pub module: Option<String>,
    /// The file, when known.
    pub file: Option<String>,
    /// The line (1-based), when known.
    pub line: Option<usize>,
    /// What was skipped or assumed.
    pub message: String,
    /// mib-rs's code for the kind of problem, stable across its versions
    /// (`import-module-not-found`, `parse-error`, `index-integer-no-range`, ...).
    pub code: String,
}

/// The mib-rs codes of what Net-SNMP's parser also treats as an error: what keeps a
/// definition from being used (text that does not lex or parse, a number that does not fit,
/// a module or an imported name that cannot be found, an OID without a parent or under
/// itself). Not among them: a type, INDEX or OBJECTS member that mib-rs cannot resolve in
/// its module's scope (`type-unknown`, `index-unresolved`, `objects-unresolved`): Net-SNMP
/// looks names up in every module loaded and reports none of them (on the whole corpus,
/// snmptranslate prints none of the 71 mib-rs finds), so they are warnings here.
const ERROR_CODES: &[&str] = &[
    "unexpected-character",
    "unterminated-string",
    "unterminated-hex-bin-string",
    "missing-hex-bin-suffix",
    "parse-error",
    "invalid-u32",
    "invalid-i64",
    "import-not-found",
    "import-module-not-found",
    "oid-orphan",
    "oid-recursive",
];

impl Diagnostic {
    /// One line of the cache's diagnostics file: the fields tab-separated (tabs and line
    /// breaks inside them made spaces), an empty field for none.
    pub(crate) fn to_line(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
        format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            clean(&self.code),
            clean(&self.severity),
            clean(self.module.as_deref().unwrap_or("")),
            clean(self.file.as_deref().unwrap_or("")),
            self.line.map(|l| l.to_string()).unwrap_or_default(),
            clean(&self.message)
        )
    }

    /// Reads [`Diagnostic::to_line`]'s line back (`None` for a damaged line).
    pub(crate) fn from_line(line: &str) -> Option<Diagnostic> {
        let mut f = line.splitn(6, '\t');
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Some(Diagnostic {
            code: f.next()?.to_owned(),
            severity: f.next()?.to_owned(),
            module: some(f.next()?),
            file: some(f.next()?),
            line: f.next()?.parse().ok(),
            message: f.next()?.to_owned(),
        })
    }

    /// Whether this is what Net-SNMP's parser calls an error (shown unless `-Pe` or
    /// `showMibErrors no`): what keeps a definition from being used (a syntax error, a
    /// module or name that cannot be found), not the findings mib-rs also reports as errors
    /// that Net-SNMP accepts (an INDEX without a range, a name's case, a SEQUENCE whose type
    /// differs from the column's).
    pub fn is_error(&self) -> bool {
        self.level() == 0
    }

    /// The warning level that shows it, as Net-SNMP's `mibWarningLevel`: 0 for errors (see
    /// [`Diagnostic::is_error`]: mib-rs's fatal and severe findings, and the codes of
    /// `ERROR_CODES`), 1 for mib-rs's other errors and its warnings, 2 for the rest (style,
    /// information).
    pub fn level(&self) -> u8 {
        // A base type imported from a module that exists but does not define it (`Unsigned32
        // FROM SNMPv2-TC`): Net-SNMP knows the SMI's types wherever they come from and says
        // nothing; mib-rs takes them from the SMI too.
        let base_type = self
            .unresolved_import()
            .is_some_and(|(name, _)| !self.module_not_found() && crate::SMI_TYPES.contains(&name));
        match self.severity.as_str() {
            _ if base_type => 1,
            "fatal" | "severe" => 0,
            _ if ERROR_CODES.contains(&self.code.as_str()) => 0,
            "error" | "warning" | "minor" => 1,
            _ => 2,
        }
    }

    /// For an import that could not be resolved (codes `import-not-found` and
    /// `import-module-not-found`): the name imported and the module it was to come from.
    /// Whether that module was found at all is [`Diagnostic::module_not_found`].
    ///
    /// ```
    /// let d = snmp_mib::Diagnostic {
    ///     severity: "error".into(),
    ///     module: Some("ACME-MIB".into()),
    ///     file: Some("/mibs/ACME-MIB.txt".into()),
    ///     line: Some(7),
    ///     message: r#"unresolved import: "acmeRoot" from "ACME-SMI" (module_not_found)"#.into(),
    ///     code: "import-module-not-found".into(),
    /// };
    /// assert_eq!(d.unresolved_import(), Some(("acmeRoot", "ACME-SMI")));
    /// assert!(d.module_not_found());
    /// ```
    pub fn unresolved_import(&self) -> Option<(&str, &str)> {
        if !matches!(
            self.code.as_str(),
            "import-not-found" | "import-module-not-found"
        ) {
            return None;
        }
        // mib-rs words it `unresolved import: "NAME" from "MODULE" (REASON)`; a test of this
        // crate loads a module with a missing import and pins that wording.
        let rest = self.message.strip_prefix("unresolved import: \"")?;
        let (name, rest) = rest.split_once("\" from \"")?;
        let (module, _) = rest.split_once('"')?;
        Some((name, module))
    }

    /// For an OID value whose parent is not known (code `oid-orphan`): the name defined and
    /// the parent it names.
    ///
    /// ```
    /// let d = snmp_mib::Diagnostic {
    ///     severity: "error".into(),
    ///     module: Some("ACME-MIB".into()),
    ///     file: Some("/mibs/ACME-MIB.txt".into()),
    ///     line: Some(9),
    ///     message: r#"unresolved OID: "acmeThing" references unknown parent "acmeRoot""#.into(),
    ///     code: "oid-orphan".into(),
    /// };
    /// assert_eq!(d.orphan(), Some(("acmeThing", "acmeRoot")));
    /// ```
    pub fn orphan(&self) -> Option<(&str, &str)> {
        if self.code != "oid-orphan" {
            return None;
        }
        // mib-rs words it `unresolved OID: "NAME" references unknown parent "PARENT"`; the
        // test of broken folders pins that wording.
        let rest = self.message.strip_prefix("unresolved OID: \"")?;
        let (name, rest) = rest.split_once("\" references unknown parent \"")?;
        let (parent, _) = rest.split_once('"')?;
        Some((name, parent))
    }

    /// Whether this is an import from a module that was not found at all (mib-rs's
    /// `import-module-not-found`; Net-SNMP's `Cannot find module`).
    pub fn module_not_found(&self) -> bool {
        self.code == "import-module-not-found"
    }
}

impl core::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
            }
            f.write_str(": ")?;
        }
        write!(f, "{}: ", self.severity)?;
        if let Some(m) = &self.module {
            write!(f, "{m}: ")?;
        }
        f.write_str(&self.message)
    }
}

pub(crate) fn diagnostics(
    mib: &mib_rs::Mib,
    labels: &std::collections::HashMap<String, String>,
) -> Vec<Diagnostic> {
    mib.diagnostics()
        .iter()
        .map(|d| {
            let mut out = Diagnostic {
                severity: d.severity.to_string(),
                module: d.module.clone(),
                file: None,
                line: None,
                message: d.message.clone(),
                code: d.code.as_code().to_owned(),
            };
            if let Some(r) = d.range {
                let doc = mib.source(r.source());
                out.file = doc.map(|doc| {
                    let l = doc.label().to_owned();
                    labels.get(&l).cloned().unwrap_or(l)
                });
                out.line = doc.and_then(|doc| {
                    // An unresolved import is placed as Net-SNMP places it: at the module
                    // name of its `FROM`, which a multi-line IMPORTS puts lines below the
                    // name imported.
                    let at = out
                        .unresolved_import()
                        .and_then(|(_, module)| {
                            word_after(doc.bytes(), r.start().as_usize(), module)
                        })
                        .and_then(|at| mib_rs::source::ByteOffset::try_from(at).ok())
                        .unwrap_or(r.start());
                    // mib-rs's lines are one-based already.
                    doc.line_column(at).ok().map(|(l, _)| l)
                });
            }
            out
        })
        .collect()
}

/// Where `word` next stands as a whole MIB identifier (not inside a longer one) in `bytes`
/// from `from` on.
fn word_after(bytes: &[u8], from: usize, word: &str) -> Option<usize> {
    let word = word.as_bytes();
    let ident = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-');
    let rest = bytes.get(from..)?;
    rest.windows(word.len().max(1))
        .enumerate()
        .filter(|(_, w)| *w == word)
        .map(|(i, _)| from.saturating_add(i))
        .find(|&at| {
            let before = at.checked_sub(1).and_then(|b| bytes.get(b));
            !ident(before) && !ident(bytes.get(at.saturating_add(word.len())))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_type_from_the_wrong_module_is_a_warning() {
        let d = |name: &str, code: &str| Diagnostic {
            severity: "error".into(),
            module: Some("VENDOR-MIB".into()),
            file: None,
            line: None,
            message: format!(
                "unresolved import: \"{name}\" from \"SNMPv2-TC\" (symbol_not_exported)"
            ),
            code: code.into(),
        };
        assert_eq!(d("Unsigned32", "import-not-found").level(), 1);
        assert_eq!(d("vendorThing", "import-not-found").level(), 0);
        assert_eq!(d("Unsigned32", "import-module-not-found").level(), 0);
    }

    #[test]
    fn a_word_is_found_whole() {
        let text = b"IMPORTS a FROM X-MIB2, b FROM\n  X-MIB; -- X-MIB";
        assert_eq!(word_after(text, 0, "X-MIB"), Some(32));
        assert_eq!(word_after(text, 33, "X-MIB"), Some(42));
        assert_eq!(word_after(text, 0, "MIB"), None);
        assert_eq!(word_after(text, 99, "X-MIB"), None);
        assert_eq!(word_after(text, 0, ""), None);
    }
}
