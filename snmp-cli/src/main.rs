//! `snmp`: Net-SNMP-style commands over the snmp-rs Manager, the simulator, and a demo.
//!
//! Output is what `snmpwalk` prints with MIBs (`SNMPv2-MIB::sysName.0 = STRING: router`;
//! `-On -m ""` gives `.1.3.6.1.2.1.1.5.0 = STRING: "router"`), so that
//! scripts written for Net-SNMP keep working; `--json` prints one JSON object a line.

// The doc comments of the argument types are clap's `--help` text, written as a user reads
// it (`host[:port]`), not as rustdoc links.
#![allow(rustdoc::broken_intra_doc_links)]

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

mod names;
mod table;
use futures_util::StreamExt;
use names::{MibOpts, Names, Out};
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
    /// The command already said what went wrong (as Net-SNMP's tool would); exit 1.
    Reported,
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
            Failure::Reported => Ok(()),
        }
    }
}

/// How to reach and authenticate to an agent, with Net-SNMP's option letters.
#[derive(Args, Clone)]
struct Agent {
    /// SNMP version: 1, 2c or 3.
    #[arg(short = 'v', default_value = "2c")]
    version: String,
    /// Community (v1, v2c).
    #[arg(short = 'c', default_value = "public")]
    community: String,
    /// v3 user name.
    #[arg(short = 'u')]
    user: Option<String>,
    /// v3 security level: noAuthNoPriv, authNoPriv or authPriv.
    #[arg(short = 'l')]
    level: Option<String>,
    /// v3 authentication protocol: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.
    #[arg(short = 'a')]
    auth: Option<String>,
    /// v3 authentication pass phrase.
    #[arg(short = 'A')]
    auth_pass: Option<String>,
    /// v3 privacy protocol: DES, AES, AES-192, AES-256, AES192C, AES256C (Net-SNMP's names).
    #[arg(short = 'x')]
    privacy: Option<String>,
    /// v3 privacy pass phrase.
    #[arg(short = 'X')]
    priv_pass: Option<String>,
    /// v3 context name.
    #[arg(short = 'n')]
    context: Option<String>,
    /// Timeout per attempt, in seconds.
    #[arg(short = 't', default_value = "5")]
    timeout: f64,
    /// Retries.
    #[arg(short = 'r', default_value = "3")]
    retries: u32,
    /// Application options: `r<N>` max-repetitions (as `-Cr25`), `n<N>` non-repeaters, `c` do
    /// not check that OIDs increase.
    #[arg(short = 'C')]
    app: Vec<String>,
    /// One JSON object a line instead of Net-SNMP's text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    names: MibOpts,
    /// The agent: host[:port], IPv6 in brackets ([::1]:161).
    host: String,
}

impl Agent {
    fn app_number(&self, letter: char) -> Option<u32> {
        self.app
            .iter()
            .find_map(|a| a.strip_prefix(letter).and_then(|n| n.parse().ok()))
    }

