//! snmptrapd's output: its `%`-format strings (`format1`, `format2`, `-F`, `traphandle -F`),
//! its built-in layouts (the plain SNMPv1 layout, the v2 default, what a `traphandle` program
//! reads), with every quirk its users' parsers rely on (`%W` of a v2 notification is `Cold
//! Start`, `%q` keeps its dot, right padding with `-` is zeros).

use std::net::{IpAddr, SocketAddr};
use std::time::SystemTime;

use snmp_codec::{GenericTrap, Oid, PduType, Value, VarBind, Version};
use snmp_mib::{Format, Mib};
use snmp_session::Notification;

/// The default layout of a logged SNMPv2c/v3 notification.
pub const PRINT_V2: &str = "%.4y-%.2m-%.2l %.2h:%.2j:%.2k %B [%b]:\n%v\n";

/// What a `traphandle` program reads by default: host name, transport, then one varbind a
/// line (`OID value`).
pub const EXECUTE: &str = "%B\n%b\n%V\n%v\n";

/// One received notification with what the formats need beside it.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// The notification.
    pub n: &'a Notification,
    /// The address it arrived on.
    pub local: SocketAddr,
    /// Over TCP.
    pub tcp: bool,
    /// The sender's host name (`%B`); `None` prints the transport (snmptrapd `-n`).
    pub host_name: Option<&'a str>,
    /// The SNMPv1 agent-addr's host name (`%A`); `None` prints the address, as snmptrapd
    /// 5.9 does.
    pub agent_name: Option<&'a str>,
    /// When it arrived.
    pub now: SystemTime,
}

/// How OIDs and values print: the MIB and the output options (`-O`).
#[derive(Debug, Clone, Copy)]
pub struct Printer<'a> {
    /// Names.
    pub mib: &'a Mib,
    /// Output options.
    pub format: &'a Format,
}

impl Printer<'_> {
    fn oid(&self, oid: &Oid) -> String {
        if oid.arcs().is_empty() {
            return ".".into();
        }
        self.format.oid(self.mib, oid)
    }
}

/// `UDP: [127.0.0.1]:53484->[127.0.0.1]:162`, as Net-SNMP formats a transport.
pub fn transport(from: SocketAddr, to: SocketAddr, tcp: bool) -> String {
    if tcp {
        // snmptrapd names an accepted connection's local end `[0.0.0.0]:0`.
        let (kind, any) = if from.is_ipv6() {
            ("TCP/IPv6", "::")
        } else {
            ("TCP", "0.0.0.0")
        };
        return format!("{kind}: [{}]:{}->[{any}]:0", from.ip(), from.port());
    }
    let kind = if from.is_ipv6() { "UDP/IPv6" } else { "UDP" };
    format!(
        "{kind}: [{}]:{}->[{}]:{}",
        from.ip(),
        from.port(),
        to.ip(),
        to.port()
    )
}

/// Seconds since 1970 as a UTC date and time: (year, month, day, hour, minute, second).
pub fn civil_utc(secs: u64) -> (i64, i64, i64, u64, u64, u64) {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, rem / 3600, rem / 60 % 60, rem % 60)
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `0:00:04.56`, `1 day, 2:03:04.05`, `3 days, ...`: Net-SNMP's uptime string.
pub fn uptime_string(ticks: u32) -> String {
    let cs = ticks % 100;
    let t = ticks / 100;
    let (days, t) = (t / 86_400, t % 86_400);
    let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
    match days {
        0 => format!("{h}:{m:02}:{s:02}.{cs:02}"),
        1 => format!("1 day, {h}:{m:02}:{s:02}.{cs:02}"),
        d => format!("{d} days, {h}:{m:02}:{s:02}.{cs:02}"),
    }
}

/// Net-SNMP's words for a generic trap (`%W`).
pub fn trap_description(generic: i64) -> &'static str {
    match generic {
        0 => "Cold Start",
        1 => "Warm Start",
        2 => "Link Down",
        3 => "Link Up",
        4 => "Authentication Failure",
        5 => "EGP Neighbor Loss",
        6 => "Enterprise Specific",
        _ => "Unknown Type",
    }
}

