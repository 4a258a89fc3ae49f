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

mod auth;
mod metric;
mod module;
mod walk;

pub use auth::{Auth, AuthSpec, Secret};
pub use metric::{
    DynamicFilter, Index, Lookup, Metric, MetricType, RegexExtract, RENDERABLE_INDEX_TYPES,
};
pub use module::Module;
pub use walk::{format_go_duration, parse_go_duration, WalkParams, WalkSpec};

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