    /// The builder for this agent: every option (version, community, the v3 user, levels,
    /// protocols and context) goes into it. `manager` and the poll targets both come from
    /// here, so no command can drop the v3 options and fall back to a community.
    fn builder(&self) -> Result<ManagerBuilder, Failure> {
        // A timeout that is not a finite, positive number of seconds is a usage error (it
        // used to panic in Duration::from_secs_f64).
        let timeout = Duration::try_from_secs_f64(self.timeout)
            .ok()
            .filter(|t| !t.is_zero() && t.as_secs() < 1_000_000)
            .ok_or_else(|| Failure::Usage(format!("bad timeout: {}", self.timeout)))?;
        let b = Manager::builder(&self.host)
            .timeout(timeout)
            .retries(self.retries);
        Ok(match self.version.as_str() {
            "1" => b.version(Version::V1).community(&self.community),
            "2c" | "2" => b.version(Version::V2c).community(&self.community),
            "3" => {
                let mut b = b.user(self.user.clone().unwrap_or_default());
                if let Some(a) = &self.auth {
                    let p = AuthProtocol::from_name(a)
                        .ok_or_else(|| Failure::Usage(format!("unknown auth protocol {a}")))?;
                    b = b.auth(p, self.auth_pass.clone().unwrap_or_default());
                }
                if let Some(x) = &self.privacy {
                    let p = PrivProtocol::from_net_snmp_name(x)
                        .ok_or_else(|| Failure::Usage(format!("unknown privacy protocol {x}")))?;
                    b = b.privacy(p, self.priv_pass.clone().unwrap_or_default());
                }
                if let Some(l) = &self.level {
                    b = b.security_level(match l.to_ascii_lowercase().as_str() {
                        "noauthnopriv" => SecurityLevel::NoAuthNoPriv,
                        "authnopriv" => SecurityLevel::AuthNoPriv,
                        "authpriv" => SecurityLevel::AuthPriv,
                        _ => return Err(Failure::Usage(format!("invalid security level: {l}"))),
                    });
                }
                if let Some(n) = &self.context {
                    b = b.context_name(n);
                }
                b.aes_key_extension(AesKeyExtension::Auto)
            }
            v => return Err(Failure::Usage(format!("unknown SNMP version {v}"))),
        })
    }

