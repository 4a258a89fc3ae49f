//! The SNMP side of a scrape: a Manager for the target with the auth's credentials, the
//! module's GETs (in batches of `max_repetitions`), its dynamic filters and its walks, as
//! upstream's `ScrapeTarget` orders them, with the packets and retries they cost.

use std::time::Duration;

use snmp_tokio::{
    AuthProtocol, Manager, Oid, OidCheck, PrivProtocol, Repetitions, SecurityLevel, Value, Version,
    WalkOptions,
};

use crate::collect::{oid_arcs, value_string};
use crate::config::{Auth, DynamicFilter, Module};

/// Where to scrape: `[udp://|udp6://|tcp://]host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Host name or address literal (without brackets).
    pub host: String,
    /// Port (161 by default).
    pub port: u16,
    /// The transport prefix given (`udp`, `udp6`, `tcp`), if any.
    pub transport: Option<String>,
}

/// Parses a target as upstream's `configureTarget` does.
///
/// ```
/// use snmp_exporter::scrape::Target;
/// let t = Target::parse("udp6://[::1]:1161").unwrap();
/// assert_eq!((t.host.as_str(), t.port, t.transport.as_deref()), ("::1", 1161, Some("udp6")));
/// assert_eq!(Target::parse("10.0.0.1").unwrap().port, 161);
/// assert!(Target::parse("10.0.0.1:99999").is_err());
/// ```
pub fn parse_target(s: &str) -> Result<Target, String> {
    Target::parse(s)
}

impl Target {
    /// See [`parse_target`].
    pub fn parse(s: &str) -> Result<Target, String> {
        let (transport, rest) = match s.split_once("://") {
            Some((t, r)) => (Some(t.to_owned()), r),
            None => (None, s),
        };
        let (host, port) = match split_host_port(rest) {
            Some((h, p)) => {
                let port: u16 = p.parse().map_err(|_| {
                    format!("error converting port number to int for target {rest:?}: strconv.Atoi: parsing {p:?}: invalid syntax")
                })?;
                (h.to_owned(), port)
            }
            None => (
                rest.trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_owned(),
                161,
            ),
        };
        let literal = host.parse::<std::net::IpAddr>().is_ok();
        let name_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_');
        if !literal && !name_ok {
            // Never handed to the resolver: it could not be a host name.
            return Err(format!("invalid target host {host:?}"));
        }
        Ok(Target {
            host,
            port,
            transport,
        })
    }
}

/// Go's `net.SplitHostPort`, returning `None` where it fails.
fn split_host_port(s: &str) -> Option<(&str, &str)> {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let p = after.strip_prefix(':')?;
        return Some((h, p));
    }
    let (h, p) = s.rsplit_once(':')?;
    if h.contains(':') {
        return None; // "too many colons"
    }
    Some((h, p))
}

/// What a module's scrape fetched.
#[derive(Debug, Default)]
pub struct ScrapeResults {
    /// The varbinds, in the order received.
    pub pdus: Vec<(Oid, Value)>,
    /// Requests sent, retries included.
    pub packets: u64,
    /// Retries.
    pub retries: u64,
}

/// The auth protocol an auth names, by snmp-usm's name table (the names themselves are
/// checked at load against upstream's list: [`Auth::validate`](crate::config::Auth)).
fn auth_protocol(name: &str) -> Result<AuthProtocol, String> {
    name.parse()
        .map_err(|_| format!("unknown auth_protocol {name:?}"))
}

/// The privacy protocol an auth names (Net-SNMP's and gosnmp's names: `AES192`/`AES256` the
/// Blumenthal key extension, `AES192C`/`AES256C` the Reeder one).
fn priv_protocol(name: &str) -> Result<PrivProtocol, String> {
    name.parse()
        .map_err(|_| format!("unknown priv_protocol {name:?}"))
}

/// Per-scrape settings from the query string.
#[derive(Debug, Clone, Default)]
pub struct QueryOverrides {
    /// `snmp_context`: the v3 context (over the auth's `context_name`).
    pub context: Option<String>,
    /// `snmp_engineid`: the v3 context engine ID, hex.
    pub engine_id: Option<Vec<u8>>,
}

