//! One agent as a manager sees it, and each Manager call described once: the request it
//! starts and how its outcome becomes the value the call returns. Both faces' methods are
//! `run(agent.get(oid)?)`: they differ only in how they wait.

use std::net::SocketAddr;
use std::time::Duration;

use snmp_codec::{Oid, TrapV1Pdu, Value, VarBind, Version};
use snmp_mib::{Description, Format, Mib};
use snmp_session::{CallOptions, Request, StartError, TargetConfig, TargetId, WalkOptions};

use crate::error::Error;
use crate::oid::IntoOid;
use crate::table::{Table, TableError};

/// One agent: its target in a session, its address and version, the MIB names are resolved
/// and described with, and the timeout and retries of calls made through this handle.
///
/// ```
/// use snmp_manager::{Agent, TargetConfig};
/// let cfg = TargetConfig::v2c("127.0.0.1:161".parse().unwrap(), "public");
/// let mut session = snmp_session::Session::new(Default::default(), [1; 32]);
/// let agent = Agent::new(session.add_target(cfg.clone()), &cfg);
/// assert_eq!(agent.name(&"1.3.6.1.2.1.2.2.1.2.1".parse().unwrap()), "IF-MIB::ifDescr.1");
/// ```
#[derive(Clone)]
pub struct Agent {
    target: TargetId,
    version: Version,
    addr: SocketAddr,
    mib: Mib,
    call: CallOptions,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("target", &self.target)
            .field("version", &self.version)
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// How an answer's varbinds become what a call returns.
pub struct Finish<T>(fn(&Agent, Vec<VarBind>) -> Result<T, Error>, bool);

impl<T> std::fmt::Debug for Finish<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Finish")
    }
}

impl<T> Finish<T> {
    /// The call's result from its operation's outcome.
    pub fn apply(self, agent: &Agent, outcome: Result<Vec<VarBind>, Error>) -> Result<T, Error> {
        // The OIDs of an error named through the Manager's MIB where the caller gave names.
        let name = |e: Error| if self.1 { e.with_names(&agent.mib) } else { e };
        (self.0)(agent, outcome.map_err(name)?).map_err(name)
    }
}

/// One Manager call whose answer comes all at once: the request to start, and how its
/// varbinds become the returned value.
#[derive(Debug)]
pub struct Call<T> {
    request: Request,
    finish: Finish<T>,
}

impl<T> Call<T> {
    fn new(request: Request, finish: fn(&Agent, Vec<VarBind>) -> Result<T, Error>) -> Self {
        Call {
            request,
            finish: Finish(finish, false),
        }
    }

    /// This call, its errors naming their OIDs through the MIB (the caller gave names).
    fn named(mut self, yes: bool) -> Self {
        self.finish.1 = yes;
        self
    }

    /// The request.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The request to start, and what to do with its outcome.
    pub fn into_parts(self) -> (Request, Finish<T>) {
        (self.request, self.finish)
    }
}

fn all(_: &Agent, vbs: Vec<VarBind>) -> Result<Vec<VarBind>, Error> {
    Ok(vbs)
}

fn nothing(_: &Agent, _: Vec<VarBind>) -> Result<(), Error> {
    Ok(())
}

fn pairs(_: &Agent, vbs: Vec<VarBind>) -> Result<Vec<(Oid, Value)>, Error> {
    Ok(vbs.into_iter().map(|vb| (vb.oid, vb.value)).collect())
}

fn one_value(a: &Agent, vbs: Vec<VarBind>) -> Result<Value, Error> {
    a.value_of(a.only(vbs)?)
}

fn values(a: &Agent, vbs: Vec<VarBind>) -> Result<Vec<Value>, Error> {
    vbs.into_iter().map(|vb| a.value_of(vb)).collect()
}

fn next_pair(a: &Agent, vbs: Vec<VarBind>) -> Result<(Oid, Value), Error> {
    let vb = a.only(vbs)?;
    let oid = vb.oid.clone();
    Ok((oid, a.value_of(vb)?))
}

fn echoed(a: &Agent, vbs: Vec<VarBind>) -> Result<Value, Error> {
    Ok(a.only(vbs)?.value)
}

