//! `snmp poll`: GET the same OIDs from many agents over one socket.

use snmp_tokio::{Client, Error, StreamExt};

use crate::failure::Failure;
use crate::names::Out;
use crate::netsnmp::{self, Tool};
use crate::options::Agent;
use crate::output::json_varbind;

/// The arguments of `poll`.
#[derive(clap::Args)]
pub(crate) struct PollArgs {
    #[command(flatten)]
    pub(crate) agent: Agent,
    /// The OIDs, as names or numbers.
    #[arg(value_name = "OID", required = true)]
    pub(crate) oids: Vec<String>,
    /// Agents at once.
    #[arg(long, default_value = "50")]
    pub(crate) concurrency: usize,
}

/// `snmp poll`: the agents are `host,host,...` or `@FILE` (one a line, `#` comments), each
/// with the options given; one result line per agent and OID, exit 1 if any failed.
pub(crate) async fn poll(args: PollArgs) -> Result<(), Failure> {
    let PollArgs {
        agent,
        oids,
        concurrency,
    } = args;
    let (agent, oids) = (&agent, &oids[..]);
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
    let oids = names.resolve_all(oids)?;
    agent.check_app(Tool::Get)?;
    let client = Client::with_defaults()?;
    let mut out = Out::new();
    let mut failed = false;
    // A host with bad options, or whose name does not resolve, fails only itself. Names are
    // looked up by the poll, through the runtime (never blocking it), a few at once.
    let mut targets = Vec::new();
    let mut hosts_of = Vec::new();
    for h in hosts {
        let one = Agent {
            host: h.clone(),
            ..agent.clone()
        };
        let target = one
            .builder(Tool::Get)
            .and_then(|b| b.poll_target().map_err(Failure::from));
        match target {
            Ok(t) => {
                targets.push(t);
                hosts_of.push(h);
            }
            Err(e) => {
                failed = true;
                out.line(&host_failure(agent.json, &h, &e));
            }
        }
    }
    let mut unresolved = std::collections::BTreeSet::new();
    let mut results = client.poll_many(targets, oids, concurrency);
    while let Some(r) = results.next().await {
        if let Err(e @ Error::Resolve(_)) = &r.result {
            // Once per host, as a host that fails before the poll.
            failed = true;
            let h = hosts_of.get(r.index).map_or("", String::as_str);
            if unresolved.insert(r.index)
                && !out.line(&host_failure(agent.json, h, &e.clone().into()))
            {
                break;
            }
            continue;
        }
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
    Ok(())
}

/// The line of a host that fails as a whole (bad options, a name that does not resolve).
fn host_failure(json: bool, h: &str, e: &Failure) -> String {
    let text = match e {
        Failure::Snmp(e) => netsnmp::error_text(Tool::Get, h, e),
        other => other.to_string(),
    };
    if json {
        serde_json::json!({ "host": h, "error": text }).to_string()
    } else {
        format!("{h}: {text}")
    }
}

/// A poll result's error on one line, in Net-SNMP's words where it has them (an
/// error-status answer as `Error in packet: Reason: ...`).
fn poll_error(host: &str, e: &Error) -> String {
    netsnmp::error_text(Tool::Get, host, e)
        .trim_end_matches('.')
        .replace('\n', ": ")
}
