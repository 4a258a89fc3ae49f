//! One file per tool (cargo's `commands/` layout): each owns its arguments (a clap `Args`
//! struct) and the function that runs it, turning them into Manager calls and printing what
//! comes back as the Net-SNMP tool it stands in for would. This file only lists them and
//! dispatches.

use clap::Subcommand;

use std::future::Future;

use crate::failure::Failure;
use crate::netsnmp::Tool;

mod demo;
mod exporter;
mod exporter_log;
mod generate;
mod get;
pub(crate) mod listen;
mod notify;
mod poll;
mod set;
mod sim;
mod table;
mod translate;
pub(crate) mod trapd;
mod walk;

#[derive(Subcommand)]
pub(crate) enum Command {
    /// GET (snmpget): the values of these OIDs; -Cf: do not retry without a failed varbind.
    Get(get::OidArgs),
    /// GETNEXT (snmpgetnext): the OID after each of these and its value; -Cf as get.
    Getnext(get::OidArgs),
    /// GETBULK (snmpbulkget): the first N OIDs (-Cn<N> non-repeaters, default 0) once, the
    /// others repeated (-Cr<N> max-repetitions, default 10).
    Bulkget(get::OidArgs),
    /// Walk with GETNEXT (snmpwalk); -Cp count, -Ci the OID itself first, -CI no GET of it
    /// when nothing is under it, -Cc no increase check, -Ct time, -CE OID end before OID.
    Walk(walk::WalkArgs),
    /// Walk with GETBULK (snmpbulkwalk); -Cr<N> max-repetitions (default 10), -Cn<N>
    /// non-repeaters, -Cp count, -Ci the OID itself first, -Cc no increase check.
    Bulkwalk(walk::WalkArgs),
    /// SET (snmpset): OID TYPE VALUE triples. TYPE, as snmpset: i INTEGER (or an enumeration
    /// label), u Unsigned32, t TimeTicks, a IpAddress, o OID, s string, x hex string, d
    /// decimal string, b BITS, n NULL, U I F D Opaque counter64/int64/float/double, = the
    /// MIB's type.
    Set(set::SetArgs),
    /// A table as snmptable lays it out; -Cb brief headers, -Ci the index, -Cl left-aligned,
    /// -Cf SEP separated, -CH no headers, -Ch headers only, -Cw WIDTH parts, -Cc WIDTH fixed
    /// columns, -Cr N max-repetitions, -CB GETNEXT only.
    Table(table::TableArgs),
    /// GET the same OIDs from many agents at once: AGENT is hosts separated by commas, or
    /// @FILE with a host a line. A host that fails fails only its own lines; the exit code is
    /// 1 when any did.
    Poll(poll::PollArgs),
    /// Send a notification (snmptrap): with -v 2c or 3 `UPTIME TRAP-OID [OID TYPE VALUE]...`,
    /// with -v 1 `ENTERPRISE-OID AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...`;
    /// an empty UPTIME ('') is the system's. -Ci sends an InformRequest.
    Trap(notify::NotifyArgs),
    /// Send an InformRequest and wait for the receiver's acknowledgement (snmpinform):
    /// `UPTIME TRAP-OID [OID TYPE VALUE]...`.
    Inform(notify::NotifyArgs),
    /// Print received traps and informs (drop counters go to stderr when they change).
    Listen(listen::ListenArgs),
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
            Command::Get(a) => (Tool::Get, a.agent.host.clone()),
            Command::Getnext(a) => (Tool::GetNext, a.agent.host.clone()),
            Command::Bulkget(a) => (Tool::BulkGet, a.agent.host.clone()),
            Command::Walk(a) => (Tool::Walk, a.agent.host.clone()),
            Command::Bulkwalk(a) => (Tool::BulkWalk, a.agent.host.clone()),
            Command::Set(a) => (Tool::Set, a.agent.host.clone()),
            Command::Table(a) => (Tool::Table, a.agent.host.clone()),
            Command::Poll(a) => (Tool::Get, a.agent.host.clone()),
            Command::Trap(a) => (Tool::Trap, a.agent.host.clone()),
            Command::Inform(a) => (Tool::Inform, a.agent.host.clone()),
            Command::Translate(_) => (Tool::Translate, String::new()),
            _ => (Tool::Other, String::new()),
        }
    }

    /// Runs the command: the tools, the simulator and the receivers as one sequential job on
    /// a current-thread runtime; the exporter and the generator on their own (many threads).
    pub(crate) fn exec(self) -> Result<(), Failure> {
        match self {
            Command::Get(a) => current_thread(get::get(a)),
            Command::Getnext(a) => current_thread(get::getnext(a)),
            Command::Bulkget(a) => current_thread(get::bulkget(a)),
            Command::Walk(a) => current_thread(walk::walk(a, false)),
            Command::Bulkwalk(a) => current_thread(walk::walk(a, true)),
            Command::Set(a) => current_thread(set::set(a)),
            Command::Table(a) => current_thread(table::run(a)),
            Command::Poll(a) => current_thread(poll::poll(a)),
            Command::Trap(a) => current_thread(notify::notify(a, false)),
            Command::Inform(a) => current_thread(notify::notify(a, true)),
            Command::Listen(a) => current_thread(listen::listen(a)),
            Command::Trapd(a) => current_thread(async move { trapd::trapd(&a).await }),
            Command::Translate(t) => t.run(),
            Command::Sim(a) => current_thread(async move { sim::sim(&a).await }),
            Command::Demo => current_thread(demo::demo()),
            Command::Exporter(a) => exporter::exec(a),
            Command::Generate(a) => generate::exec(a),
        }
    }
}

/// Runs a command on a current-thread runtime (no worker threads to wake).
fn current_thread(job: impl Future<Output = Result<(), Failure>>) -> Result<(), Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Usage(format!("snmp: {e}")))?
        .block_on(job)
}
