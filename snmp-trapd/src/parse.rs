//! `snmptrapd.conf`, read as snmptrapd reads it: one directive a line, the first word the
//! token (any case), `#` comments, quoted words; what cannot be used is reported with the
//! file and line, in snmptrapd's words (`FILE: line N: Warning: Unknown token: X.`), and the
//! rest of the file still applies.

use std::net::IpAddr;

use snmp_codec::SecurityLevel;
use snmp_mib::Mib;

use crate::conf::{
    Access, Action, AuthCommunity, AuthUser, Conf, CreateUser, Diagnostic, Handler, Level, Source,
    TrapMatch, ViewEntry, ViewLimit,
};

/// The severity names `otlpSeverity` takes.
const LEVELS: &[&str] = &[
    "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL",
];

/// Tokens snmptrapd knows that change nothing here (its AgentX, embedded perl, SQL and
/// notification log, and the fork it never does under a service manager): taken without a
/// word.
const ACCEPTED: &[&str] = &[
    "donotfork",
    "donotretainnotificationlogs",
    "printeventnumbers",
    "logoption",
    "agentuser",
    "agentgroup",
    "agentxsocket",
    "agentxperms",
    "agentxretries",
    "agentxtimeout",
    "leave_pidfile",
    "sqlmaxqueue",
    "sqlsavestart",
    "quit",
];

