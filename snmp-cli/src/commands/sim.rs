//! `snmp sim`: simulated agents, with faults.

use std::time::Duration;

use clap::Args;

use crate::failure::Failure;
use crate::options::parse_user;

/// The options of `snmp sim`.
#[derive(Args, Clone)]
pub(crate) struct SimArgs {
    /// First port (0: any).
    #[arg(long, default_value = "16100")]
    pub(crate) port: u16,
    /// Number of agents on consecutive ports.
    #[arg(long, default_value = "1")]
    pub(crate) ports: usize,
    /// Serve the synthetic device with this many interfaces (ifTable only, for scale)
    /// instead of the default device, a recording of a real agent (Net-SNMP's snmpd on Linux:
    /// MIB-2 with ifXTable, HOST-RESOURCES-MIB, UCD-SNMP-MIB; counters that move).
    #[arg(long)]
    pub(crate) interfaces: Option<u32>,
    /// Serve this `snmpwalk -On` output or `.snmprec` file instead.
    #[arg(long)]
    pub(crate) data: Option<std::path::PathBuf>,
    /// A v3 user: NAME[:AUTH:AUTHPASS[:PRIV:PRIVPASS]] (Net-SNMP protocol names).
    #[arg(long = "v3-user")]
    pub(crate) v3_users: Vec<String>,
    #[command(flatten)]
    pub(crate) faults: SimFaults,
    /// Keep polling this many microseconds after the last request before sleeping (0 when
    /// a client shares the simulator's core).
    #[arg(long, default_value = "500")]
    pub(crate) busy_poll_us: u64,
    /// Also serve SNMP over TCP (RFC 3430) on the same ports (`tcp:127.0.0.1:PORT`).
    #[arg(long)]
    pub(crate) tcp: bool,
}

/// `snmp sim`: serve simulated agents (the recorded device, synthetic devices, or the data
/// of a walk or .snmprec file) on `ports` consecutive ports from `port`, with `faults`, until stopped.
pub(crate) async fn sim(args: &SimArgs) -> Result<(), Failure> {
    let SimArgs {
        port,
        ports,
        interfaces,
        data,
        v3_users,
        faults,
        busy_poll_us,
        tcp,
    } = args.clone();
    let data = data.as_deref();
    let v3_users = &v3_users[..];
    let faults = &faults;
    let mut users = Vec::new();
    for spec in v3_users {
        users.push(parse_user(spec)?);
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
        tcp,
        ..Default::default()
    };
    let data = match data {
        Some(path) => {
            let text = std::fs::read_to_string(path)?;
            let parsed = if path.extension().is_some_and(|e| e == "snmprec") {
                snmp_sim::data::parse_snmprec(&text)
            } else {
                snmp_sim::data::parse_walk(&text)
            };
            Some(parsed.map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let values = |d: &snmp_sim::data::Data| d.len();
    match (&data, interfaces) {
        (Some(d), _) => println!("serving {} values from the file", values(d)),
        (None, Some(n)) => println!("serving the synthetic device, {n} interfaces"),
        (None, None) => println!(
            "serving the recorded device ({} values of Net-SNMP's snmpd on Linux; \
             --interfaces N for a synthetic one, --data FILE for yours)",
            values(&snmp_sim::data::recorded())
        ),
    }
    let make = || match (&data, interfaces) {
        (Some(d), _) => snmp_sim::Agent::new(d.clone()),
        (None, Some(n)) => snmp_sim::Agent::synthetic_device(n),
        (None, None) => snmp_sim::Agent::recorded_device(),
    };
    run_sim(&config, make).await
}

/// Faults `snmp sim` injects.
#[derive(Args, Clone, Default)]
pub(crate) struct SimFaults {
    /// Share of answers dropped (0 to 1).
    #[arg(long, default_value = "0")]
    pub(crate) drop: f64,
    /// Delay of every answer, in milliseconds.
    #[arg(long, default_value = "0")]
    pub(crate) delay_ms: u64,
    /// Time each agent takes per request, one at a time, in microseconds (a CPU-bound agent).
    #[arg(long, default_value = "0")]
    pub(crate) processing_us: u64,
    /// Share of answers sent twice.
    #[arg(long, default_value = "0")]
    pub(crate) duplicate: f64,
    /// Share of answers sent after the next one.
    #[arg(long, default_value = "0")]
    pub(crate) reorder: f64,
    /// Share of answers cut in half.
    #[arg(long, default_value = "0")]
    pub(crate) truncate: f64,
    /// Share of answers with an octet flipped.
    #[arg(long, default_value = "0")]
    pub(crate) corrupt: f64,
    /// Answer from another source port.
    #[arg(long)]
    pub(crate) other_source_port: bool,
    /// Answer tooBig above this many octets.
    #[arg(long)]
    pub(crate) too_big_above: Option<usize>,
    /// Stop increasing OIDs after this many GETNEXT/GETBULK varbinds.
    #[arg(long)]
    pub(crate) non_increasing_after: Option<usize>,
    /// Answer GETBULK with varbinds out of order inside each answer.
    #[arg(long)]
    pub(crate) unsorted_bulk: bool,
}

/// Serves the simulated agents until the process is stopped: on Linux on this thread with
/// batched system calls ([`snmp_sim::fast`]), elsewhere on the tokio runtime.
pub(crate) async fn run_sim(
    config: &snmp_sim::SimConfig,
    make: impl Fn() -> snmp_sim::Agent,
) -> Result<(), Failure> {
    let announce = |addrs: &[std::net::SocketAddr]| {
        for a in addrs {
            println!("agent on {a} (communities public, private)");
        }
    };
    if config.tcp {
        // Datagrams and connections on the tokio runtime.
        let sim = snmp_sim::serve_agents(config, make).await?;
        for a in &sim.addrs {
            println!("agent on {a} and tcp:{a} (communities public, private)");
        }
        std::future::pending::<()>().await;
        return Ok(());
    }
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
