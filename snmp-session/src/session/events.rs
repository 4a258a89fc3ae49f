//! What a session hands out: datagrams to send ([`Transmit`]) and events ([`Event`]), and the
//! queue that turns an operation's outputs into events.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::net::SocketAddr;

use snmp_codec::VarBind;

use super::OpId;
use crate::error::Error;
use crate::op::Output;
use crate::TableRow;

/// A datagram to send, written by
/// [`Session::poll_transmit`](super::Session::poll_transmit) into the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transmit {
    /// Where to send it.
    pub destination: SocketAddr,
    /// How many bytes of the buffer it takes.
    pub len: usize,
    /// For a stream (TCP) target, the target whose connection it is written on, whole
    /// (`None`: a datagram to `destination`).
    pub connection: Option<super::TargetId>,
}

/// What the session tells its driver, from [`Session::poll_event`](super::Session::poll_event).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// Varbinds of an operation: the whole answer of a get, get-next, get-bulk, set or inform,
    /// or the next part of a walk (a walk can produce many of these).
    Varbinds {
        /// The operation.
        op: OpId,
        /// The varbinds, in the order received.
        varbinds: Vec<VarBind>,
    },
    /// The rows of a table operation, ordered by index (all rows so far, once, just before
    /// `Done`; also when the table ends in an error).
    Rows {
        /// The operation.
        op: OpId,
        /// The rows.
        rows: Vec<TableRow>,
    },
    /// The operation is over. Every operation ends with exactly one `Done`, after its data.
    Done {
        /// The operation.
        op: OpId,
        /// How it ended.
        result: Result<(), Error>,
    },
}

/// Events waiting for [`Session::poll_event`](super::Session::poll_event).
#[derive(Debug, Default)]
pub(crate) struct Events {
    queue: VecDeque<Event>,
    /// Reused buffer for what an operation outputs in one step.
    outputs: Vec<Output>,
}

impl Events {
    /// The (empty) output buffer, for an operation's step.
    pub(crate) fn take_buffer(&mut self) -> Vec<Output> {
        core::mem::take(&mut self.outputs)
    }

    /// Turns an operation's outputs into events, and keeps the (now empty) buffer for reuse.
    pub(crate) fn emit(&mut self, op: OpId, mut out: Vec<Output>) {
        for o in out.drain(..) {
            self.queue.push_back(match o {
                Output::Varbinds(varbinds) => Event::Varbinds { op, varbinds },
                Output::Rows(rows) => Event::Rows { op, rows },
            });
        }
        self.outputs = out;
    }

    /// The operation's end.
    pub(crate) fn done(&mut self, op: OpId, result: Result<(), Error>) {
        self.queue.push_back(Event::Done { op, result });
    }

    pub(crate) fn pop(&mut self) -> Option<Event> {
        self.queue.pop_front()
    }
}
