//! Loading modules from MIB text, with Net-SNMP's search habits and a compiled cache.

use crate::diagnostic::{diagnostics, Diagnostic};
use crate::model::Mib;
use crate::scan::module_names;
use crate::standard;
use std::path::{Path, PathBuf};

pub(crate) use crate::standard::DEFAULT_MODULES;

/// One place modules are searched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MibDir {
    /// The standard set embedded in this crate (IETF, IANA, IEEE, Net-SNMP).
    Builtin,
    /// A folder of MIB files (any file names: modules are found by the name inside).
    Path(PathBuf),
    /// One file.
    File(PathBuf),
    /// MIB text given in memory (a label for diagnostics, and the text).
    Text(String, Vec<u8>),
}

/// Which modules to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modules {
    /// Every module in the search path (`-m ALL`).
    All,
    /// These modules and what they import.
    List(Vec<String>),
}

/// Why a load failed outright (the lenient parts of a load give [`Diagnostic`]s instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A folder or file could not be read.
    #[error("cannot read MIB source {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A requested module is in none of the folders.
    #[error("Cannot find module ({0})")]
    ModuleNotFound(String),
    /// mib-rs gave up.
    #[error("MIB load failed: {0}")]
    Failed(String),
}

/// What a load gives: the set and what it skipped.
#[derive(Debug)]
pub struct Loaded {
    /// The compiled set.
    pub mib: Mib,
    /// Problems found and skipped, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the set came from the compiled cache (no text was parsed).
    pub from_cache: bool,
}

/// Loads modules as Net-SNMP's tools do.
///
/// The search path starts as `MIBDIRS` (when set) or `~/.snmp/mibs` and the embedded
/// standard set; [`Loader::dirs`] takes Net-SNMP's `-M` syntax (`dir:dir`, `+dir` to
/// search after the defaults, `-dir` before). The modules start as `MIBS` or
/// [`DEFAULT_MODULES`]; [`Loader::modules`] takes `-m` syntax (`MOD:MOD`, `+MOD`, `ALL`).
/// As in Net-SNMP, later folders take precedence over earlier ones.
///
/// ```
/// let loaded = snmp_mib::Loader::new().modules("IF-MIB").cache_dir(None).load().unwrap();
/// assert!(loaded.mib.resolve("ifDescr.1").is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct Loader {
    dirs: Vec<MibDir>,
    modules: Modules,
    cache: Option<PathBuf>,
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME").map(PathBuf::from)
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(':').filter(|p| !p.is_empty())
}

fn default_dirs() -> Vec<MibDir> {
    let mut v = Vec::new();
    if let Some(h) = home() {
        let p = h.join(".snmp/mibs");
        if p.is_dir() {
            v.push(MibDir::Path(p));
        }
    }
    v.insert(0, MibDir::Builtin);
    v
}

/// Applies Net-SNMP's `+`/`-` list syntax over a current list.
fn apply<T: Clone>(current: &[T], spec: &str, parse: impl Fn(&str) -> T) -> Vec<T> {
    let (mode, rest) = match spec.as_bytes().first() {
        Some(b'+') => ('+', &spec[1..]),
        Some(b'-') => ('-', &spec[1..]),
        _ => ('=', spec),
    };
    let new: Vec<T> = split_list(rest).map(parse).collect();
    match mode {
        '+' => current.iter().cloned().chain(new).collect(),
        '-' => new.into_iter().chain(current.iter().cloned()).collect(),
        _ => new,
    }
}

fn parse_dir(s: &str) -> MibDir {
    if s == "builtin" {
        MibDir::Builtin
    } else if let Some(rest) = s.strip_prefix("~/") {
        MibDir::Path(home().unwrap_or_default().join(rest))
    } else {
        MibDir::Path(PathBuf::from(s))
    }
}

impl Loader {
    /// The defaults, with `MIBDIRS` and `MIBS` applied as Net-SNMP applies them.
    pub fn new() -> Loader {
        let mut l = Loader {
            dirs: default_dirs(),
            modules: Modules::List(DEFAULT_MODULES.iter().map(|s| s.to_string()).collect()),
            cache: default_cache_dir(),
        };
        if let Ok(d) = std::env::var("MIBDIRS") {
            l = l.dirs(&d);
        }
        if let Ok(m) = std::env::var("MIBS") {
            l = l.modules(&m);
        }
        l
    }

