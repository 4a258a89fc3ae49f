//! Property tests over loss patterns:
//! - if every request has at least one attempt that gets through (and its answer back), a walk
//!   returns exactly the agent's data, in order;
//! - whatever the network does, every operation ends (result or timeout) and the engine never
//!   spins.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use common::{agent_addr, Fate, Lossy, Rng, Sim};
use proptest::prelude::*;
use snmp_codec::{Oid, VarBind};
use snmp_session::{Error, Repetitions, Request, TargetConfig, WalkOptions};
use snmp_testkit::FakeAgent;

/// A network that carries the first N requests (and their answers), then nothing.
struct Cutoff(u32);

impl Fate for Cutoff {
    fn fate(&mut self, to_agent: bool, _: &[u8]) -> Vec<Duration> {
        if to_agent {
            if self.0 == 0 {
                return vec![];
            }
            self.0 -= 1;
        }
        vec![Duration::from_millis(1)]
    }
}

/// A scripted network: for each exchange, whether the request is lost, the answer is lost, or
/// both arrive; with duplication and delays from the script too. At most `retries` failed
/// exchanges in a row, so every request has an attempt that gets through.
struct Scripted {
    script: Vec<u8>,
    pos: usize,
    failed_in_a_row: u32,
    max_failures: u32,
    lose_answer: bool,
}

impl Fate for Scripted {
    fn fate(&mut self, to_agent: bool, _: &[u8]) -> Vec<Duration> {
        let b = self
            .script
            .get(self.pos % self.script.len().max(1))
            .copied()
            .unwrap_or(0);
        if to_agent {
            self.pos += 1;
            let fail = b % 4 != 0 && self.failed_in_a_row < self.max_failures;
            if fail {
                self.failed_in_a_row += 1;
                // Lose the request, or let it through and lose its answer.
                self.lose_answer = b % 2 == 0;
                if !self.lose_answer {
                    return vec![];
                }
            } else {
                self.failed_in_a_row = 0;
                self.lose_answer = false;
            }
            let delay = Duration::from_micros(100 + u64::from(b) * 37);
            if b % 7 == 0 {
                return vec![delay, delay * 3];
            }
            vec![delay]
        } else {
            if std::mem::take(&mut self.lose_answer) {
                return vec![];
            }
            vec![Duration::from_micros(50 + u64::from(b) * 11)]
        }
    }
}

/// Anything goes: loss, duplication and delays well past the timeout.
struct Chaos {
    script: Vec<u8>,
    pos: usize,
}

impl Fate for Chaos {
    fn fate(&mut self, _: bool, _: &[u8]) -> Vec<Duration> {
        let b = self
            .script
            .get(self.pos % self.script.len().max(1))
            .copied()
            .unwrap_or(0);
        self.pos += 1;
        let delay = Duration::from_millis(u64::from(b) * 7 % 1500);
        match b % 5 {
            0 | 1 => vec![],
            2 => vec![delay, delay / 2],
            _ => vec![delay],
        }
    }
}

fn setup<F: Fate>(fate: F, rows: u32) -> (Sim<F>, snmp_session::TargetId) {
    let mut sim = Sim::new(fate);
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(rows)));
    let mut cfg = TargetConfig::v2c(agent_addr(0), "public");
    cfg.timeout = Duration::from_millis(500);
    cfg.retries = 3;
    let t = sim.session.add_target(cfg);
    (sim, t)
}

/// A lossy network and an agent of `rows` rows: each datagram lost with odds of 1 in 5,
/// duplicated with 1 in 10, delayed up to 40 ms (which reorders), independently; with 16
/// attempts a request is lost for good with odds of 0.36^16 (1 in 12 million). `chunk`: the
/// session's most OIDs per GET.
fn lossy_setup(
    seed: u64,
    rows: u32,
    chunk: Option<usize>,
    target: impl FnOnce(&mut TargetConfig),
) -> (Sim<Lossy>, snmp_session::TargetId) {
    let fate = Lossy {
        rng: Rng::new(seed),
        loss: 0.2,
        duplicate: 0.1,
        max_delay: Duration::from_millis(40),
    };
    let mut sim = Sim::new(fate);
    if let Some(chunk) = chunk {
        let mut c = snmp_session::SessionConfig::default();
        c.max_oids_per_request = chunk;
        sim.session = snmp_session::Session::new(c, [5; 32]);
    }
    sim.agents
        .insert(agent_addr(0), FakeAgent::new(FakeAgent::synthetic(rows)));
    let mut cfg = TargetConfig::v2c(agent_addr(0), "public");
    cfg.timeout = Duration::from_millis(500);
    cfg.retries = 15;
    target(&mut cfg);
    let t = sim.session.add_target(cfg);
    (sim, t)
}

