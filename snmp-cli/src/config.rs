//! Net-SNMP's client defaults file, `snmp.conf`: where Net-SNMP users keep their version,
//! community, v3 user and MIB settings.
//!
//! Read as Net-SNMP reads it: `snmp.conf` then `snmp.local.conf` in each folder of
//! `SNMPCONFPATH` (default `/etc/snmp:/usr/share/snmp:~/.snmp`), later files winning. The
//! options on the command line win over the file; `MIBS` and `MIBDIRS` in the environment win
//! over its `mibs` and `mibdirs`, as snmp.conf(5) says.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The defaults `snmp.conf` gives (unset: not in any file).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Conf {
    pub(crate) version: Option<String>,
    pub(crate) community: Option<String>,
    pub(crate) security_name: Option<String>,
    pub(crate) security_level: Option<String>,
    pub(crate) auth_type: Option<String>,
    pub(crate) auth_pass: Option<String>,
    pub(crate) priv_type: Option<String>,
    pub(crate) priv_pass: Option<String>,
    pub(crate) context: Option<String>,
    pub(crate) mibs: Option<String>,
    pub(crate) mibdirs: Option<String>,
    /// `showMibErrors`: whether MIB problems are printed (Net-SNMP's default: yes).
    pub(crate) show_mib_errors: Option<String>,
    /// `mibWarningLevel`: 1 also prints warnings, 2 everything.
    pub(crate) mib_warning_level: Option<String>,
}

impl Conf {
    /// Applies the lines of one file (unknown directives are skipped, as Net-SNMP warns and
    /// goes on).
    #[cfg(test)]
    pub(crate) fn apply(&mut self, text: &str) {
        self.apply_file(text, false);
    }

    /// As [`Conf::apply`]; in the system's file (`system`), an empty `mibs` is skipped:
    /// Debian's /etc/snmp/snmp.conf says `mibs :` because Debian ships no MIB files, and we
    /// carry our own standard set.
    fn apply_file(&mut self, text: &str, system: bool) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = match line.split_once(char::is_whitespace) {
                Some((k, v)) => (k, v.trim()),
                None => (line, ""),
            };
            let value = unquote(value);
            let slot = match key.to_ascii_lowercase().as_str() {
                "defversion" => &mut self.version,
                "defcommunity" => &mut self.community,
                "defsecurityname" => &mut self.security_name,
                "defsecuritylevel" => &mut self.security_level,
                "defauthtype" => &mut self.auth_type,
                "defauthpassphrase" => &mut self.auth_pass,
                "defprivtype" => &mut self.priv_type,
                "defprivpassphrase" => &mut self.priv_pass,
                "defcontext" => &mut self.context,
                "showmiberrors" => &mut self.show_mib_errors,
                "mibwarninglevel" => &mut self.mib_warning_level,
                "mibs" if system && value.trim_matches([':', ' ']).is_empty() => continue,
                "mibs" => {
                    self.mibs = Some(join(self.mibs.take(), value));
                    continue;
                }
                "mibdirs" => {
                    self.mibdirs = Some(join(self.mibdirs.take(), value));
                    continue;
                }
                _ => continue,
            };
            *slot = Some(value.to_owned());
        }
    }
}

/// A later `mibs +X` adds to an earlier one; a value without `+` replaces it.
fn join(before: Option<String>, value: &str) -> String {
    match (before, value.strip_prefix('+')) {
        (Some(b), Some(more)) if !b.is_empty() => format!("{b}:{more}"),
        _ => value.to_owned(),
    }
}

fn unquote(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(v)
}

/// The folders searched, in order.
fn folders() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let path = std::env::var("SNMPCONFPATH")
        .unwrap_or_else(|_| "/etc/snmp:/usr/share/snmp:~/.snmp".to_owned());
    path.split(':')
        .filter(|p| !p.is_empty())
        .filter_map(|p| match p.strip_prefix("~/") {
            Some(rest) => home.as_ref().map(|h| h.join(rest)),
            None if p == "~" => home.clone(),
            None => Some(PathBuf::from(p)),
        })
        .collect()
}

/// The defaults of this process, read once.
pub(crate) fn get() -> &'static Conf {
    static CONF: OnceLock<Conf> = OnceLock::new();
    CONF.get_or_init(|| {
        let mut conf = Conf::default();
        for dir in folders() {
            for name in ["snmp.conf", "snmp.local.conf"] {
                if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
                    conf.apply_file(&text, dir.starts_with("/etc") || dir.starts_with("/usr"));
                }
            }
        }
        conf
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_as_net_snmp_reads_them() {
        let mut c = Conf::default();
        c.apply(
            "# defaults\ndefVersion 3\ndefSecurityName bert\ndefAuthType SHA\n\
             defAuthPassphrase \"a pass phrase\"\nmibs IF-MIB\nmibs +IP-MIB\nbogus 1\n",
        );
        assert_eq!(c.version.as_deref(), Some("3"));
        assert_eq!(c.security_name.as_deref(), Some("bert"));
        assert_eq!(c.auth_type.as_deref(), Some("SHA"));
        assert_eq!(c.auth_pass.as_deref(), Some("a pass phrase"));
        assert_eq!(c.mibs.as_deref(), Some("IF-MIB:IP-MIB"));
        c.apply("mibs ALL\n");
        assert_eq!(c.mibs.as_deref(), Some("ALL"));
        // Debian's system file turns MIBs off; that line is skipped there only.
        let mut d = Conf::default();
        d.apply_file("mibs :\n", true);
        assert_eq!(d.mibs, None);
        d.apply_file("mibs :\n", false);
        assert_eq!(d.mibs.as_deref(), Some(":"));
        assert_eq!(c.community, None);
    }
}
