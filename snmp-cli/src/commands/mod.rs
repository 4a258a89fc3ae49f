//! One file per tool (cargo's `commands/` layout): each turns its arguments into Manager
//! calls and prints what comes back as the Net-SNMP tool it stands in for would.

use clap::Subcommand;

use crate::failure::Failure;
use crate::names::MibOpts;
use crate::netsnmp::Tool;
use crate::options::{Agent, ListenAuth, WalkFlags};

mod demo;
pub(crate) mod exporter;
mod exporter_log;
pub(crate) mod generate;
mod get;
pub(crate) mod listen;
mod notify;
mod poll;
mod set;
mod sim;
pub(crate) mod table;
mod translate;
pub(crate) mod trapd;
mod walk;

#[derive(Subcommand)]
pub(crate) enum Command {
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
        #[arg(
            value_name = "OID TYPE VALUE",
            required = true,
            num_args = 1..,
            allow_hyphen_values = true
        )]
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
    /// snmptrapd, drop-in: its command line (-c FILE, -C, -f, -n, -p, -L, -F, -O, -m, -M, -a,
    /// listening addresses) and snmptrapd.conf (authCommunity, authUser, createUser,
    /// traphandle, forward, format, ...). `snmp trapd -h` lists the options.
    Trapd(trapd::TrapdArgs),
    /// Translate names to OIDs and back (snmptranslate).
    Translate(translate::Translate),
    /// Run simulated agents (a synthetic device, or a walk file / .snmprec recording) on
    /// 127.0.0.1: communities public (read) and private (read-write), v3 users from
    /// --v3-user.
    Sim(sim::SimArgs),
    /// Start an embedded simulated agent and run every Manager operation against it.
    Demo,
    /// The Prometheus snmp_exporter, drop-in: its snmp.yml, its HTTP API (/snmp?target=&module=&auth=,
    /// /metrics, /-/reload, /config) and its exposition.
    Exporter(exporter::ExporterArgs),
    /// snmp_exporter's generator: generator.yml and MIB folders in, snmp.yml out (every module
    /// that can be made; what cannot is named on stderr).
    Generate(generate::GenerateArgs),
}

impl Command {
    /// The Net-SNMP tool this command stands in for, and the agent as the user wrote it (what
    /// the error messages name).
    pub(crate) fn tool_and_peer(&self) -> (Tool, String) {
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

    /// Runs the command.
    pub(crate) async fn run(self) -> Result<(), Failure> {
        match self {
            Command::Get { agent, oids } => get::get(&agent, &oids).await,
            Command::Getnext { agent, oids } => get::getnext(&agent, &oids).await,
            Command::Bulkget { agent, oids } => get::bulkget(&agent, &oids).await,
            Command::Translate(t) => t.run(),
            Command::Walk {
                agent,
                walk: w,
                oid,
            } => walk::walk(&agent, oid, false, &w).await,
            Command::Bulkwalk {
                agent,
                walk: w,
                oid,
            } => walk::walk(&agent, oid, true, &w).await,
            Command::Set { agent, triples } => set::set(&agent, &triples).await,
            Command::Table {
                agent,
                walk: w,
                table,
                columns,
            } => table::run(&agent, &table, &columns, &w).await,
            Command::Poll {
                agent,
                oids,
                concurrency,
            } => poll::poll(&agent, &oids, concurrency).await,
            Command::Trap { agent, args } => notify::notify(&agent, &args, false).await,
            Command::Inform { agent, args } => notify::notify(&agent, &args, true).await,
            Command::Listen {
                addr,
                auth,
                v3_users,
                names,
            } => listen::listen(&addr, &auth, &v3_users, &names).await,
            Command::Sim(args) => sim::sim(&args).await,
            Command::Trapd(args) => trapd::trapd(&args).await,
            Command::Demo => demo::demo().await,
            // Runs on its own multi-threaded runtime (see main).
            Command::Exporter(_) | Command::Generate(_) => Err(Failure::Usage(
                "snmp exporter runs outside the command runtime".into(),
            )),
        }
    }
}
