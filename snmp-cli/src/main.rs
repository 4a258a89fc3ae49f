//! `snmp`: Net-SNMP-style commands over the snmp-rs Manager, the simulator, and a demo.
//!
//! Output is what `snmpwalk` prints with MIBs (`SNMPv2-MIB::sysName.0 = STRING: router`;
//! `-On -m ""` gives `.1.3.6.1.2.1.1.5.0 = STRING: "router"`), so that
//! scripts written for Net-SNMP keep working; `--json` prints one JSON object a line.

// The doc comments of the argument types are clap's `--help` text, written as a user reads
// it (`host[:port]`), not as rustdoc links.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use std::process::ExitCode;

use clap::Parser;

mod commands;
mod config;
mod failure;
mod names;
mod netsnmp;
mod options;
mod output;
mod report;
mod triples;

use commands::Command;

// The MIB loader and the exporter allocate many small objects: mimalloc costs them less CPU
// than glibc's allocator (measured with `snmp generate` over the whole MIB corpus).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "snmp", version, about = "SNMP manager commands (snmp-rs)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(options::join_option_values(std::env::args().collect())) {
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
    match cli.command.exec() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(netsnmp::report(tool, &peer, &e)),
    }
}