    /// Sets the search path with `-M` syntax (`builtin` names the embedded set).
    pub fn dirs(mut self, spec: &str) -> Loader {
        self.dirs = apply(&self.dirs, spec, parse_dir);
        self
    }

    /// Adds one folder after the current ones (so it takes precedence).
    pub fn dir(mut self, path: impl AsRef<Path>) -> Loader {
        self.dirs.push(MibDir::Path(path.as_ref().to_owned()));
        self
    }

    /// Adds one MIB file after the current search path (Net-SNMP's `-m /path/FILE`).
    pub fn file(mut self, path: impl AsRef<Path>) -> Loader {
        self.dirs.push(MibDir::File(path.as_ref().to_owned()));
        self
    }

    /// Adds MIB text from memory (one or more modules), after the current search path.
    ///
    /// ```
    /// let text = "MY-MIB DEFINITIONS ::= BEGIN
    /// IMPORTS enterprises FROM SNMPv2-SMI;
    /// myRoot OBJECT IDENTIFIER ::= { enterprises 99999 }
    /// END";
    /// let loaded = snmp_mib::Loader::new()
    ///     .text("my.mib", text)
    ///     .modules("+MY-MIB")
    ///     .cache_dir(None)
    ///     .load()
    ///     .unwrap();
    /// assert_eq!(loaded.mib.resolve("MY-MIB::myRoot.1").unwrap().to_string(), "1.3.6.1.4.1.99999.1");
    /// ```
    pub fn text(mut self, label: impl Into<String>, text: impl Into<Vec<u8>>) -> Loader {
        self.dirs.push(MibDir::Text(label.into(), text.into()));
        self
    }

    /// Sets the modules with `-m` syntax.
    pub fn modules(mut self, spec: &str) -> Loader {
        // A path in the list (`-m +/path/MY-MIB.txt`) is a file to load: it joins the search
        // path and the modules it defines join the list, as in Net-SNMP.
        let prefix = spec.chars().next().filter(|c| matches!(c, '+' | '-'));
        let body = spec.trim_start_matches(['+', '-']);
        let mut tokens: Vec<String> = Vec::new();
        for t in split_list(body) {
            if t.contains('/') {
                let path = PathBuf::from(t);
                match std::fs::read(&path) {
                    Ok(bytes) if !module_names(&bytes).is_empty() => {
                        tokens.extend(module_names(&bytes));
                        self.dirs.push(MibDir::File(path));
                    }
                    _ => tokens.push(t.to_owned()),
                }
            } else {
                tokens.push(t.to_owned());
            }
        }
        let joined = format!(
            "{}{}",
            prefix.map(String::from).unwrap_or_default(),
            tokens.join(":")
        );
        let spec = joined.as_str();
        let rest = spec.trim_start_matches(['+', '-']);
        if split_list(rest).any(|m| m == "ALL") {
            self.modules = Modules::All;
            return self;
        }
        self.modules = match &self.modules {
            Modules::All if spec.starts_with(['+', '-']) => Modules::All,
            Modules::All => Modules::List(split_list(spec).map(str::to_owned).collect()),
            Modules::List(cur) => Modules::List(apply(cur, spec, str::to_owned)),
        };
        self
    }

    /// Where compiled sets are cached (`None`: no cache). The default is
    /// `$SNMP_MIB_CACHE`, else `$XDG_CACHE_HOME/snmp-rs/mibs`, else `~/.cache/snmp-rs/mibs`.
    pub fn cache_dir(mut self, dir: Option<PathBuf>) -> Loader {
        self.cache = dir;
        self
    }

    /// The search path, in Net-SNMP's order (later wins).
    pub fn search_path(&self) -> &[MibDir] {
        &self.dirs
    }

    /// The module selection.
    pub fn selection(&self) -> &Modules {
        &self.modules
    }

    /// Whether this is exactly the embedded default (no text to read).
    fn is_builtin_default(&self) -> bool {
        self.dirs.iter().all(|d| *d == MibDir::Builtin)
            && matches!(&self.modules, Modules::List(l)
                if l.iter().map(String::as_str).eq(DEFAULT_MODULES.iter().copied()))
    }