impl Conf {
    /// Applies one file's text (named `file` in diagnostics); OIDs are resolved with `mib`.
    /// Returns what could not be used; everything else is applied.
    ///
    /// ```
    /// let mib = snmp_mib::Mib::standard();
    /// let mut conf = snmp_trapd::Conf::default();
    /// let problems = conf.apply("authCommunity log,execute public\nbogus x\n", "t.conf", &mib);
    /// assert_eq!(conf.auth_communities.len(), 1);
    /// assert_eq!(problems[0].to_string(), "t.conf: line 2: Warning: Unknown token: bogus.");
    /// ```
    pub fn apply(&mut self, text: &str, file: &str, mib: &Mib) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // `[snmp] mibs +ALL`: a library directive in this file.
            let (section, line) = match line.strip_prefix('[') {
                Some(rest) => match rest.split_once(']') {
                    Some((s, l)) => (Some(s.trim().to_ascii_lowercase()), l.trim()),
                    None => (None, line),
                },
                None => (None, line),
            };
            let (token, rest) = match line.split_once(char::is_whitespace) {
                Some((t, r)) => (t, r.trim()),
                None => (line, ""),
            };
            let mut problem = |level: Level, message: String| {
                out.push(Diagnostic {
                    file: file.to_owned(),
                    line: i + 1,
                    level,
                    message,
                })
            };
            if let Some(section) = section {
                if section != "snmp" && section != "snmptrapd" {
                    problem(
                        Level::Warning,
                        format!("Unknown token: [{section}] {token}."),
                    );
                    continue;
                }
            }
            if let Err((level, message)) = self.directive(token, rest, mib) {
                problem(level, message);
            }
        }
        out
    }

    fn directive(&mut self, token: &str, rest: &str, mib: &Mib) -> Result<(), (Level, String)> {
        let error = |m: String| (Level::Error, m);
        match token.to_ascii_lowercase().as_str() {
            "authcommunity" => {
                let w = words(rest);
                let (Some(types), Some(community)) = (w.first(), w.get(1)) else {
                    return Err(error("authCommunity: TYPES COMMUNITY expected".into()));
                };
                let types = Access::parse(types).map_err(error)?;
                let source = match w.get(2).map(String::as_str) {
                    None | Some("default") => Source::Any,
                    Some(s) => parse_source(s)
                        .ok_or_else(|| error(format!("authCommunity: bad source address: {s}")))?,
                };
                let view = view_limit(&w[2.min(w.len())..], 1, mib)?;
                self.auth_communities.push(AuthCommunity {
                    types,
                    community: community.as_bytes().to_vec(),
                    source,
                    view,
                });
            }
            "authuser" => {
                let mut w = words(rest);
                if w.len() >= 2 && w[1] == "-s" {
                    // -s MODEL: only usm is meaningful here.
                    if w.len() < 3 || !matches!(w[2].as_str(), "usm" | "any") {
                        return Err(error("authUser: only -s usm is supported".into()));
                    }
                    w.drain(1..3);
                }
                let (Some(types), Some(user)) = (w.first(), w.get(1)) else {
                    return Err(error("authUser: TYPES USER expected".into()));
                };
                let types = Access::parse(types).map_err(error)?;
                let level = match w.get(2).map(|s| s.to_ascii_lowercase()).as_deref() {
                    None | Some("auth") | Some("authnopriv") => SecurityLevel::AuthNoPriv,
                    Some("noauth") | Some("noauthnopriv") => SecurityLevel::NoAuthNoPriv,
                    Some("priv") | Some("authpriv") => SecurityLevel::AuthPriv,
                    Some(other) => {
                        return Err(error(format!("authUser: unknown security level: {other}")))
                    }
                };
                let view = view_limit(&w[2.min(w.len())..], 1, mib)?;
                self.auth_users.push(AuthUser {
                    types,
                    user: user.as_bytes().to_vec(),
                    level,
                    view,
                });
            }
            "view" => self.views.push(parse_view(rest, mib).map_err(error)?),
            "createuser" => self.users.push(parse_create_user(rest).map_err(error)?),
            "disableauthorization" => self.disable_authorization = boolean(token, rest)?,
            "ignoreauthfailure" => self.ignore_auth_failure = boolean(token, rest)?,
            "donotlogtraps" => self.do_not_log_traps = boolean(token, rest)?,
            "traphandle" | "forward" => {
                let forward = token.eq_ignore_ascii_case("forward");
                let name = if forward { "forward" } else { "traphandle" };
                let (format, rest) = match rest.strip_prefix("-F") {
                    Some(r) => {
                        let r = r.trim_start();
                        let (f, r) = first_word(r);
                        (Some(f), r)
                    }
                    None => (None, rest),
                };
                let (which, command) = first_word(rest);
                if command.is_empty() {
                    return Err(error(format!("Missing {name} command ({which})")));
                }
                let trap = if which == "default" {
                    TrapMatch::Default
                } else {
                    let (text, subtree, strict) = match which.strip_suffix('*') {
                        Some(t) => match t.strip_suffix('.') {
                            Some(t) => (t, true, true),
                            None => (t, true, false),
                        },
                        None => (which.as_str(), false, false),
                    };
                    let oid = mib
                        .resolve(text)
                        .map_err(|_| error(format!("Bad trap OID in {name} directive: {text}")))?;
                    TrapMatch::Oid {
                        oid,
                        subtree,
                        strict,
                    }
                };
                let action = if forward {
                    Action::Forward(command.to_owned())
                } else {
                    Action::Execute(command.to_owned())
                };
                self.handlers.push(Handler {
                    trap,
                    action,
                    format,
                });
            }
            "format1" => self.formats.print1 = Some(rest.to_owned()),
            "format2" => self.formats.print2 = Some(rest.to_owned()),
            "format" => {
                let (kind, fmt) = match rest.split_once(char::is_whitespace) {
                    Some((k, f)) => (k, f.trim_start().to_owned()),
                    None => return Err(error(format!("format: no format string: {rest}"))),
                };
                let f = &mut self.formats;
                let slots: Vec<&mut Option<String>> = match kind {
                    "print1" => vec![&mut f.print1],
                    "print2" => vec![&mut f.print2],
                    "print" => vec![&mut f.print1, &mut f.print2],
                    "syslog1" => vec![&mut f.syslog1],
                    "syslog2" => vec![&mut f.syslog2],
                    "syslog" => vec![&mut f.syslog1, &mut f.syslog2],
                    "execute1" => vec![&mut f.execute1],
                    "execute2" => vec![&mut f.execute2],
                    "execute" => vec![&mut f.execute1, &mut f.execute2],
                    other => return Err(error(format!("format: unknown format type: {other}"))),
                };
                for slot in slots {
                    *slot = Some(fmt.clone());
                }
            }
            "outputoption" => self.output_options.push(rest.to_owned()),
            "snmptrapdaddr" => self
                .addresses
                .extend(rest.split(',').map(|a| a.trim().to_owned())),
            "pidfile" => self.pid_file = Some(rest.to_owned()),
            "mibs" => {
                self.mibs = Some(match (&self.mibs, rest.strip_prefix('+')) {
                    (Some(m), Some(more)) => format!("{m}:{more}"),
                    _ => rest.to_owned(),
                })
            }
            "mibdirs" => {
                self.mibdirs = Some(match (&self.mibdirs, rest.strip_prefix('+')) {
                    (Some(m), Some(more)) => format!("{m}:{more}"),
                    _ => rest.to_owned(),
                })
            }
            "otlpendpoint" => {
                if !(rest.starts_with("http://") || rest.starts_with("https://")) {
                    return Err(error(format!(
                        "otlpEndpoint: http:// or https:// URL expected: {rest}"
                    )));
                }
                self.otlp.endpoint = Some(rest.to_owned());
            }
            "otlpcertificate" => self.otlp.ca_file = Some(file_word(token, rest)?),
            "otlpclientcertificate" => self.otlp.client_cert = Some(file_word(token, rest)?),
            "otlpclientkey" => self.otlp.client_key = Some(file_word(token, rest)?),
            "otlpprotocol" => {
                self.otlp.grpc = match rest {
                    "grpc" => true,
                    "http/protobuf" | "http" => false,
                    other => {
                        return Err(error(format!(
                            "otlpProtocol: grpc or http/protobuf expected: {other}"
                        )))
                    }
                }
            }
            "otlpresource" | "otlpheader" => {
                let w = words(rest);
                let [k, v] = w.as_slice() else {
                    return Err(error(format!("{token}: NAME VALUE expected")));
                };
                let pair = (k.clone(), v.clone());
                if token.eq_ignore_ascii_case("otlpresource") {
                    self.otlp.resource.push(pair);
                } else {
                    self.otlp.headers.push(pair);
                }
            }
            "otlpseverity" => {
                let w = words(rest);
                let [which, level] = w.as_slice() else {
                    return Err(error("otlpSeverity: OID|default LEVEL expected".into()));
                };
                if !LEVELS.contains(&level.to_ascii_uppercase().as_str()) {
                    return Err(error(format!(
                        "otlpSeverity: unknown level {level}: TRACE, DEBUG, INFO, WARN, ERROR or FATAL"
                    )));
                }
                let oid = if which == "default" {
                    None
                } else {
                    Some(mib.resolve(which).map_err(|_| {
                        error(format!("Bad trap OID in otlpSeverity directive: {which}"))
                    })?)
                };
                self.otlp.severity.push((oid, level.clone()));
            }
            "otlpsecurityname" => {
                let w = words(rest);
                let [c, name] = w.as_slice() else {
                    return Err(error("otlpSecurityName: COMMUNITY NAME expected".into()));
                };
                self.otlp
                    .security_names
                    .push((c.as_bytes().to_vec(), name.clone()));
            }
            "otlpbuffer" | "otlpbatch" => {
                let n = rest
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=10_000_000).contains(n))
                    .ok_or_else(|| error(format!("{token}: a count from 1 expected: {rest}")))?;
                if token.eq_ignore_ascii_case("otlpbuffer") {
                    self.otlp.buffer = n;
                } else {
                    self.otlp.batch = n;
                }
            }
            "otlpinterval" | "otlptimeout" => {
                let secs = rest
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0 && *s <= 3600.0)
                    .ok_or_else(|| error(format!("{token}: seconds expected: {rest}")))?;
                if token.eq_ignore_ascii_case("otlpinterval") {
                    self.otlp.interval_secs = secs;
                } else {
                    self.otlp.timeout_secs = secs;
                }
            }
            t if ACCEPTED.contains(&t) => {}
            _ => return Err((Level::Warning, format!("Unknown token: {token}."))),
        }
        Ok(())
    }
}

