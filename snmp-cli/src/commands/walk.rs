//! `snmp walk` and `snmp bulkwalk` (snmpwalk, snmpbulkwalk).

use snmp_tokio::session::Error as OpError;
use snmp_tokio::{StreamExt, Value, VarBind, Version};

use crate::failure::Failure;
use crate::names::Out;
use crate::netsnmp::{self, Tool};
use crate::options::{Agent, WalkFlags};
use crate::output::print_varbind;
use crate::report::request_failed;

/// The arguments of `walk` and `bulkwalk`.
#[derive(clap::Args)]
pub(crate) struct WalkArgs {
    #[command(flatten)]
    pub(crate) agent: Agent,
    #[command(flatten)]
    pub(crate) walk: WalkFlags,
    /// The subtree, a name or numbers (default .1.3.6.1.2.1, mib-2, as snmpwalk).
    #[arg(value_name = "OID")]
    pub(crate) oid: Option<String>,
}

pub(crate) async fn walk(args: WalkArgs, bulk: bool) -> Result<(), Failure> {
    let WalkArgs {
        agent,
        walk: flags,
        oid,
    } = args;
    let (agent, flags) = (&agent, &flags);
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
        if progress && count.is_multiple_of(1000) {
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
            _ => netsnmp::report(tool, agent.peer(), &request_failed(tool, &names, e)),
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