    /// Loads: from the embedded compiled set when the selection is the default, from the
    /// cache when the same text was compiled before, else from the text.
    pub fn load(&self) -> Result<Loaded, LoadError> {
        if matches!(&self.modules, Modules::List(l) if l.is_empty()) {
            // `-m ""` / `MIBS=`: no modules, numeric OIDs only (as Net-SNMP).
            return Ok(Loaded {
                mib: Mib::empty(),
                diagnostics: Vec::new(),
                from_cache: true,
            });
        }
        if self.is_builtin_default() {
            return Ok(Loaded {
                mib: standard::default_set(),
                diagnostics: Vec::new(),
                from_cache: true,
            });
        }
        let (files, key) = self.collect()?;
        let cache_file = self
            .cache
            .as_ref()
            .map(|d| d.join(format!("{key:016x}.mibc")));
        if let Some(path) = &cache_file {
            // The problems found when the text was compiled are kept beside it: a cached
            // load reports them as the first one did (as Net-SNMP reports them on every
            // load). A set cached without them (an older cache, or one from before their
            // codes were kept, `.diag`) is compiled again.
            let diag = std::fs::read_to_string(path.with_extension("diagnostics"));
            if let (Ok(bytes), Ok(diag)) = (std::fs::read(path), diag) {
                if let Ok(mib) = Mib::from_bytes(bytes) {
                    let diagnostics = diag.lines().filter_map(Diagnostic::from_line).collect();
                    return Ok(Loaded {
                        mib,
                        diagnostics,
                        from_cache: true,
                    });
                }
            }
        }
        let loaded = self.load_text(files)?;
        if let Some(path) = cache_file {
            // A cache that cannot be written only costs the next load its speed.
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let pid = std::process::id();
            let diag: String = loaded.diagnostics.iter().map(Diagnostic::to_line).collect();
            let tmp_diag = path.with_extension(format!("diagtmp{pid}"));
            if std::fs::write(&tmp_diag, diag).is_ok() {
                let _ = std::fs::rename(&tmp_diag, path.with_extension("diagnostics"));
            }
            let tmp = path.with_extension(format!("tmp{pid}"));
            if std::fs::write(&tmp, loaded.mib.to_bytes()).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
        }
        Ok(loaded)
    }

    /// Loads from text, bypassing the cache.
    pub fn load_uncached(&self) -> Result<Loaded, LoadError> {
        let (files, _) = self.collect()?;
        self.load_text(files)
    }

    /// The order in which Net-SNMP reads every module of this search path with `MIBS=ALL`
    /// ([`read_order`](crate::read_order)): folder by folder in the path's order (the
    /// embedded set as one folder), files in name order.
    pub fn netsnmp_read_order(&self) -> Result<Vec<String>, LoadError> {
        let mut folders: Vec<Vec<(String, Vec<u8>)>> = Vec::new();
        for d in &self.dirs {
            match d {
                MibDir::Builtin => folders.push(
                    standard::FILES
                        .iter()
                        .map(|(path, bytes)| {
                            let base = path.rsplit('/').next().unwrap_or(path);
                            (base.to_owned(), bytes.to_vec())
                        })
                        .collect(),
                ),
                MibDir::File(p) => match std::fs::read(p) {
                    Ok(b) => folders.push(vec![(p.display().to_string(), b)]),
                    Err(e) => {
                        return Err(LoadError::Io {
                            path: p.clone(),
                            source: e,
                        })
                    }
                },
                MibDir::Text(label, bytes) => folders.push(vec![(label.clone(), bytes.clone())]),
                MibDir::Path(p) => {
                    let Ok(rd) = std::fs::read_dir(p) else {
                        continue;
                    };
                    let mut files = Vec::new();
                    for e in rd.filter_map(|e| e.ok()) {
                        let path = e.path();
                        let name = e.file_name().to_string_lossy().into_owned();
                        if !path.is_file() || name.starts_with('.') {
                            continue;
                        }
                        match std::fs::read(&path) {
                            Ok(b) => files.push((name, b)),
                            Err(e) => return Err(LoadError::Io { path, source: e }),
                        }
                    }
                    folders.push(files);
                }
            }
        }
        Ok(crate::read_order(&folders))
    }