/// A directive's one FILE argument.
fn file_word(token: &str, rest: &str) -> Result<String, (Level, String)> {
    match words(rest).as_slice() {
        [file] => Ok(file.clone()),
        _ => Err((Level::Error, format!("{token}: FILE expected"))),
    }
}

/// The first word and the rest after it, as Net-SNMP's `copy_nword` reads a word: double or
/// single quotes group (keeping spaces), and a backslash takes the next character as it is
/// (so `"%B\n"` is `%Bn`, as snmptrapd reads it).
fn first_word(s: &str) -> (String, &str) {
    let s = s.trim_start();
    let quote = s.chars().next().filter(|c| *c == '"' || *c == '\'');
    let mut word = String::new();
    let mut chars = s.char_indices();
    if quote.is_some() {
        chars.next();
    }
    let mut end = s.len();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (_, '\\') => match chars.next() {
                Some((_, n)) => word.push(n),
                None => word.push(c),
            },
            (Some(q), c) if c == q => {
                end = i + c.len_utf8();
                break;
            }
            (None, c) if c.is_whitespace() => {
                end = i;
                break;
            }
            (_, c) => word.push(c),
        }
    }
    (word, s[end..].trim_start())
}

/// Every word, as Net-SNMP's `copy_nword` splits them.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let (w, r) = first_word(rest);
        out.push(w);
        rest = r;
    }
    out
}

