//! `snmp get`, `snmp getnext` and `snmp bulkget` (snmpget, snmpgetnext, snmpbulkget).

use snmp_tokio::session::Error as OpError;
use snmp_tokio::{Error, Oid, VarBind};

use crate::failure::Failure;
use crate::names::{Names, Out};
use crate::netsnmp::Tool;
use crate::options::Agent;
use crate::output::print_varbind;
use crate::report::request_failed;

/// `snmp get`.
/// An agent and OIDs: the arguments of `get`, `getnext` and `bulkget`.
#[derive(clap::Args)]
pub(crate) struct OidArgs {
    #[command(flatten)]
    pub(crate) agent: Agent,
    /// The OIDs, as names (`sysDescr.0`, `IF-MIB::ifDescr.3`) or numbers (`.1.3.6.1.2.1.1.1.0`).
    #[arg(value_name = "OID", required = true)]
    pub(crate) oids: Vec<String>,
}

pub(crate) async fn get(OidArgs { agent, oids }: OidArgs) -> Result<(), Failure> {
    let (agent, oids) = (&agent, &oids[..]);
    let names = agent.names.load()?;
    let oids = names.resolve_all(oids)?;
    let m = agent.manager(Tool::Get).await?;
    fixing(Tool::Get, agent, &names, oids, |o| m.get_varbinds(o)).await
}

/// `snmp getnext`.
pub(crate) async fn getnext(OidArgs { agent, oids }: OidArgs) -> Result<(), Failure> {
    let (agent, oids) = (&agent, &oids[..]);
    let names = agent.names.load()?;
    let oids = names.resolve_all(oids)?;
    let m = agent.manager(Tool::GetNext).await?;
    fixing(Tool::GetNext, agent, &names, oids, |o| {
        m.get_next_varbinds(o)
    })
    .await
}

/// `snmp bulkget`: -Cn<N> non-repeaters (default 0), -Cr<N> max-repetitions (default 10).
pub(crate) async fn bulkget(OidArgs { agent, oids }: OidArgs) -> Result<(), Failure> {
    let (agent, oids) = (&agent, &oids[..]);
    let names = agent.names.load()?;
    let oids = names.resolve_all(oids)?;
    let m = agent.manager(Tool::BulkGet).await?;
    let n = agent.app_number('n').unwrap_or(0);
    let r = agent.app_number('r').unwrap_or(10);
    let mut out = Out::new();
    let vbs = m
        .get_bulk(oids, n, r)
        .await
        .map_err(|e| request_failed(Tool::BulkGet, &names, e))?;
    for (o, v) in vbs {
        print_varbind(&mut out, &names, &VarBind::new(o, v), agent.json);
    }
    Ok(())
}

/// A request whose error-status answer Net-SNMP's tools "fix": print the error, drop the
/// varbind it names and ask again for the rest (unless `-Cf`), exit 2 in the end.
pub(crate) async fn fixing<F, Fut>(
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
                out.flush();
                let at = match e.operation() {
                    Some(OpError::Status { index, .. }) => *index as usize,
                    _ => return Err(e.into()),
                };
                // Printed as Net-SNMP prints it; the exit code is 2 in the end.
                crate::report::print_packet_error(tool, names, &e);
                code = 2;
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
