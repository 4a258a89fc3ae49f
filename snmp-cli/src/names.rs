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
}

impl MibOpts {
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
        report_problems(&loader, &loaded.diagnostics, show_errors, level);
        Ok(Names {
            mib: loaded.mib,
            fmt,
        })
    }
}

/// The problems found in the MIB files, on stderr as Net-SNMP prints them: the search path
/// first, then one line each (errors unless `-Pe`; warnings with `-Pw`, the rest with `-PW`).
/// A module that imports from one that cannot be found gets Net-SNMP's two lines: `Cannot
/// find module (M): At line N in FILE` once per missing module and file, and `Did not find
/// 'X' in module #-1 (FILE)` per name.
fn report_problems(
    loader: &snmp_mib::Loader,
    diagnostics: &[snmp_mib::Diagnostic],
    show_errors: bool,
    level: u8,
) {
    let shown: Vec<&snmp_mib::Diagnostic> = diagnostics
        .iter()
        .filter(|d| {
            if d.is_error() {
                show_errors
            } else {
                d.level() <= level
            }
        })
        .collect();
    if shown.is_empty() {
        return;
    }
    let path: Vec<String> = loader
        .search_path()
        .iter()
        .filter_map(|d| match d {
            snmp_mib::MibDir::Path(p) | snmp_mib::MibDir::File(p) => Some(p.display().to_string()),
            _ => None,
        })
        .collect();
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "MIB search path: {}", path.join(":"));
    let mut missing_told = std::collections::HashSet::new();
    for d in shown {
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
            None => match &d.module {
                Some(m) => writeln!(err, "{} ({m}): At line {line} in {file}", d.message),
                None => writeln!(err, "{}: At line {line} in {file}", d.message),
            },
        };
    }
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