/// Bytes as Net-SNMP prints a name or community: printable ASCII kept, the rest `.`.
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect()
}

impl Event<'_> {
    fn generic(&self) -> i64 {
        self.n
            .v1
            .as_ref()
            .map_or(0, |v1| i64::from(i32::from(v1.generic_trap)))
    }

    fn specific(&self) -> i64 {
        self.n
            .v1
            .as_ref()
            .map_or(0, |v1| i64::from(v1.specific_trap))
    }

    /// The PDU's time-stamp: a v1 trap's; 0 for v2 notifications, as snmptrapd's PDU.
    fn time(&self) -> u32 {
        if self.n.v1.is_some() {
            self.n.uptime.unwrap_or(0)
        } else {
            0
        }
    }

    fn agent_addr(&self) -> IpAddr {
        IpAddr::from(self.n.v1.as_ref().map_or([0; 4], |v1| v1.agent_addr))
    }

    fn transport(&self) -> String {
        transport(self.n.source, self.local, self.tcp)
    }

    fn host(&self) -> String {
        match self.host_name {
            Some(h) => h.to_owned(),
            None => self.transport(),
        }
    }

    /// `%P`: `TRAP, SNMP v1, community public`, `INFORM, SNMP v3, user u, context c`.
    fn wrap(&self) -> String {
        let kind = match self.n.pdu_type {
            PduType::TrapV1 => "TRAP",
            PduType::InformRequest => "INFORM",
            _ => "TRAP2",
        };
        match (&self.n.v3, &self.n.community) {
            (Some(v3), _) => format!(
                "{kind}, SNMP v3, user {}, context {}",
                printable(&v3.user_name),
                printable(&v3.context_name)
            ),
            (None, c) => {
                let v = if self.n.version == Version::V1 {
                    "v1"
                } else {
                    "v2c"
                };
                let c = c.as_deref().unwrap_or_default();
                format!("{kind}, SNMP {v}, community {}", printable(c))
            }
        }
    }

    /// The varbinds snmptrapd hands a `traphandle` program: a v1 trap translated as RFC
    /// 3584 says (sysUpTime.0, snmpTrapOID.0, its varbinds, then snmpTrapAddress.0,
    /// snmpTrapCommunity.0 and snmpTrapEnterprise.0 unless present); v2 as received.
    pub fn v2_varbinds(&self) -> Vec<VarBind> {
        let n = self.n;
        let Some(v1) = &n.v1 else {
            return n.varbinds.clone();
        };
        let oid = |arcs: &[u32]| Oid::from_arcs(arcs);
        let mut out = Vec::with_capacity(n.varbinds.len() + 5);
        out.push(VarBind::new(
            oid(&[1, 3, 6, 1, 2, 1, 1, 3, 0]),
            Value::TimeTicks(n.uptime.unwrap_or(0)),
        ));
        if let Some(t) = &n.trap_oid {
            out.push(VarBind::new(
                oid(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0]),
                Value::ObjectIdentifier(t.clone()),
            ));
        }
        out.extend(n.varbinds.iter().cloned());
        let extra = [
            (
                oid(&[1, 3, 6, 1, 6, 3, 18, 1, 3, 0]),
                Value::IpAddress(v1.agent_addr),
            ),
            (
                oid(&[1, 3, 6, 1, 6, 3, 18, 1, 4, 0]),
                Value::OctetString(n.community.clone().unwrap_or_default()),
            ),
            (
                oid(&[1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0]),
                Value::ObjectIdentifier(v1.enterprise.clone()),
            ),
        ];
        for (o, v) in extra {
            if !n.varbinds.iter().any(|vb| vb.oid == o) {
                out.push(VarBind::new(o, v));
            }
        }
        out
    }
}

/// The options of one `%` command.
#[derive(Debug, Clone, Copy, Default)]
struct Opts {
    width: usize,
    precision: Option<usize>,
    left: bool,
    alt: bool,
    zeroes: bool,
}

fn is_command(c: char) -> bool {
    "tymlhjkTYMLHJKaAsSuEbBNPwWqv".contains(c)
}

fn is_numeric(c: char) -> bool {
    "tymlhjkTYMLHJKw".contains(c)
}