/// `yes`/`no` as Net-SNMP reads booleans (`1`/`0`, `true`/`false`, `on`/`off` too).
fn boolean(token: &str, value: &str) -> Result<bool, (Level, String)> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "yes" | "true" | "1" | "on" => Ok(true),
        "no" | "false" | "0" | "off" => Ok(false),
        v => Err((
            Level::Error,
            format!("Invalid value '{v}' for {token}: yes or no expected"),
        )),
    }
}

/// `10.0.0.0/8`, `192.0.2.1`, `::1/128`, `10.0.0.0/255.0.0.0`.
fn parse_source(s: &str) -> Option<Source> {
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = match bits {
        None => max,
        Some(b) => match b.parse::<u8>() {
            Ok(n) if n <= max => n,
            Ok(_) => return None,
            Err(_) => {
                // A dotted mask.
                let m: std::net::Ipv4Addr = b.parse().ok()?;
                let m = u32::from(m);
                if m.leading_ones() + m.trailing_zeros() != 32 {
                    return None;
                }
                m.leading_ones() as u8
            }
        },
    };
    Some(Source::Net(ip, bits))
}

/// What limits an `authCommunity`/`authUser` line (after SOURCE or LEVEL): `OID` or
/// `-V VIEW`. Errors in snmptrapd's words (its `-v`, as its manual page spells it, is read as
/// an OID and refused as one).
fn view_limit(after: &[String], skip: usize, mib: &Mib) -> Result<ViewLimit, (Level, String)> {
    let bad = || (Level::Error, "bad SUBTREE object id".to_owned());
    match after.get(skip).map(String::as_str) {
        None => Ok(ViewLimit::Any),
        Some("-V") => match after.get(skip + 1) {
            Some(view) => Ok(ViewLimit::Named(view.clone())),
            None => Err((Level::Error, "-V: no view name".to_owned())),
        },
        Some(text) => mib.resolve(text).map(ViewLimit::Subtree).map_err(|_| bad()),
    }
}

