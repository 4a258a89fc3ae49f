//! `poll_many`: many targets, many OIDs, bounded concurrency, one socket per address family.

use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::FuturesUnordered;
use snmp_codec::{Oid, Value};
use snmp_session::TargetConfig;

use crate::error::Error;
use crate::manager::{Client, Manager};
use crate::Runtime;

/// A target of [`Client::poll_many`]: its address, version and credentials (as a
/// [`TargetConfig`], from [`crate::ManagerBuilder::target_config`] or built directly).
///
/// Keep and reuse `PollTarget`s between polls: each remembers the session target it was given
/// the first time, so SNMPv3 discovery and key localisation happen once per engine, not once
/// per poll.
#[derive(Clone)]
pub struct PollTarget {
    config: Arc<TargetConfig>,
    /// (client identity, manager) of the last client this target was polled with.
    manager: Arc<Mutex<Option<(usize, ManagerSlot)>>>,
}

/// A type-erased manager for one client (so that `PollTarget` needs no runtime parameter).
type ManagerSlot = Arc<dyn std::any::Any + Send + Sync>;

impl std::fmt::Debug for PollTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollTarget")
            .field("addr", &self.config.addr)
            .field("version", &self.config.version())
            .finish_non_exhaustive()
    }
}

impl PollTarget {
    /// A target from its configuration.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let cfg = snmp_tokio::Manager::builder("192.0.2.1").community("public").target_config()?;
    /// let target = snmp_tokio::PollTarget::new(cfg);
    /// # Ok(()) }
    /// ```
    pub fn new(config: TargetConfig) -> Self {
        PollTarget {
            config: Arc::new(config),
            manager: Arc::new(Mutex::new(None)),
        }
    }

    /// A v2c target with `community`.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let target = snmp_tokio::PollTarget::v2c("192.0.2.1:161".parse().unwrap(), "public");
    /// # Ok(()) }
    /// ```
    pub fn v2c(addr: SocketAddr, community: &str) -> Self {
        Self::new(TargetConfig::v2c(addr, community))
    }

    /// A v2c target from text as the Manager takes it (`"10.0.0.1"`, `"10.0.0.1:1161"`,
    /// `"[::1]:161"`, a host name; port 161 when none), resolved now.
    ///
    /// ```
    /// let t = snmp_tokio::PollTarget::v2c_host("127.0.0.1:1161", "public").unwrap();
    /// assert_eq!(t.addr().port(), 1161);
    /// assert!(snmp_tokio::PollTarget::v2c_host("nosuchhost.invalid", "public").is_err());
    /// ```
    pub fn v2c_host(host: &str, community: &str) -> Result<Self, Error> {
        Ok(Self::v2c(crate::resolve(host, 161)?, community))
    }

    /// The target's address.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let t = snmp_tokio::PollTarget::v2c_host("192.0.2.1", "public")?;
    /// assert_eq!(t.addr().port(), 161);
    /// # Ok(()) }
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.config.addr
    }

    /// The configuration.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// let t = snmp_tokio::PollTarget::v2c_host("192.0.2.1", "public")?;
    /// println!("{:?}", t.config().version());
    /// # Ok(()) }
    /// ```
    pub fn config(&self) -> &TargetConfig {
        &self.config
    }

    /// A number naming this target and its clones while any of them lives (clones share
    /// it; another `PollTarget` of the same configuration has another): what a poller keyed
    /// by target, such as `snmp_blocking::Poller`, keeps its engine state under.
    ///
    /// ```
    /// let a = snmp_tokio::PollTarget::v2c("127.0.0.1:161".parse().unwrap(), "public");
    /// let b = snmp_tokio::PollTarget::v2c("127.0.0.1:161".parse().unwrap(), "public");
    /// assert_eq!(a.identity(), a.clone().identity());
    /// assert_ne!(a.identity(), b.identity());
    /// ```
    pub fn identity(&self) -> usize {
        Arc::as_ptr(&self.config) as usize
    }

    async fn manager<R: Runtime>(&self, client: &Client<R>) -> Result<Manager<R>, Error> {
        let id = client.identity();
        let cached = self
            .manager
            .lock()
            .ok()
            .and_then(|g| g.as_ref().filter(|(c, _)| *c == id).map(|(_, m)| m.clone()));
        if let Some(m) = cached.and_then(|m| m.downcast_ref::<Manager<R>>().cloned()) {
            return Ok(m);
        }
        let m = client.add_target((*self.config).clone()).await?;
        if let Ok(mut g) = self.manager.lock() {
            *g = Some((id, Arc::new(m.clone())));
        }
        Ok(m)
    }
}

/// One result of [`Client::poll_many`].
#[derive(Debug, Clone, PartialEq)]
pub struct PollResult {
    /// The target's position in the list given to `poll_many`.
    pub index: usize,
    /// The target's address.
    pub target: SocketAddr,
    /// The OID.
    pub oid: Oid,
    /// Its value, or why there is none (typed: a timeout, noSuchObject, an error-status ...).
    pub result: Result<Value, Error>,
}

