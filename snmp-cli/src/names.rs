//! MIB names in and out: the `-m`, `-M` and `-O` options, shared by every command.

use std::io::Write;

use clap::Args;
use snmp_mib::{Format, Mib, Node};
use snmp_tokio::{Oid, Value};

use crate::failure::Failure;

/// Net-SNMP's MIB and output options.
#[derive(Args, Clone, Default)]
pub(crate) struct MibOpts {
    /// MIB modules to load, colon separated (`IF-MIB:IP-MIB`, `+MOD` to add, `ALL`); as
    /// Net-SNMP's -m (default: its default list, or MIBS).
    #[arg(short = 'm', value_name = "MODULES")]
    modules: Option<String>,
    /// Folders to search for MIB files, colon separated (`+DIR` to add after the defaults);
    /// as Net-SNMP's -M (default: ~/.snmp/mibs and the built-in standard set, or MIBDIRS).
    #[arg(short = 'M', value_name = "DIRS")]
    dirs: Option<String>,
    /// Output options, as Net-SNMP's -O: n f s S u (OID style), q Q v (quick, value only),
    /// e (numeric enums), b (no index breakdown), x a (hex, ascii strings), t (numeric
    /// timeticks), T (hex with text), U (no units), X (extended index), E (escape quotes), 0
    /// (two-digit hex), p WIDTH.PRECISION (floats).
    #[arg(short = 'O', value_name = "FLAGS")]
    output: Vec<String>,
    /// MIB parsing options, as Net-SNMP's -P: e (toggle showing the problems found in MIB
    /// files, on by default), w (also show warnings), W (show everything); u, c, d and R are
    /// taken and change nothing (the loader always allows underscores and `--` comments,
    /// keeps descriptions, and the first module to define an OID names it).
    #[arg(short = 'P', value_name = "MIBOPTS")]
    parsing: Vec<String>,
}

/// The loaded MIB and the output format of one command.
pub(crate) struct Names {
    pub(crate) mib: Mib,
    pub(crate) fmt: Format,
    /// The MIB folders searched, as Net-SNMP's "MIB search path:" line names them.
    pub(crate) search_path: String,
}

impl MibOpts {
    /// The options as snmptrapd's `-m`, `-M` and `-O` (and its configuration) give them.
    pub(crate) fn new(
        modules: Option<String>,
        dirs: Option<String>,
        output: Vec<String>,
    ) -> MibOpts {
        MibOpts {
            modules,
            dirs,
            output,
            parsing: Vec::new(),
        }
    }

    /// Loads the modules (the embedded default when no option or variable asks for more).
    pub(crate) fn load(&self) -> Result<Names, Failure> {
        let mut fmt = Format::default();
        for flags in &self.output {
            let mut chars = flags.chars();
            while let Some(c) = chars.next() {
                if c == 'p' {
                    // -Op PRECISION: the rest (joined from the next argument) is printf's
                    // WIDTH.PRECISION for floats.
                    let text = chars.as_str();
                    fmt.float_format =
                        Some(snmp_mib::FloatFormat::parse(text).ok_or_else(|| {
                            Failure::Usage(format!("Invalid output precision after -Op: {text}"))
                        })?);
                    break;
                }
                fmt.apply(c).map_err(|e| Failure::Usage(e.to_string()))?;
            }
        }
        let mut loader = snmp_mib::Loader::new();
        // snmp.conf's mibdirs and mibs, unless the environment sets them (which wins).
        let conf = crate::config::get();
        if let (Some(d), Err(_)) = (&conf.mibdirs, std::env::var("MIBDIRS")) {
            loader = loader.dirs(d);
        }
        if let (Some(m), Err(_)) = (&conf.mibs, std::env::var("MIBS")) {
            loader = loader.modules(m);
        }
        if let Some(d) = &self.dirs {
            loader = loader.dirs(d);
        }
        if let Some(m) = &self.modules {
            loader = loader.modules(m);
        }
        let (mut show_errors, mut level) = (
            conf.show_mib_errors
                .as_deref()
                .is_none_or(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "yes" | "true")),
            conf.mib_warning_level
                .as_deref()
                .and_then(|v| v.parse::<u8>().ok())
                .unwrap_or(0),
        );
        for letters in &self.parsing {
            for c in letters.chars() {
                match c {
                    'e' => show_errors = !show_errors,
                    'w' => level = level.max(1),
                    'W' => level = level.max(2),
                    'u' | 'c' | 'd' | 'R' => {}
                    other => {
                        return Err(Failure::Usage(format!(
                            "Unknown parsing option passed to -P: {other}."
                        )))
                    }
                }
            }
        }
        let loaded = loader.load().map_err(|e| Failure::Usage(e.to_string()))?;
        report_problems(
            &loader,
            &loaded.mib,
            &loaded.diagnostics,
            show_errors,
            level,
        );
        let search_path = search_path(&loader).join(":");
        Ok(Names {
            mib: loaded.mib,
            fmt,
            search_path,
        })
    }
}

