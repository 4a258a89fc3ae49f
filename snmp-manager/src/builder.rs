//! The builder setters both faces' `ManagerBuilder`s have, written once.

/// Writes the setters of a face's `ManagerBuilder` (a struct with a `s: Settings` field), with
/// their documentation and an example in the face's own words: `$krate` is the crate a user
/// names (`"snmp_tokio"`, `"snmp_blocking"`), `$sig` the example's function header (async or
/// not) and `$build` how the example builds (`".build().await?"`, `".build()?"`).
///
/// Both faces expand it, so their builders cannot drift apart.
#[macro_export]
macro_rules! builder_setters {
    ($krate:expr, $sig:expr, $build:expr) => {
        /// The MIB names are resolved and described with (default: the embedded standard set,
        /// `Mib::standard`). Load your own with `mib::Loader` and give it here.
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("let mib = ", $krate, "::Mib::standard(); // or one loaded with ", $krate, "::mib::Loader")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").mib(mib)", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn mib(mut self, mib: $crate::Mib) -> Self {
            self.s = self.s.mib(mib);
            self
        }

        /// The UDP port (default 161). A port in the host (`host:port`, `[v6]:port`) wins.
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").port(1161)", $build, "; // \"192.0.2.1:1161\" says the same")]
        /// # Ok(()) }
        /// ```
        pub fn port(mut self, port: u16) -> Self {
            self.s = self.s.port(port);
            self
        }

        /// The transport (default UDP). A `tcp:` (or `tcp6:`, `tcp://`) prefix on the host
        /// says TCP too, as Net-SNMP's tools take it: one connection to the agent, opened
        /// when a request needs it, kept while in use and closed after 30 s idle (RFC 3430).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::Transport;")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").transport(Transport::Tcp)", $build, "; // \"tcp:192.0.2.1\" says the same")]
        /// # Ok(()) }
        /// ```
        pub fn transport(mut self, transport: $crate::Transport) -> Self {
            self.s = self.s.transport(transport);
            self
        }

        /// The community for v1/v2c (default `public`).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").community(\"s3cret\")", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn community(mut self, community: impl AsRef<[u8]>) -> Self {
            self.s = self.s.community(community);
            self
        }

        /// The SNMP version (default v2c; v3 is implied by `user`).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::Version;")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").version(Version::V1)", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn version(mut self, version: $crate::Version) -> Self {
            self.s = self.s.version(version);
            self
        }

        /// The time to wait for each attempt (default 5 s).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        /// use std::time::Duration;
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").timeout(Duration::from_secs(1))", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.s = self.s.timeout(timeout);
            self
        }

        /// Retries after the first attempt (default 3).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").retries(5)", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn retries(mut self, retries: u32) -> Self {
            self.s = self.s.retries(retries);
            self
        }

        /// The v3 user name (switches to v3).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::AuthProtocol;")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").user(\"bert\").auth(AuthProtocol::Sha256, \"auth-pass-phrase\")", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn user(mut self, user: impl Into<String>) -> Self {
            self.s = self.s.user(user);
            self
        }

        /// A v3 user built beforehand (its keys derived once and shared between managers;
        /// switches to v3).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::{AuthProtocol, UsmUser};")]
        /// let user = UsmUser::new("bert")
        ///     .with_auth(AuthProtocol::Sha256, b"auth-pass-phrase")
        #[doc = concat!("    .map_err(", $krate, "::Error::Credentials)?;")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").usm_user(user)", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn usm_user(mut self, user: $crate::UsmUser) -> Self {
            self.s = self.s.usm_user(user);
            self
        }

        /// v3 authentication.
        ///
        /// A wrong password (or user) fails after one timeout, not at once: the agent's
        /// `wrongDigest` (or `unknownUserName`) Report cannot be authenticated, and anyone who
        /// saw the request could forge one, so it is believed only when no genuine answer
        /// came within the attempt's timeout. The error then says which Report came.
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::AuthProtocol;")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").user(\"bert\").auth(\"SHA\".parse::<AuthProtocol>().unwrap(), \"auth-pass-phrase\")", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn auth(mut self, protocol: $crate::AuthProtocol, password: impl AsRef<[u8]>) -> Self {
            self.s = self.s.auth(protocol, password);
            self
        }

        /// v3 privacy.
        ///
        /// A wrong privacy password (or protocol) shows as a timeout: agents drop what they
        /// cannot decrypt, without a Report. When the agent answered the discovery but nothing
        /// authenticated ever came, the error is `PrivacyTimeout`, whose text names the
        /// privacy password or protocol as the likely cause.
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::{AuthProtocol, PrivProtocol};")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\")")]
        ///     .user("bert")
        ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
        ///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase")
        #[doc = concat!("    ", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn privacy(mut self, protocol: $crate::PrivProtocol, password: impl AsRef<[u8]>) -> Self {
            self.s = self.s.privacy(protocol, password);
            self
        }

        /// The v3 security level (default: the highest the credentials allow).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::{AuthProtocol, PrivProtocol, SecurityLevel};")]
        /// // Keys for authPriv, used at authNoPriv.
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\")")]
        ///     .user("bert")
        ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
        ///     .privacy(PrivProtocol::Aes128, "priv-pass-phrase")
        ///     .security_level(SecurityLevel::AuthNoPriv)
        #[doc = concat!("    ", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn security_level(mut self, level: $crate::SecurityLevel) -> Self {
            self.s = self.s.security_level(level);
            self
        }

        /// The v3 context name (default empty).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::AuthProtocol;")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\")")]
        ///     .user("bert")
        ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
        ///     .context_name("bridge1")
        #[doc = concat!("    ", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn context_name(mut self, name: impl AsRef<[u8]>) -> Self {
            self.s = self.s.context_name(name);
            self
        }

        /// The v3 contextEngineID (default: the agent's own engine ID, found by discovery),
        /// for a proxy that forwards to the engine this names (Net-SNMP's `-E`).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::AuthProtocol;")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\")")]
        ///     .user("bert")
        ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
        ///     .context_engine_id([0x80, 0x00, 0x00, 0x02, 0x01, 0x09, 0x84, 0x03, 0x01])
        #[doc = concat!("    ", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn context_engine_id(mut self, id: impl AsRef<[u8]>) -> Self {
            self.s = self.s.context_engine_id(id);
            self
        }

        /// Find out which AES-192/256 key extension the agent uses (see
        /// `snmp_session::AesKeyExtension`).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        #[doc = concat!("use ", $krate, "::{AesKeyExtension, AuthProtocol, PrivProtocol};")]
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\")")]
        ///     .user("bert")
        ///     .auth(AuthProtocol::Sha256, "auth-pass-phrase")
        ///     .privacy(PrivProtocol::Aes256Blumenthal, "priv-pass-phrase")
        ///     .aes_key_extension(AesKeyExtension::Auto)
        #[doc = concat!("    ", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn aes_key_extension(mut self, mode: $crate::AesKeyExtension) -> Self {
            self.s = self.s.aes_key_extension(mode);
            self
        }

        /// Accept answers from another address of the agent (for v3 only authenticated
        /// ones).
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        /// // An agent that answers from another of its addresses.
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").accept_any_source(true)", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn accept_any_source(mut self, yes: bool) -> Self {
            self.s = self.s.accept_any_source(yes);
            self
        }

        /// Requests of one call in flight at once (default 1, at least 1): the chunks of a
        /// `get_many` of more OIDs than fit in one request are then pipelined.
        ///
        /// ```no_run
        #[doc = concat!("# ", $sig)]
        /// // A get_many of 500 OIDs goes out as several requests, 4 at a time.
        #[doc = concat!("let m = ", $krate, "::Manager::builder(\"192.0.2.1\").max_in_flight(4)", $build, ";")]
        /// # Ok(()) }
        /// ```
        pub fn max_in_flight(mut self, n: u16) -> Self {
            self.s = self.s.max_in_flight(n);
            self
        }

        /// The target configuration this builder describes (resolving the host). Settings
        /// that contradict each other are an `Error::Config`.
        ///
        /// ```
        #[doc = concat!("use ", $krate, "::{AuthProtocol, Error, Manager};")]
        /// // Authentication on a v2c builder is a mistake, not silently ignored.
        /// let v2c = Manager::builder("127.0.0.1").auth(AuthProtocol::Sha1, "auth-pass-phrase");
        /// assert!(matches!(v2c.target_config(), Err(Error::Config(_))));
        /// // USM wants pass phrases of 8 characters at least.
        /// let short = Manager::builder("127.0.0.1")
        ///     .user("u")
        ///     .auth(AuthProtocol::Sha1, "short");
        /// assert!(matches!(short.target_config(), Err(Error::Config(_))));
        /// // A good one: the host resolved, the port 161.
        /// let good = Manager::builder("127.0.0.1").community("private").target_config().unwrap();
        /// assert_eq!(good.addr.port(), 161);
        /// ```
        pub fn target_config(&self) -> Result<$crate::TargetConfig, $crate::Error> {
            self.s.target_config()
        }
    };
}