/// The character after a backslash, as snmptrapd reads it.
fn backslash(out: &mut String, c: char) {
    match c {
        'a' => out.push('\x07'),
        'b' => out.push('\x08'),
        'f' => out.push('\x0c'),
        'n' => out.push('\n'),
        'r' => out.push('\r'),
        't' => out.push('\t'),
        'v' => out.push('\x0b'),
        '\\' | '?' | '%' | '\'' | '"' => out.push(c),
        other => {
            out.push('\\');
            out.push(other);
        }
    }
}

/// Renders `format` for one notification, as snmptrapd's `realloc_format_trap` does.
///
/// ```
/// # use snmp_trapd::format::{render, Event, Printer};
/// # fn show(ev: &Event<'_>, p: &Printer<'_>) {
/// let line = render("%B [%b]: %W %v\\n", ev, p);
/// # }
/// ```
pub fn render(format: &str, ev: &Event<'_>, p: &Printer<'_>) -> String {
    let mut out = String::new();
    let mut separator = String::new();
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c == '\\' {
            if let Some(&n) = chars.get(i) {
                backslash(&mut out, n);
                i += 1;
            }
            continue;
        }
        if c != '%' {
            out.push(c);
            continue;
        }
        // A command: flags, width, precision, then its letter.
        let mut o = Opts::default();
        while let Some(&n) = chars.get(i) {
            i += 1;
            match n {
                '-' => o.left = true,
                '0' => o.zeroes = true,
                '#' => o.alt = true,
                '.' => {
                    // Precision digits, then the letter.
                    let mut prec = None::<usize>;
                    while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                        prec = Some(
                            prec.unwrap_or(0)
                                .saturating_mul(10)
                                .saturating_add(d as usize),
                        );
                        i += 1;
                    }
                    o.precision = prec;
                    match chars.get(i) {
                        Some(&l) if is_command(l) => {
                            i += 1;
                            if let Some(p) = o.precision {
                                o.width = o.width.max(p);
                            }
                            command(&mut out, l, o, &separator, ev, p);
                        }
                        Some(&l) => {
                            i += 1;
                            out.push(l);
                        }
                        None => {}
                    }
                    break;
                }
                'V' => {
                    // The varbind separator: up to the next `%`, which starts a command.
                    separator.clear();
                    while let Some(&s) = chars.get(i) {
                        if s == '%' {
                            break;
                        }
                        if separator.len() >= 31 {
                            break;
                        }
                        i += 1;
                        if s == '\\' {
                            if let Some(&n) = chars.get(i) {
                                backslash(&mut separator, n);
                                i += 1;
                            }
                        } else {
                            separator.push(s);
                        }
                    }
                    // The `%` that ended it is this command's: carry on reading flags.
                    if chars.get(i) == Some(&'%') {
                        i += 1;
                        continue;
                    }
                    break;
                }
                d @ '1'..='9' => {
                    let mut w = d.to_digit(10).unwrap_or(0) as usize;
                    while let Some(x) = chars.get(i).and_then(|c| c.to_digit(10)) {
                        w = w.saturating_mul(10).saturating_add(x as usize);
                        i += 1;
                    }
                    o.width = w;
                    match chars.get(i) {
                        Some('.') => continue,
                        Some(&l) if is_command(l) => {
                            i += 1;
                            command(&mut out, l, o, &separator, ev, p);
                        }
                        Some(&l) => {
                            i += 1;
                            out.push(l);
                        }
                        None => {}
                    }
                    break;
                }
                l if is_command(l) => {
                    command(&mut out, l, o, &separator, ev, p);
                    break;
                }
                other => {
                    out.push(other);
                    break;
                }
            }
        }
    }
    out
}