/// The MIB folders and files a loader searches, as Net-SNMP names them.
fn search_path(loader: &snmp_mib::Loader) -> Vec<String> {
    loader
        .search_path()
        .iter()
        .filter_map(|d| match d {
            snmp_mib::MibDir::Path(p) | snmp_mib::MibDir::File(p) => Some(p.display().to_string()),
            _ => None,
        })
        .collect()
}

/// The problems found in the MIB files, on stderr as Net-SNMP prints them: one line each
/// (errors unless `-Pe`; warnings with `-Pw`, the rest with `-PW`), and the search path where
/// a module is first missed.
/// A module that imports from one that cannot be found gets Net-SNMP's two lines: `Cannot
/// find module (M): At line N in FILE` once per missing module and file, and `Did not find
/// 'X' in module #-1 (FILE)` per name. An OID value under a parent that is not known gets
/// Net-SNMP's `Unlinked OID`, `Undefined identifier` and, after the rest, `Cannot adopt OID`
/// lines, shown as Net-SNMP shows them even with `-Pe`.
fn report_problems(
    loader: &snmp_mib::Loader,
    mib: &Mib,
    diagnostics: &[snmp_mib::Diagnostic],
    show_errors: bool,
    level: u8,
) {
    // What Net-SNMP makes of each OID without a known parent (see `Orphan`).
    let orphan_kind: Vec<Option<Orphan>> = diagnostics.iter().map(|d| orphan(mib, d)).collect();
    let show = |i: usize, d: &snmp_mib::Diagnostic| match orphan_kind.get(i).cloned().flatten() {
        Some(Orphan::Silent) => level >= 1,
        Some(_) => true,
        None if d.is_error() => show_errors,
        None => d.level() <= level,
    };
    // The names each module defines under an unknown parent: a parent among them is defined
    // (only unlinked), and Net-SNMP says only that it cannot adopt its children.
    let orphans: std::collections::HashSet<(Option<&str>, &str)> = diagnostics
        .iter()
        .zip(&orphan_kind)
        .filter(|(_, k)| matches!(k, Some(Orphan::Value(_))))
        .filter_map(|(d, _)| d.orphan().map(|(name, _)| (d.module.as_deref(), name)))
        .collect();
    let mut adopt = Vec::new();
    let path = search_path(loader);
    let mut err = std::io::stderr().lock();
    let mut path_told = false;
    let mut missing_told = std::collections::HashSet::new();
    for (i, d) in diagnostics.iter().enumerate() {
        // Net-SNMP names its search path where it first misses a module (also with -Pe).
        if d.module_not_found() && !path_told {
            let _ = writeln!(err, "MIB search path: {}", path.join(":"));
            path_told = true;
        }
        if !show(i, d) {
            continue;
        }
        let file = d.file.as_deref().unwrap_or("(none)");
        let line = d.line.unwrap_or(0);
        let _ = match d.unresolved_import() {
            Some((name, module)) if d.module_not_found() => {
                if missing_told.insert((module.to_owned(), file.to_owned())) {
                    let _ = writeln!(
                        err,
                        "Cannot find module ({module}): At line {line} in {file}"
                    );
                }
                writeln!(err, "Did not find '{name}' in module #-1 ({file})")
            }
            Some((name, module)) => {
                writeln!(err, "Did not find '{name}' in module {module} ({file})")
            }
            None => match (orphan_kind.get(i).cloned().flatten(), d.orphan()) {
                (Some(Orphan::Value(value)), Some((_, parent))) => {
                    let module = d.module.as_deref().unwrap_or("");
                    adopt.push(format!("Cannot adopt OID in {module}: {value}"));
                    if orphans.contains(&(d.module.as_deref(), parent)) {
                        Ok(())
                    } else {
                        let _ = writeln!(err, "Unlinked OID in {module}: {value}");
                        writeln!(
                            err,
                            "Undefined identifier: {parent} near line {line} of {file}"
                        )
                    }
                }
                _ => match &d.module {
                    Some(m) => writeln!(err, "{} ({m}): At line {line} in {file}", d.message),
                    None => writeln!(err, "{}: At line {line} in {file}", d.message),
                },
            },
        };
    }
    for line in adopt {
        let _ = writeln!(err, "{line}");
    }
}

