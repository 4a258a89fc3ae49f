//! The clients a scrape uses: a kept v3 one or a new one (host names looked up here, bounded),
//! the one client kept v3 clients share, and the engines they learn for the state file.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::config::{self, Module};
use crate::scrape::{self, QueryOverrides, Target};
use crate::state::EngineKey;
use crate::Exporter;

impl Exporter {
    /// A client for `target`: a kept v3 one, or a new one (its host name looked up here,
    /// bounded and asynchronous).
    pub(crate) async fn client_for(
        &self,
        target: &Target,
        auth: &config::Auth,
        module: &Module,
        overrides: &QueryOverrides,
        key: Option<&String>,
    ) -> Result<(snmp_tokio::Manager, bool), String> {
        let wp = &module.walk_params;
        if let Some(m) = key.and_then(|k| self.v3_clients.get(k, Instant::now())) {
            return Ok((m.with_timeout(wp.timeout).with_retries(wp.retries), true));
        }
        let addr = self.resolve(target, wp.timeout).await?;
        let shared = match key {
            Some(_) => Some(self.shared_v3_client()?),
            None => None,
        };
        let m = scrape::connect(
            &scrape::Connect {
                target,
                addr,
                auth,
                timeout: wp.timeout,
                retries: wp.retries,
                any_source: wp.use_unconnected_udp_socket,
                source_address: self.options.source_address,
                client: shared,
            },
            overrides,
        )
        .await?;
        if key.is_some() {
            // A client new to this process: the engine a previous one saved, if any.
            if let Ok(engines) = self.engines.lock() {
                if let Some(e) = engines.get(&engine_key(target, auth, overrides)) {
                    m.seed_v3_engine(&e);
                }
            }
        }
        Ok((m, false))
    }

    pub(crate) fn shared_v3_client(&self) -> Result<&snmp_tokio::Client, String> {
        if let Some(c) = self.v3_shared.get() {
            return Ok(c);
        }
        let mut cfg = snmp_tokio::SessionConfig::default();
        cfg.source_address = self.options.source_address;
        let c = snmp_tokio::Client::new(snmp_tokio::Tokio, cfg)
            .map_err(|e| format!("cannot start the v3 client: {e}"))?;
        Ok(self.v3_shared.get_or_init(|| c))
    }

    /// The target's address: a literal at once, a name through the system's resolver (on
    /// tokio's blocking pool, at most `max_lookups` at once, within `timeout`).
    pub(crate) async fn resolve(
        &self,
        target: &Target,
        timeout: Duration,
    ) -> Result<SocketAddr, String> {
        if let Ok(ip) = target.host.parse::<std::net::IpAddr>() {
            return Ok(SocketAddr::new(ip, target.port));
        }
        let fail = |why: String| format!("error connecting to target {}: {why}", target.host);
        let lookup = async {
            let _permit = self
                .resolving
                .acquire()
                .await
                .map_err(|e| fail(e.to_string()))?;
            let want_v6 = matches!(target.transport.as_deref(), Some("udp6") | Some("tcp6"));
            let mut addrs = tokio::net::lookup_host((target.host.as_str(), target.port))
                .await
                .map_err(|e| fail(format!("lookup {}: {e}", target.host)))?;
            addrs
                .find(|a| a.is_ipv6() == want_v6 || !want_v6)
                .ok_or_else(|| fail(format!("lookup {}: no such host", target.host)))
        };
        match tokio::time::timeout(timeout.max(Duration::from_millis(100)), lookup).await {
            Ok(r) => r,
            Err(_) => Err(fail(format!("lookup {}: timed out", target.host))),
        }
    }

    pub(crate) fn remember_engine(
        &self,
        key: &EngineKey,
        engine: snmp_tokio::session::KnownEngine,
    ) {
        let Ok(mut engines) = self.engines.lock() else {
            return;
        };
        if engines.put(key, &engine) {
            if let Some(w) = &self.writer {
                w.submit(engines.to_text());
            }
        }
    }
}

/// What identifies a kept v3 client: the target and everything that configures its client
/// (kept in memory only; never written).
pub(crate) fn v3_key(
    target: &Target,
    auth: &config::Auth,
    any_source: bool,
    o: &QueryOverrides,
) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}|{any_source}",
        target.transport.as_deref().unwrap_or(""),
        target.host,
        target.port,
        auth.username,
        auth.security_level,
        auth.auth_protocol,
        auth.priv_protocol,
        auth.password.0,
        auth.priv_password.0,
        o.context.as_deref().unwrap_or(&auth.context_name),
        o.engine_id,
    )
}

/// What names a saved engine: the agent and the user, no credential.
pub(crate) fn engine_key(target: &Target, auth: &config::Auth, o: &QueryOverrides) -> EngineKey {
    EngineKey {
        transport: target.transport.clone().unwrap_or_default(),
        host: target.host.clone(),
        port: target.port,
        user: auth.username.clone(),
        context: o
            .context
            .clone()
            .unwrap_or_else(|| auth.context_name.clone()),
    }
}
