//! GET of many OIDs: split into requests that fit, `tooBig` halving the chunk, and (for
//! `get_each`) v1's noSuchName isolated to the OID it names.

use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, PduType, Value, VarBind};

use super::{status_error, Output, Step, View};
use crate::error::Error;

/// GET of many OIDs, in chunks.
#[derive(Debug)]
pub(crate) struct GetOp {
    oids: Vec<Oid>,
    pos: usize,
    chunk: usize,
    results: Vec<VarBind>,
    /// Answer a noSuchName error (SNMPv1's way to say an OID does not exist) with a
    /// noSuchObject value for that OID, and ask for the others again.
    isolate: bool,
    /// OIDs taken out that way, with their positions in the original list.
    missing: Vec<(usize, Oid)>,
    /// The original position of each OID still in `oids`.
    positions: Vec<usize>,
}

impl GetOp {
    pub(crate) fn new(oids: Vec<Oid>, chunk: usize, isolate: bool) -> Self {
        let positions = if isolate {
            (0..oids.len()).collect()
        } else {
            Vec::new()
        };
        Self {
            oids,
            pos: 0,
            chunk: chunk.max(1),
            results: Vec::new(),
            isolate,
            missing: Vec::new(),
            positions,
        }
    }

    /// The results with the missing OIDs put back at their places, as noSuchObject.
    fn merged(&mut self) -> Vec<VarBind> {
        let mut results = core::mem::take(&mut self.results);
        if self.missing.is_empty() {
            return results;
        }
        let total = results.len() + self.missing.len();
        let mut missing = core::mem::take(&mut self.missing);
        missing.sort_by_key(|(i, _)| *i);
        let mut found = results.drain(..);
        let mut missing = missing.into_iter().peekable();
        (0..total)
            .filter_map(|i| match missing.peek() {
                Some((at, _)) if *at == i => missing
                    .next()
                    .map(|(_, oid)| VarBind::new(oid, Value::NoSuchObject)),
                _ => found.next(),
            })
            .collect()
    }

    fn current(&self) -> &[Oid] {
        let end = (self.pos + self.chunk).min(self.oids.len());
        self.oids.get(self.pos..end).unwrap_or(&[])
    }

    pub(super) fn view(&self) -> View<'_> {
        View::Oids(PduType::GetRequest, [0, 0], self.current())
    }

    pub(super) fn on_response(&mut self, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        let sent = self.current().len();
        if g.error_status == ErrorStatus::TooBig {
            if sent > 1 {
                self.chunk = (sent / 2).max(1);
                return Step::Send;
            }
            return Step::Finish(Err(Error::TooBig));
        }
        if g.error_status == ErrorStatus::NoSuchName && self.isolate {
            let k = usize::try_from(g.error_index).unwrap_or(0);
            if k >= 1 && k <= sent {
                let at = self.pos + k - 1;
                let oid = self.oids.remove(at);
                let original = self.positions.remove(at);
                self.missing.push((original, oid));
                if self.pos >= self.oids.len() {
                    out.push(Output::Varbinds(self.merged()));
                    return Step::Finish(Ok(()));
                }
                return Step::Send;
            }
        }
        if g.error_status != ErrorStatus::NoError {
            return Step::Finish(Err(status_error(&g, self.view(), self.pos)));
        }
        if g.varbinds.len() != sent {
            return Step::Finish(Err(Error::MalformedResponse(
                "answer has another number of varbinds than the request",
            )));
        }
        self.pos += sent;
        let done = self.pos >= self.oids.len();
        if done && self.results.is_empty() && self.missing.is_empty() {
            // One chunk: hand out the decoded vector itself.
            out.push(Output::Varbinds(g.varbinds));
            return Step::Finish(Ok(()));
        }
        self.results.extend(g.varbinds);
        if done {
            out.push(Output::Varbinds(self.merged()));
            Step::Finish(Ok(()))
        } else {
            Step::Send
        }
    }
}
