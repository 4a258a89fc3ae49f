//! The Manager's method set, written once for both faces.

/// Writes the methods of a face's `Manager`: every call, with its documentation and an
/// example in the face's words. Both faces expand it, so their method sets and signatures
/// cannot drift apart, and no call body is written twice.
///
/// `$async` is `async` or nothing, `$aw` is `.await` or nothing (the same as a string, for
/// the examples), `$krate` the crate a user names, `$sig` the examples' function header,
/// `$walk_loop` how the examples read a walk (`while let Some(item) = walk.next().await` or
/// `for item in walk`), `$collect` how they collect a stream or iterator, `$prelude` what
/// they import first, `$client` and `$manager` the face's types. The face provides, on its `Manager`:
/// - a field `agent: Agent` and a field `client: Client`;
/// - `run(&self, Call<T>) -> Result<T, Error>` (awaited or blocking): starts the request,
///   waits for its outcome, applies the call's `Finish`;
/// - `run_table(&self, Request) -> RawRows` (likewise: the rows, or the error with the rows
///   before it, not yet named);
/// - `start_walk(&self, Result<Request, Error>) -> Walk`;
/// - `forget(&self)`: removes the target from the client's session;
/// - `local_addr_of(&self) -> Result<SocketAddr, Error>`: the local address towards the agent;
/// - `engine_of(&self) -> Option<KnownEngine>` and `seed_engine_of(&self, &KnownEngine) -> bool`:
///   the session's [`Session::engine`](snmp_session::Session::engine) and
///   [`Session::seed_engine`](snmp_session::Session::seed_engine) for the agent, at the
///   client's current time.
///
/// And on its `Client`: `poll_many(targets, oids, concurrency) -> PollMany` and
/// `counters()`.
#[macro_export]
macro_rules! manager_methods {
    (
        async: ($($async:tt)?),
        await: ($($await:tt)*),
        aw: $aw:literal,
        krate: $krate:expr,
        sig: $sig:literal,
        walk_loop: $walk_loop:literal,
        collect: $collect:literal,
        prelude: $prelude:expr,
        client: $client:ty,
        manager: $manager:ty $(,)?
    ) => {
        /// The MIB this manager resolves and describes names with.
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// let node = m.mib().node("ifDescr");
        /// assert!(node.is_some());
        /// # Ok(()) }
        /// ```
        pub fn mib(&self) -> &$crate::Mib {
            self.agent.mib()
        }

        /// Object, module, index and the value formatted by the MIB (enumeration labels,
        /// DISPLAY-HINTs, units), for showing a varbind to people.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let oid: ", $krate, "::Oid = \"1.3.6.1.2.1.2.2.1.8.1\".parse()?;")]
        #[doc = concat!("let value = m.get(oid.clone())", $aw, "?;")]
        /// let d = m.describe(&oid, &value);
        /// println!("{} {} = {}", d.object, d.index, d.value); // ifOperStatus 1 = up
        /// # Ok(()) }
        /// ```
        pub fn describe(&self, oid: &$crate::Oid, value: &$crate::Value) -> $crate::Description {
            self.agent.describe(oid, value)
        }

        /// An OID as `snmpwalk` names it with MIBs (`IF-MIB::ifDescr.1`; the numbers where
        /// no module names it).
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let oid: ", $krate, "::Oid = \"1.3.6.1.2.1.2.2.1.2.1\".parse()?;")]
        /// assert_eq!(m.name(&oid), "IF-MIB::ifDescr.1");
        /// # Ok(()) }
        /// ```
        pub fn name(&self, oid: &$crate::Oid) -> String {
            self.agent.name(oid)
        }

        /// A varbind as `snmpwalk` prints it with MIBs (`IF-MIB::ifOperStatus.1 = INTEGER:
        /// up(1)`).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let oid: ", $krate, "::Oid = \"1.3.6.1.2.1.1.5.0\".parse()?;")]
        #[doc = concat!("let value = m.get(oid.clone())", $aw, "?;")]
        /// println!("{}", m.format(&oid, &value)); // SNMPv2-MIB::sysName.0 = STRING: router
        /// # Ok(()) }
        /// ```
        pub fn format(&self, oid: &$crate::Oid, value: &$crate::Value) -> String {
            self.agent.format(oid, value)
        }

        /// The client (engine and sockets) this manager uses; other agents can share it.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// // Another agent on the same socket and engine.
        #[doc = concat!("let other = ", $krate, "::Manager::builder(\"192.0.2.2\").client(m.client()).build()", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub fn client(&self) -> &$client {
            &self.client
        }

        /// The SNMP version.
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("if m.version() == ", $krate, "::Version::V1 {")]
        ///     println!("no GETBULK here");
        /// }
        /// # Ok(()) }
        /// ```
        pub fn version(&self) -> $crate::Version {
            self.agent.version()
        }

        /// The agent's address.
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// println!("talking to {}", m.addr());
        /// # Ok(()) }
        /// ```
        pub fn addr(&self) -> std::net::SocketAddr {
            self.agent.addr()
        }

        /// The local address requests to this agent leave from.
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// println!("from {}", m.local_addr()?);
        /// # Ok(()) }
        /// ```
        pub fn local_addr(&self) -> Result<std::net::SocketAddr, $crate::Error> {
            self.local_addr_of()
        }

        /// The v3 agent's engine (ID, boots, time now) once an authenticated answer confirmed
        /// it; `None` for v1/v2c or before. Save it to skip the discovery next time
        /// ([`seed_v3_engine`](Self::seed_v3_engine)), across restarts too.
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) {")]
        /// if let Some(engine) = m.v3_engine() {
        ///     println!("engine {:02x?}, boots {}", engine.id, engine.boots);
        /// }
        /// # }
        /// ```
        pub fn v3_engine(&self) -> Option<$crate::session::KnownEngine> {
            self.engine_of()
        }

        /// Gives the v3 agent the engine a client learned earlier ([`v3_engine`](Self::v3_engine)),
        /// so that the next request skips the discovery. Until an authenticated answer confirms
        /// it, it is used for sending only; a stale one costs what the agent's Report says (a
        /// time resync or a new discovery). `false` (nothing done) for v1/v2c, or when the
        /// client already knows or seeks the engine.
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager, saved: ", $krate, "::session::KnownEngine) {")]
        /// let _seeded = m.seed_v3_engine(&saved);
        /// # }
        /// ```
        pub fn seed_v3_engine(&self, engine: &$crate::session::KnownEngine) -> bool {
            self.seed_engine_of(engine)
        }

        /// The client's session counters (datagrams dropped and why, retransmits, timeouts,
        /// discoveries).
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) {")]
        /// println!("{} timeouts", m.counters().timeouts);
        /// # }
        /// ```
        pub fn counters(&self) -> $crate::session::Counters {
            self.client.counters()
        }

        /// A handle to the same agent whose calls wait `timeout` per attempt (over the
        /// builder's), sharing this one's client: a per-call timeout without a second
        /// Manager.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// use std::time::Duration;
        /// let quick = m.with_timeout(Duration::from_millis(200)).with_retries(0);
        #[doc = concat!("let descr = quick.get(\"sysDescr.0\")", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub fn with_timeout(&self, timeout: std::time::Duration) -> $manager {
            let mut m = self.clone();
            m.agent = m.agent.with_timeout(timeout);
            m
        }

        /// A handle whose calls make `retries` retries after the first attempt (over the
        /// builder's).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// let patient = m.with_retries(8);
        #[doc = concat!("let uptime = patient.get(\"sysUpTime.0\")", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub fn with_retries(&self, retries: u32) -> $manager {
            let mut m = self.clone();
            m.agent = m.agent.with_retries(retries);
            m
        }

        /// GET of one OID. Exceptions (noSuchObject, ...) are errors.
        ///
        /// ```no_run
        #[doc = concat!($sig, "() -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").community(\"public\").build()", $aw, "?;")]
        #[doc = concat!("let descr = m.get(\"sysDescr.0\")", $aw, "?; // or \"1.3.6.1.2.1.1.1.0\"")]
        /// println!("{}", descr.bare());
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get(&self, oid: impl $crate::IntoOid) -> Result<$crate::Value, $crate::Error> {
            self.run(self.agent.get(oid)?) $($await)*
        }

        /// GET of many OIDs (split over several requests when they do not fit in one). The
        /// first exception is an error; see `get_varbinds` to keep them as values.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let values = m.get_many([\"sysName.0\", \"sysUpTime.0\"])", $aw, "?;")]
        /// let uptime = values[1].as_u64();
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_many<I: $crate::IntoOid>(
            &self,
            oids: impl IntoIterator<Item = I>,
        ) -> Result<Vec<$crate::Value>, $crate::Error> {
            self.run(self.agent.get_many(oids)?) $($await)*
        }

        /// GET of many OIDs, exceptions kept as values.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("for vb in m.get_varbinds([\"sysDescr.0\", \"ifDescr.99\"])", $aw, "? {")]
        ///     // ifDescr.99 may come back as noSuchInstance: a value, not an error.
        ///     println!("{}", m.format(&vb.oid, &vb.value));
        /// }
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_varbinds<I: $crate::IntoOid>(
            &self,
            oids: impl IntoIterator<Item = I>,
        ) -> Result<Vec<$crate::VarBind>, $crate::Error> {
            self.run(self.agent.get_varbinds(oids)?) $($await)*
        }

        /// GET of many OIDs where one missing OID fails only itself, in v1 too (its
        /// noSuchName becomes a noSuchObject value and the other OIDs are asked again).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("for vb in m.get_each([\"sysDescr.0\", \"sysFoo.0\", \"sysName.0\"])", $aw, "? {")]
        ///     println!("{}", m.format(&vb.oid, &vb.value));
        /// }
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_each<I: $crate::IntoOid>(
            &self,
            oids: impl IntoIterator<Item = I>,
        ) -> Result<Vec<$crate::VarBind>, $crate::Error> {
            self.run(self.agent.get_each(oids)?) $($await)*
        }

        /// GETNEXT: the next OID and its value. endOfMibView is an error.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let (oid, value) = m.get_next(\"system\")", $aw, "?;")]
        /// println!("{} = {}", m.name(&oid), value.bare());
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_next(
            &self,
            oid: impl $crate::IntoOid,
        ) -> Result<($crate::Oid, $crate::Value), $crate::Error> {
            self.run(self.agent.get_next(oid)?) $($await)*
        }

        /// GETNEXT of many OIDs in one request, the answer's varbinds as they came
        /// (exceptions such as endOfMibView kept as values), as `snmpgetnext` prints them.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("for vb in m.get_next_varbinds([\"sysDescr\", \"ifDescr\"])", $aw, "? {")]
        ///     println!("{}", m.format(&vb.oid, &vb.value));
        /// }
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_next_varbinds<I: $crate::IntoOid>(
            &self,
            oids: impl IntoIterator<Item = I>,
        ) -> Result<Vec<$crate::VarBind>, $crate::Error> {
            self.run(self.agent.get_next_varbinds(oids)?) $($await)*
        }

        /// GETBULK (v2c, v3).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// // sysUpTime once, then up to 10 ifDescr cells.
        #[doc = concat!("for (oid, value) in m.get_bulk([\"sysUpTime\", \"ifDescr\"], 1, 10)", $aw, "? {")]
        ///     println!("{} = {}", m.name(&oid), value.bare());
        /// }
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_bulk<I: $crate::IntoOid>(
            &self,
            oids: impl IntoIterator<Item = I>,
            non_repeaters: u32,
            max_repetitions: u32,
        ) -> Result<Vec<($crate::Oid, $crate::Value)>, $crate::Error> {
            self.run(self.agent.get_bulk(oids, non_repeaters, max_repetitions)?) $($await)*
        }

        /// SET of one OID; returns the value the agent echoed.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("m.set(\"sysContact.0\", \"ops@example.net\")", $aw, "?;")]
        #[doc = concat!("m.set(\"ifAdminStatus.2\", 2i32)", $aw, "?; // down")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn set(
            &self,
            oid: impl $crate::IntoOid,
            value: impl Into<$crate::Value>,
        ) -> Result<$crate::Value, $crate::Error> {
            self.run(self.agent.set(oid, value)?) $($await)*
        }

        /// SET of several OIDs at once (atomic on the agent).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("use ", $krate, "::Value;")]
        /// m.set_many([("sysName.0", Value::from("core-1")), ("sysLocation.0", Value::from("rack 4"))])
        #[doc = concat!("    ", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn set_many<I: $crate::IntoOid>(
            &self,
            pairs: impl IntoIterator<Item = (I, $crate::Value)>,
        ) -> Result<Vec<$crate::VarBind>, $crate::Error> {
            self.run(self.agent.set_many(pairs)?) $($await)*
        }

        /// A walk of the subtree under `oid` with GETNEXT (works with v1): `(oid, value)`
        /// items, ending with an error item if the walk failed after some rows. Dropping it
        /// cancels the walk.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = $prelude]
        #[doc = concat!("let mut walk = m.walk(\"system\");")]
        #[doc = concat!($walk_loop, " {")]
        ///     let (oid, value) = item?;
        ///     println!("{} = {}", m.name(&oid), value.bare());
        /// }
        /// # Ok(()) }
        /// ```
        pub fn walk(&self, oid: impl $crate::IntoOid) -> Walk {
            self.start_walk(self.agent.walk(oid, None, $crate::WalkOptions::default()))
        }

        /// A walk with GETBULK of `bulk_size` repetitions (v2c, v3).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let rows = m.bulk_walk(\"IF-MIB::ifDescr\", 25).collect_all()", $aw, "?;")]
        /// println!("{} interfaces", rows.len());
        /// # Ok(()) }
        /// ```
        pub fn bulk_walk(&self, oid: impl $crate::IntoOid, bulk_size: u32) -> Walk {
            self.start_walk(self.agent.walk(oid, Some(bulk_size), $crate::WalkOptions::default()))
        }

        /// A walk with options (non-increasing OIDs allowed, a result limit, parallel
        /// stripes, adaptive repetitions); `bulk_size` `None` walks with GETNEXT.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("use ", $krate, "::{Repetitions, WalkOptions};")]
        /// // Over a slow link: 8 stripes at once, repetitions sized to the agent.
        /// let options = WalkOptions::default()
        ///     .with_parallel(8)
        ///     .with_repetitions(Repetitions::adaptive());
        #[doc = $prelude]
        /// let mut walk = m.walk_with_options(".1", Some(25), options);
        #[doc = concat!($walk_loop, " {")]
        ///     let (_oid, _value) = item?;
        /// }
        /// # Ok(()) }
        /// ```
        pub fn walk_with_options(
            &self,
            oid: impl $crate::IntoOid,
            bulk_size: Option<u32>,
            options: $crate::WalkOptions,
        ) -> Walk {
            self.start_walk(self.agent.walk(oid, bulk_size, options))
        }

        /// A table by its entry OID (ifEntry, `1.3.6.1.2.1.2.2.1`), the same [`Table`] of
        /// [`Row`]s as `table` gives (cells by column number or name, typed indexes). With
        /// `columns`, only those columns are fetched. `bulk_size` is the GETBULK size (v1
        /// uses GETNEXT).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::TableError> {")]
        /// // ifDescr (2) and ifInOctets (10) of every row.
        #[doc = concat!("for row in &m.get_table(\"ifEntry\", Some(&[2, 10]), 25)", $aw, "? {")]
        ///     println!("{} {:?}", row.index, row.column(2));
        /// }
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_table(
            &self,
            base: impl $crate::IntoOid,
            columns: Option<&[u32]>,
            bulk_size: u32,
        ) -> Result<$crate::Table, $crate::TableError> {
            self.get_table_with_options(base, columns, bulk_size, $crate::WalkOptions::default())
                $($await)*
        }

        /// `get_table` with walk options (adaptive repetitions, the OID check, a result
        /// limit, parallel stripes).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::TableError> {")]
        #[doc = concat!("use ", $krate, "::WalkOptions;")]
        /// let rows = m
        ///     .get_table_with_options("ifEntry", Some(&[2, 10]), 25, WalkOptions::default().with_parallel(4))
        #[doc = concat!("    ", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn get_table_with_options(
            &self,
            base: impl $crate::IntoOid,
            columns: Option<&[u32]>,
            bulk_size: u32,
            options: $crate::WalkOptions,
        ) -> Result<$crate::Table, $crate::TableError> {
            let (request, entry) = self.agent.get_table(base, columns, bulk_size, options)?;
            let raw = self.run_table(request) $($await)*;
            self.agent.decode_table(&entry, raw)
        }

        /// A table by name with typed indexes and named columns: `table` is the table, its
        /// entry or an OID (`"IF-MIB::ifTable"`, `"ipNetToPhysicalEntry"`,
        /// `"1.3.6.1.2.1.2.2"`). Each row's index is decoded per the MIB's INDEX clause
        /// (integers with their labels, strings, IMPLIED, IpAddress, InetAddress after its
        /// InetAddressType, OIDs; AUGMENTS followed). GETBULK of 25 (GETNEXT for v1).
        ///
        /// On an error the rows received before it are in `TableError::rows`.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::TableError> {")]
        #[doc = concat!("let table = m.table(\"IF-MIB::ifTable\")", $aw, "?;")]
        /// for row in &table.rows {
        ///     let descr = row.get("ifDescr").map(|v| v.bare().to_string());
        ///     println!("{} {descr:?}", row.index);
        /// }
        /// # Ok(()) }
        /// ```
        pub $($async)? fn table(
            &self,
            table: impl $crate::IntoOid,
        ) -> Result<$crate::Table, $crate::TableError> {
            let (request, entry) = self.agent.table(table)?;
            let rows = self.run_table(request) $($await)*;
            self.agent.decode_table(&entry, rows)
        }

        /// An SNMPv2-Trap (v2c, v3): `sysUpTime.0 = uptime`, `snmpTrapOID.0 = trap_oid`,
        /// then `varbinds`. Done when sent.
        ///
        /// ```no_run
        #[doc = concat!($sig, "() -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("use ", $krate, "::{Value, VarBind};")]
        #[doc = concat!("let to = ", $krate, "::Manager::builder(\"192.0.2.9\").port(162).build()", $aw, "?;")]
        /// let ifindex = VarBind::new("1.3.6.1.2.1.2.2.1.1.3".parse()?, Value::Integer(3));
        #[doc = concat!("to.send_trap(\"IF-MIB::linkDown\", vec![ifindex], 12_345)", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn send_trap(
            &self,
            trap_oid: impl $crate::IntoOid,
            varbinds: Vec<$crate::VarBind>,
            uptime: u32,
        ) -> Result<(), $crate::Error> {
            self.run(self.agent.send_trap(trap_oid, varbinds, uptime)?) $($await)*
        }

        /// An SNMPv1 Trap-PDU (v1).
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("use ", $krate, "::{GenericTrap, TrapV1Pdu};")]
        /// let trap = TrapV1Pdu {
        ///     enterprise: "1.3.6.1.4.1.8072".parse()?,
        ///     agent_addr: [192, 0, 2, 10],
        ///     generic_trap: GenericTrap::ColdStart,
        ///     specific_trap: 0,
        ///     time_stamp: 100,
        ///     varbinds: vec![],
        /// };
        #[doc = concat!("m.send_trap_v1(trap)", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn send_trap_v1(&self, trap: $crate::TrapV1Pdu) -> Result<(), $crate::Error> {
            self.run(self.agent.send_trap_v1(trap)) $($await)*
        }

        /// An InformRequest (v2c, v3); returns once the receiver acknowledged it, with the
        /// varbinds of the acknowledgement.
        ///
        /// ```no_run
        #[doc = concat!($sig, "() -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("let to = ", $krate, "::Manager::builder(\"192.0.2.9\").port(162).build()", $aw, "?;")]
        #[doc = concat!("to.send_inform(\"linkDown\", vec![], 12_345)", $aw, "?;")]
        /// # Ok(()) }
        /// ```
        pub $($async)? fn send_inform(
            &self,
            trap_oid: impl $crate::IntoOid,
            varbinds: Vec<$crate::VarBind>,
            uptime: u32,
        ) -> Result<Vec<$crate::VarBind>, $crate::Error> {
            self.run(self.agent.send_inform(trap_oid, varbinds, uptime)?) $($await)*
        }

        /// `Client::poll_many` on this manager's client (its sockets and engine): GETs
        /// `oids` from every target, at most `concurrency` at a time, one `PollResult` per
        /// (target, OID) in completion order.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        #[doc = concat!("use ", $krate, "::PollTarget;")]
        /// let targets = ["192.0.2.1", "192.0.2.2:1161"]
        ///     .iter()
        ///     .map(|h| PollTarget::v2c_host(h, "public"))
        ///     .collect::<Result<Vec<_>, _>>()?;
        #[doc = $prelude]
        /// let results = m.poll_many(targets, vec!["1.3.6.1.2.1.1.3.0".parse()?], 100);
        #[doc = concat!("let results = results", $collect, ";")]
        /// # Ok(()) }
        /// ```
        pub fn poll_many(
            &self,
            targets: impl IntoIterator<Item = $crate::PollTarget>,
            oids: Vec<$crate::Oid>,
            concurrency: usize,
        ) -> PollMany {
            self.client.poll_many(targets, oids, concurrency)
        }

        /// `poll_many` with names or text for the OIDs, resolved through this manager's
        /// MIB; a name that does not resolve fails the call before anything is sent.
        ///
        /// ```no_run
        #[doc = concat!($sig, "(m: ", $krate, "::Manager, targets: Vec<", $krate, "::PollTarget>) -> Result<(), ", $krate, "::Error> {")]
        #[doc = $prelude]
        /// let results = m.poll_names(targets, ["sysUpTime.0", "ifNumber.0"], 100)?;
        #[doc = concat!("let results = results", $collect, ";")]
        /// # Ok(()) }
        /// ```
        pub fn poll_names<I: $crate::IntoOid>(
            &self,
            targets: impl IntoIterator<Item = $crate::PollTarget>,
            oids: impl IntoIterator<Item = I>,
            concurrency: usize,
        ) -> Result<PollMany, $crate::Error> {
            let oids = $crate::oids(self.agent.mib(), oids)?;
            Ok(self.client.poll_many(targets, oids, concurrency))
        }

        /// Forgets this target in the client (other clones of the manager then fail with
        /// `Error::Closed`, in both faces).
        ///
        /// ```no_run
        #[doc = concat!("# fn f(m: ", $krate, "::Manager) -> Result<(), ", $krate, "::Error> {")]
        /// m.close(); // the client forgets the agent
        /// # Ok(()) }
        /// ```
        pub fn close(self) {
            self.forget();
        }
    };
}
