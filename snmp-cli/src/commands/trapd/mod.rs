//! `snmp trapd`: snmptrapd, drop-in. Its command line and `snmptrapd.conf` (read by
//! snmp-trapd), its access control, its log formats, `traphandle` programs and `forward`, over
//! the receiver of snmp-session on every listening address (UDP and TCP, IPv4 and IPv6).
//!
//! The receiving loop only decides and queues: programs and forwards run in their own tasks
//! behind bounded queues (see `handlers`), and informs are acknowledged by the receiver as
//! soon as they are accepted.

mod args;
mod handlers;
mod log;
mod metrics;
mod otlp;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, SystemTime};

use clap::Args;
use futures_util::StreamExt;
use snmp_tokio::session::{DropReason, Dropped};
use snmp_tokio::{Notification, ReceiverConfig, Tokio, TrapReceiver};
use snmp_trapd::format::{self, Event, Printer};
use snmp_trapd::{Action, Conf};

use crate::failure::Failure;
use crate::names::MibOpts;
use crate::options::{auth_protocol, priv_protocol};

use self::args::Opts;
use self::handlers::{Exec, Forward, Stats};
use self::log::{Log, Severity};

/// snmptrapd's arguments, as given (read by `args::parse`, not by clap).
#[derive(Args)]
#[command(disable_help_flag = true)]
pub(crate) struct TrapdArgs {
    /// snmptrapd's options and listening addresses (`snmp trapd -h` lists them).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    args: Vec<String>,
}

/// The default configuration folders, as Net-SNMP searches them.
fn conf_dirs() -> Vec<String> {
    if let Ok(p) = std::env::var("SNMPCONFPATH") {
        return p.split(':').map(str::to_owned).collect();
    }
    let mut dirs: Vec<String> = [
        "/etc/snmp",
        "/usr/share/snmp",
        "/usr/lib/x86_64-linux-gnu/snmp",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if let Ok(home) = std::env::var("HOME") {
        dirs.push(format!("{home}/.snmp"));
    }
    dirs
}

/// `[udp:|udp6:|tcp:|tcp6:][host:]port` (a bare port listens on every address): TCP or not,
/// and the address.
fn listen_addr(text: &str) -> Result<(bool, SocketAddr), String> {
    let lower = text.to_ascii_lowercase();
    let (tcp, v6, rest) = [
        ("udp6:", false, true),
        ("tcp6:", true, true),
        ("udpv6:", false, true),
        ("tcpv6:", true, true),
        ("udp:", false, false),
        ("tcp:", true, false),
    ]
    .iter()
    .find(|(p, _, _)| lower.starts_with(p))
    .map_or((false, false, text), |(p, tcp, v6)| {
        (*tcp, *v6, &text[p.len()..])
    });
    let any: IpAddr = if v6 {
        Ipv6Addr::UNSPECIFIED.into()
    } else {
        Ipv4Addr::UNSPECIFIED.into()
    };
    if rest.is_empty() {
        return Ok((tcp, SocketAddr::new(any, 162)));
    }
    if let Ok(port) = rest.parse::<u16>() {
        return Ok((tcp, SocketAddr::new(any, port)));
    }
    if let Ok(a) = rest.parse::<SocketAddr>() {
        return Ok((tcp, a));
    }
    let bare = rest.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok((tcp, SocketAddr::new(ip, 162)));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if p.parse::<u16>().is_ok() => (h, p.parse::<u16>().unwrap_or(162)),
        _ => (rest, 162),
    };
    let found = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("{text}: {e}"))?
        .find(|a| a.is_ipv6() == v6 || !v6);
    found
        .map(|a| (tcp, a))
        .ok_or_else(|| format!("{text}: no such address"))
}

/// Everything the loop needs, built from the options and the files.
struct Trapd {
    conf: Conf,
    opts: Opts,
    names: crate::names::Names,
    hosts: super::listen::Hosts,
    log: Arc<Mutex<Log>>,
    /// One worker per handler line (by its index in `conf.handlers`).
    exec: HashMap<usize, Exec>,
    forward: HashMap<usize, Forward>,
    /// createUser -e: the only sender engine whose traps a user's keys are for.
    user_engines: HashMap<Vec<u8>, Vec<u8>>,
    stats: Arc<Stats>,
    /// The OTLP exporter, when `otlpEndpoint` is set.
    otlp: Option<otlp::Otlp>,
    /// `otlpSeverity` rules.
    severity: snmp_otlp::SeverityRules,
}