type PollFuture = Pin<Box<dyn Future<Output = Vec<PollResult>> + Send>>;

/// The stream of [`Client::poll_many`].
pub struct PollMany {
    pending: VecDeque<PollFuture>,
    running: FuturesUnordered<PollFuture>,
    concurrency: usize,
    ready: VecDeque<PollResult>,
}

impl std::fmt::Debug for PollMany {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollMany")
            .field("pending", &self.pending.len())
            .field("running", &self.running.len())
            .finish()
    }
}

impl Stream for PollMany {
    type Item = PollResult;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<PollResult>> {
        loop {
            if let Some(r) = self.ready.pop_front() {
                return Poll::Ready(Some(r));
            }
            while self.running.len() < self.concurrency {
                match self.pending.pop_front() {
                    Some(f) => self.running.push(f),
                    None => break,
                }
            }
            if self.running.is_empty() {
                return Poll::Ready(None);
            }
            match Pin::new(&mut self.running).poll_next(cx) {
                Poll::Ready(Some(results)) => self.ready.extend(results),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Polls one target: one GET for all OIDs, where exceptions (and v1's noSuchName, which the
/// session turns into noSuchObject for that OID) fail only their OID.
async fn poll_one<R: Runtime>(
    client: Client<R>,
    index: usize,
    target: PollTarget,
    oids: Arc<Vec<Oid>>,
) -> Vec<PollResult> {
    let addr = target.addr();
    let fail_all = |e: Error, oids: &[Oid]| -> Vec<PollResult> {
        oids.iter()
            .map(|oid| PollResult {
                index,
                target: addr,
                oid: oid.clone(),
                result: Err(e.clone()),
            })
            .collect()
    };
    let manager = match target.manager(&client).await {
        Ok(m) => m,
        Err(e) => return fail_all(e, &oids),
    };
    match manager.get_each(oids.iter()).await {
        Ok(vbs) => oids
            .iter()
            .zip(vbs)
            .map(|(oid, vb)| PollResult {
                index,
                target: addr,
                oid: oid.clone(),
                result: manager.value_of(vb),
            })
            .collect(),
        Err(e) => fail_all(e, &oids),
    }
}

impl<R: Runtime> Client<R> {
    /// [`Client::poll_many`] with the OIDs given as names or text (`"sysUpTime.0"`,
    /// `"IF-MIB::ifInOctets.1"`, `"1.3.6.1.2.1.1.3.0"`), resolved through `mib` (the embedded
    /// standard set is [`Mib::standard`](snmp_mib::Mib::standard)); a name that does not
    /// resolve fails the call before anything is sent.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Client, Mib, PollTarget, StreamExt};
    /// let client = Client::with_defaults()?;
    /// let targets = vec![PollTarget::v2c_host("192.0.2.1", "public")?];
    /// let mut results = client.poll_names(&Mib::standard(), targets, ["sysUpTime.0"], 100)?;
    /// while let Some(r) = results.next().await {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_names<I: crate::IntoOid>(
        &self,
        mib: &snmp_mib::Mib,
        targets: impl IntoIterator<Item = PollTarget>,
        oids: impl IntoIterator<Item = I>,
        concurrency: usize,
    ) -> Result<PollMany, crate::Error> {
        let oids = oids
            .into_iter()
            .map(|o| o.into_oid(mib))
            .collect::<Result<Vec<Oid>, _>>()?;
        Ok(self.poll_many(targets, oids, concurrency))
    }

    /// GETs `oids` from every target, at most `concurrency` targets at a time, all over this
    /// client's socket(s): a stream of one [`PollResult`] per (target, OID), in completion
    /// order. Thousands of targets need no more sockets or tasks than one.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), snmp_tokio::Error> {
    /// use snmp_tokio::{Client, PollTarget, StreamExt};
    /// let client = Client::with_defaults()?;
    /// let targets: Vec<PollTarget> = (1..=200)
    ///     .map(|i| PollTarget::v2c_host(&format!("10.0.0.{i}"), "public"))
    ///     .collect::<Result<_, _>>()?;
    /// // Keep `targets` for the next round: v3 targets then skip discovery.
    /// let mut results = client.poll_many(targets.clone(), vec!["1.3.6.1.2.1.1.3.0".parse()?], 100);
    /// while let Some(r) = results.next().await {
    ///     println!("{} {:?}", r.target, r.result);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn poll_many(
        &self,
        targets: impl IntoIterator<Item = PollTarget>,
        oids: Vec<Oid>,
        concurrency: usize,
    ) -> PollMany {
        let oids = Arc::new(oids);
        let pending = targets
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let fut: PollFuture = Box::pin(poll_one(self.clone(), i, t, oids.clone()));
                fut
            })
            .collect();
        PollMany {
            pending,
            running: FuturesUnordered::new(),
            concurrency: concurrency.max(1),
            ready: VecDeque::new(),
        }
    }
}