/// One command's text, padded and cut as its options say.
fn command(out: &mut String, c: char, o: Opts, separator: &str, ev: &Event<'_>, p: &Printer<'_>) {
    if c == 'P' {
        // The wrapper is written straight out, without width or precision.
        out.push_str(&ev.wrap());
        return;
    }
    let text = field(c, o, separator, ev, p);
    let mut text: Vec<char> = text.chars().collect();
    if let Some(prec) = o.precision {
        text.truncate(prec);
    }
    let len = text.len();
    if !o.left && len < o.width {
        // Numbers are padded with zeros up to the precision (all the way without one). The
        // count is snmptrapd's unsigned `zeroes_to_write-- > 0`: once it has reached zero it
        // wraps, so after one space the rest of the padding is zeros again (`%5.3w` of 0 is
        // `00 00`).
        let mut zeroes = if is_numeric(c) {
            o.precision.map_or(usize::MAX, |p| p.saturating_sub(len))
        } else {
            0
        };
        for _ in len..o.width {
            let zero = o.zeroes || {
                let z = zeroes > 0;
                zeroes = zeroes.wrapping_sub(1);
                z
            };
            if zero {
                out.push('0');
            } else {
                out.push(' ');
            }
        }
    }
    out.extend(text.iter());
    if o.left && len < o.width {
        // snmptrapd pads a left-justified field with zeros.
        out.extend(std::iter::repeat_n('0', o.width - len));
    }
}

fn field(c: char, o: Opts, separator: &str, ev: &Event<'_>, p: &Printer<'_>) -> String {
    let n = ev.n;
    match c {
        't' => unix_secs(ev.now).to_string(),
        'T' if !o.alt => ev.time().to_string(),
        'T' => uptime_string(ev.time()),
        'y' | 'm' | 'l' | 'h' | 'j' | 'k' | 'Y' | 'M' | 'L' | 'H' | 'J' | 'K' => {
            let secs = if c.is_ascii_uppercase() {
                // The uptime's fields: its ticks read as seconds since 1970, as snmptrapd.
                u64::from(ev.time())
            } else {
                unix_secs(ev.now)
            };
            let (y, mo, d, h, mi, s) = civil_utc(secs);
            match c.to_ascii_lowercase() {
                'y' => y.to_string(),
                'm' => mo.to_string(),
                'l' => d.to_string(),
                'h' => h.to_string(),
                'j' => mi.to_string(),
                _ => s.to_string(),
            }
        }
        'a' => ev.agent_addr().to_string(),
        'A' => match ev.agent_name {
            Some(name) => name.to_owned(),
            None => ev.agent_addr().to_string(),
        },
        'b' => ev.transport(),
        'B' => ev.host(),
        's' => match (n.version, &n.v3) {
            (_, Some(_)) => "3".into(),
            (Version::V1, None) => "0".into(),
            _ => "1".into(),
        },
        'S' => match (n.version, &n.v3) {
            (_, Some(_)) => "3".into(),
            (Version::V1, None) => "1".into(),
            _ => "2".into(),
        },
        'u' => match (&n.v3, &n.community) {
            (Some(v3), _) => String::from_utf8_lossy(&v3.user_name).into_owned(),
            (None, c) => printable(c.as_deref().unwrap_or_default()),
        },
        'E' => {
            n.v3.as_ref()
                .map_or_else(String::new, |v3| hex_dump(&v3.context_engine_id))
        }
        'N' => p.oid(
            &n.v1
                .as_ref()
                .map_or_else(Oid::default, |v1| v1.enterprise.clone()),
        ),
        'w' => ev.generic().to_string(),
        'W' => trap_description(ev.generic()).into(),
        'q' => {
            if ev.generic() != 6 {
                return ev.specific().to_string();
            }
            let name = p.oid(&specific_oid(ev));
            match name.rfind('.') {
                Some(dot) => name[dot..].to_owned(),
                None => name,
            }
        }
        'v' => {
            let sep = if !separator.is_empty() {
                separator
            } else if o.alt {
                ", "
            } else {
                "\t"
            };
            let mut s = String::new();
            for (k, vb) in n.varbinds.iter().enumerate() {
                if o.alt || k > 0 {
                    s.push_str(sep);
                }
                p.format.write_varbind(&mut s, p.mib, &vb.oid, &vb.value);
            }
            s
        }
        other => other.to_string(),
    }
}

/// A v1 enterprise-specific trap's OID: the enterprise, `0` unless it ends in one, the code.
fn specific_oid(ev: &Event<'_>) -> Oid {
    let Some(v1) = &ev.n.v1 else {
        return Oid::default();
    };
    let mut arcs = v1.enterprise.arcs().to_vec();
    if arcs.last() != Some(&0) {
        arcs.push(0);
    }
    arcs.push(v1.specific_trap as u32);
    Oid::from_arcs(&arcs)
}

