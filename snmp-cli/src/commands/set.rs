//! `snmp set` (snmpset).

use crate::failure::Failure;
use crate::names::Out;
use crate::netsnmp::Tool;
use crate::options::Agent;
use crate::output::print_varbind;
use crate::report::request_failed;
use crate::triples::{self, TripleFor};

/// `snmp set`: OID TYPE VALUE triples, as snmpset takes them; -Cq prints nothing.
/// The arguments of `set`.
#[derive(clap::Args)]
pub(crate) struct SetArgs {
    #[command(flatten)]
    pub(crate) agent: Agent,
    /// OID TYPE VALUE, repeated.
    #[arg(
        value_name = "OID TYPE VALUE",
        required = true,
        num_args = 1..,
        allow_hyphen_values = true
    )]
    pub(crate) triples: Vec<String>,
}

pub(crate) async fn set(SetArgs { agent, triples }: SetArgs) -> Result<(), Failure> {
    let (agent, triples) = (&agent, &triples[..]);
    let names = agent.names.load()?;
    let vbs = triples::parse_triples(&names, triples, TripleFor::Set)?;
    let m = agent.manager(Tool::Set).await?;
    let mut out = Out::new();
    let vbs = m
        .set_many(vbs.into_iter().map(|vb| (vb.oid, vb.value)))
        .await
        .map_err(|e| request_failed(Tool::Set, &names, e))?;
    if !agent.app_has('q') {
        for vb in &vbs {
            print_varbind(&mut out, &names, vb, agent.json);
        }
    }
    Ok(())
}