fn expected(sim: &Sim<impl Fate>, root: &Oid) -> Vec<VarBind> {
    sim.agents[&agent_addr(0)]
        .data
        .iter()
        .filter(|(o, _)| o.starts_with(root) && o.len() > root.len())
        .map(|(o, v)| VarBind::new(o.clone(), v.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn walks_survive_any_loss_that_leaves_an_attempt_through(
        script in prop::collection::vec(any::<u8>(), 1..64),
        bulk in prop::option::of(1u32..30),
    ) {
        let fate = Scripted { script, pos: 0, failed_in_a_row: 0, max_failures: 3, lose_answer: false };
        let (mut sim, t) = setup(fate, 30);
        let root: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
        let op = match bulk {
            Some(b) => sim.session.start(t, Request::bulk_walk(root.clone(), b)).unwrap(),
            None => sim.session.start(t, Request::walk(root.clone())).unwrap(),
        };
        sim.run(&[op], 200_000);
        let out = sim.outcome(op);
        prop_assert_eq!(out.result.clone(), Some(Ok(())));
        prop_assert_eq!(&out.varbinds, &expected(&sim, &root));
        prop_assert_eq!(out.after_done, 0);
    }

    /// Adaptive repetitions, under any loss that leaves an attempt through, duplication and
    /// delays (which reorder): exactly the sequential walk's sequence, and a table's rows.
    #[test]
    fn adaptive_walks_yield_exactly_the_sequential_sequence(
        script in prop::collection::vec(any::<u8>(), 1..64),
        start in 1u32..40,
        max in 1u32..300,
    ) {
        let fate = Scripted { script, pos: 0, failed_in_a_row: 0, max_failures: 3, lose_answer: false };
        let (mut sim, t) = setup(fate, 60);
        let root: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
        let options = WalkOptions::default().with_repetitions(Repetitions::Adaptive { max });
        let walk = Request::Walk { root: root.clone(), max_repetitions: Some(start), options };
        let table = Request::Table { entry: root.clone(), columns: Some(vec![2, 5, 10]), max_repetitions: start, options };
        // One at a time: the script's promise (an attempt of every request gets through)
        // holds for one request in flight.
        let w = sim.session.start(t, walk).unwrap();
        sim.run(&[w], 200_000);
        let tb = sim.session.start(t, table).unwrap();
        sim.run(&[tb], 200_000);
        let out = sim.outcome(w);
        prop_assert_eq!(out.result.clone(), Some(Ok(())));
        prop_assert_eq!(&out.varbinds, &expected(&sim, &root));
        prop_assert_eq!(sim.outcome(tb).result.clone(), Some(Ok(())));
        prop_assert_eq!(sim.outcome(tb).rows.len(), 60);
        prop_assert!(sim.outcome(tb).rows.iter().all(|r| r.columns.len() == 3));
    }

    #[test]
    fn every_operation_ends_whatever_the_network_does(
        script in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let (mut sim, t) = setup(Chaos { script, pos: 0 }, 10);
        let root: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
        let ops = vec![
            sim.session.start(t, Request::walk(root.clone())).unwrap(),
            sim.session.start(t, Request::bulk_walk(root.clone(), 5)).unwrap(),
            sim.session.start(t, Request::Get(vec!["1.3.6.1.2.1.1.5.0".parse().unwrap()])).unwrap(),
            sim.session.start(t, Request::Table { entry: root.clone(), columns: Some(vec![2, 3]), max_repetitions: 4, options: WalkOptions::default() }).unwrap(),
        ];
        // Bounded: 4 ops of at most ~30 requests each, 4 attempts each, a few wake-ups each.
        sim.run(&ops, 50_000);
        for op in &ops {
            let out = sim.outcome(*op);
            match out.result.clone().unwrap() {
                Ok(()) | Err(Error::Timeout { .. }) => {}
                Err(e) => prop_assert!(false, "unexpected error {e:?}"),
            }
            prop_assert_eq!(out.after_done, 0);
        }
        // Nothing is left behind.
        prop_assert_eq!(sim.session.operations_in_progress(), 0);
        prop_assert_eq!(sim.session.poll_timeout(), None);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Tables fetched in parallel stripes, whole or by columns, for any stripe count and
    /// repetitions, under loss, duplication and delays: exactly the rows of a sequential
    /// fetch on a clean network.
    #[test]
    fn parallel_tables_give_exactly_the_sequential_rows(
        script in prop::collection::vec(any::<u8>(), 1..64),
        stripes in 2u16..12,
        bulk in 1u32..30,
        adaptive in any::<bool>(),
        columns in prop::option::of(prop::collection::vec(1u32..24, 0..6)),
    ) {
        let seed = script.iter().fold(11u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)));
        let entry: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
        // The reference: a sequential fetch over a network that loses nothing.
        let (mut clean, ct) = setup(common::Perfect(Duration::from_millis(1)), 25);
        let reference = clean.session.start(ct, Request::Table {
            entry: entry.clone(),
            columns: columns.clone(),
            max_repetitions: bulk,
            options: WalkOptions::default(),
        }).unwrap();
        clean.run(&[reference], 400_000);
        let want = clean.outcome(reference);
        prop_assert_eq!(want.result.clone(), Some(Ok(())));
        if columns.is_none() {
            prop_assert_eq!(want.rows.len(), 25);
        }
        let (mut sim, t) = lossy_setup(seed, 25, None, |_| {});
        let mut options = WalkOptions::default().with_parallel(stripes);
        if adaptive {
            options = options.with_repetitions(Repetitions::Adaptive { max: 64 });
        }
        let op = sim.session.start(t, Request::Table {
            entry: entry.clone(),
            columns: columns.clone(),
            max_repetitions: bulk,
            options,
        }).unwrap();
        sim.run(&[op], 400_000);
        let out = sim.outcome(op);
        prop_assert_eq!(out.result.clone(), Some(Ok(())));
        prop_assert_eq!(&out.rows, &want.rows);
        prop_assert_eq!(out.after_done, 0);
        prop_assert_eq!(sim.session.operations_in_progress(), 0);
    }

    /// A stripe whose requests all go unanswered ends the parallel table with the error, and
    /// the rows the other stripes brought are still handed out.
    #[test]
    fn a_failed_stripe_keeps_the_rows_received(stripes in 2u16..6) {
        let entry: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
        // The network carries two requests per stripe, then nothing.
        let (mut sim, t) = setup(Cutoff(u32::from(stripes) * 2), 25);
        let op = sim.session.start(t, Request::Table {
            entry,
            columns: Some((1..=10).collect()),
            max_repetitions: 10,
            options: WalkOptions::default().with_parallel(stripes),
        }).unwrap();
        sim.run(&[op], 400_000);
        let out = sim.outcome(op);
        prop_assert!(matches!(out.result, Some(Err(Error::Timeout { .. }))), "{:?}", out.result);
        prop_assert!(!out.rows.is_empty());
        prop_assert_eq!(sim.session.operations_in_progress(), 0);
    }

    /// Parallel walks, for any stripe count, GETNEXT or GETBULK (fixed or adaptive), under any
    /// loss that leaves an attempt through, duplication and delays: exactly the sequential
    /// walk's sequence, the first time and the next (from the first one's boundaries).
    #[test]
    fn parallel_walks_yield_exactly_the_sequential_sequence(
        script in prop::collection::vec(any::<u8>(), 1..64),
        stripes in 1u16..12,
        bulk in prop::option::of(1u32..30),
        adaptive in any::<bool>(),
        whole_tree in any::<bool>(),
    ) {
        let seed = script.iter().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)));
        let (mut sim, t) = lossy_setup(seed, 25, None, |_| {});
        let root: Oid = if whole_tree { "1.3.6.1.2.1".parse().unwrap() } else { "1.3.6.1.2.1.2.2.1".parse().unwrap() };
        let mut options = WalkOptions::default().with_parallel(stripes);
        if adaptive {
            options = options.with_repetitions(Repetitions::Adaptive { max: 64 });
        }
        // Twice: the second walk starts its stripes where the first one's varbinds were.
        for _ in 0..2 {
            let op = sim.session.start(t, Request::Walk { root: root.clone(), max_repetitions: bulk, options }).unwrap();
            sim.run(&[op], 400_000);
            let out = sim.outcome(op);
            prop_assert_eq!(out.result.clone(), Some(Ok(())));
            prop_assert_eq!(&out.varbinds, &expected(&sim, &root));
            prop_assert_eq!(out.after_done, 0);
            prop_assert_eq!(sim.session.operations_in_progress(), 0);
            prop_assert_eq!(sim.session.poll_timeout(), None);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Pipelined GETs (any number in flight, any chunk size), under loss, duplication and
    /// reordering: every OID's value, in the order asked.
    #[test]
    fn pipelined_gets_answer_every_oid_in_order(
        seed in any::<u64>(),
        in_flight in 1u16..9,
        chunk in 1usize..60,
        missing in 0usize..10,
    ) {
        let (mut sim, t) = lossy_setup(seed, 60, Some(chunk), |cfg| cfg.max_in_flight = in_flight);
        let oids: Vec<Oid> = (1..=120u32)
            .map(|i| format!("1.3.6.1.2.1.2.2.1.{}.{}", 2 + i % 2, 1 + i / 2).parse().unwrap())
            .chain((0..missing).map(|i| format!("1.3.6.1.2.1.1.{}.0", 80 + i).parse().unwrap()))
            .collect();
        let op = sim.session.start(t, Request::Get(oids.clone())).unwrap();
        sim.run(&[op], 400_000);
        let out = sim.outcome(op);
        prop_assert_eq!(out.result.clone(), Some(Ok(())));
        let got: Vec<Oid> = out.varbinds.iter().map(|vb| vb.oid.clone()).collect();
        prop_assert_eq!(got, oids.clone());
        let data = &sim.agents[&agent_addr(0)].data;
        for vb in &out.varbinds {
            match data.get(&vb.oid) {
                Some(v) => prop_assert_eq!(&vb.value, v),
                None => prop_assert!(vb.value.is_exception()),
            }
        }
        prop_assert_eq!(out.after_done, 0);
        prop_assert_eq!(sim.session.poll_timeout(), None);
    }
}
