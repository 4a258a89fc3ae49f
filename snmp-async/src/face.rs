//! The concrete types of an async face (`snmp_tokio::Manager`, `snmp_smol::Client`, ...),
//! written once.

/// Writes a face's `Client`, `ManagerBuilder` and `Manager` for one runtime: concrete types
/// (not aliases of the generic ones), so that each has one rustdoc page with every method and
/// its example in the face's words. `$rt` is the runtime type, `$krate` the crate a user names.
///
/// Every call is the generic machinery's (the manager core's calls through
/// [`Client`](crate::Client)'s hidden primitives), and the Manager's methods are
/// `snmp_manager::manager_methods!`, as on the generic [`Manager`](crate::Manager): the faces
/// and the generic types cannot drift apart.
#[doc(hidden)]
#[macro_export]
macro_rules! face {
    (runtime: $rt:ty, krate: $krate:literal $(,)?) => {
        /// A handle to a driver: one session, one socket per address family, any number of
        /// agents. Cheap to clone; the driver stops when every handle (and every
        /// [`Manager`], walk and poll made from it) is dropped and nothing is pending.
        #[derive(Clone, Debug)]
        pub struct Client {
            inner: $crate::Client<$rt>,
        }

        impl Client {
            /// Starts a driver task on `rt` with `config` (an error, not a panic, where the
            /// runtime cannot run it).
            ///
            /// ```no_run
            #[doc = concat!("# fn f(rt: ", $krate, "::", stringify!($rt), ") -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("let mut config = ", $krate, "::SessionConfig::default();")]
            /// config.max_oids_per_request = 20;
            #[doc = concat!("let client = ", $krate, "::Client::new(rt, config)?;")]
            /// # Ok(()) }
            /// ```
            pub fn new(rt: $rt, config: $crate::SessionConfig) -> Result<Client, $crate::Error> {
                Ok(Client {
                    inner: $crate::Client::new(rt, config)?,
                })
            }

            /// A client on the default runtime handle, with the default session
            /// configuration.
            ///
            /// ```no_run
            #[doc = concat!("# fn f() -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("let client = ", $krate, "::Client::with_defaults()?;")]
            #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").client(&client);")]
            /// # Ok(()) }
            /// ```
            pub fn with_defaults() -> Result<Client, $crate::Error> {
                Ok(Client {
                    inner: $crate::Client::with_defaults()?,
                })
            }

            /// The runtime.
            ///
            /// ```no_run
            #[doc = concat!("# fn f(c: &", $krate, "::Client) {")]
            #[doc = concat!("let _rt: &", $krate, "::", stringify!($rt), " = c.runtime();")]
            /// # }
            /// ```
            pub fn runtime(&self) -> &$rt {
                self.inner.runtime()
            }

            /// Adds a target; the returned [`Manager`] talks to it. Nothing waits: the target
            /// is in the session when this returns (it stays `async` for the API's sake).
            ///
            /// ```no_run
            #[doc = concat!("# async fn f() -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("use ", $krate, "::{Client, TargetConfig};")]
            /// let client = Client::with_defaults()?;
            /// let m = client.add_target(TargetConfig::v2c("192.0.2.1:161".parse().unwrap(), "public")).await?;
            /// # Ok(()) }
            /// ```
            pub async fn add_target(
                &self,
                config: $crate::TargetConfig,
            ) -> Result<Manager, $crate::Error> {
                Ok(Manager {
                    agent: self.inner.__add_target(config)?,
                    client: self.clone(),
                })
            }

            /// The session's counters (datagrams dropped and why, retransmits, timeouts,
            /// discoveries).
            ///
            /// ```no_run
            #[doc = concat!("# fn f(c: ", $krate, "::Client) {")]
            /// println!("{} retransmits", c.counters().retransmits);
            /// # }
            /// ```
            pub fn counters(&self) -> $crate::session::Counters {
                self.inner.counters()
            }

            /// GETs `oids` from every target, at most `concurrency` targets at a time, all
            /// over this client's socket(s): a stream of one [`PollResult`]($crate::PollResult)
            /// per (target, OID), in completion order. Thousands of targets need no more
            /// sockets or tasks than one. Keep the `PollTarget`s for the next round: v3
            /// targets then skip discovery.
            ///
            /// ```no_run
            #[doc = concat!("# async fn f() -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("use ", $krate, "::{Client, PollTarget, StreamExt};")]
            /// let client = Client::with_defaults()?;
            /// let targets: Vec<PollTarget> = (1..=200)
            ///     .map(|i| PollTarget::v2c_host(&format!("10.0.0.{i}"), "public"))
            ///     .collect::<Result<_, _>>()?;
            /// let mut results = client.poll_many(targets.clone(), vec!["1.3.6.1.2.1.1.3.0".parse()?], 100);
            /// while let Some(r) = results.next().await {
            ///     println!("{} {:?}", r.target, r.result);
            /// }
            /// # Ok(()) }
            /// ```
            pub fn poll_many(
                &self,
                targets: impl IntoIterator<Item = $crate::PollTarget>,
                oids: Vec<$crate::Oid>,
                concurrency: usize,
            ) -> $crate::PollMany {
                self.inner.poll_many(targets, oids, concurrency)
            }

            /// [`Client::poll_many`] with the OIDs given as names or text (`"sysUpTime.0"`,
            /// `"IF-MIB::ifInOctets.1"`, `"1.3.6.1.2.1.1.3.0"`), resolved through `mib`; a
            /// name that does not resolve fails the call before anything is sent.
            ///
            /// ```no_run
            #[doc = concat!("# async fn f() -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("use ", $krate, "::{Client, Mib, PollTarget, StreamExt};")]
            /// let client = Client::with_defaults()?;
            /// let targets = vec![PollTarget::v2c_host("192.0.2.1", "public")?];
            /// let mut results = client.poll_names(&Mib::standard(), targets, ["sysUpTime.0"], 100)?;
            /// while let Some(r) = results.next().await {
            ///     println!("{} {:?}", r.target, r.result);
            /// }
            /// # Ok(()) }
            /// ```
            pub fn poll_names<I: $crate::IntoOid>(
                &self,
                mib: &$crate::Mib,
                targets: impl IntoIterator<Item = $crate::PollTarget>,
                oids: impl IntoIterator<Item = I>,
                concurrency: usize,
            ) -> Result<$crate::PollMany, $crate::Error> {
                self.inner.poll_names(mib, targets, oids, concurrency)
            }

            /// The runtime-generic client behind this one (for code written over
            /// [`Runtime`]($crate::Runtime)).
            pub fn into_generic(self) -> $crate::Client<$rt> {
                self.inner
            }
        }

        impl From<$crate::Client<$rt>> for Client {
            fn from(inner: $crate::Client<$rt>) -> Client {
                Client { inner }
            }
        }

        impl From<Client> for $crate::Client<$rt> {
            fn from(c: Client) -> $crate::Client<$rt> {
                c.inner
            }
        }

        /// Builds a [`Manager`]: snmpkit's parameters and defaults (port 161, community
        /// `public`, version 2c, timeout 5 s, 3 retries), the same setters as the blocking
        /// builder.
        pub struct ManagerBuilder {
            rt: $rt,
            client: Option<Client>,
            session: $crate::SessionConfig,
            s: $crate::settings::Settings,
        }

        impl std::fmt::Debug for ManagerBuilder {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("ManagerBuilder")
                    .field("settings", &self.s)
                    .finish_non_exhaustive()
            }
        }

        impl ManagerBuilder {
            $crate::core::builder_setters!(
                $krate,
                concat!("async fn f() -> Result<(), ", $krate, "::Error> {"),
                ".build().await?"
            );

            /// A builder on the runtime value `rt` (rather than its `Default`).
            ///
            /// ```no_run
            #[doc = concat!("# async fn f(rt: ", $krate, "::", stringify!($rt), ") -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("let m = ", $krate, "::ManagerBuilder::with_runtime(rt, \"192.0.2.1\").build().await?;")]
            /// # Ok(()) }
            /// ```
            pub fn with_runtime(rt: $rt, host: &str) -> Self {
                ManagerBuilder {
                    rt,
                    client: None,
                    session: $crate::SessionConfig::default(),
                    s: $crate::settings::Settings::new(host),
                }
            }

            /// The session configuration of the manager's own client (ignored with
            /// [`ManagerBuilder::client`]).
            ///
            /// ```no_run
            #[doc = concat!("# async fn f() -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("let mut config = ", $krate, "::SessionConfig::default();")]
            /// config.max_oids_per_request = 10;
            #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").session_config(config).build().await?;")]
            /// # Ok(()) }
            /// ```
            pub fn session_config(mut self, config: $crate::SessionConfig) -> Self {
                self.session = config;
                self
            }

            /// Share an existing client (its socket and driver) instead of starting a new
            /// one.
            ///
            /// ```no_run
            #[doc = concat!("# async fn f() -> Result<(), ", $krate, "::Error> {")]
            /// // Two agents over one socket and driver.
            #[doc = concat!("let client = ", $krate, "::Client::with_defaults()?;")]
            #[doc = concat!("let a = ", $krate, "::Manager::builder(\"192.0.2.1\").client(&client).build().await?;")]
            #[doc = concat!("let b = ", $krate, "::Manager::builder(\"192.0.2.2\").client(&client).build().await?;")]
            /// # Ok(()) }
            /// ```
            pub fn client(mut self, client: &Client) -> Self {
                self.client = Some(client.clone());
                self
            }

            /// Resolves the host (a name on a helper thread, so the runtime's threads never
            /// block on DNS), derives v3 keys, starts (or joins) the driver.
            ///
            /// ```no_run
            #[doc = concat!("# async fn f() -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").community(\"public\").build().await?;")]
            /// println!("{}", m.get("sysDescr.0").await?.bare());
            /// # Ok(()) }
            /// ```
            pub async fn build(self) -> Result<Manager, $crate::Error> {
                let (client, agent) = $crate::Client::__build(
                    self.rt,
                    self.client.map(|c| c.inner),
                    self.session,
                    self.s,
                )
                .await?;
                Ok(Manager {
                    client: Client { inner: client },
                    agent,
                })
            }
        }

        /// One agent, over a shared driver ([`Client`]). Cheap to clone; many calls may run
        /// at once. Made by [`Manager::builder`].
        #[derive(Clone)]
        pub struct Manager {
            client: Client,
            agent: $crate::core::Agent,
        }

        impl std::fmt::Debug for Manager {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Manager")
                    .field("agent", &self.agent)
                    .finish()
            }
        }

        impl From<Manager> for $crate::Manager<$rt> {
            fn from(m: Manager) -> $crate::Manager<$rt> {
                $crate::Manager::__from_parts(m.client.inner, m.agent)
            }
        }

        impl From<$crate::Manager<$rt>> for Manager {
            fn from(m: $crate::Manager<$rt>) -> Manager {
                let (inner, agent) = m.__into_parts();
                Manager {
                    client: Client { inner },
                    agent,
                }
            }
        }

        impl Manager {
            /// A builder for a manager of `host` (a name, an IPv4 or IPv6 literal,
            /// optionally with a port; `tcp:` for TCP), with snmpkit's defaults: port 161,
            /// community `public`, version 2c, timeout 5 s, 3 retries.
            ///
            /// ```no_run
            #[doc = concat!("# async fn f() -> Result<(), ", $krate, "::Error> {")]
            #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\")")]
            ///     .community("private")
            ///     .timeout(std::time::Duration::from_secs(2))
            ///     .build()
            ///     .await?;
            /// # Ok(()) }
            /// ```
            pub fn builder(host: &str) -> ManagerBuilder {
                ManagerBuilder::with_runtime(<$rt as Default>::default(), host)
            }

            async fn run<T>(&self, call: $crate::core::Call<T>) -> Result<T, $crate::Error> {
                self.client.inner.__run(&self.agent, call).await
            }

            async fn run_table(&self, request: $crate::Request) -> $crate::RawRows {
                self.client.inner.__run_table(&self.agent, request).await
            }

            fn start_walk(
                &self,
                request: Result<$crate::Request, $crate::Error>,
            ) -> $crate::Walk {
                self.client.inner.__start_walk(&self.agent, request)
            }

            fn local_addr_of(&self) -> Result<std::net::SocketAddr, $crate::Error> {
                self.client.inner.__local_addr(&self.agent)
            }

            fn forget(&self) {
                self.client.inner.__forget(&self.agent)
            }

            fn engine_of(&self) -> Option<$crate::session::KnownEngine> {
                self.client.inner.__engine(&self.agent)
            }

            fn seed_engine_of(&self, engine: &$crate::session::KnownEngine) -> bool {
                self.client.inner.__seed_engine(&self.agent, engine)
            }
        }

        impl Manager {
            $crate::core::manager_methods!(
                async: (async),
                await: (.await),
                aw: ".await",
                krate: $krate,
                sig: "# async fn f",
                walk_loop: "while let Some(item) = walk.next().await",
                collect: ".collect::<Vec<_>>().await",
                prelude: concat!("use ", $krate, "::StreamExt;"),
                client: Client,
                manager: Manager,
            );
        }
    };
}