/// What Net-SNMP makes of an OID that mib-rs could not hang under its parent.
#[derive(Clone)]
enum Orphan {
    /// Its value is `{ parent N }`: Net-SNMP's `Unlinked OID`/`Undefined identifier` and
    /// `Cannot adopt OID` lines, with this `name ::= { parent N }`.
    Value(String),
    /// Net-SNMP says nothing: the parent is a name another loaded module defines (Net-SNMP
    /// looks names up in every module), or not the OID value's parent at all (an AUGMENTS
    /// target). A warning here.
    Silent,
    /// A value of several arcs, for which Net-SNMP invents `anonymous#N` nodes: said in
    /// mib-rs's words.
    Other,
}

/// What Net-SNMP makes of `d`, when it is an OID without a known parent: its value is read
/// from the file, from `d`'s line on (after its `::=`).
fn orphan(mib: &Mib, d: &snmp_mib::Diagnostic) -> Option<Orphan> {
    let (name, parent) = d.orphan()?;
    if mib.resolve(parent).is_ok() {
        return Some(Orphan::Silent);
    }
    let read = || -> Option<Vec<String>> {
        let text = std::fs::read(d.file.as_deref()?).ok()?;
        let text = String::from_utf8_lossy(&text);
        let from: String = text
            .lines()
            .skip(d.line?.saturating_sub(1))
            .take(400)
            .map(|l| l.split("--").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(" ");
        let (_, value) = from.split_once("::=")?;
        let (_, value) = value.split_once('{')?;
        let (value, _) = value.split_once('}')?;
        Some(value.split_whitespace().map(str::to_owned).collect())
    };
    Some(match read().as_deref() {
        Some([p, arc]) if p == parent && arc.parse::<u32>().is_ok() => {
            Orphan::Value(format!("{name} ::= {{ {parent} {arc} }}"))
        }
        Some([p, ..]) if p != parent => Orphan::Silent,
        _ => Orphan::Other,
    })
}

impl Names {
    /// A name or OID, resolved (`sysDescr.0`, `IF-MIB::ifDescr.3`, `.1.3.6.1`).
    pub(crate) fn resolve(&self, text: &str) -> Result<Oid, Failure> {
        self.mib
            .resolve(text)
            .map_err(|e| Failure::Usage(crate::netsnmp::name_error(&e, &self.mib)))
    }

    /// Several.
    pub(crate) fn resolve_all(&self, list: &[String]) -> Result<Vec<Oid>, Failure> {
        list.iter().map(|s| self.resolve(s)).collect()
    }

    /// One varbind line.
    pub(crate) fn line(&self, oid: &Oid, value: &Value) -> String {
        self.fmt.varbind(&self.mib, oid, value)
    }

    /// The OID as the format names it.
    pub(crate) fn oid(&self, oid: &Oid) -> String {
        self.fmt.oid(&self.mib, oid)
    }

    /// The node an OID names exactly or is an instance of.
    pub(crate) fn node(&self, oid: &Oid) -> Option<Node<'_>> {
        self.mib.lookup(oid.arcs()).map(|(n, _)| n)
    }
}

/// Lines to stdout, buffered; a closed pipe (`| head`) ends the command quietly.
pub(crate) struct Out {
    w: std::io::BufWriter<std::io::Stdout>,
    pub(crate) closed: bool,
    /// One line's text, reused from line to line.
    scratch: String,
}

impl Out {
    pub(crate) fn new() -> Out {
        Out {
            w: std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout()),
            closed: false,
            scratch: String::with_capacity(256),
        }
    }

    /// Writes one varbind line as the format prints it, without a new String for it.
    pub(crate) fn varbind(&mut self, names: &Names, oid: &Oid, value: &Value) -> bool {
        let mut line = std::mem::take(&mut self.scratch);
        line.clear();
        names.fmt.write_varbind(&mut line, &names.mib, oid, value);
        let open = self.line(&line);
        self.scratch = line;
        open
    }

    /// Writes a line; false once the reader has gone.
    pub(crate) fn line(&mut self, s: &str) -> bool {
        if self.closed {
            return false;
        }
        if self
            .w
            .write_all(s.as_bytes())
            .and_then(|()| self.w.write_all(b"\n"))
            .is_err()
        {
            self.closed = true;
        }
        !self.closed
    }

    /// Flushes (also before anything goes to stderr, so the two stay in order).
    pub(crate) fn flush(&mut self) {
        if !self.closed && self.w.flush().is_err() {
            self.closed = true;
        }
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        self.flush();
    }
}