/// What a scrape's client is made of.
#[derive(Debug)]
pub struct Connect<'a> {
    /// The target as asked for.
    pub target: &'a Target,
    /// Its address (a host name already looked up).
    pub addr: std::net::SocketAddr,
    /// Version and credentials.
    pub auth: &'a Auth,
    /// The module's timeout per attempt.
    pub timeout: Duration,
    /// The module's retries.
    pub retries: u32,
    /// `use_unconnected_udp_socket`: answers from any address are taken.
    pub any_source: bool,
    /// `--snmp.source-address`.
    pub source_address: Option<std::net::SocketAddr>,
    /// A client to share (kept v3 clients); `None`: a client of its own.
    pub client: Option<&'a snmp_tokio::Client>,
}

/// A Manager for the target with the auth's version and credentials and the module's timing.
pub async fn connect(c: &Connect<'_>, overrides: &QueryOverrides) -> Result<Manager, String> {
    let (target, auth) = (c.target, c.auth);
    let transport = match target.transport.as_deref() {
        None | Some("udp") | Some("udp6") => snmp_tokio::Transport::Udp,
        // One connection per scrape's client, as gosnmp's; closed with it.
        Some("tcp") | Some("tcp6") => snmp_tokio::Transport::Tcp,
        Some(t) => {
            return Err(format!(
                "error connecting to target {}: unknown transport {t}",
                target.host
            ))
        }
    };
    let version = match auth.version {
        1 => Version::V1,
        3 => Version::V3,
        _ => Version::V2c,
    };
    let mut b = Manager::builder(&c.addr.ip().to_string())
        .transport(transport)
        .port(c.addr.port())
        .version(version)
        .timeout(c.timeout)
        .retries(c.retries)
        .accept_any_source(c.any_source);
    match c.client {
        Some(client) => b = b.client(client),
        None if c.source_address.is_some() => {
            let mut cfg = snmp_tokio::SessionConfig::default();
            cfg.source_address = c.source_address;
            b = b.session_config(cfg);
        }
        None => {}
    }
    if version == Version::V3 {
        b = b.user(auth.username.clone());
        let level = match auth.security_level.as_str() {
            "authPriv" => SecurityLevel::AuthPriv,
            "authNoPriv" => SecurityLevel::AuthNoPriv,
            _ => SecurityLevel::NoAuthNoPriv,
        };
        if level != SecurityLevel::NoAuthNoPriv {
            b = b.auth(
                auth_protocol(&auth.auth_protocol)?,
                auth.password.0.as_bytes(),
            );
        }
        if level == SecurityLevel::AuthPriv {
            b = b.privacy(
                priv_protocol(&auth.priv_protocol)?,
                auth.priv_password.0.as_bytes(),
            );
        }
        b = b.security_level(level);
        let context = overrides
            .context
            .clone()
            .unwrap_or_else(|| auth.context_name.clone());
        if !context.is_empty() {
            b = b.context_name(context.as_bytes());
        }
        if let Some(id) = &overrides.engine_id {
            b = b.context_engine_id(id);
        }
    } else {
        b = b.community(auth.community.0.as_bytes());
    }
    b.build()
        .await
        .map_err(|e| format!("error connecting to target {}: {e}", target.host))
}

fn oid(s: &str) -> Oid {
    Oid::from_arcs(&oid_arcs(s))
}

/// gosnmp's words for a failed request, where upstream's messages show them.
fn snmp_error_text(e: &snmp_tokio::Error, retries: u32) -> String {
    if e.is_timeout() {
        format!("request timeout (after {retries} retries)")
    } else {
        match e.operation() {
            Some(op) => op.to_string(),
            None => e.to_string(),
        }
    }
}

async fn walk_all(
    mgr: &Manager,
    module: &Module,
    subtree: &str,
) -> Result<Vec<(Oid, Value)>, snmp_tokio::Error> {
    let wp = &module.walk_params;
    let v1 = mgr.version() == Version::V1;
    let mut options = WalkOptions::default();
    if wp.allow_nonincreasing_oids {
        options = options.with_check(OidCheck::None);
    }
    if wp.parallel_walks > 1 {
        options = options.with_parallel(wp.parallel_walks);
    }
    if wp.adaptive_repetitions > 0 && !v1 {
        options = options.with_repetitions(Repetitions::Adaptive {
            max: wp.adaptive_repetitions,
        });
    }
    let bulk = if v1 {
        None
    } else {
        Some(wp.max_repetitions.max(1))
    };
    mgr.walk_with_options(oid(subtree), bulk, options)
        .collect_all()
        .await
        .map_err(|e| e.error)
}

