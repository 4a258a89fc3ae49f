//! `snmp`: Net-SNMP-style commands over the snmp-rs Manager, the simulator, and a demo.
//!
//! Output is what `snmpwalk` prints with MIBs (`SNMPv2-MIB::sysName.0 = STRING: router`;
//! `-On -m ""` gives `.1.3.6.1.2.1.1.5.0 = STRING: "router"`), so that
//! scripts written for Net-SNMP keep working; `--json` prints one JSON object a line.

// The doc comments of the argument types are clap's `--help` text, written as a user reads
// it (`host[:port]`), not as rustdoc links.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

mod config;
mod listen;
mod names;
mod netsnmp;
mod table;
use futures_util::StreamExt;
use names::{MibOpts, Names, Out};
use netsnmp::Tool;
use snmp_tokio::session::Error as OpError;
use snmp_tokio::{
    AesKeyExtension, AuthProtocol, Client, Error, Manager, ManagerBuilder, Oid, PollTarget,
    PrivProtocol, SecurityLevel, Tokio, TrapReceiver, Value, VarBind, Version,
};

#[derive(Parser)]
#[command(name = "snmp", version, about = "SNMP manager commands (snmp-rs)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// What a command fails with: the library's errors, or a mistake in its arguments.
#[derive(Debug)]
enum Failure {
    /// The library's error.
    Snmp(Error),
    /// An argument that is not valid (a protocol name, a value of the wrong form, ...).
    Usage(String),
    /// The command already said what went wrong (as Net-SNMP's tool would); exit with this
    /// code (1 for most failures, 2 for an error-status answer, as Net-SNMP's tools).
    Exit(u8),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Snmp(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Snmp(e.into())
    }
}

impl From<snmp_tokio::codec::OidParseError> for Failure {
    fn from(e: snmp_tokio::codec::OidParseError) -> Self {
        Failure::Snmp(e.into())
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Snmp(e) => e.fmt(f),
            Failure::Usage(m) => f.write_str(m),
            Failure::Exit(_) => Ok(()),
        }
    }
}

/// How to reach and authenticate to an agent, with Net-SNMP's option letters.
#[derive(Args, Clone)]
struct Agent {
    /// SNMP version: 1, 2c or 3 (default 2c, or snmp.conf's defVersion).
    #[arg(short = 'v', value_name = "1|2c|3")]
    version: Option<String>,
    /// Community (v1, v2c; default public, or snmp.conf's defCommunity).
    #[arg(short = 'c', value_name = "COMMUNITY")]
    community: Option<String>,
    /// v3 user name (securityName).
    #[arg(short = 'u', value_name = "USER-NAME")]
    user: Option<String>,
    /// v3 security level: noAuthNoPriv, authNoPriv or authPriv.
    #[arg(short = 'l', value_name = "LEVEL")]
    level: Option<String>,
    /// v3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', value_name = "PROTOCOL")]
    auth: Option<String>,
    /// v3 authentication pass phrase.
    #[arg(short = 'A', value_name = "PASSPHRASE")]
    auth_pass: Option<String>,
    /// v3 privacy protocol: DES, AES, AES-192, AES-256, AES192C, AES256C (Net-SNMP's names).
    #[arg(short = 'x', value_name = "PROTOCOL")]
    privacy: Option<String>,
    /// v3 privacy pass phrase.
    #[arg(short = 'X', value_name = "PASSPHRASE")]
    priv_pass: Option<String>,
    /// v3 context name.
    #[arg(short = 'n', value_name = "CONTEXT")]
    context: Option<String>,
    /// v3 security engine ID, in hex (800000020109840301): for traps, the sender's own
    /// (authoritative) engine ID, which the receiver's user is configured with.
    #[arg(short = 'e', value_name = "ENGINE-ID")]
    engine_id: Option<String>,
    /// v3 context engine ID, in hex.
    #[arg(short = 'E', value_name = "ENGINE-ID")]
    context_engine_id: Option<String>,
    /// Timeout per attempt, in seconds (default 1, as Net-SNMP).
    #[arg(short = 't', value_name = "TIMEOUT")]
    timeout: Option<String>,
    /// Retries after the first attempt (default 5, as Net-SNMP).
    #[arg(short = 'r', value_name = "RETRIES")]
    retries: Option<String>,
    /// Application options, as the Net-SNMP tool of the command takes them: walk `p i I c t
    /// E OID`; bulkwalk `c i n<N> p r<N>`; bulkget `n<N> r<N>`; get and getnext `f`; set `q`;
    /// table `b B c<N> f<SEP> h H i l r<N> w<N>`; trap `i`.
    #[arg(short = 'C', value_name = "APPOPTS")]
    app: Vec<String>,
    /// One JSON object a line instead of Net-SNMP's text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    names: MibOpts,
    /// The agent (for trap and inform, the notification receiver): [udp:|udp6:]host[:port],
    /// IPv6 in brackets (udp6:[::1]:161); the port defaults to 161 (162 for notifications).
    #[arg(value_name = "AGENT")]
    host: String,
}

