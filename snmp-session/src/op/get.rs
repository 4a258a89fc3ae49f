//! GET of many OIDs: split into requests that fit, `tooBig` halving the chunk, and (for
//! `get_each`) v1's noSuchName isolated to the OID it names.

use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, PduType, Value, VarBind};

use smallvec::SmallVec;

use super::{status_error, Output, Slot, Step, View};
use crate::error::Error;

/// One request's worth of OIDs: where they stand in the caller's list, and the answer.
#[derive(Debug)]
struct Chunk {
    oids: Vec<Oid>,
    /// The position in the caller's list of its first OID.
    first: usize,
    /// With `isolate` (OIDs may be taken out), the position of each OID; empty otherwise
    /// (they are contiguous from `first`).
    positions: Vec<usize>,
    /// The answer's varbinds, once it came (until then the chunk is in flight: it is made
    /// when it is sent).
    answer: Option<Vec<VarBind>>,
}

/// GET of many OIDs, in chunks of at most `chunk` OIDs, up to `in_flight` of them in flight at
/// once (pipelining; 1: one after the other).
#[derive(Debug)]
pub(crate) struct GetOp {
    /// The caller's OIDs not yet in a chunk, from `pos` on.
    oids: Vec<Oid>,
    pos: usize,
    chunk: usize,
    in_flight: usize,
    /// Inline for the usual one chunk (a steady-state GET allocates nothing for it).
    chunks: SmallVec<[Chunk; 1]>,
    /// The second halves of chunks that were too big, to be sent as chunks of their own.
    returned: Vec<(Vec<Oid>, usize, Vec<usize>)>,
    /// Answer a noSuchName error (SNMPv1's way to say an OID does not exist) with a
    /// noSuchObject value for that OID, and ask for the others again.
    isolate: bool,
    /// OIDs taken out that way, with their positions in the caller's list.
    missing: Vec<(usize, Oid)>,
}

impl GetOp {
    pub(crate) fn new(oids: Vec<Oid>, chunk: usize, isolate: bool, in_flight: usize) -> Self {
        Self {
            oids,
            pos: 0,
            chunk: chunk.max(1),
            in_flight: in_flight.max(1),
            chunks: SmallVec::new(),
            returned: Vec::new(),
            isolate,
            missing: Vec::new(),
        }
    }

    /// The first requests.
    pub(super) fn start(&mut self) -> Step {
        self.fill()
    }

    /// Makes new chunks while fewer than `in_flight` are out; what to send.
    fn fill(&mut self) -> Step {
        let mut out = 0usize;
        let flying = self.chunks.iter().filter(|c| c.answer.is_none()).count();
        // Inline: the usual single request allocates nothing here.
        let mut slots: SmallVec<[Slot; 4]> = SmallVec::new();
        while flying.saturating_add(out) < self.in_flight {
            let (oids, first, positions) = if let Some(r) = self.returned.pop() {
                r
            } else if self.pos < self.oids.len() {
                let (first, end) = (
                    self.pos,
                    self.pos.saturating_add(self.chunk).min(self.oids.len()),
                );
                let positions = if self.isolate {
                    (first..end).collect()
                } else {
                    Vec::new()
                };
                let oids = if first == 0 && end == self.oids.len() {
                    core::mem::take(&mut self.oids)
                } else {
                    self.oids.get(first..end).unwrap_or_default().to_vec()
                };
                self.pos = end;
                (oids, first, positions)
            } else {
                break;
            };
            let Ok(slot) = Slot::try_from(self.chunks.len()) else {
                return Step::Finish(Err(Error::TooBig));
            };
            self.chunks.push(Chunk {
                oids,
                first,
                positions,
                answer: None,
            });
            slots.push(slot);
            out = out.saturating_add(1);
        }
        match slots.as_slice() {
            [] if flying == 0 => Step::Finish(Ok(())),
            [] => Step::Wait,
            [0] => Step::Send,
            _ => Step::SendSlots(slots.to_vec()),
        }
    }

