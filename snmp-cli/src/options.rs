//! Net-SNMP's options (`-v -c -u -l -a -A -x -X -n -e -E -t -r -C`, snmp.conf's defaults)
//! and how they become a Manager builder.

use std::time::Duration;

use clap::Args;
use snmp_tokio::{
    AesKeyExtension, AuthProtocol, Client, Error, Manager, ManagerBuilder, PrivProtocol,
    SecurityLevel, Tokio, Version,
};

use crate::config;
use crate::failure::Failure;
use crate::names::MibOpts;
use crate::netsnmp::{self, Tool};

/// How to reach and authenticate to an agent, with Net-SNMP's option letters.
#[derive(Args, Clone)]
pub(crate) struct Agent {
    /// SNMP version: 1, 2c or 3 (default 2c, or snmp.conf's defVersion).
    #[arg(short = 'v', value_name = "1|2c|3")]
    pub(crate) version: Option<String>,
    /// Community (v1, v2c; default public, or snmp.conf's defCommunity).
    #[arg(short = 'c', value_name = "COMMUNITY")]
    pub(crate) community: Option<String>,
    /// v3 user name (securityName).
    #[arg(short = 'u', value_name = "USER-NAME")]
    pub(crate) user: Option<String>,
    /// v3 security level: noAuthNoPriv, authNoPriv or authPriv.
    #[arg(short = 'l', value_name = "LEVEL")]
    pub(crate) level: Option<String>,
    /// v3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', value_name = "PROTOCOL")]
    pub(crate) auth: Option<String>,
    /// v3 authentication pass phrase.
    #[arg(short = 'A', value_name = "PASSPHRASE")]
    pub(crate) auth_pass: Option<String>,
    /// v3 privacy protocol: DES, AES, AES-192, AES-256, AES192C, AES256C (Net-SNMP's names).
    #[arg(short = 'x', value_name = "PROTOCOL")]
    pub(crate) privacy: Option<String>,
    /// v3 privacy pass phrase.
    #[arg(short = 'X', value_name = "PASSPHRASE")]
    pub(crate) priv_pass: Option<String>,
    /// v3 context name.
    #[arg(short = 'n', value_name = "CONTEXT")]
    pub(crate) context: Option<String>,
    /// v3 security engine ID, in hex (800000020109840301): for traps, the sender's own
    /// (authoritative) engine ID, which the receiver's user is configured with.
    #[arg(short = 'e', value_name = "ENGINE-ID")]
    pub(crate) engine_id: Option<String>,
    /// v3 context engine ID, in hex.
    #[arg(short = 'E', value_name = "ENGINE-ID")]
    pub(crate) context_engine_id: Option<String>,
    /// Timeout per attempt, in seconds (default 1, as Net-SNMP).
    #[arg(short = 't', value_name = "TIMEOUT")]
    pub(crate) timeout: Option<String>,
    /// Retries after the first attempt (default 5, as Net-SNMP).
    #[arg(short = 'r', value_name = "RETRIES")]
    pub(crate) retries: Option<String>,
    /// Application options, as the Net-SNMP tool of the command takes them: walk `p i I c t
    /// E OID`; bulkwalk `c i n<N> p r<N>`; bulkget `n<N> r<N>`; get and getnext `f`; set `q`;
    /// table `b B c<N> f<SEP> h H i l r<N> w<N>`; trap `i`.
    #[arg(short = 'C', value_name = "APPOPTS")]
    pub(crate) app: Vec<String>,
    /// One JSON object a line instead of Net-SNMP's text.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) names: MibOpts,
    /// The agent (for trap and inform, the notification receiver): [udp:|udp6:]host[:port],
    /// IPv6 in brackets (udp6:[::1]:161); the port defaults to 161 (162 for notifications).
    #[arg(value_name = "AGENT")]
    pub(crate) host: String,
}