/// OIDs from names or numbers, and whether any was a name.
fn named_oids<I: IntoOid>(
    mib: &Mib,
    oids_in: impl IntoIterator<Item = I>,
) -> Result<(Vec<Oid>, bool), Error> {
    let mut named = false;
    let list = oids_in
        .into_iter()
        .map(|o| {
            named |= o.is_name();
            o.into_oid(mib)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok((list, named))
}

fn table_failed(error: Error) -> TableError {
    TableError {
        error,
        rows: Vec::new(),
    }
}

impl Agent {
    /// The agent of session target `target`, configured by `config`, with the embedded
    /// standard MIB and the target's own timeout and retries.
    pub fn new(target: TargetId, config: &TargetConfig) -> Self {
        Agent {
            target,
            version: config.version(),
            addr: config.addr,
            mib: Mib::standard(),
            call: CallOptions::default(),
        }
    }

    /// This agent with `mib` for names.
    pub fn with_mib(mut self, mib: Mib) -> Self {
        self.mib = mib;
        self
    }

    /// The session target.
    pub fn target(&self) -> TargetId {
        self.target
    }

    /// The SNMP version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The agent's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The MIB names are resolved and described with.
    pub fn mib(&self) -> &Mib {
        &self.mib
    }

    /// This handle's timeout and retries, over the target's.
    pub fn call_options(&self) -> CallOptions {
        self.call
    }

    /// This agent with calls that wait `timeout` per attempt.
    pub fn with_timeout(&self, timeout: Duration) -> Agent {
        let mut a = self.clone();
        a.call = a.call.with_timeout(timeout);
        a
    }

    /// This agent with calls that make `retries` retries after the first attempt.
    pub fn with_retries(&self, retries: u32) -> Agent {
        let mut a = self.clone();
        a.call = a.call.with_retries(retries);
        a
    }

    /// Object, module, index and the value formatted by the MIB.
    pub fn describe(&self, oid: &Oid, value: &Value) -> Description {
        Format::default().describe(&self.mib, oid, value)
    }

    /// An OID as `snmpwalk` names it with MIBs.
    pub fn name(&self, oid: &Oid) -> String {
        Format::default().oid(&self.mib, oid)
    }

    /// A varbind as `snmpwalk` prints it with MIBs.
    pub fn format(&self, oid: &Oid, value: &Value) -> String {
        Format::default().varbind(&self.mib, oid, value)
    }

    /// An operation of this agent failed.
    pub fn error(&self, error: snmp_session::Error) -> Error {
        Error::operation_failed(self.addr, error)
    }

    /// An operation of this agent could not start. An unknown target is a closed manager
    /// ([`Error::Closed`], in both faces).
    pub fn start_error(&self, error: StartError) -> Error {
        start_error(self.addr, error)
    }

    /// The value of a varbind of this agent's answer, exceptions as errors.
    pub fn value_of(&self, vb: VarBind) -> Result<Value, Error> {
        vb.into_value().map_err(|e| self.error(e.into()))
    }

    /// The varbind of a one-OID answer: the first (an agent that answers with more varbinds
    /// than asked for does not get its extra ones taken for the answer).
    pub fn only(&self, vbs: Vec<VarBind>) -> Result<VarBind, Error> {
        vbs.into_iter()
            .next()
            .ok_or_else(|| self.error(snmp_session::Error::MalformedResponse("empty answer")))
    }

    // ----- the calls ----------------------------------------------------------------------

    /// `get`: GET of one OID, exceptions as errors.
    pub fn get(&self, oid: impl IntoOid) -> Result<Call<Value>, Error> {
        let named = oid.is_name();
        let oid = oid.into_oid(&self.mib)?;
        Ok(Call::new(Request::Get(vec![oid]), one_value).named(named))
    }

    /// `get_many`: GET of many OIDs, the first exception an error.
    pub fn get_many<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Call<Vec<Value>>, Error> {
        let (list, named) = named_oids(&self.mib, oids_in)?;
        Ok(Call::new(Request::Get(list), values).named(named))
    }

    /// `get_varbinds`: GET of many OIDs, exceptions kept as values.
    pub fn get_varbinds<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Call<Vec<VarBind>>, Error> {
        let (list, named) = named_oids(&self.mib, oids_in)?;
        Ok(Call::new(Request::Get(list), all).named(named))
    }

    /// `get_each`: GET where one missing OID fails only itself, in v1 too.
    pub fn get_each<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Call<Vec<VarBind>>, Error> {
        let (list, named) = named_oids(&self.mib, oids_in)?;
        Ok(Call::new(Request::GetEach(list), all).named(named))
    }

    /// `get_next`: GETNEXT of one OID, the next OID and its value.
    pub fn get_next(&self, oid: impl IntoOid) -> Result<Call<(Oid, Value)>, Error> {
        let named = oid.is_name();
        let oid = oid.into_oid(&self.mib)?;
        Ok(Call::new(Request::GetNext(vec![oid]), next_pair).named(named))
    }

    /// `get_next_varbinds`: GETNEXT of many OIDs, the answer as it came.
    pub fn get_next_varbinds<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
    ) -> Result<Call<Vec<VarBind>>, Error> {
        let (list, named) = named_oids(&self.mib, oids_in)?;
        Ok(Call::new(Request::GetNext(list), all).named(named))
    }

    /// `get_bulk`: GETBULK (v2c, v3).
    pub fn get_bulk<I: IntoOid>(
        &self,
        oids_in: impl IntoIterator<Item = I>,
        non_repeaters: u32,
        max_repetitions: u32,
    ) -> Result<Call<Vec<(Oid, Value)>>, Error> {
        let (list, named) = named_oids(&self.mib, oids_in)?;
        let request = Request::GetBulk {
            oids: list,
            non_repeaters,
            max_repetitions,
        };
        Ok(Call::new(request, pairs).named(named))
    }

    /// `set`: SET of one OID; the value the agent echoed.
    pub fn set(&self, oid: impl IntoOid, value: impl Into<Value>) -> Result<Call<Value>, Error> {
        let named = oid.is_name();
        let vb = VarBind::new(oid.into_oid(&self.mib)?, value.into());
        Ok(Call::new(Request::Set(vec![vb]), echoed).named(named))
    }

    /// `set_many`: SET of several OIDs at once.
    pub fn set_many<I: IntoOid>(
        &self,
        pairs_in: impl IntoIterator<Item = (I, Value)>,
    ) -> Result<Call<Vec<VarBind>>, Error> {
        let mut named = false;
        let vbs = pairs_in
            .into_iter()
            .map(|(o, v)| {
                named |= o.is_name();
                Ok(VarBind::new(o.into_oid(&self.mib)?, v))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Call::new(Request::Set(vbs), all).named(named))
    }

    /// `send_trap`: an SNMPv2-Trap, done when sent.
    pub fn send_trap(
        &self,
        trap_oid: impl IntoOid,
        varbinds: Vec<VarBind>,
        uptime: u32,
    ) -> Result<Call<()>, Error> {
        let request = Request::Trap {
            trap_oid: trap_oid.into_oid(&self.mib)?,
            uptime,
            varbinds,
        };
        Ok(Call::new(request, nothing))
    }

    /// `send_trap_v1`: an SNMPv1 Trap-PDU, done when sent.
    pub fn send_trap_v1(&self, trap: TrapV1Pdu) -> Call<()> {
        Call::new(Request::TrapV1(trap), nothing)
    }

    /// `send_inform`: an InformRequest; the acknowledgement's varbinds.
    pub fn send_inform(
        &self,
        trap_oid: impl IntoOid,
        varbinds: Vec<VarBind>,
        uptime: u32,
    ) -> Result<Call<Vec<VarBind>>, Error> {
        let request = Request::Inform {
            trap_oid: trap_oid.into_oid(&self.mib)?,
            uptime,
            varbinds,
        };
        Ok(Call::new(request, all))
    }

    /// The walks (`walk`, `bulk_walk`, `walk_with_options`): the subtree under `oid`, with
    /// GETNEXT when `bulk_size` is `None`.
    pub fn walk(
        &self,
        oid: impl IntoOid,
        bulk_size: Option<u32>,
        options: WalkOptions,
    ) -> Result<Request, Error> {
        Ok(Request::Walk {
            root: oid.into_oid(&self.mib)?,
            max_repetitions: bulk_size,
            options,
        })
    }

    /// `get_table` and `get_table_with_options`: the rows under entry `base`.
    pub fn get_table(
        &self,
        base: impl IntoOid,
        columns: Option<&[u32]>,
        bulk_size: u32,
        options: WalkOptions,
    ) -> Result<(Request, Oid), TableError> {
        let entry = base.into_oid(&self.mib).map_err(table_failed)?;
        let request = Request::Table {
            entry: entry.clone(),
            columns: columns.map(<[u32]>::to_vec),
            max_repetitions: bulk_size,
            options,
        };
        Ok((request, entry))
    }

    /// `table`: the table, entry or column named by `table`, to fetch as a table of
    /// [`crate::TABLE_REPETITIONS`]; the entry is what [`Agent::decode_table`] wants.
    pub fn table(&self, table: impl IntoOid) -> Result<(Request, Oid), TableError> {
        let oid = table.into_oid(&self.mib).map_err(table_failed)?;
        // What the MIB knows is not a table is refused, as snmptable refuses it; an OID the
        // MIB does not know is fetched as an entry.
        if let Some((node, depth)) = self.mib.lookup(oid.arcs()) {
            let tabular = matches!(
                node.kind(),
                snmp_mib::Kind::Table | snmp_mib::Kind::Row | snmp_mib::Kind::Column
            );
            let exact = depth == oid.arcs().len();
            if !tabular || !exact {
                return Err(table_failed(Error::NotATable(self.name(&oid))));
            }
        }
        let entry = Table::entry_of(&self.mib, &oid);
        let (request, _) = self.get_table(
            entry.clone(),
            None,
            crate::TABLE_REPETITIONS,
            WalkOptions::default(),
        )?;
        Ok((request, entry))
    }

    /// The rows of a table fetch, named and decoded with this agent's MIB (an error's OIDs
    /// named too).
    pub fn decode_table(&self, entry: &Oid, raw: crate::RawRows) -> Result<Table, TableError> {
        let raw = raw.map_err(|(e, rows)| (e.with_names(&self.mib), rows));
        Table::decode_result(&self.mib, &Table::entry_of(&self.mib, entry), raw)
    }
}

/// An operation on the agent at `addr` could not start; an unknown target is a closed
/// manager.
pub(crate) fn start_error(addr: SocketAddr, error: StartError) -> Error {
    match error {
        StartError::UnknownTarget => Error::Closed,
        error => Error::Start {
            target: addr,
            error,
        },
    }
}