    pub(super) fn view(&self, slot: Slot) -> View<'_> {
        let oids = self
            .chunks
            .get(usize::from(slot))
            .map_or(&[][..], |c| &c.oids[..]);
        View::Oids(PduType::GetRequest, [0, 0], oids)
    }

    /// The results in the caller's order, the missing OIDs put back as noSuchObject.
    fn merged(&mut self) -> Vec<VarBind> {
        if self.chunks.len() == 1 && self.missing.is_empty() {
            return self
                .chunks
                .first_mut()
                .and_then(|c| c.answer.take())
                .unwrap_or_default();
        }
        let mut all: Vec<(usize, VarBind)> = Vec::new();
        for c in self.chunks.drain(..) {
            let answer = c.answer.unwrap_or_default();
            if c.positions.is_empty() {
                all.extend((c.first..).zip(answer));
            } else {
                all.extend(c.positions.into_iter().zip(answer));
            }
        }
        all.extend(
            self.missing
                .drain(..)
                .map(|(at, oid)| (at, VarBind::new(oid, Value::NoSuchObject))),
        );
        all.sort_by_key(|(at, _)| *at);
        all.into_iter().map(|(_, vb)| vb).collect()
    }

    pub(super) fn on_response(&mut self, slot: Slot, g: GenericPdu, out: &mut Vec<Output>) -> Step {
        let i = usize::from(slot);
        let Some(c) = self.chunks.get_mut(i) else {
            return Step::Wait;
        };
        let sent = c.oids.len();
        if g.error_status == ErrorStatus::TooBig {
            if sent > 1 {
                // Halve this chunk (and the chunks made from now on); its second half goes out
                // as a chunk of its own.
                let half = (sent / 2).max(1);
                self.chunk = half;
                let positions = if c.positions.is_empty() {
                    Vec::new()
                } else {
                    c.positions.split_off(half)
                };
                let first = positions
                    .first()
                    .copied()
                    .unwrap_or(c.first.saturating_add(half));
                self.returned
                    .push((c.oids.split_off(half), first, positions));
                return self.resend(slot);
            }
            return Step::Finish(Err(Error::TooBig));
        }
        if g.error_status == ErrorStatus::NoSuchName && self.isolate {
            let k = usize::try_from(g.error_index).unwrap_or(0);
            // Isolating keeps one position per OID: `k - 1` is in both.
            if let Some(at) = k
                .checked_sub(1)
                .filter(|&at| at < sent && at < c.positions.len())
            {
                let oid = c.oids.remove(at);
                let original = c.positions.remove(at);
                c.first = c.positions.first().copied().unwrap_or(c.first);
                self.missing.push((original, oid));
                if c.oids.is_empty() {
                    c.answer = Some(Vec::new());
                    return self.next(out);
                }
                return self.resend(slot);
            }
        }
        if g.error_status != ErrorStatus::NoError {
            let base = c.first;
            return Step::Finish(Err(status_error(&g, self.view(slot), base)));
        }
        if g.varbinds.len() != sent {
            return Step::Finish(Err(Error::MalformedResponse(
                "answer has another number of varbinds than the request",
            )));
        }
        c.answer = Some(g.varbinds);
        self.next(out)
    }

    /// Sends chunk `slot` again (changed), with any new chunks there is room for.
    fn resend(&mut self, slot: Slot) -> Step {
        match self.fill() {
            Step::Send => Step::SendSlots(alloc::vec![slot, 0]),
            Step::Wait | Step::Finish(_) => Step::SendSlots(alloc::vec![slot]),
            Step::SendSlots(mut more) => {
                more.insert(0, slot);
                Step::SendSlots(more)
            }
        }
    }

    /// A chunk is done: the next ones, or the end.
    fn next(&mut self, out: &mut Vec<Output>) -> Step {
        match self.fill() {
            Step::Finish(Ok(())) => {
                out.push(Output::Varbinds(self.merged()));
                Step::Finish(Ok(()))
            }
            other => other,
        }
    }
}