/// `snmp trapd ARGS...`.
pub(crate) async fn trapd(raw: &TrapdArgs) -> Result<(), Failure> {
    let opts = args::parse(&raw.args)
        .map_err(|e| Failure::Usage(format!("snmp trapd: {e}\n{}", args::USAGE)))?;
    if opts.help {
        print!("{}", args::USAGE);
        return Ok(());
    }
    if opts.version {
        println!("snmp trapd (snmp-rs) {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    let log = Log::open(&opts.logs, opts.append).map_err(Failure::Usage)?;
    let log = Arc::new(Mutex::new(log));
    let say = |severity: Severity, text: &str| {
        if let Ok(mut l) = log.lock() {
            l.message(severity, text);
        }
    };

    // The files, in Net-SNMP's order: the default folders (unless -C), then -c; then
    // --TOKEN=VALUE lines. MIB settings in them apply before any OID is read.
    let mut files: Vec<(String, String)> = Vec::new();
    if !opts.no_default_conf {
        for dir in conf_dirs() {
            for name in ["snmptrapd.conf", "snmptrapd.local.conf"] {
                let path = format!("{dir}/{name}");
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push((path, text));
                }
            }
        }
    }
    for path in &opts.conf_files {
        match std::fs::read_to_string(path) {
            Ok(text) => files.push((path.clone(), text)),
            Err(e) => say(
                Severity::Warning,
                &format!("Cannot read configuration file {path}: {e}\n"),
            ),
        }
    }
    if !opts.conf_lines.is_empty() {
        files.push(("command line".into(), opts.conf_lines.join("\n")));
    }
    let mut first = Conf::default();
    let standard = snmp_mib::Mib::standard();
    for (path, text) in &files {
        let _ = first.apply(text, path, &standard);
    }
    let mut output = first.output_options.clone();
    output.extend(opts.output.iter().cloned());
    let names = MibOpts::new(
        opts.modules.clone().or(first.mibs.clone()),
        opts.dirs.clone().or(first.mibdirs.clone()),
        output,
    )
    .load()?;
    let mut conf = Conf::default();
    let mut path_told = false;
    for (path, text) in &files {
        for d in conf.apply(text, path, &names.mib) {
            // An OID in a module that cannot be found: Net-SNMP's two lines first.
            let unknown_module = d.message.split_once(" directive: ").and_then(|(_, text)| {
                match names.mib.resolve(text) {
                    Err(snmp_mib::ResolveError::UnknownModule { module, .. }) => Some(module),
                    _ => None,
                }
            });
            if let Some(module) = unknown_module {
                if !path_told {
                    say(
                        Severity::Warning,
                        &format!("MIB search path: {}\n", names.search_path),
                    );
                    path_told = true;
                }
                say(
                    Severity::Warning,
                    &format!("Cannot find module ({module}): At line 1 in (none)\n"),
                );
            }
            let severity = match d.level {
                snmp_trapd::Level::Error => Severity::Error,
                snmp_trapd::Level::Warning => Severity::Warning,
            };
            say(severity, &format!("{d}\n"));
        }
    }
    if let Some(f) = &opts.print_format {
        conf.formats.print1 = Some(f.clone());
        conf.formats.print2 = Some(f.clone());
    }

    // Listening addresses: the command line's, else snmpTrapdAddr's, else udp:162.
    let mut addresses: Vec<String> = opts
        .addresses
        .iter()
        .flat_map(|a| a.split(',').map(str::to_owned))
        .filter(|a| !a.is_empty())
        .collect();
    if addresses.is_empty() {
        addresses = conf.addresses.clone();
    }
    if addresses.is_empty() {
        addresses.push("udp:162".into());
    }

    // v3 users: keys from createUser, accepted down to the lowest level an authUser line
    // allows (the access check applies each line's own level).
    let mut users = Vec::new();
    let mut user_engines = HashMap::new();
    for u in &conf.users {
        let mut user = snmp_tokio::UsmUser::new(&u.name);
        if let Some((proto, pass)) = &u.auth {
            user = user
                .with_auth(auth_protocol(proto)?, pass.as_bytes())
                .map_err(snmp_tokio::Error::Credentials)?;
            if let Some((proto, pass)) = &u.privacy {
                user = user
                    .with_privacy(priv_protocol(proto)?, pass.as_bytes())
                    .map_err(snmp_tokio::Error::Credentials)?;
            }
        }
        let min = conf
            .auth_users
            .iter()
            .filter(|a| a.user == u.name.as_bytes())
            .map(|a| a.level)
            .min()
            .unwrap_or_else(|| user.security_level());
        if let Some(e) = &u.engine_id {
            user_engines.insert(u.name.as_bytes().to_vec(), e.clone());
        }
        users.push((user, min));
    }

    let mut receivers = Vec::new();
    for a in &addresses {
        let (tcp, addr) = listen_addr(a).map_err(Failure::Usage)?;
        let config = ReceiverConfig::default();
        let rx = if tcp {
            TrapReceiver::bind_tcp_on(Tokio, addr, config).await
        } else {
            TrapReceiver::bind_on(Tokio, addr, config).await
        };
        let mut rx =
            rx.map_err(|e| Failure::Usage(format!("couldn't open {a} -- errno 98 (\"{e}\")")))?;
        for (user, min) in &users {
            rx.add_user_with_min_level(user.clone(), *min);
        }
        receivers.push((rx, tcp));
    }

    let stats = Arc::new(Stats::default());
    let mut exec = HashMap::new();
    let mut forward = HashMap::new();
    for (i, h) in conf.handlers.iter().enumerate() {
        match &h.action {
            Action::Execute(cmd) => {
                exec.insert(
                    i,
                    Exec::start(
                        cmd.clone(),
                        opts.handler_queue,
                        opts.handler_timeout,
                        stats.clone(),
                        log.clone(),
                    ),
                );
            }
            Action::Forward(dest) => {
                let target = dest.strip_prefix("udp:").unwrap_or(dest);
                if dest.starts_with("tcp") || dest == "agentx" {
                    say(
                        Severity::Warning,
                        &format!("forward {dest}: only UDP destinations are supported\n"),
                    );
                    continue;
                }
                match listen_addr(target) {
                    Ok((_, addr)) => {
                        forward.insert(i, Forward::start(addr, opts.handler_queue, stats.clone()));
                    }
                    Err(e) => say(Severity::Warning, &format!("forward: {e}\n")),
                }
            }
        }
    }

    let shared = Arc::new(metrics::Shared {
        stats: stats.clone(),
        receivers: Mutex::new(Vec::new()),
    });
    if let Some(addr) = &opts.metrics_listen {
        let listener = tokio::net::TcpListener::bind(addr.as_str())
            .await
            .map_err(|e| Failure::Usage(format!("--metrics-listen={addr}: {e}")))?;
        tokio::spawn(metrics::serve(listener, shared.clone()));
    }
    if let Some(pid_file) = opts.pid_file.as_ref().or(conf.pid_file.as_ref()) {
        std::fs::write(pid_file, format!("{}\n", std::process::id()))
            .map_err(|e| Failure::Usage(format!("Cannot write pid file {pid_file}: {e}")))?;
    }
    say(
        Severity::Info,
        &format!(
            "snmp trapd (snmp-rs) {} started\n",
            env!("CARGO_PKG_VERSION")
        ),
    );

    let otlp = match &conf.otlp.endpoint {
        Some(_) => Some(otlp::Otlp::start(&conf.otlp, stats.clone()).map_err(Failure::Usage)?),
        None => None,
    };
    let mut severity = snmp_otlp::SeverityRules::default();
    for (oid, level) in &conf.otlp.severity {
        severity.add(oid.clone(), level.parse().map_err(Failure::Usage)?);
    }
    let mut d = Trapd {
        conf,
        opts,
        names,
        hosts: super::listen::Hosts::read(),
        log: log.clone(),
        exec,
        forward,
        user_engines,
        stats: stats.clone(),
        otlp,
        severity,
    };
    let locals: Vec<SocketAddr> = receivers.iter().map(|(r, _)| r.local_addr()).collect();
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    let mut start = 0usize;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| Failure::Usage(e.to_string()))?;
    loop {
        let next = std::future::poll_fn(|cx| {
            let len = receivers.len();
            for k in 0..len {
                let i = (start + k) % len;
                if let Poll::Ready(Some(n)) = receivers[i].0.poll_next_unpin(cx) {
                    start = i + 1;
                    return Poll::Ready((i, n));
                }
            }
            Poll::Pending
        });
        tokio::select! {
            (i, n) = next => {
                let tcp = receivers[i].1;
                d.handle(&n, locals[i], tcp);
            }
            _ = tick.tick() => {
                for (rx, _) in &mut receivers {
                    for drop in rx.take_dropped() {
                        d.dropped(&drop);
                    }
                }
                if let Ok(mut list) = shared.receivers.lock() {
                    *list = receivers.iter().map(|(r, _)| r.counters()).collect();
                }
            }
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
        }
    }
    let (y, mo, dd, h, mi, s) = format::civil_utc(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|t| t.as_secs())
            .unwrap_or(0),
    );
    say(
        Severity::Info,
        &format!(
            "{y:04}-{mo:02}-{dd:02} {h:02}:{mi:02}:{s:02} snmp trapd (snmp-rs) {} Stopped.\nStopping snmptrapd\n\n",
            env!("CARGO_PKG_VERSION")
        ),
    );
    if let Some(pid_file) = d.opts.pid_file.as_ref().or(d.conf.pid_file.as_ref()) {
        let _ = std::fs::remove_file(pid_file);
    }
    Ok(())
}

