//! A walk of a subtree with GETNEXT or GETBULK.

use alloc::vec::Vec;

use snmp_codec::{ErrorStatus, GenericPdu, Oid, PduType, Value, VarBind, Version};

use super::repetitions::{AnswerSize, RepetitionControl};
use super::{status_error, Output, Step, View};
use crate::config::{OidCheck, WalkOptions};
use crate::error::Error;

/// A walk of the subtree under `root`.
#[derive(Debug)]
pub(crate) struct WalkOp {
    root: Oid,
    last: Oid,
    /// GETBULK's max-repetitions, `None` for GETNEXT.
    bulk: Option<RepetitionControl>,
    count: usize,
    options: WalkOptions,
    version: Version,
    /// The walk found nothing and fell back to a GET of the root (as `snmpwalk` does).
    tried_get: bool,
    /// The end marker was handed out (see [`WalkOptions::yield_end_of_mib`]).
    marker: bool,
    /// A stripe of a parallel walk: it ends after this OID (the next stripe's start), and does
    /// not fall back to a GET of the root.
    upper: Option<Oid>,
    stripe: bool,
}

impl WalkOp {
    pub(crate) fn new(
        root: Oid,
        bulk: Option<u32>,
        options: WalkOptions,
        version: Version,
    ) -> Self {
        Self {
            last: root.clone(),
            root,
            bulk: bulk.map(|b| RepetitionControl::new(b, options.repetitions)),
            count: 0,
            options,
            version,
            tried_get: false,
            marker: false,
            upper: None,
            stripe: false,
        }
    }

    /// A stripe of a parallel walk of `root`: the OIDs after `start`, up to and including
    /// `upper` (to the end of the subtree without).
    pub(crate) fn stripe(
        root: Oid,
        start: Oid,
        upper: Option<Oid>,
        bulk: Option<u32>,
        options: WalkOptions,
        version: Version,
    ) -> Self {
        let mut w = WalkOp::new(root, bulk, options, version);
        w.last = start;
        w.upper = upper;
        w.stripe = true;
        w
    }