/// The indices of `pdus` (a filter's walk) whose value one of the filter's regexes matches.
fn allowed_indices(filter: &DynamicFilter, pdus: &[(Oid, Value)]) -> Vec<String> {
    let regexes: Vec<regex::Regex> = filter
        .values
        .iter()
        .filter_map(|v| regex::Regex::new(v).ok())
        .collect();
    let mut allowed = Vec::new();
    for (o, v) in pdus {
        let text = value_string(v, "DisplayString");
        let text = String::from_utf8_lossy(&text);
        if regexes.iter().any(|r| r.is_match(&text)) {
            if let Some(last) = o.arcs().last() {
                allowed.push(last.to_string());
            }
        }
    }
    allowed
}

/// Applies dynamic filters (each with the indices its walk allowed) to the module's walks
/// and gets: a filtered target is no longer walked, and is fetched at the indices every
/// filter naming it allowed (several filters on one OID act as an AND, upstream #1625).
fn apply_filters(
    filters: &[(&DynamicFilter, Vec<String>)],
    walk: Vec<String>,
    get: Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let mut allowed_by_target: Vec<(&str, Vec<String>)> = Vec::new();
    let mut walk = walk;
    for (filter, allowed) in filters {
        walk.retain(|w| !filter.targets.contains(w));
        for t in &filter.targets {
            match allowed_by_target.iter_mut().find(|(x, _)| x == t) {
                Some((_, existing)) => existing.retain(|i| allowed.contains(i)),
                None => allowed_by_target.push((t.as_str(), allowed.clone())),
            }
        }
    }
    let mut get = get;
    for (t, allowed) in &allowed_by_target {
        get.retain(|g| !g.starts_with(t));
        for i in allowed {
            get.push(format!("{t}.{i}"));
        }
    }
    (walk, get)
}

#[cfg(test)]
fn apply_filter(
    filter: &DynamicFilter,
    pdus: &[(Oid, Value)],
    walk: Vec<String>,
    get: Vec<String>,
) -> (Vec<String>, Vec<String>) {
    apply_filters(&[(filter, allowed_indices(filter, pdus))], walk, get)
}

/// Fetches what `module` asks for from the agent behind `mgr` (its walks, or `walk` instead):
/// what was received and the packets it cost, and whether it completed.
pub async fn scrape_module(
    mgr: &Manager,
    module: &Module,
    walk: Option<&[String]>,
) -> (ScrapeResults, Result<(), String>) {
    let before = mgr.counters();
    let mut results = ScrapeResults::default();
    let retries = module.walk_params.retries;
    let host = mgr.addr().ip().to_string();
    let walk = walk.unwrap_or(&module.walk).to_vec();
    let outcome = run(mgr, module, walk, &mut results, &host, retries).await;
    let after = mgr.counters();
    results.retries = after.retransmits.saturating_sub(before.retransmits);
    results.packets = after.requests.saturating_sub(before.requests) + results.retries;
    (results, outcome)
}