/// Bytes as Net-SNMP's hex dump: `80 00 1F 88 ` with a line break after every 16.
fn hex_dump(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 16 == 0 {
            s.push('\n');
        }
        s.push_str(&format!("{b:02X} "));
    }
    s
}

/// A v1 trap in snmptrapd's own layout (no `format1`): the time, the agent, the transport,
/// the wrapper; then the enterprise, the trap and the uptime; then each varbind after a tab.
pub fn plain_v1(ev: &Event<'_>, p: &Printer<'_>) -> String {
    let n = ev.n;
    let (y, mo, d, h, mi, s) = civil_utc(unix_secs(ev.now));
    let agent = ev.agent_addr();
    let name = ev
        .agent_name
        .map_or_else(|| agent.to_string(), str::to_owned);
    let enterprise =
        n.v1.as_ref()
            .map_or_else(Oid::default, |v1| v1.enterprise.clone());
    let code = if ev.generic() == 6 {
        let name = p.oid(&specific_oid(ev));
        match name.rfind('.') {
            Some(dot) => name[dot + 1..].to_owned(),
            None => name,
        }
    } else {
        ev.specific().to_string()
    };
    let mut out = format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} {name} [{agent}] (via {}) {}\n\t{} {} Trap ({code}) Uptime: {}\n",
        ev.transport(),
        ev.wrap(),
        p.oid(&enterprise),
        trap_description(ev.generic()),
        uptime_string(ev.time()),
    );
    for vb in &n.varbinds {
        out.push('\t');
        p.format.write_varbind(&mut out, p.mib, &vb.oid, &vb.value);
    }
    out.push('\n');
    out
}

/// The text a `traphandle` program reads on its standard input: its `-F` format, else
/// `format execute1/2`, else snmptrapd's (host, transport, one `OID value` line per
/// varbind of the notification in its v2 form). Values print as `-Oq` prints them.
pub fn execute_text(
    ev: &Event<'_>,
    p: &Printer<'_>,
    handler_format: Option<&str>,
    execute1: Option<&str>,
    execute2: Option<&str>,
) -> String {
    let mut quick = p.format.clone();
    quick.quick = true;
    let qp = Printer {
        mib: p.mib,
        format: &quick,
    };
    let v1 = ev.n.v1.is_some();
    // A handler's own format and the built-in one see the v2 form; `execute1` the v1 trap.
    let v2_form = || {
        let mut n = ev.n.clone();
        n.varbinds = ev.v2_varbinds();
        n
    };
    match (
        handler_format.filter(|f| !f.is_empty()),
        v1,
        execute1,
        execute2,
    ) {
        (Some(f), _, _, _) => {
            let n = v2_form();
            render(f, &Event { n: &n, ..*ev }, &qp)
        }
        (None, true, Some(f), _) => render(f, ev, &qp),
        (None, false, _, Some(f)) => render(f, ev, &qp),
        _ => {
            let n = v2_form();
            render(EXECUTE, &Event { n: &n, ..*ev }, &qp)
        }
    }
}

/// Whether this is a v1 authenticationFailure trap (`ignoreAuthFailure` drops its log).
pub fn is_auth_failure(n: &Notification) -> bool {
    n.v1.as_ref()
        .is_some_and(|v1| v1.generic_trap == GenericTrap::AuthenticationFailure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptimes_and_dates() {
        assert_eq!(uptime_string(456), "0:00:04.56");
        assert_eq!(uptime_string(8_640_000 + 100), "1 day, 0:00:01.00");
        assert_eq!(uptime_string(3 * 8_640_000), "3 days, 0:00:00.00");
        assert_eq!(civil_utc(1_796_182_279), (2026, 12, 2, 3, 31, 19));
    }

    #[test]
    fn hex_dumps_break_after_sixteen() {
        assert_eq!(hex_dump(&[0x80, 0, 0x1f]), "80 00 1F ");
        assert_eq!(hex_dump(&[0; 17]).matches('\n').count(), 1);
    }
}