/// Hex text to octets (`800000020109840301`, `0x80...`); `None` when it is not hex.
fn hex_octets(text: &str) -> Option<Vec<u8>> {
    let t = text.trim_start_matches("0x").trim_start_matches("0X");
    if t.is_empty() || t.len() % 2 != 0 {
        return None;
    }
    (0..t.len())
        .step_by(2)
        .map(|i| t.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// `-a NAME` as Net-SNMP reads it, with its message for a name it does not know.
fn auth_protocol(name: &str) -> Result<AuthProtocol, Failure> {
    AuthProtocol::from_name(name).ok_or_else(|| {
        Failure::Usage(format!(
            "Invalid authentication protocol specified after -3a flag: {name}"
        ))
    })
}

/// `-x NAME` as Net-SNMP reads it.
fn priv_protocol(name: &str) -> Result<PrivProtocol, Failure> {
    PrivProtocol::from_net_snmp_name(name).ok_or_else(|| {
        Failure::Usage(format!(
            "Invalid privacy protocol specified after -3x flag: {name}"
        ))
    })
}

/// An engine ID option (`-e`, `-E`): hex, 5 to 32 octets, with Net-SNMP's two messages.
fn engine_id_arg(text: &str, flag: char) -> Result<Vec<u8>, Failure> {
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
    fn app_number(&self, letter: char) -> Option<u32> {
        self.app
            .iter()
            .find_map(|a| a.strip_prefix(letter).and_then(|n| n.parse().ok()))
    }

    /// Whether `-C` has this letter (in any of its arguments).
    fn app_has(&self, letter: char) -> bool {
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
    fn app_value(&self, letter: char) -> Option<&str> {
        self.app.iter().find_map(|a| a.strip_prefix(letter))
    }

    /// `-C` letters this tool does not take are an error, as Net-SNMP's tools make them.
    fn check_app(&self, tool: Tool) -> Result<(), Failure> {
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
    fn version(&self) -> Result<Version, Failure> {
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
    fn builder(&self, tool: Tool) -> Result<ManagerBuilder, Failure> {
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
        let host = netsnmp::host(&self.host)?;
        let mut b = Manager::builder(&host).timeout(timeout).retries(retries);
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
    fn local_engine_id(&self) -> Result<Option<Vec<u8>>, Failure> {
        self.engine_id
            .as_deref()
            .map(|e| engine_id_arg(e, 'e'))
            .transpose()
    }

    async fn manager(&self, tool: Tool) -> Result<Manager, Failure> {
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
    fn peer(&self) -> &str {
        &self.host
    }
}

/// How a GETBULK walk or table sizes its requests (not Net-SNMP options: no `-C` letter).
#[derive(Args, Clone, Default)]
struct WalkFlags {
    /// Adapt max-repetitions to the agent: start at -Cr, double while answers come back
    /// complete (up to 256), shrink on tooBig, cut-short answers and timeouts (GETBULK only).
    #[arg(long)]
    adaptive: bool,
    /// Walk N stripes of the subtree at once (split at its children); the output is the
    /// same as a sequential walk's.
    #[arg(long, value_name = "N", default_value = "1")]
    parallel: u16,
}

impl WalkFlags {
    fn repetitions(&self) -> snmp_tokio::Repetitions {
        if self.adaptive {
            snmp_tokio::Repetitions::adaptive()
        } else {
            snmp_tokio::Repetitions::Fixed
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// GET (snmpget): the values of these OIDs; -Cf: do not retry without a failed varbind.
    Get {
        #[command(flatten)]
        agent: Agent,
        /// The OIDs, as names (`sysDescr.0`, `IF-MIB::ifDescr.3`) or numbers (`.1.3.6.1.2.1.1.1.0`).
        #[arg(value_name = "OID", required = true)]
        oids: Vec<String>,
    },
    /// GETNEXT (snmpgetnext): the OID after each of these and its value; -Cf as get.
    Getnext {
        #[command(flatten)]
        agent: Agent,
        /// The OIDs, as names or numbers.
        #[arg(value_name = "OID", required = true)]
        oids: Vec<String>,
    },
    /// GETBULK (snmpbulkget); -Cn<N> non-repeaters (default 0), -Cr<N> max-repetitions
    /// (default 10).
    Bulkget {
        #[command(flatten)]
        agent: Agent,
        /// The OIDs, as names or numbers: the first N (-Cn) once, the others repeated.
        #[arg(value_name = "OID", required = true)]
        oids: Vec<String>,
    },
    /// Walk with GETNEXT (snmpwalk); -Cp count, -Ci the OID itself first, -CI no GET of it
    /// when nothing is under it, -Cc no increase check, -Ct time, -CE OID end before OID.
    Walk {
        #[command(flatten)]
        agent: Agent,
        #[command(flatten)]
        walk: WalkFlags,
        /// The subtree, a name or numbers (default .1.3.6.1.2.1, mib-2, as snmpwalk).
        #[arg(value_name = "OID")]
        oid: Option<String>,
    },
    /// Walk with GETBULK (snmpbulkwalk); -Cr<N> max-repetitions (default 10), -Cn<N>
    /// non-repeaters, -Cp count, -Ci the OID itself first, -Cc no increase check.
    Bulkwalk {
        #[command(flatten)]
        agent: Agent,
        #[command(flatten)]
        walk: WalkFlags,
        /// The subtree, a name or numbers (default .1.3.6.1.2.1, mib-2).
        #[arg(value_name = "OID")]
        oid: Option<String>,
    },
    /// SET (snmpset): OID TYPE VALUE triples. TYPE, as snmpset: i INTEGER (or an enumeration
    /// label), u Unsigned32, t TimeTicks, a IpAddress, o OID, s string, x hex string, d
    /// decimal string, b BITS, n NULL, U I F D Opaque counter64/int64/float/double, = the
    /// MIB's type.
    Set {
        #[command(flatten)]
        agent: Agent,
        /// OID TYPE VALUE, repeated.
        #[arg(value_name = "OID TYPE VALUE", required = true, num_args = 1.., allow_negative_numbers = true)]
        triples: Vec<String>,
    },
    /// A table as snmptable lays it out; -Cb brief headers, -Ci the index, -Cl left-aligned,
    /// -Cf SEP separated, -CH no headers, -Ch headers only, -Cw WIDTH parts, -Cc WIDTH fixed
    /// columns, -Cr N max-repetitions, -CB GETNEXT only.
    Table {
        #[command(flatten)]
        agent: Agent,
        #[command(flatten)]
        walk: WalkFlags,
        /// The table (`IF-MIB::ifTable`, or its OID), as snmptable takes it.
        #[arg(value_name = "TABLE-OID")]
        table: String,
        /// Only these column numbers (all readable columns when none).
        #[arg(value_name = "COLUMN")]
        columns: Vec<u32>,
    },
    /// GET the same OIDs from many agents at once: AGENT is hosts separated by commas, or
    /// @FILE with a host a line. A host that fails fails only its own lines; the exit code is
    /// 1 when any did.
    Poll {
        #[command(flatten)]
        agent: Agent,
        /// The OIDs, as names or numbers.
        #[arg(value_name = "OID", required = true)]
        oids: Vec<String>,
        /// Agents at once.
        #[arg(long, default_value = "50")]
        concurrency: usize,
    },
    /// Send a notification (snmptrap): with -v 2c or 3 `UPTIME TRAP-OID [OID TYPE VALUE]...`,
    /// with -v 1 `ENTERPRISE-OID AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...`;
    /// an empty UPTIME ('') is the system's. -Ci sends an InformRequest.
    Trap {
        #[command(flatten)]
        agent: Agent,
        /// The trap parameters, then OID TYPE VALUE triples.
        #[arg(value_name = "TRAP-PARAMETERS", allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Send an InformRequest and wait for the receiver's acknowledgement (snmpinform):
    /// `UPTIME TRAP-OID [OID TYPE VALUE]...`.
    Inform {
        #[command(flatten)]
        agent: Agent,
        /// The trap parameters, then OID TYPE VALUE triples.
        #[arg(value_name = "TRAP-PARAMETERS", allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Print received traps and informs (drop counters go to stderr when they change).
    Listen {
        /// Address to listen on: [udp:|udp6:]host:port, as snmptrapd's listening address.
        #[arg(default_value = "127.0.0.1:16200", value_name = "ADDRESS")]
        addr: String,
        #[command(flatten)]
        auth: ListenAuth,
        /// More v3 users: NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]] (Net-SNMP protocol names);
        /// notifications in a user's name are accepted only at the level its keys allow.
        #[arg(long = "v3-user", value_name = "USER")]
        v3_users: Vec<String>,
        #[command(flatten)]
        names: MibOpts,
    },
    /// Translate names to OIDs and back (snmptranslate).
    Translate(names::Translate),
    /// Run simulated agents (a synthetic device, or a walk file / .snmprec recording) on
    /// 127.0.0.1: communities public (read) and private (read-write), v3 users from
    /// --v3-user.
    Sim {
        /// First port (0: any).
        #[arg(long, default_value = "16100")]
        port: u16,
        /// Number of agents on consecutive ports.
        #[arg(long, default_value = "1")]
        ports: usize,
        /// Interfaces of the synthetic device.
        #[arg(long, default_value = "8")]
        interfaces: u32,
        /// Serve this `snmpwalk -On` output or `.snmprec` file instead.
        #[arg(long)]
        data: Option<std::path::PathBuf>,
        /// A v3 user: NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]] (Net-SNMP protocol names).
        #[arg(long = "v3-user")]
        v3_users: Vec<String>,
        #[command(flatten)]
        faults: SimFaults,
        /// Keep polling this many microseconds after the last request before sleeping (0 when
        /// a client shares the simulator's core).
        #[arg(long, default_value = "500")]
        busy_poll_us: u64,
    },
    /// Start an embedded simulated agent and run every Manager operation against it.
    Demo,
}

/// Who `snmp listen` accepts notifications from, with the option letters of the other
/// commands (snmptrapd takes them from its configuration: `authCommunity`, `createUser`).
#[derive(Args, Clone, Default)]
struct ListenAuth {
    /// Accept v1/v2c notifications with this community only (repeatable; default: any).
    #[arg(short = 'c', value_name = "COMMUNITY")]
    communities: Vec<String>,
    /// A v3 user to accept (as snmptrapd's createUser and authUser).
    #[arg(short = 'u', value_name = "USER-NAME")]
    user: Option<String>,
    /// Its authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a', value_name = "PROTOCOL")]
    auth: Option<String>,
    /// Its authentication pass phrase.
    #[arg(short = 'A', value_name = "PASSPHRASE")]
    auth_pass: Option<String>,
    /// Its privacy protocol: DES, AES, AES-192, AES-256, AES192C, AES256C.
    #[arg(short = 'x', value_name = "PROTOCOL")]
    privacy: Option<String>,
    /// Its privacy pass phrase.
    #[arg(short = 'X', value_name = "PASSPHRASE")]
    priv_pass: Option<String>,
    /// The engine ID of the sender whose traps the user's keys are for (createUser -e), in
    /// hex; traps of that user from other engines are dropped. Default: any engine.
    #[arg(short = 'e', value_name = "ENGINE-ID")]
    engine_id: Option<String>,
}

impl ListenAuth {
    /// The `-u` user, with its keys.
    fn user(&self) -> Result<Option<snmp_tokio::UsmUser>, Failure> {
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

/// Faults `snmp sim` injects.
#[derive(Args, Clone, Default)]
struct SimFaults {
    /// Share of answers dropped (0 to 1).
    #[arg(long, default_value = "0")]
    drop: f64,
    /// Delay of every answer, in milliseconds.
    #[arg(long, default_value = "0")]
    delay_ms: u64,
    /// Time each agent takes per request, one at a time, in microseconds (a CPU-bound agent).
    #[arg(long, default_value = "0")]
    processing_us: u64,
    /// Share of answers sent twice.
    #[arg(long, default_value = "0")]
    duplicate: f64,
    /// Share of answers sent after the next one.
    #[arg(long, default_value = "0")]
    reorder: f64,
    /// Share of answers cut in half.
    #[arg(long, default_value = "0")]
    truncate: f64,
    /// Share of answers with an octet flipped.
    #[arg(long, default_value = "0")]
    corrupt: f64,
    /// Answer from another source port.
    #[arg(long)]
    other_source_port: bool,
    /// Answer tooBig above this many octets.
    #[arg(long)]
    too_big_above: Option<usize>,
    /// Stop increasing OIDs after this many GETNEXT/GETBULK varbinds.
    #[arg(long)]
    non_increasing_after: Option<usize>,
    /// Answer GETBULK with varbinds out of order inside each answer.
    #[arg(long)]
    unsorted_bulk: bool,
}

/// A value as JSON: numbers as numbers, text as text, binary octets as hex with
/// `"encoding": "hex"`, an OID in numbers with its name, exceptions as `null` with their kind.
fn json_value(names: &Names, value: &Value) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::json;
    let mut m = serde_json::Map::new();
    m.insert("type".into(), json!(value.type_name()));
    let v = match value {
        Value::Integer(i) => json!(i),
        Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => json!(v),
        Value::Counter64(v) => json!(v),
        Value::OctetString(b) => match std::str::from_utf8(b) {
            Ok(text) if !text.chars().any(|c| c.is_control() && !c.is_whitespace()) => {
                json!(text)
            }
            _ => {
                m.insert("encoding".into(), json!("hex"));
                json!(hex(b))
            }
        },
        Value::Opaque(b) => {
            m.insert("encoding".into(), json!("hex"));
            json!(hex(b))
        }
        Value::OpaqueFloat(f) => json!(f),
        Value::OpaqueDouble(f) => json!(f),
        Value::IpAddress(a) => json!(std::net::Ipv4Addr::from(*a).to_string()),
        Value::ObjectIdentifier(o) => {
            m.insert("value_name".into(), json!(names.oid(o)));
            json!(format!("{o:#}"))
        }
        Value::Null => serde_json::Value::Null,
        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView => {
            m.insert("exception".into(), json!(true));
            serde_json::Value::Null
        }
        other => json!(other.to_string()),
    };
    m.insert("value".into(), v);
    m
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One varbind as a JSON object: `oid`, `name`, `type`, `value` (see [`json_value`]).
fn json_varbind(
    names: &Names,
    oid: &Oid,
    value: &Value,
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    m.insert("oid".into(), serde_json::json!(format!("{oid:#}")));
    m.insert("name".into(), serde_json::json!(names.oid(oid)));
    m.extend(json_value(names, value));
    // An enumeration's label, as the MIB names the number (`"label": "up"`).
    if let Value::Integer(i) = value {
        let label = names
            .node(oid)
            .and_then(|n| n.syntax())
            .and_then(|t| t.enum_label(i64::from(*i)));
        if let Some(l) = label {
            m.insert("label".into(), serde_json::json!(l));
        }
    }
    m
}

fn print_varbind(out: &mut Out, names: &Names, vb: &VarBind, json: bool) -> bool {
    if json {
        out.line(&serde_json::Value::Object(json_varbind(names, &vb.oid, &vb.value)).to_string())
    } else {
        out.varbind(names, &vb.oid, &vb.value)
    }
}

async fn walk(
    agent: &Agent,
    oid: Option<String>,
    bulk: bool,
    flags: &WalkFlags,
) -> Result<(), Failure> {
    let tool = if bulk { Tool::BulkWalk } else { Tool::Walk };
    agent.check_app(tool)?;
    if agent.app_has('T') {
        return Err(Failure::Usage(
            "-CT (the time of each request) is not supported; -Ct gives the whole walk's".into(),
        ));
    }
    let names = agent.names.load()?;
    let root = names.resolve(oid.as_deref().unwrap_or(".1.3.6.1.2.1"))?;
    let end = match agent.app_value('E') {
        Some(e) if !bulk => Some(names.resolve(e)?),
        _ => None,
    };
    let m = agent.manager(tool).await?;
    // Net-SNMP's check by default (each varbind against the OID its request asked for);
    // -Cc: none.
    let check = if agent.app_has('c') {
        snmp_tokio::OidCheck::None
    } else {
        snmp_tokio::OidCheck::Request
    };
    let options = snmp_tokio::WalkOptions::default()
        .with_check(check)
        .with_end_marker(true)
        .with_root_get(!agent.app_has('I'))
        .with_repetitions(flags.repetitions())
        .with_parallel(flags.parallel);
    let size = bulk.then(|| agent.app_number('r').unwrap_or(10));
    let started = std::time::Instant::now();
    let mut out = Out::new();
    let mut count = 0usize;
    let mut options = options;
    if agent.app_has('i') {
        // -Ci: the root itself first, whatever the agent says of it (and then no second GET
        // of it when the walk finds nothing).
        options = options.with_root_get(false);
        match m.get_varbinds([root.clone()]).await {
            Ok(vbs) => {
                for vb in vbs {
                    count += 1;
                    print_varbind(&mut out, &names, &vb, agent.json);
                }
            }
            Err(e)
                if e.operation()
                    .is_some_and(|o| matches!(o, OpError::Status { .. })) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let root_copy = root.clone();
    let mut stream = m.walk_with_options(root, size, options);
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !agent.json;
    let v1 = agent.version()? == Version::V1;
    let mut failure = None;
    let mut stopped_at_end = false;
    while let Some(item) = stream.next().await {
        let (oid, value) = match item {
            Ok(x) => x,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        if end.as_ref().is_some_and(|end| &oid >= end) {
            stopped_at_end = true;
            break;
        }
        if v1 && value == Value::EndOfMibView && !agent.json {
            // snmpwalk -v1 says this when the agent answers noSuchName at the end.
            out.line("End of MIB");
            continue;
        }
        count += 1;
        if !print_varbind(&mut out, &names, &VarBind::new(oid, value), agent.json) {
            // The reader went away (`| head`): stop quietly, as Net-SNMP's tools do.
            return Ok(());
        }
        if progress && count % 1000 == 0 {
            eprint!("\r{count} varbinds...");
        }
    }
    drop(stream);
    if stopped_at_end && count == 0 && !options.no_root_get {
        // As snmpwalk: a walk that -CE ended before anything asks for the root itself.
        if let Ok(vbs) = m.get_varbinds([root_copy]).await {
            for vb in vbs {
                count += 1;
                print_varbind(&mut out, &names, &vb, agent.json);
            }
        }
    }
    out.flush();
    if progress && count >= 1000 {
        eprintln!("\r{count} varbinds.   ");
    }
    let code = match failure {
        None => 0,
        Some(e) => match e.operation() {
            Some(OpError::NonIncreasing {
                previous,
                received,
                also,
            }) => {
                // As snmpwalk and snmpbulkwalk print it, once per offending varbind (the
                // varbinds themselves were printed first).
                for r in std::iter::once(received).chain(also) {
                    eprintln!(
                        "Error: OID not increasing: {}\n >= {}\n",
                        names.oid(previous),
                        names.oid(r)
                    );
                }
                1
            }
            Some(OpError::Status { status, index, oid }) => netsnmp::report(
                tool,
                agent.peer(),
                &netsnmp::packet_error(tool, &names, *status, *index, oid.as_ref()),
            ),
            _ => netsnmp::report(tool, agent.peer(), &Failure::Snmp(e)),
        },
    };
    // -Cp and -Ct print after the walk, also after one that failed (as snmpwalk).
    if agent.app_has('p') {
        out.line(&format!("Variables found: {count}"));
    }
    out.flush();
    if agent.app_has('t') && !bulk {
        eprintln!(
            "Total traversal time = {:.6} seconds",
            started.elapsed().as_secs_f64()
        );
    }
    match code {
        0 => Ok(()),
        c => Err(Failure::Exit(c)),
    }
}

/// A request whose error-status answer Net-SNMP's tools "fix": print the error, drop the
/// varbind it names and ask again for the rest (unless `-Cf`), exit 2 in the end.
async fn fixing<F, Fut>(
    tool: Tool,
    agent: &Agent,
    names: &Names,
    mut oids: Vec<Oid>,
    ask: F,
) -> Result<(), Failure>
where
    F: Fn(Vec<Oid>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<VarBind>, Error>>,
{
    let fix = !agent.app_has('f');
    let mut out = Out::new();
    let mut code = 0;
    loop {
        match ask(oids.clone()).await {
            Ok(vbs) => {
                for vb in &vbs {
                    print_varbind(&mut out, names, vb, agent.json);
                }
                break;
            }
            Err(e) => {
                let Some(OpError::Status { status, index, oid }) = e.operation() else {
                    out.flush();
                    return Err(e.into());
                };
                out.flush();
                netsnmp::packet_error(tool, names, *status, *index, oid.as_ref());
                code = 2;
                let at = *index as usize;
                if !fix || at == 0 || at > oids.len() {
                    break;
                }
                oids.remove(at - 1);
                if oids.is_empty() {
                    break;
                }
            }
        }
    }
    out.flush();
    match code {
        0 => Ok(()),
        c => Err(Failure::Exit(c)),
    }
}

/// The uptime Net-SNMP's snmptrap puts in a notification given `''`: the system's, from
/// /proc/uptime, in hundredths of a second (0 where there is none).
fn system_uptime() -> u32 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
        .map(|s| (s * 100.0) as u64 as u32)
        .unwrap_or(0)
}

/// The uptime argument of a notification: `''` for the system's, else hundredths.
fn uptime_arg(text: &str) -> Result<u32, Failure> {
    if text.is_empty() {
        return Ok(system_uptime());
    }
    text.parse()
        .map_err(|_| Failure::Usage(format!("Bad uptime value: {text}")))
}

/// Sends what `snmptrap` / `snmpinform` send: with -v1 `ENTERPRISE AGENT-ADDR GENERIC
/// SPECIFIC UPTIME [OID TYPE VALUE]...`, else `UPTIME TRAP-OID [OID TYPE VALUE]...`.
async fn notify(agent: &Agent, args: &[String], inform: bool) -> Result<(), Failure> {
    let tool = if inform { Tool::Inform } else { Tool::Trap };
    let inform = inform || agent.app_has('i');
    let names = agent.names.load()?;
    let version = agent.version()?;
    let missing = |what: &str| Failure::Usage(format!("Missing {what} parameter"));
    if version == Version::V1 {
        if inform {
            return Err(Failure::Usage("Cannot send INFORM as SNMPv1 PDU".into()));
        }
        let [enterprise, addr, generic, specific, uptime, rest @ ..] = args else {
            return Err(missing(match args.len() {
                0 => "enterprise-oid",
                1 => "agent",
                2 => "generic-trap",
                3 => "specific-trap",
                _ => "uptime",
            }));
        };
        let enterprise = if enterprise.is_empty() {
            "1.3.6.1.4.1.3.1.1".parse()?
        } else {
            names.resolve(enterprise)?
        };
        let agent_addr = if addr.is_empty() {
            local_ipv4()
        } else {
            addr.parse::<std::net::Ipv4Addr>()
                .map_err(|_| Failure::Usage(format!("unknown host: {addr}")))?
                .octets()
        };
        let generic: i32 = generic
            .parse()
            .map_err(|_| Failure::Usage(format!("Bad generic-trap value: {generic}")))?;
        let specific: i32 = specific
            .parse()
            .map_err(|_| Failure::Usage(format!("Bad specific-trap value: {specific}")))?;
        let trap = snmp_tokio::codec::TrapV1Pdu {
            enterprise,
            agent_addr,
            generic_trap: generic.into(),
            specific_trap: specific,
            time_stamp: uptime_arg(uptime)?,
            varbinds: names::parse_triples(&names, rest, names::TripleFor::Notification)?,
        };
        let m = agent.manager(tool).await?;
        m.send_trap_v1(trap).await?;
        return Ok(());
    }
    let [uptime, trap_oid, rest @ ..] = args else {
        return Err(missing(if args.is_empty() {
            "uptime"
        } else {
            "trap-oid"
        }));
    };
    let uptime = uptime_arg(uptime)?;
    let trap_oid = names.resolve(trap_oid)?;
    let vbs = names::parse_triples(&names, rest, names::TripleFor::Notification)?;
    let m = agent.manager(tool).await?;
    if inform {
        m.send_inform(trap_oid, vbs, uptime).await?;
    } else {
        m.send_trap(trap_oid, vbs, uptime).await?;
    }
    Ok(())
}

/// This host's first IPv4 address, as snmptrap fills in an empty agent-addr (127.0.0.1 when
/// it cannot tell).
fn local_ipv4() -> [u8; 4] {
    std::net::UdpSocket::bind("0.0.0.0:0")
        .ok()
        .and_then(|s| {
            s.connect("127.0.0.1:9").ok()?;
            s.local_addr().ok()
        })
        .and_then(|a| match a.ip() {
            std::net::IpAddr::V4(v4) => Some(v4.octets()),
            std::net::IpAddr::V6(_) => None,
        })
        .unwrap_or([127, 0, 0, 1])
}

async fn demo() -> Result<(), Failure> {
    let user = snmp_tokio::UsmUser::new("demo")
        .with_auth(AuthProtocol::Sha256, b"demo-auth-pass")
        .and_then(|u| u.with_privacy(PrivProtocol::Aes128, b"demo-priv-pass"))
        .map_err(Error::Credentials)?;
    let config = snmp_sim::SimConfig {
        agents: 4,
        users: vec![user],
        ..Default::default()
    };
    let sim = snmp_sim::serve_agents(&config, || snmp_sim::Agent::synthetic_device(4)).await?;
    let host = sim.addrs[0].to_string();
    println!("simulated agents on {:?}\n", sim.addrs);
    let mgr = Manager::builder(&host).build().await?;

    println!("# get sysDescr.0");
    println!("{}", mgr.get("1.3.6.1.2.1.1.1.0").await?);
    println!("\n# get_many sysName.0, sysUpTime.0");
    for v in mgr
        .get_many(["1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.3.0"])
        .await?
    {
        println!("{v}");
    }
    println!("\n# get_next system");
    let (o, v) = mgr.get_next("1.3.6.1.2.1.1").await?;
    println!("{o:#} = {v}");
    println!("\n# get_bulk ifDescr, 4 repetitions");
    for (o, v) in mgr.get_bulk(["1.3.6.1.2.1.2.2.1.2"], 0, 4).await? {
        println!("{o:#} = {v}");
    }
    println!("\n# walk system");
    let mut w = mgr.walk("1.3.6.1.2.1.1");
    while let Some(item) = w.next().await {
        let (o, v) = item?;
        println!("{o:#} = {v}");
    }
    println!("\n# bulk_walk ifInOctets (column 10)");
    let mut w = mgr.bulk_walk("1.3.6.1.2.1.2.2.1.10", 10);
    while let Some(item) = w.next().await {
        let (o, v) = item?;
        println!("{o:#} = {v}");
    }
    println!("\n# set sysName.0 (community private), then get it");
    let rw = Manager::builder(&host).community("private").build().await?;
    rw.set("1.3.6.1.2.1.1.5.0", "renamed-by-demo").await?;
    println!("{}", mgr.get("1.3.6.1.2.1.1.5.0").await?);
    println!("\n# get_table ifTable columns 2 (ifDescr) and 10 (ifInOctets)");
    let rows = mgr
        .get_table("1.3.6.1.2.1.2.2.1", Some(&[2, 10]), 25)
        .await
        .map_err(|e| e.error)?;
    for r in rows {
        let cols: Vec<String> = r.columns.iter().map(|(c, v)| format!("{c}: {v}")).collect();
        println!("{}  {}", r.index, cols.join(", "));
    }
    println!("\n# v3 authPriv (SHA-256 + AES-128) get sysDescr.0");
    let v3 = Manager::builder(&host)
        .user("demo")
        .auth(AuthProtocol::Sha256, "demo-auth-pass")
        .privacy(PrivProtocol::Aes128, "demo-priv-pass")
        .build()
        .await?;
    println!("{}", v3.get("1.3.6.1.2.1.1.1.0").await?);
    println!("\n# send_inform to the simulator (acknowledged)");
    let ack = mgr
        .send_inform(
            "1.3.6.1.4.1.8072.2.3.0.1",
            vec![VarBind::new(
                "1.3.6.1.4.1.8072.2.3.2.1".parse()?,
                Value::Integer(60),
            )],
            100,
        )
        .await?;
    println!("acknowledged, {} varbinds echoed", ack.len());
    println!(
        "\n# poll_many sysName.0 and sysUpTime.0 over {} agents",
        sim.addrs.len()
    );
    let client = Client::with_defaults()?;
    let targets: Vec<PollTarget> = sim
        .addrs
        .iter()
        .map(|a| PollTarget::v2c(*a, "public"))
        .collect();
    let oids: Vec<Oid> = vec!["1.3.6.1.2.1.1.5.0".parse()?, "1.3.6.1.2.1.1.3.0".parse()?];
    let mut results = client.poll_many(targets, oids, 10);
    let mut n = 0;
    while let Some(r) = results.next().await {
        match r.result {
            Ok(v) => println!("{} {:#} = {v}", r.target, r.oid),
            Err(e) => println!("{} {:#}: {e}", r.target, r.oid),
        }
        n += 1;
    }
    println!("\n{n} poll results; demo done");
    Ok(())
}

async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Get { agent, oids } => {
            let names = agent.names.load()?;
            let oids = names.resolve_all(&oids)?;
            let m = agent.manager(Tool::Get).await?;
            fixing(Tool::Get, &agent, &names, oids, |o| m.get_varbinds(o)).await?;
        }
        Command::Getnext { agent, oids } => {
            let names = agent.names.load()?;
            let oids = names.resolve_all(&oids)?;
            let m = agent.manager(Tool::GetNext).await?;
            fixing(Tool::GetNext, &agent, &names, oids, |o| {
                m.get_next_varbinds(o)
            })
            .await?;
        }
        Command::Bulkget { agent, oids } => {
            let names = agent.names.load()?;
            let oids = names.resolve_all(&oids)?;
            let m = agent.manager(Tool::BulkGet).await?;
            let n = agent.app_number('n').unwrap_or(0);
            let r = agent.app_number('r').unwrap_or(10);
            let mut out = Out::new();
            match m.get_bulk(oids, n, r).await {
                Ok(vbs) => {
                    for (o, v) in vbs {
                        print_varbind(&mut out, &names, &VarBind::new(o, v), agent.json);
                    }
                }
                Err(e) => match e.operation() {
                    Some(OpError::Status { status, index, oid }) => {
                        return Err(netsnmp::packet_error(
                            Tool::BulkGet,
                            &names,
                            *status,
                            *index,
                            oid.as_ref(),
                        ))
                    }
                    _ => return Err(e.into()),
                },
            }
        }
        Command::Translate(t) => t.run()?,
        Command::Walk {
            agent,
            walk: w,
            oid,
        } => walk(&agent, oid, false, &w).await?,
        Command::Bulkwalk {
            agent,
            walk: w,
            oid,
        } => walk(&agent, oid, true, &w).await?,
        Command::Set { agent, triples } => {
            let names = agent.names.load()?;
            let vbs = names::parse_triples(&names, &triples, names::TripleFor::Set)?;
            let m = agent.manager(Tool::Set).await?;
            let mut out = Out::new();
            match m
                .set_many(vbs.into_iter().map(|vb| (vb.oid, vb.value)))
                .await
            {
                Ok(vbs) => {
                    if !agent.app_has('q') {
                        for vb in &vbs {
                            print_varbind(&mut out, &names, vb, agent.json);
                        }
                    }
                }
                Err(e) => match e.operation() {
                    Some(OpError::Status { status, index, oid }) => {
                        return Err(netsnmp::packet_error(
                            Tool::Set,
                            &names,
                            *status,
                            *index,
                            oid.as_ref(),
                        ))
                    }
                    _ => return Err(e.into()),
                },
            }
        }
        Command::Table {
            agent,
            walk: w,
            table,
            columns,
        } => table::run(&agent, &table, &columns, &w).await?,
        Command::Poll {
            agent,
            oids,
            concurrency,
        } => {
            let hosts: Vec<String> = match agent.host.strip_prefix('@') {
                Some(file) => std::fs::read_to_string(file)?
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_owned)
                    .collect(),
                None => agent.host.split(',').map(str::to_owned).collect(),
            };
            let names = agent.names.load()?;
            let oids = names.resolve_all(&oids)?;
            agent.check_app(Tool::Get)?;
            let client = Client::with_defaults()?;
            let mut out = Out::new();
            let mut failed = false;
            // One host that does not resolve (or has bad options) fails only itself.
            let mut targets = Vec::new();
            for h in hosts {
                let one = Agent {
                    host: h.clone(),
                    ..agent.clone()
                };
                let cfg = one
                    .builder(Tool::Get)
                    .and_then(|b| b.target_config().map_err(Failure::from));
                match cfg {
                    Ok(cfg) => targets.push(PollTarget::new(cfg)),
                    Err(e) => {
                        failed = true;
                        let text = match &e {
                            Failure::Snmp(e) => netsnmp::error_text(Tool::Get, &h, e),
                            other => other.to_string(),
                        };
                        let line = if agent.json {
                            serde_json::json!({ "host": h, "error": text }).to_string()
                        } else {
                            format!("{h}: {text}")
                        };
                        out.line(&line);
                    }
                }
            }
            let mut results = client.poll_many(targets, oids, concurrency);
            while let Some(r) = results.next().await {
                let host = r.target.to_string();
                let line = match (&r.result, agent.json) {
                    (Ok(v), false) => format!("{host} {}", names.line(&r.oid, v)),
                    (Err(e), false) => {
                        failed = true;
                        format!("{host} {}: {}", names.oid(&r.oid), poll_error(&host, e))
                    }
                    (Ok(v), true) => {
                        let mut m = serde_json::Map::new();
                        m.insert("host".into(), serde_json::json!(host));
                        m.extend(json_varbind(&names, &r.oid, v));
                        serde_json::Value::Object(m).to_string()
                    }
                    (Err(e), true) => {
                        failed = true;
                        serde_json::json!({
                            "host": host,
                            "oid": format!("{:#}", r.oid),
                            "name": names.oid(&r.oid),
                            "error": poll_error(&host, e),
                        })
                        .to_string()
                    }
                };
                if !out.line(&line) {
                    break;
                }
            }
            out.flush();
            if failed {
                return Err(Failure::Exit(1));
            }
        }
        Command::Trap { agent, args } => notify(&agent, &args, false).await?,
        Command::Inform { agent, args } => notify(&agent, &args, true).await?,
        Command::Listen {
            addr,
            auth,
            v3_users,
            names,
        } => {
            let names = names.load()?;
            let addr = snmp_tokio::resolve(&netsnmp::host(&addr)?, 162)?;
            let mut config = snmp_tokio::ReceiverConfig::default();
            config.communities = auth
                .communities
                .iter()
                .map(|c| snmp_tokio::codec::Bytes::copy_from_slice(c.as_bytes()))
                .collect();
            let mut rx = TrapReceiver::bind::<Tokio>(addr, config).await?;
            if let Some(user) = auth.user()? {
                rx.add_user(user);
            }
            for spec in v3_users {
                rx.add_user(parse_user(&spec)?);
            }
            let only_engine = auth
                .engine_id
                .as_deref()
                .map(|e| engine_id_arg(e, 'e'))
                .transpose()?;
            eprintln!("listening on {}", rx.local_addr());
            let local = rx.local_addr();
            let hosts = listen::Hosts::read();
            let mut reported = snmp_tokio::ReceiverCounters::default();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let mut out = Out::new();
            loop {
                tokio::select! {
                    n = rx.next() => {
                        let Some(n) = n else { break };
                        let from_other_engine = match (&only_engine, &n.v3) {
                            (Some(id), Some(v3)) => {
                                n.pdu_type == snmp_tokio::codec::PduType::SnmpV2Trap
                                    && v3.engine_id.as_ref() != id.as_slice()
                            }
                            _ => false,
                        };
                        if from_other_engine {
                            continue;
                        }
                        let text = listen::format(&names, &hosts, &n, local, std::time::SystemTime::now());
                        if !out.line(&text) {
                            break;
                        }
                        out.flush();
                    }
                    _ = tick.tick() => {
                        // What was dropped, once a second when it changed.
                        let c = rx.counters();
                        if drops(&c) != drops(&reported) {
                            eprintln!(
                                "snmp listen: dropped malformed {}, filtered {}, queue full {}, \
                                 security {}",
                                c.dropped_malformed,
                                c.dropped_filtered,
                                c.dropped_queue_full,
                                c.dropped_security
                            );
                            reported = c;
                        }
                    }
                }
            }
        }
        Command::Sim {
            port,
            ports,
            interfaces,
            data,
            v3_users,
            faults,
            busy_poll_us,
        } => {
            let mut users = Vec::new();
            for spec in v3_users {
                users.push(parse_user(&spec)?);
            }
            let config = snmp_sim::SimConfig {
                port,
                agents: ports,
                users,
                faults: snmp_sim::Faults {
                    too_big_above: faults.too_big_above,
                    non_increasing_after: faults.non_increasing_after,
                    unsorted_bulk: faults.unsorted_bulk,
                    ..Default::default()
                },
                net: snmp_sim::NetFaults {
                    drop: faults.drop,
                    delay: Duration::from_millis(faults.delay_ms),
                    processing: Duration::from_micros(faults.processing_us),
                    duplicate: faults.duplicate,
                    reorder: faults.reorder,
                    truncate: faults.truncate,
                    corrupt: faults.corrupt,
                    other_source_port: faults.other_source_port,
                },
                busy_poll: Duration::from_micros(busy_poll_us),
                ..Default::default()
            };
            let data = match data {
                Some(path) => {
                    let text = std::fs::read_to_string(&path)?;
                    let parsed = if path.extension().is_some_and(|e| e == "snmprec") {
                        snmp_sim::data::parse_snmprec(&text)
                    } else {
                        snmp_sim::data::parse_walk(&text)
                    };
                    Some(parsed.map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?)
                }
                None => None,
            };
            let make = || match &data {
                Some(d) => snmp_sim::Agent::new(d.clone()),
                None => snmp_sim::Agent::synthetic_device(interfaces),
            };
            run_sim(&config, make).await?;
        }
        Command::Demo => demo().await?,
    }
    Ok(())
}

/// Serves the simulated agents until the process is stopped: on Linux on this thread with
/// batched system calls ([`snmp_sim::fast`]), elsewhere on the tokio runtime.
async fn run_sim(
    config: &snmp_sim::SimConfig,
    make: impl Fn() -> snmp_sim::Agent,
) -> Result<(), Failure> {
    let announce = |addrs: &[std::net::SocketAddr]| {
        for a in addrs {
            println!("agent on {a} (communities public, private)");
        }
    };
    #[cfg(target_os = "linux")]
    {
        let never = std::sync::atomic::AtomicBool::new(false);
        // The runtime has one thread and nothing else to run: serve on it directly.
        snmp_sim::fast::run(config, make, &never, announce)?;
    }
    #[cfg(not(target_os = "linux"))]
    {
        let sim = snmp_sim::serve_agents(config, make).await?;
        announce(&sim.addrs);
        std::future::pending::<()>().await;
    }
    Ok(())
}

/// `NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]]`.
fn parse_user(spec: &str) -> Result<snmp_tokio::UsmUser, Failure> {
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

/// The drop counters of a receiver.
fn drops(c: &snmp_tokio::ReceiverCounters) -> [u64; 4] {
    [
        c.dropped_malformed,
        c.dropped_filtered,
        c.dropped_queue_full,
        c.dropped_security,
    ]
}

/// A poll result's error, in Net-SNMP's words where it has them.
fn poll_error(host: &str, e: &Error) -> String {
    match e.operation() {
        Some(OpError::Status { status, .. }) => netsnmp::status_text(*status),
        _ => netsnmp::error_text(Tool::Get, host, e)
            .trim_end_matches('.')
            .to_owned(),
    }
}

impl Command {
    /// The Net-SNMP tool this command stands in for, and the agent as the user wrote it (what
    /// the error messages name).
    fn tool_and_peer(&self) -> (Tool, String) {
        match self {
            Command::Get { agent, .. } => (Tool::Get, agent.host.clone()),
            Command::Getnext { agent, .. } => (Tool::GetNext, agent.host.clone()),
            Command::Bulkget { agent, .. } => (Tool::BulkGet, agent.host.clone()),
            Command::Walk { agent, .. } => (Tool::Walk, agent.host.clone()),
            Command::Bulkwalk { agent, .. } => (Tool::BulkWalk, agent.host.clone()),
            Command::Set { agent, .. } => (Tool::Set, agent.host.clone()),
            Command::Table { agent, .. } => (Tool::Table, agent.host.clone()),
            Command::Poll { agent, .. } => (Tool::Get, agent.host.clone()),
            Command::Trap { agent, .. } => (Tool::Trap, agent.host.clone()),
            Command::Inform { agent, .. } => (Tool::Inform, agent.host.clone()),
            Command::Translate(_) => (Tool::Translate, String::new()),
            _ => (Tool::Other, String::new()),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(table::join_option_values(std::env::args().collect())) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version go to stdout with 0; a usage error exits 1, as Net-SNMP's
            // tools do (clap's own code is 2).
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let (tool, peer) = cli.command.tool_and_peer();
    // One sequential job per process: a current-thread runtime (no worker threads to wake).
    // `snmp sim` and `snmp listen` serve on it too; the simulator runs its own loop.
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snmp: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(netsnmp::report(tool, &peer, &e)),
    }
}