    /// Every candidate file, in precedence order (first wins), and the cache key.
    fn collect(&self) -> Result<(Files, u64), LoadError> {
        let mut files: Files = Vec::new();
        for d in self.dirs.iter().rev() {
            match d {
                MibDir::Builtin => {
                    for (path, bytes) in standard::FILES {
                        files.push((format!("builtin/{path}"), bytes.to_vec()));
                    }
                }
                MibDir::File(p) => match std::fs::read(p) {
                    Ok(b) => files.push((p.display().to_string(), b)),
                    Err(e) => {
                        return Err(LoadError::Io {
                            path: p.clone(),
                            source: e,
                        })
                    }
                },
                MibDir::Text(label, bytes) => files.push((label.clone(), bytes.clone())),
                MibDir::Path(p) => {
                    let rd = match std::fs::read_dir(p) {
                        Ok(rd) => rd,
                        // Net-SNMP skips a missing folder of the path silently.
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                        Err(e) => {
                            return Err(LoadError::Io {
                                path: p.clone(),
                                source: e,
                            })
                        }
                    };
                    let mut names: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|p| {
                            p.is_file()
                                && !p
                                    .file_name()
                                    .and_then(|n| n.to_str())
                                    .is_some_and(|n| n.starts_with('.'))
                        })
                        .collect();
                    names.sort();
                    for f in names {
                        match std::fs::read(&f) {
                            Ok(b) => files.push((f.display().to_string(), b)),
                            Err(e) => return Err(LoadError::Io { path: f, source: e }),
                        }
                    }
                }
            }
        }
        let mut h = Hasher::new();
        h.write(&crate::blob::VERSION.to_le_bytes());
        h.write(env!("CARGO_PKG_VERSION").as_bytes());
        // The naming rule compiled in: who names a node several modules define (bump when
        // it changes, so that no cache made under the old rule is read).
        h.write(b"\0naming: netsnmp read order 1, ENTERPRISE# labels 2");
        match &self.modules {
            Modules::All => h.write(b"\0ALL"),
            Modules::List(l) => {
                for m in l {
                    h.write(b"\0m");
                    h.write(m.as_bytes());
                }
            }
        }
        for (name, bytes) in &files {
            h.write(b"\0f");
            h.write(name.as_bytes());
            h.write(&(bytes.len() as u64).to_le_bytes());
            h.write(bytes);
        }
        Ok((files, h.finish()))
    }

    fn load_text(&self, files: Files) -> Result<Loaded, LoadError> {
        // Modules are found by the name inside each file; the first file naming a module
        // wins (files are in precedence order).
        let mut by_module: Vec<(String, String, Vec<u8>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (path, bytes) in files {
            for name in module_names(&bytes) {
                if seen.insert(name.clone()) {
                    by_module.push((name, path.clone(), bytes.clone()));
                }
            }
        }
        if let Modules::List(list) = &self.modules {
            for m in list {
                if !seen.contains(m) && mib_rs_base(m).is_none() {
                    return Err(LoadError::ModuleNotFound(m.clone()));
                }
            }
        }
        let labels: std::collections::HashMap<String, String> = by_module
            .iter()
            .map(|(n, p, _)| (format!("<memory:{n}>"), p.clone()))
            .collect();
        let source = mib_rs::source::memory_modules(by_module.into_iter().map(|(n, _, b)| (n, b)));
        let mut loader =
            mib_rs::Loader::new()
                .source(source)
                .diagnostic_config(mib_rs::DiagnosticConfig {
                    // A module that cannot be read costs only itself (and what imports it): its
                    // problems are diagnostics, never a failed load, as Net-SNMP loads a folder
                    // of vendor modules with warnings.
                    fail_at: mib_rs::Severity::Fatal,
                    ..mib_rs::DiagnosticConfig::default()
                });
        if let Modules::List(list) = &self.modules {
            loader = loader.modules(list.iter().cloned());
        }
        let mib = loader
            .load()
            .map_err(|e| LoadError::Failed(e.to_string()))?;
        let diagnostics = diagnostics(&mib, &labels);
        // Where several modules define a node, the one Net-SNMP reads first names it: the
        // list's order, or for `ALL` the order its `read_all_mibs` reads the search path in.
        let requested: Vec<String> = match &self.modules {
            Modules::List(l) => l.clone(),
            Modules::All => self.netsnmp_read_order().unwrap_or_default(),
        };
        let bytes = crate::compile::compile(&mib, &requested, &labels);
        let mib = Mib::from_bytes(bytes).map_err(|e| LoadError::Failed(e.to_string()))?;
        Ok(Loaded {
            mib,
            diagnostics,
            from_cache: false,
        })
    }
}