    pub(super) fn view(&self) -> View<'_> {
        if self.tried_get {
            return View::Oids(
                PduType::GetRequest,
                [0, 0],
                core::slice::from_ref(&self.root),
            );
        }
        let last = core::slice::from_ref(&self.last);
        match self.bulk {
            Some(r) => View::Oids(
                PduType::GetBulkRequest,
                [0, i32::try_from(r.current()).unwrap_or(i32::MAX)],
                last,
            ),
            None => View::Oids(PduType::GetNextRequest, [0, 0], last),
        }
    }

    pub(super) fn on_response(
        &mut self,
        g: GenericPdu,
        out: &mut Vec<Output>,
        size: AnswerSize,
    ) -> Step {
        if self.tried_get {
            // The GET of the root after an empty walk.
            if g.error_status == ErrorStatus::NoError {
                let marker = self.options.yield_end_of_mib;
                let found: Vec<VarBind> = g
                    .varbinds
                    .into_iter()
                    .filter(|vb| marker || !vb.value.is_exception())
                    .collect();
                if !found.is_empty() {
                    out.push(Output::Varbinds(found));
                }
            }
            return Step::Finish(Ok(()));
        }
        match g.error_status {
            ErrorStatus::NoError => {}
            // SNMPv1 ends a walk with noSuchName.
            ErrorStatus::NoSuchName if self.version == Version::V1 => {
                if self.options.yield_end_of_mib && self.count > 0 {
                    self.marker = true;
                    let end = VarBind::new(self.last.clone(), Value::EndOfMibView);
                    out.push(Output::Varbinds(alloc::vec![end]));
                }
                return self.end();
            }
            ErrorStatus::TooBig => {
                let smaller = self
                    .bulk
                    .as_mut()
                    .is_some_and(RepetitionControl::on_too_big);
                return if smaller {
                    Step::Send
                } else {
                    Step::Finish(Err(Error::TooBig))
                };
            }
            _ => return Step::Finish(Err(status_error(&g, self.view(), 0))),
        }
        if g.varbinds.is_empty() {
            return Step::Finish(Err(Error::MalformedResponse(
                "no varbinds in a walk answer",
            )));
        }
        let received = g.varbinds.len();
        let (batch, finished, failure) = self.take(g.varbinds);
        if let Some(r) = self.bulk.as_mut() {
            r.on_answer(received, 1, size, finished || failure.is_some());
        }
        if !batch.is_empty() {
            out.push(Output::Varbinds(batch));
        }
        if let Some(e) = failure {
            return Step::Finish(Err(e));
        }
        if finished {
            return self.end();
        }
        Step::Send
    }

    /// Takes the varbinds of one answer: what to hand out, whether the walk reached its end,
    /// and the error that ends it.
    ///
    /// With [`OidCheck::Request`] (Net-SNMP's rule, the default) every varbind of the answer
    /// inside the subtree is handed out, each must be greater than the OID the request asked
    /// for (not than its neighbour: some agents answer out of order inside one answer), and
    /// the answer's last varbind is the next request's OID; that still guarantees progress.
    /// With [`OidCheck::Previous`] each varbind must be greater than the one before it, and
    /// the walk stops before one that is not; with [`OidCheck::None`] nothing is checked
    /// (the result limit still ends a looping agent's walk).
    fn take(&mut self, varbinds: Vec<VarBind>) -> (Vec<VarBind>, bool, Option<Error>) {
        let mut batch = Vec::with_capacity(varbinds.len());
        let mut finished = false;
        let mut failure = None;
        let check = self.options.check;
        let asked = self.last.clone();
        let n = varbinds.len();
        for (i, vb) in varbinds.into_iter().enumerate() {
            if self.upper.as_ref().is_some_and(|u| vb.oid > *u) {
                // The next stripe's: this one has ended.
                finished = true;
                if check == OidCheck::Request {
                    continue;
                }
                break;
            }
            if matches!(vb.value, Value::EndOfMibView) || !self.in_subtree(&vb.oid) {
                if self.options.yield_end_of_mib
                    && matches!(vb.value, Value::EndOfMibView)
                    && vb.oid.starts_with(&self.root)
                {
                    self.marker = true;
                    batch.push(vb);
                }
                finished = true;
                if check == OidCheck::Request {
                    continue; // as snmpbulkwalk: the rest of the answer is still shown
                }
                break;
            }
            if let Some(limit) = self.options.limit() {
                if self.count >= limit {
                    failure = Some(Error::ResultLimit(limit));
                    break;
                }
            }
            match check {
                OidCheck::Request => {
                    if vb.oid <= asked {
                        match &mut failure {
                            Some(Error::NonIncreasing { also, .. }) => also.push(vb.oid.clone()),
                            _ => {
                                failure = Some(Error::NonIncreasing {
                                    previous: asked.clone(),
                                    received: vb.oid.clone(),
                                    also: Vec::new(),
                                })
                            }
                        }
                    }
                    if i.saturating_add(1) == n && !vb.value.is_exception() {
                        self.last = vb.oid.clone();
                    }
                }
                OidCheck::Previous if vb.oid <= self.last => {
                    failure = Some(Error::NonIncreasing {
                        previous: self.last.clone(),
                        received: vb.oid,
                        also: Vec::new(),
                    });
                    break;
                }
                OidCheck::Previous | OidCheck::None => self.last = vb.oid.clone(),
            }
            self.count = self.count.saturating_add(1);
            batch.push(vb);
        }
        (batch, finished, failure)
    }

    /// Whether `oid` is in the walked subtree. Under Net-SNMP's rule the root itself counts
    /// (an agent answering GETNEXT of the root with the root: handed out, then not increasing,
    /// as `snmpwalk` does); otherwise only OIDs below it.
    /// An attempt went unanswered (the next one may ask for less).
    pub(super) fn on_attempt_timeout(&mut self) {
        if let Some(r) = self.bulk.as_mut() {
            r.on_timeout();
        }
    }

    /// The max-repetitions an adaptive walk ended with, to remember for the target.
    pub(super) fn learned_repetitions(&self) -> Option<u32> {
        self.bulk
            .filter(RepetitionControl::adaptive)
            .map(|r| r.current())
    }

    fn in_subtree(&self, oid: &Oid) -> bool {
        oid.starts_with(&self.root)
            && (oid.len() > self.root.len() || self.options.check == OidCheck::Request)
    }

    /// The walk reached its end: if it found nothing, try a GET of the root itself (the root
    /// may be an instance, which `snmpwalk` prints in that case).
    fn end(&mut self) -> Step {
        if self.count == 0
            && !self.tried_get
            && !self.marker
            && !self.stripe
            && !self.options.no_root_get
        {
            self.tried_get = true;
            return Step::Send;
        }
        Step::Finish(Ok(()))
    }
}