    async fn manager(&self) -> Result<Manager, Failure> {
        Ok(self.builder()?.build().await?)
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
    /// GET (snmpget).
    Get {
        #[command(flatten)]
        agent: Agent,
        /// OIDs.
        #[arg(required = true)]
        oids: Vec<String>,
    },
    /// GETNEXT (snmpgetnext).
    Getnext {
        #[command(flatten)]
        agent: Agent,
        #[arg(required = true)]
        oids: Vec<String>,
    },
    /// GETBULK (snmpbulkget); -Cn non-repeaters, -Cr max-repetitions.
    Bulkget {
        #[command(flatten)]
        agent: Agent,
        #[arg(required = true)]
        oids: Vec<String>,
    },
    /// Walk with GETNEXT (snmpwalk).
    Walk {
        #[command(flatten)]
        agent: Agent,
        #[command(flatten)]
        walk: WalkFlags,
        /// The subtree (default .1.3.6.1.2.1, as snmpwalk).
        oid: Option<String>,
    },
    /// Walk with GETBULK (snmpbulkwalk); -Cr max-repetitions (default 10).
    Bulkwalk {
        #[command(flatten)]
        agent: Agent,
        #[command(flatten)]
        walk: WalkFlags,
        oid: Option<String>,
    },
    /// SET (snmpset): OID TYPE VALUE triples; TYPE one of i u t a o s x c C (as snmpset).
    Set {
        #[command(flatten)]
        agent: Agent,
        #[arg(required = true, num_args = 3.., allow_negative_numbers = true)]
        triples: Vec<String>,
    },
    /// A table as snmptable lays it out: the table (or its entry), optionally the column
    /// numbers; -Cb brief headers, -Ci the index, -Cl left-aligned, -Cf SEP separated, -CH no
    /// headers, -Cw WIDTH parts, -Cr N max-repetitions.
    Table {
        #[command(flatten)]
        agent: Agent,
        #[command(flatten)]
        walk: WalkFlags,
        /// The table: `IF-MIB::ifTable`, its entry, or the OID of either.
        table: String,
        /// Only these column numbers.
        columns: Vec<u32>,
    },
    /// GET the same OIDs from many agents at once (hosts separated by commas, or @FILE).
    Poll {
        #[command(flatten)]
        agent: Agent,
        #[arg(required = true)]
        oids: Vec<String>,
        /// Agents at once.
        #[arg(long, default_value = "50")]
        concurrency: usize,
    },
    /// Send an SNMPv2-Trap: TRAP-OID then OID TYPE VALUE triples.
    Trap {
        #[command(flatten)]
        agent: Agent,
        trap_oid: String,
        triples: Vec<String>,
    },
    /// Send an InformRequest and wait for its acknowledgement.
    Inform {
        #[command(flatten)]
        agent: Agent,
        trap_oid: String,
        triples: Vec<String>,
    },
    /// Print received traps and informs (drop counters go to stderr when they change).
    Listen {
        /// Address to listen on.
        #[arg(default_value = "127.0.0.1:16200")]
        addr: String,
        /// A v3 user: NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]] (Net-SNMP protocol names);
        /// notifications in its name are accepted only at the level its keys allow.
        #[arg(long = "v3-user")]
        v3_users: Vec<String>,
        #[command(flatten)]
        names: MibOpts,
    },
    /// Translate names to OIDs and back (snmptranslate).
    Translate(names::Translate),
    /// Run simulated agents (synthetic device, or a walk file / .snmprec recording).
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

fn print_varbind(out: &mut Out, names: &Names, vb: &VarBind, json: bool) -> bool {
    if json {
        let value = match &vb.value {
            Value::Integer(i) => serde_json::json!(i),
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => serde_json::json!(v),
            Value::Counter64(v) => serde_json::json!(v),
            Value::OctetString(_) => match vb.value.as_str() {
                Some(s) => serde_json::json!(s),
                None => serde_json::json!(vb.value.to_string()),
            },
            other => serde_json::json!(other.to_string()),
        };
        let obj = serde_json::json!({
            "oid": format!("{:#}", vb.oid),
            "name": names.oid(&vb.oid),
            "type": vb.value.type_name(),
            "value": value,
        });
        out.line(&obj.to_string())
    } else {
        out.line(&names.line(&vb.oid, &vb.value))
    }
}

async fn walk(
    agent: &Agent,
    oid: Option<String>,
    bulk: bool,
    flags: &WalkFlags,
) -> Result<(), Failure> {
    let m = agent.manager().await?;
    let names = agent.names.load()?;
    let root = names.resolve(oid.as_deref().unwrap_or(".1.3.6.1.2.1"))?;
    // Net-SNMP's check by default (each varbind against the OID its request asked for);
    // -Cc: none.
    let check = if agent.app.iter().any(|a| a == "c") {
        snmp_tokio::OidCheck::None
    } else {
        snmp_tokio::OidCheck::Request
    };
    let options = snmp_tokio::WalkOptions::default()
        .with_check(check)
        .with_end_marker(true)
        .with_repetitions(flags.repetitions())
        .with_parallel(flags.parallel);
    let size = bulk.then(|| agent.app_number('r').unwrap_or(10));
    let mut stream = m.walk_with_options(root, size, options);
    let mut out = Out::new();
    let mut count = 0usize;
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && !agent.json;
    let v1 = agent.version == "1";
    while let Some(item) = stream.next().await {
        let (oid, value) = match item {
            Ok(x) => x,
            Err(e) => {
                if let Some(snmp_tokio::session::Error::NonIncreasing {
                    previous,
                    received,
                    also,
                }) = e.operation()
                {
                    // As snmpwalk and snmpbulkwalk print it, once per offending varbind (the
                    // varbinds themselves were printed first).
                    out.flush();
                    for r in std::iter::once(received).chain(also) {
                        eprintln!(
                            "Error: OID not increasing: {}\n >= {}\n",
                            names.oid(previous),
                            names.oid(r)
                        );
                    }
                    return Err(Failure::Reported);
                }
                out.flush();
                return Err(e.into());
            }
        };
        if v1 && value == Value::EndOfMibView && !agent.json {
            // snmpwalk -v1 says this when the agent answers noSuchName at the end.
            out.line("End of MIB");
            continue;
        }
        if !print_varbind(&mut out, &names, &VarBind::new(oid, value), agent.json) {
            // The reader went away (`| head`): stop quietly, as Net-SNMP's tools do.
            return Ok(());
        }
        count += 1;
        if progress && count % 1000 == 0 {
            eprint!("\r{count} varbinds...");
        }
    }
    if progress && count >= 1000 {
        eprintln!("\r{count} varbinds.   ");
    }
    Ok(())
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
        println!("{:?}  {}", r.index, cols.join(", "));
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
            let m = agent.manager().await?;
            let mut out = Out::new();
            for vb in m.get_varbinds(oids).await? {
                print_varbind(&mut out, &names, &vb, agent.json);
            }
        }
        Command::Getnext { agent, oids } => {
            let names = agent.names.load()?;
            let oids = names.resolve_all(&oids)?;
            let m = agent.manager().await?;
            let mut out = Out::new();
            for oid in oids {
                let (o, v) = m.get_next(oid).await?;
                print_varbind(&mut out, &names, &VarBind::new(o, v), agent.json);
            }
        }
        Command::Bulkget { agent, oids } => {
            let names = agent.names.load()?;
            let oids = names.resolve_all(&oids)?;
            let m = agent.manager().await?;
            let n = agent.app_number('n').unwrap_or(0);
            let r = agent.app_number('r').unwrap_or(10);
            let mut out = Out::new();
            for (o, v) in m.get_bulk(oids, n, r).await? {
                print_varbind(&mut out, &names, &VarBind::new(o, v), agent.json);
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
            let vbs = names::parse_triples(&names, &triples)?;
            let m = agent.manager().await?;
            let mut out = Out::new();
            for vb in m
                .set_many(vbs.into_iter().map(|vb| (vb.oid, vb.value)))
                .await?
            {
                print_varbind(&mut out, &names, &vb, agent.json);
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
            let client = Client::with_defaults()?;
            let mut targets = Vec::new();
            for h in hosts {
                let one = Agent {
                    host: h,
                    ..agent.clone()
                };
                let cfg = one.builder()?.target_config()?;
                targets.push(PollTarget::new(cfg));
            }
            let names = agent.names.load()?;
            let oids = names.resolve_all(&oids)?;
            let mut results = client.poll_many(targets, oids, concurrency);
            let mut out = Out::new();
            while let Some(r) = results.next().await {
                let line = match r.result {
                    Ok(v) => format!("{} {}", r.target, names.line(&r.oid, &v)),
                    Err(e) => format!("{} {}: {e}", r.target, names.oid(&r.oid)),
                };
                if !out.line(&line) {
                    break;
                }
            }
        }
        Command::Trap {
            agent,
            trap_oid,
            triples,
        } => {
            let names = agent.names.load()?;
            let trap_oid = names.resolve(&trap_oid)?;
            let vbs = names::parse_triples(&names, &triples)?;
            let m = agent.manager().await?;
            m.send_trap(trap_oid, vbs, 0).await?;
        }
        Command::Inform {
            agent,
            trap_oid,
            triples,
        } => {
            let names = agent.names.load()?;
            let trap_oid = names.resolve(&trap_oid)?;
            let vbs = names::parse_triples(&names, &triples)?;
            let m = agent.manager().await?;
            m.send_inform(trap_oid, vbs, 0).await?;
        }
        Command::Listen {
            addr,
            v3_users,
            names,
        } => {
            let names = names.load()?;
            let addr = snmp_tokio::resolve(&addr, 162)?;
            let mut rx =
                TrapReceiver::bind::<Tokio>(addr, snmp_tokio::ReceiverConfig::default()).await?;
            for spec in v3_users {
                rx.add_user(parse_user(&spec)?);
            }
            eprintln!("listening on {}", rx.local_addr());
            let mut reported = snmp_tokio::ReceiverCounters::default();
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    n = rx.next() => {
                        let Some(n) = n else { break };
                        println!(
                            "{} {} from {}",
                            n.pdu_type_name(),
                            version_name(n.version),
                            n.source
                        );
                        for vb in &n.varbinds {
                            println!("  {}", names.line(&vb.oid, &vb.value));
                        }
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
        tokio::task::block_in_place(|| snmp_sim::fast::run(config, make, &never, announce))?;
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

fn version_name(v: Version) -> &'static str {
    match v {
        Version::V1 => "v1",
        Version::V2c => "v2c",
        Version::V3 => "v3",
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(table::join_option_values(std::env::args().collect()));
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
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
        Err(Failure::Reported) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("snmp: {e}");
            ExitCode::FAILURE
        }
    }
}