/// mib-rs carries the SMI base modules itself.
fn mib_rs_base(name: &str) -> Option<()> {
    matches!(
        name,
        "SNMPv2-SMI"
            | "SNMPv2-TC"
            | "SNMPv2-CONF"
            | "RFC1155-SMI"
            | "RFC-1212"
            | "RFC-1215"
            | "RFC1065-SMI"
    )
    .then_some(())
}

/// Candidate files: (path as shown, contents), first wins.
type Files = Vec<(String, Vec<u8>)>;

fn default_cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SNMP_MIB_CACHE") {
        if d.is_empty() {
            return None;
        }
        return Some(PathBuf::from(d));
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|x| !x.is_empty()) {
        return Some(PathBuf::from(x).join("snmp-rs/mibs"));
    }
    home().map(|h| h.join(".cache/snmp-rs/mibs"))
}

/// A fast 64-bit hash for cache keys (not cryptographic: a collision only loads a stale
/// set, and the key also covers sizes and names).
struct Hasher(u64, u64);

impl Hasher {
    fn new() -> Hasher {
        Hasher(0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F)
    }
    fn mix(&mut self, w: u64) {
        self.0 = (self.0 ^ w)
            .wrapping_mul(0xFF51_AFD7_ED55_8CCD)
            .rotate_left(29);
        self.1 = (self.1 ^ w.rotate_left(17))
            .wrapping_mul(0xC4CE_B9FE_1A85_EC53)
            .rotate_left(31);
    }
    fn write(&mut self, b: &[u8]) {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            self.mix(c.first_chunk::<8>().map_or(0, |c| u64::from_le_bytes(*c)));
        }
        let mut last = [0u8; 8];
        let rem = chunks.remainder();
        for (d, s) in last.iter_mut().zip(rem) {
            *d = *s;
        }
        self.mix(u64::from_le_bytes(last) ^ ((rem.len() as u64) << 56));
    }
    fn finish(&self) -> u64 {
        let mut h = self.0 ^ self.1.rotate_left(32);
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_the_module_list_is_loaded() {
        let dir = std::env::temp_dir().join(format!("snmp-mib-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("my.txt");
        std::fs::write(
            &file,
            "MY-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\n\
             myRoot OBJECT IDENTIFIER ::= { enterprises 424242 }\nEND\n",
        )
        .unwrap();
        let l = Loader::new()
            .cache_dir(None)
            .modules(&format!("+{}", file.display()));
        let loaded = l.load().unwrap();
        assert_eq!(
            loaded.mib.resolve("MY-MIB::myRoot").unwrap().to_string(),
            "1.3.6.1.4.1.424242"
        );
        assert!(loaded.mib.resolve("sysDescr.0").is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn list_syntax_follows_net_snmp() {
        let l = Loader::new().cache_dir(None).modules("IF-MIB:IP-MIB");
        assert_eq!(
            l.selection(),
            &Modules::List(vec!["IF-MIB".into(), "IP-MIB".into()])
        );
        let l = l.modules("+BRIDGE-MIB");
        assert_eq!(
            l.selection(),
            &Modules::List(vec!["IF-MIB".into(), "IP-MIB".into(), "BRIDGE-MIB".into()])
        );
        let l = l.modules("-A-MIB");
        assert!(matches!(l.selection(), Modules::List(v) if v[0] == "A-MIB" && v.len() == 4));
        assert_eq!(l.clone().modules("ALL").selection(), &Modules::All);
        let l = Loader::new().dirs("/a:/b").dirs("+/c").dirs("-/z");
        assert_eq!(
            l.search_path(),
            &[
                MibDir::Path("/z".into()),
                MibDir::Path("/a".into()),
                MibDir::Path("/b".into()),
                MibDir::Path("/c".into())
            ]
        );
    }
}