/// `view NAME included|excluded SUBTREE [MASK]`, with snmpd's messages. MASK is hex bytes
/// separated by `.`, `:` or spaces (`ff.c0`); as Net-SNMP reads each with `%x` into a byte,
/// `ff80` is the one byte `0x80`.
fn parse_view(rest: &str, mib: &Mib) -> Result<ViewEntry, String> {
    let mut w = rest.split_whitespace();
    let name = w.next().ok_or("missing NAME parameter")?;
    let kind = w.next().ok_or("missing TYPE parameter")?;
    let subtree = w.next().ok_or("missing SUBTREE parameter")?;
    let included = match kind {
        "included" => true,
        "excluded" => false,
        _ => return Err("TYPE must be included/excluded?".into()),
    };
    let subtree = mib
        .resolve(subtree.strip_suffix('.').unwrap_or(subtree))
        .map_err(|_| "bad SUBTREE object id".to_owned())?;
    let mask_text: Vec<&str> = w.collect();
    let mut mask = Vec::new();
    for byte in mask_text
        .join(" ")
        .split([' ', '.', ':'])
        .filter(|b| !b.is_empty())
    {
        if mask.len() >= 32 {
            return Err("MASK too long".into());
        }
        let digits: String = byte
            .trim_start_matches("0x")
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        // `%x` into an int, then stored in a byte: the low eight bits.
        let low = digits
            .get(digits.len().saturating_sub(2)..)
            .filter(|d| !d.is_empty())
            .and_then(|d| u8::from_str_radix(d, 16).ok())
            .ok_or("invalid MASK")?;
        mask.push(low);
    }
    Ok(ViewEntry {
        name: name.to_owned(),
        included,
        subtree,
        mask,
    })
}

fn parse_create_user(rest: &str) -> Result<CreateUser, String> {
    let mut w = words(rest);
    let mut engine_id = None;
    if w.first().map(String::as_str) == Some("-e") {
        let Some(hex) = w.get(1) else {
            return Err("createUser: -e needs an engine ID".into());
        };
        engine_id =
            Some(parse_hex(hex).ok_or_else(|| format!("createUser: bad engine ID: {hex}"))?);
        w.drain(0..2);
    }
    if w.iter().any(|x| x == "-m" || x == "-l") {
        return Err("createUser: keys given as -m/-l are not supported; give pass phrases".into());
    }
    let Some(name) = w.first().cloned() else {
        return Err("createUser: no user name".into());
    };
    let pass_ok = |p: &str, what: &str| {
        if p.len() < 8 {
            Err(format!(
                "createUser {name}: {what} pass phrase shorter than 8 characters"
            ))
        } else {
            Ok(())
        }
    };
    let auth = match (w.get(1), w.get(2)) {
        (Some(p), Some(pass)) => {
            pass_ok(pass, "authentication")?;
            Some((p.clone(), pass.clone()))
        }
        (Some(p), None) => return Err(format!("createUser {name}: {p} needs a pass phrase")),
        _ => None,
    };
    let privacy = match (w.get(3), w.get(4)) {
        (Some(p), Some(pass)) => {
            pass_ok(pass, "privacy")?;
            Some((p.clone(), pass.clone()))
        }
        // No privacy pass phrase: the authentication one, as Net-SNMP does.
        (Some(p), None) => auth.as_ref().map(|(_, a)| (p.clone(), a.clone())),
        _ => None,
    };
    Ok(CreateUser {
        name,
        engine_id,
        auth,
        privacy,
    })
}