async fn run(
    mgr: &Manager,
    module: &Module,
    mut walk: Vec<String>,
    results: &mut ScrapeResults,
    host: &str,
    retries: u32,
) -> Result<(), String> {
    let v1 = mgr.version() == Version::V1;
    let mut get = module.get.clone();
    let mut allowed = Vec::with_capacity(module.filters.len());
    for filter in &module.filters {
        match walk_all(mgr, module, &filter.oid).await {
            Ok(pdus) => allowed.push((filter, allowed_indices(filter, &pdus))),
            Err(_) => {
                tracing::info!(oid = %filter.oid, "Error getting OID, won't do any filter on this oid");
            }
        }
    }
    if !allowed.is_empty() {
        (walk, get) = apply_filters(&allowed, walk, get);
    }
    let mut max_oids = module.walk_params.max_repetitions as usize;
    if max_oids == 0 || v1 {
        max_oids = 1;
    }
    for chunk in get.chunks(max_oids) {
        let oids: Vec<Oid> = chunk.iter().map(|s| oid(s)).collect();
        match mgr.get_varbinds(oids).await {
            Ok(vbs) => {
                for vb in vbs {
                    if matches!(
                        vb.value,
                        Value::NoSuchObject | Value::NoSuchInstance | Value::EndOfMibView
                    ) {
                        continue;
                    }
                    results.pdus.push((vb.oid, vb.value));
                }
            }
            Err(e) => {
                if let Some(snmp_tokio::session::Error::Status { status, .. }) = e.operation() {
                    let code = i32::from(*status);
                    if v1 && code == 2 {
                        continue; // noSuchName: the OID is not supported.
                    }
                    return Err(format!(
                        "error reported by target {host}: Error Status {code}"
                    ));
                }
                return Err(format!(
                    "error getting target {host}: {}",
                    snmp_error_text(&e, retries)
                ));
            }
        }
    }
    for subtree in &walk {
        match walk_all(mgr, module, subtree).await {
            Ok(pdus) => results.pdus.extend(pdus),
            Err(e) => {
                return Err(format!(
                    "error walking target {host}: {}",
                    snmp_error_text(&e, retries)
                ))
            }
        }
    }
    Ok(())
}

/// sysUpTime.0 of the agent (for the lookup cache), or `None` when it did not answer it.
pub async fn sys_uptime(mgr: &Manager) -> Option<u32> {
    let vbs = mgr.get_varbinds([oid("1.3.6.1.2.1.1.3.0")]).await.ok()?;
    match vbs.first().map(|vb| &vb.value) {
        Some(Value::TimeTicks(t)) => Some(*t),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_as_upstream_reads_them() {
        assert_eq!(
            Target::parse("127.0.0.1:1161").unwrap(),
            Target {
                host: "127.0.0.1".into(),
                port: 1161,
                transport: None
            }
        );
        assert_eq!(Target::parse("::1").unwrap().host, "::1");
        assert_eq!(Target::parse("[::1]:162").unwrap().port, 162);
        assert_eq!(
            Target::parse("tcp://h:1").unwrap().transport.as_deref(),
            Some("tcp")
        );
        assert!(Target::parse("h:x").is_err());
        assert!(Target::parse("bad\u{0}host").is_err());
    }

    #[test]
    fn dynamic_filter_keeps_matching_indexes() {
        let f = DynamicFilter {
            oid: "1.3.6.1.2.1.2.2.1.7".into(),
            targets: vec!["1.3.6.1.2.1.2.2.1.10".into()],
            values: vec!["^1$".into()],
        };
        let pdus = vec![
            (oid("1.3.6.1.2.1.2.2.1.7.1"), Value::Integer(1)),
            (oid("1.3.6.1.2.1.2.2.1.7.2"), Value::Integer(2)),
            (oid("1.3.6.1.2.1.2.2.1.7.3"), Value::Integer(1)),
        ];
        let (walk, get) = apply_filter(
            &f,
            &pdus,
            vec!["1.3.6.1.2.1.2.2.1.10".into(), "1.3.6.1.2.1.1".into()],
            vec!["1.3.6.1.2.1.2.2.1.10.9".into(), "1.3.6.1.2.1.1.3.0".into()],
        );
        assert_eq!(walk, vec!["1.3.6.1.2.1.1".to_string()]);
        // Two filters on one target: only the indices both allow (upstream #1625).
        let g = DynamicFilter {
            values: vec!["^1$".into()],
            ..f.clone()
        };
        let (_, both) = apply_filters(
            &[
                (&f, vec!["1".into(), "3".into()]),
                (&g, vec!["1".into(), "2".into()]),
            ],
            vec![],
            vec![],
        );
        assert_eq!(both, vec!["1.3.6.1.2.1.2.2.1.10.1".to_string()]);
        assert_eq!(
            get,
            vec![
                "1.3.6.1.2.1.1.3.0".to_string(),
                "1.3.6.1.2.1.2.2.1.10.1".into(),
                "1.3.6.1.2.1.2.2.1.10.3".into()
            ]
        );
    }
}