impl Trapd {
    /// A dropped datagram: snmptrapd's line for a v3 message that failed authentication.
    fn dropped(&mut self, d: &Dropped) {
        if matches!(d.reason, DropReason::WrongDigest) {
            let user = d
                .user
                .as_ref()
                .map(|u| String::from_utf8_lossy(u).into_owned())
                .unwrap_or_default();
            if let Ok(mut l) = self.log.lock() {
                l.message(
                    Severity::Warning,
                    &format!("Authentication failed for {user}\n"),
                );
            }
        }
    }

    /// One notification: access, log, handlers.
    fn handle(&mut self, n: &Notification, local: SocketAddr, tcp: bool) {
        // createUser -e: a trap in that user's name from another engine is not for these keys.
        if let Some(v3) = &n.v3 {
            if let Some(engine) = self.user_engines.get(v3.user_name.as_ref()) {
                if n.pdu_type == snmp_tokio::codec::PduType::SnmpV2Trap
                    && v3.engine_id.as_ref() != engine.as_slice()
                {
                    handlers::add(&self.stats.wrong_engine);
                    return;
                }
            }
        }
        let access = self.conf.access(n);
        if access.is_none() {
            handlers::add(&self.stats.unauthorised);
            return;
        }
        handlers::add(&self.stats.accepted);
        let host_name = (!self.opts.numeric).then(|| self.hosts.name(n.source.ip()));
        let ev = Event {
            n,
            local,
            tcp,
            host_name: host_name.as_deref(),
            // snmptrapd's %A and v1 layout show the agent-addr as the address.
            agent_name: None,
            now: SystemTime::now(),
        };
        let p = Printer {
            mib: &self.names.mib,
            format: &self.names.fmt,
        };
        let logging = access.log
            && !self.conf.do_not_log_traps
            && !((self.opts.drop_auth || self.conf.ignore_auth_failure)
                && format::is_auth_failure(n));
        if logging {
            let f = &self.conf.formats;
            let print = if n.v1.is_some() {
                f.print1.as_deref()
            } else {
                f.print2.as_deref()
            };
            // What is printed goes to every log target, syslog included (at LOG_INFO, as
            // snmptrapd 5.9.3 sends it; its `format syslog` strings are not used there).
            let text = match print {
                // An empty format string means: do not log.
                Some("") => None,
                Some(f) => Some(format::render(f, &ev, &p)),
                None if n.v1.is_some() => Some(format::plain_v1(&ev, &p)),
                None => Some(format::render(format::PRINT_V2, &ev, &p)),
            };
            if let (Some(text), Ok(mut l)) = (text, self.log.lock()) {
                l.message(Severity::Info, &text);
            }
        }
        if access.log {
            if let Some(otlp) = &self.otlp {
                let name = self.conf.security_name(n);
                let cx = snmp_otlp::Context {
                    security_name: &name,
                    transport: if tcp { "tcp" } else { "udp" },
                    received: ev.now,
                };
                otlp.send(snmp_otlp::log_record(
                    n,
                    &cx,
                    &self.names.mib,
                    &self.severity,
                ));
            }
        }
        let trap = n.trap_oid.as_ref();
        let chosen: Vec<usize> = self
            .conf
            .handlers_for(trap)
            .into_iter()
            .filter_map(|h| self.conf.handlers.iter().position(|x| std::ptr::eq(x, h)))
            .collect();
        for i in chosen {
            let h = &self.conf.handlers[i];
            match &h.action {
                Action::Execute(_) if access.execute => {
                    if let Some(w) = self.exec.get(&i) {
                        let f = &self.conf.formats;
                        let text = format::execute_text(
                            &ev,
                            &p,
                            h.format.as_deref(),
                            f.execute1.as_deref(),
                            f.execute2.as_deref(),
                        );
                        w.send(text);
                    }
                }
                Action::Forward(_) if access.net => {
                    if let Some(w) = self.forward.get(&i) {
                        w.send(n.clone());
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_addresses_as_snmptrapd_reads_them() {
        let a = |s: &str| listen_addr(s).unwrap();
        assert_eq!(a("1162"), (false, "0.0.0.0:1162".parse().unwrap()));
        assert_eq!(a("udp:162"), (false, "0.0.0.0:162".parse().unwrap()));
        assert_eq!(
            a("udp:127.0.0.1:1162"),
            (false, "127.0.0.1:1162".parse().unwrap())
        );
        assert_eq!(
            a("tcp:127.0.0.1:1162"),
            (true, "127.0.0.1:1162".parse().unwrap())
        );
        assert_eq!(a("udp6:[::1]:1162"), (false, "[::1]:1162".parse().unwrap()));
        assert_eq!(a("udp6:1162"), (false, "[::]:1162".parse().unwrap()));
        assert_eq!(a("tcp6:[::1]"), (true, "[::1]:162".parse().unwrap()));
        assert_eq!(a("127.0.0.1"), (false, "127.0.0.1:162".parse().unwrap()));
    }
}