/// `0x8000...` or `8000...`.
pub(crate) fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(text: &str) -> (Conf, Vec<String>) {
        let mib = Mib::standard();
        let mut c = Conf::default();
        let d = c.apply(text, "t.conf", &mib);
        (c, d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn directives_and_their_diagnostics() {
        let (c, d) = conf(
            "# comment\n\
             authCommunity log,execute,net public\n\
             authCommunity log private 10.0.0.0/8\n\
             authUser log,execute trapuser priv\n\
             createUser -e 0x8000000001020304 trapuser SHA authpass123 AES privpass123\n\
             traphandle default /bin/cat a \"b c\"\n\
             traphandle IF-MIB::linkDown /bin/true\n\
             traphandle .1.3.6.1.6.3.1.1.5.* /bin/true\n\
             forward default udp:127.0.0.1:9999\n\
             traphandle NO-SUCH-MIB::x /bin/true\n\
             traphandle default\n\
             format2 %B %v\\n\n\
             format execute %B\n\
             disableAuthorization no\n\
             doNotLogTraps maybe\n\
             [snmp] mibs +IF-MIB\n\
             bogus x\n",
        );
        assert_eq!(
            d,
            [
                "t.conf: line 10: Error: Bad trap OID in traphandle directive: NO-SUCH-MIB::x",
                "t.conf: line 11: Error: Missing traphandle command (default)",
                "t.conf: line 15: Error: Invalid value 'maybe' for doNotLogTraps: yes or no expected",
                "t.conf: line 17: Warning: Unknown token: bogus.",
            ]
        );
        assert_eq!(c.auth_communities.len(), 2);
        assert_eq!(
            c.auth_communities[1].source,
            Source::Net("10.0.0.0".parse().unwrap(), 8)
        );
        assert_eq!(c.auth_users[0].level, SecurityLevel::AuthPriv);
        assert_eq!(
            c.users[0].engine_id.as_deref(),
            Some(&[0x80, 0, 0, 0, 1, 2, 3, 4][..])
        );
        assert_eq!(c.handlers.len(), 4);
        assert_eq!(
            c.handlers[0].action,
            Action::Execute("/bin/cat a \"b c\"".into())
        );
        assert!(matches!(
            c.handlers[2].trap,
            TrapMatch::Oid {
                subtree: true,
                strict: true,
                ..
            }
        ));
        assert_eq!(c.formats.print2.as_deref(), Some("%B %v\\n"));
        assert_eq!(c.formats.execute1.as_deref(), Some("%B"));
        assert_eq!(c.mibs.as_deref(), Some("+IF-MIB"));
        // Pass phrases stay out of Debug output.
        assert!(!format!("{:?}", c.users[0]).contains("authpass123"));
    }

    #[test]
    fn words_as_copy_nword_reads_them() {
        assert_eq!(
            first_word(r#""%B %v\n" rest"#),
            ("%B %vn".to_owned(), "rest")
        );
        assert_eq!(first_word("'a b' c"), ("a b".to_owned(), "c"));
        assert_eq!(first_word(r"a\ b c"), ("a b".to_owned(), "c"));
        assert_eq!(words(" x  y "), ["x", "y"]);
    }

    #[test]
    fn short_pass_phrases_are_refused() {
        let (c, d) = conf("createUser u SHA short\n");
        assert!(c.users.is_empty());
        assert_eq!(
            d,
            ["t.conf: line 1: Error: createUser u: authentication pass phrase shorter than 8 characters"]
        );
    }

    #[test]
    fn sources_and_trap_matches() {
        let s = parse_source("10.1.0.0/255.255.0.0").unwrap();
        assert!(s.contains("10.1.2.3".parse().unwrap()));
        assert!(!s.contains("10.2.0.1".parse().unwrap()));
        assert!(s.contains("::ffff:10.1.9.9".parse().unwrap()));
        assert!(parse_source("10.0.0.0/33").is_none());
        let m = TrapMatch::Oid {
            oid: "1.3.6.1".parse().unwrap(),
            subtree: true,
            strict: true,
        };
        assert!(m.matches(&"1.3.6.1.2".parse().unwrap()));
        assert!(!m.matches(&"1.3.6.1".parse().unwrap()));
    }
}