/// Hex text to octets (`800000020109840301`, `0x80...`); `None` when it is not hex.
pub(crate) fn hex_octets(text: &str) -> Option<Vec<u8>> {
    let t = text.trim_start_matches("0x").trim_start_matches("0X");
    if t.is_empty() || !t.len().is_multiple_of(2) {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| t.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// `-a NAME` as Net-SNMP reads it, with its message for a name it does not know.
pub(crate) fn auth_protocol(name: &str) -> Result<AuthProtocol, Failure> {
    AuthProtocol::from_name(name).ok_or_else(|| {
        Failure::Usage(format!(
            "Invalid authentication protocol specified after -3a flag: {name}"
        ))
    })
}

/// `-x NAME` as Net-SNMP reads it.
pub(crate) fn priv_protocol(name: &str) -> Result<PrivProtocol, Failure> {
    PrivProtocol::from_net_snmp_name(name).ok_or_else(|| {
        Failure::Usage(format!(
            "Invalid privacy protocol specified after -3x flag: {name}"
        ))
    })
}

/// An engine ID option (`-e`, `-E`): hex, 5 to 32 octets, with Net-SNMP's two messages.
pub(crate) fn engine_id_arg(text: &str, flag: char) -> Result<Vec<u8>, Failure> {
    let id = hex_octets(text)
        .ok_or_else(|| Failure::Usage(format!("Bad engine ID value after -3{flag} flag.")))?;
    if !(5..=32).contains(&id.len()) {
        return Err(Failure::Usage(format!(
            "Invalid engine ID value after -{flag} flag."
        )));
    }
    Ok(id)
}

impl Agent {
    pub(crate) fn app_number(&self, letter: char) -> Option<u32> {
        self.app
            .iter()
            .find_map(|a| a.strip_prefix(letter).and_then(|n| n.parse().ok()))
    }

    /// Whether `-C` has this letter (in any of its arguments).
    pub(crate) fn app_has(&self, letter: char) -> bool {
        self.app.iter().any(|a| {
            let mut chars = a.chars();
            while let Some(c) = chars.next() {
                if c == letter {
                    return true;
                }
                // A letter with a value takes the rest of its argument.
                if matches!(c, 'r' | 'n' | 'E' | 'f' | 'w' | 'c') && !chars.as_str().is_empty() {
                    if c == 'c' && !chars.as_str().starts_with(|d: char| d.is_ascii_digit()) {
                        continue;
                    }
                    return false;
                }
            }
            false
        })
    }

    /// The value after a `-C` letter that takes one (`-CE sysName.0`, `-Cr25`).
    pub(crate) fn app_value(&self, letter: char) -> Option<&str> {
        self.app.iter().find_map(|a| a.strip_prefix(letter))
    }

    /// `-C` letters this tool does not take are an error, as Net-SNMP's tools make them.
    pub(crate) fn check_app(&self, tool: Tool) -> Result<(), Failure> {
        let spec = tool.app_letters();
        for a in &self.app {
            let mut chars = a.chars();
            while let Some(c) = chars.next() {
                let Some(at) = spec.find(c) else {
                    return Err(Failure::Usage(if tool == Tool::Table {
                        format!("Bad option after -C: {c}")
                    } else {
                        format!("Unknown flag passed to -C: {c}")
                    }));
                };
                let takes_value = spec[at + c.len_utf8()..].starts_with('#');
                if takes_value {
                    let rest = chars.as_str();
                    let numeric = !matches!((tool, c), (Tool::Walk, 'E') | (Tool::Table, 'f'));
                    if numeric && rest.parse::<u32>().is_err() {
                        return Err(Failure::Usage(format!("-C{c}: No number given -- error.")));
                    }
                    break;
                }
            }
        }
        Ok(())
    }

    /// The SNMP version: -v, else snmp.conf's defVersion, else 2c.
    pub(crate) fn version(&self) -> Result<Version, Failure> {
        let conf = config::get();
        let v = self
            .version
            .as_deref()
            .or(conf.version.as_deref())
            .unwrap_or("2c");
        match v {
            "1" => Ok(Version::V1),
            "2c" | "2" => Ok(Version::V2c),
            "3" => Ok(Version::V3),
            v => Err(Failure::Usage(format!(
                "Invalid version specified after -v flag: {v}"
            ))),
        }
    }

    /// The builder for this agent: every option (version, community, the v3 user, levels,
    /// protocols and context) goes into it. `manager` and the poll targets both come from
    /// here, so no command can drop the v3 options and fall back to a community.
    pub(crate) fn builder(&self, tool: Tool) -> Result<ManagerBuilder, Failure> {
        let conf = config::get();
        // A timeout that is not a finite, positive number of seconds is a usage error (it
        // used to panic in Duration::from_secs_f64).
        let timeout = match &self.timeout {
            None => Duration::from_secs(1),
            Some(t) => t
                .parse::<f64>()
                .ok()
                .and_then(|t| Duration::try_from_secs_f64(t).ok())
                .filter(|t| !t.is_zero() && t.as_secs() < 1_000_000)
                .ok_or_else(|| {
                    Failure::Usage("Invalid timeout in seconds after -t flag.".into())
                })?,
        };
        let retries = match &self.retries {
            None => 5,
            Some(r) => r
                .parse::<u32>()
                .map_err(|_| Failure::Usage("Invalid number of retries after -r flag.".into()))?,
        };
        let (transport, host) = netsnmp::host(&self.host)?;
        let mut b = Manager::builder(&host)
            .transport(transport)
            .timeout(timeout)
            .retries(retries);
        if matches!(tool, Tool::Trap | Tool::Inform) {
            // Notifications go to port 162 unless the host names one, as snmptrap's do.
            b = b.port(162);
        }
        let community = self
            .community
            .as_deref()
            .or(conf.community.as_deref())
            .unwrap_or("public");
        Ok(match self.version()? {
            Version::V1 => b.version(Version::V1).community(community),
            Version::V2c => b.version(Version::V2c).community(community),
            Version::V3 => {
                let user = self.user.clone().or_else(|| conf.security_name.clone());
                let Some(user) = user else {
                    return Err(Failure::Usage(format!(
                        "{}: No securityName specified",
                        tool.name()
                    )));
                };
                let level = match self.level.as_deref().or(conf.security_level.as_deref()) {
                    None => None,
                    Some(l) => Some(match l.to_ascii_lowercase().as_str() {
                        "noauthnopriv" | "1" | "nanp" => SecurityLevel::NoAuthNoPriv,
                        "authnopriv" | "2" | "anp" => SecurityLevel::AuthNoPriv,
                        "authpriv" | "3" | "ap" => SecurityLevel::AuthPriv,
                        _ => {
                            return Err(Failure::Usage(format!(
                                "Invalid security level specified after -3l flag: {l}"
                            )))
                        }
                    }),
                };
                let mut b = b.user(user);
                let wants_auth = level != Some(SecurityLevel::NoAuthNoPriv);
                let wants_priv = level == Some(SecurityLevel::AuthPriv) || level.is_none();
                let auth_pass = self.auth_pass.clone().or(conf.auth_pass.clone());
                let priv_pass = self.priv_pass.clone().or(conf.priv_pass.clone());
                let short = |what: &str| {
                    Failure::Usage(format!(
                        "Error: passphrase chosen is below the length requirements of the USM \
                         (min=8).\n{}:  (The supplied password length is too short.)\nError \
                         generating a key (Ku) from the supplied {what} pass phrase. ",
                        tool.name()
                    ))
                };
                if let (true, Some(pass)) = (wants_auth, &auth_pass) {
                    let name = self
                        .auth
                        .as_deref()
                        .or(conf.auth_type.as_deref())
                        .unwrap_or("MD5");
                    let p = auth_protocol(name)?;
                    if pass.len() < 8 {
                        return Err(short("authentication"));
                    }
                    b = b.auth(p, pass);
                    if let (true, Some(pass)) = (wants_priv, &priv_pass) {
                        let name = self
                            .privacy
                            .as_deref()
                            .or(conf.priv_type.as_deref())
                            .unwrap_or("DES");
                        let p = priv_protocol(name)?;
                        if pass.len() < 8 {
                            return Err(short("privacy"));
                        }
                        b = b.privacy(p, pass);
                    }
                }
                if let Some(a) = &self.auth {
                    auth_protocol(a)?;
                }
                if let Some(x) = &self.privacy {
                    priv_protocol(x)?;
                }
                if let Some(l) = level {
                    b = b.security_level(l);
                }
                if let Some(n) = &self.context {
                    b = b.context_name(n);
                }
                if let Some(e) = &self.context_engine_id {
                    let id = engine_id_arg(e, 'E')?;
                    b = b.context_engine_id(id);
                }
                b.aes_key_extension(AesKeyExtension::Auto)
            }
        })
    }

    /// Our own engine ID for v3 notifications (`-e`), checked.
    pub(crate) fn local_engine_id(&self) -> Result<Option<Vec<u8>>, Failure> {
        self.engine_id
            .as_deref()
            .map(|e| engine_id_arg(e, 'e'))
            .transpose()
    }

    pub(crate) async fn manager(&self, tool: Tool) -> Result<Manager, Failure> {
        self.check_app(tool)?;
        let b = self.builder(tool)?;
        let b = match self.local_engine_id()? {
            Some(id) => {
                let mut cfg = snmp_tokio::SessionConfig::default();
                cfg.local_engine_id = Some(id.into());
                b.client(&Client::new(Tokio, cfg)?)
            }
            None => b,
        };
        Ok(b.build().await?)
    }

    /// The host as the user wrote it (what Net-SNMP's messages name).
    pub(crate) fn peer(&self) -> &str {
        &self.host
    }
}

/// How a GETBULK walk or table sizes its requests (not Net-SNMP options: no `-C` letter).
#[derive(Args, Clone, Default)]
pub(crate) struct WalkFlags {
    /// Adapt max-repetitions to the agent: start at -Cr, double while answers come back
    /// complete (up to 256), shrink on tooBig, cut-short answers and timeouts (GETBULK only).
    #[arg(long)]
    pub(crate) adaptive: bool,
    /// Walk N stripes of the subtree at once (split at its children); the output is the
    /// same as a sequential walk's.
    #[arg(long, value_name = "N", default_value = "1")]
    pub(crate) parallel: u16,
}

impl WalkFlags {
    pub(crate) fn repetitions(&self) -> snmp_tokio::Repetitions {
        if self.adaptive {
            snmp_tokio::Repetitions::adaptive()
        } else {
            snmp_tokio::Repetitions::Fixed
        }
    }
}

/// Who `snmp listen` accepts notifications from, with the option letters of the other
/// commands (snmptrapd takes them from its configuration: `authCommunity`, `createUser`).
#[derive(Args, Clone, Default)]
pub(crate) struct ListenAuth {
    /// Accept v1/v2c notifications with this community only (repeatable; default: any).
    #[arg(short = 'c', value_name = "COMMUNITY")]
    pub(crate) communities: Vec<String>,
    /// A v3 user to accept (as snmptrapd's createUser and authUser).
    #[arg(short = 'u', value_name = "USER-NAME")]
    pub(crate) user: Option<String>,
    /// Its authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', value_name = "PROTOCOL")]
    pub(crate) auth: Option<String>,
    /// Its authentication pass phrase.
    #[arg(short = 'A', value_name = "PASSPHRASE")]
    pub(crate) auth_pass: Option<String>,
    /// Its privacy protocol: DES, AES, AES-192, AES-256, AES192C, AES256C.
    #[arg(short = 'x', value_name = "PROTOCOL")]
    pub(crate) privacy: Option<String>,
    /// Its privacy pass phrase.
    #[arg(short = 'X', value_name = "PASSPHRASE")]
    pub(crate) priv_pass: Option<String>,
    /// The engine ID of the sender whose traps the user's keys are for (createUser -e), in
    /// hex; traps of that user from other engines are dropped. Default: any engine.
    #[arg(short = 'e', value_name = "ENGINE-ID")]
    pub(crate) engine_id: Option<String>,
}

impl ListenAuth {
    /// The `-u` user, with its keys.
    pub(crate) fn user(&self) -> Result<Option<snmp_tokio::UsmUser>, Failure> {
        let Some(name) = &self.user else {
            return Ok(None);
        };
        let mut user = snmp_tokio::UsmUser::new(name);
        if let Some(pass) = &self.auth_pass {
            let a = self.auth.as_deref().unwrap_or("MD5");
            let p = auth_protocol(a)?;
            user = user
                .with_auth(p, pass.as_bytes())
                .map_err(Error::Credentials)?;
            if let Some(pass) = &self.priv_pass {
                let x = self.privacy.as_deref().unwrap_or("DES");
                let p = priv_protocol(x)?;
                user = user
                    .with_privacy(p, pass.as_bytes())
                    .map_err(Error::Credentials)?;
            }
        }
        Ok(Some(user))
    }
}

/// `NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]]`.
pub(crate) fn parse_user(spec: &str) -> Result<snmp_tokio::UsmUser, Failure> {
    let bad = || Failure::Usage(format!("bad --v3-user {spec}"));
    let parts: Vec<&str> = spec.split(':').collect();
    let mut user = snmp_tokio::UsmUser::new(parts.first().ok_or_else(bad)?);
    if let [_, a, ap, rest @ ..] = parts.as_slice() {
        let a = AuthProtocol::from_name(a).ok_or_else(bad)?;
        user = user
            .with_auth(a, ap.as_bytes())
            .map_err(Error::Credentials)?;
        if let [x, xp] = rest {
            let x = PrivProtocol::from_net_snmp_name(x).ok_or_else(bad)?;
            user = user
                .with_privacy(x, xp.as_bytes())
                .map_err(Error::Credentials)?;
        }
    }
    Ok(user)
}

/// Net-SNMP's `-C` letters that take their value as the next argument (snmptable's `-Cf ,`
/// and `-Cw 60`, snmpwalk's `-CE OID`, `-Cr 25`) become one argument (`-Cf,`) before clap sees
/// them. Only for the commands whose tool reads them so: `snmp get -Cf` is snmpget's
/// "do not fix" flag, not a separator.
pub(crate) fn join_option_values(args: Vec<String>) -> Vec<String> {
    let command = args.get(1).cloned().unwrap_or_default();
    let joined: &[&str] = match command.as_str() {
        "table" => &["-Cf", "-Cw", "-Cr", "-Cc"],
        "walk" => &["-CE"],
        _ => &[],
    };
    let numeric = |a: &str| matches!(a, "-Cr" | "-Cn" | "-Cw" | "-Cc");
    let mut out = Vec::with_capacity(args.len());
    let mut it = args.into_iter().peekable();
    while let Some(a) = it.next() {
        // -Op takes the next argument as its precision, in every command.
        if a == "-Op" {
            if let Some(v) = it.next() {
                out.push(format!("{a}{v}"));
                continue;
            }
        }
        if joined.contains(&a.as_str()) {
            let takes = it
                .peek()
                .is_some_and(|v| !numeric(&a) || v.parse::<u32>().is_ok());
            if takes {
                if let Some(v) = it.next() {
                    out.push(format!("{a}{v}"));
                    continue;
                }
            }
        }
        out.push(a);
    }
    out
}
