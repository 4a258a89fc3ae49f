//! snmptrapd's command line, read as its getopt reads it (`-Lf FILE` and `-LfFILE`, `-c
//! a.conf,b.conf`, `--TOKEN=VALUE` as a configuration line), plus this drop-in's own long
//! options for what snmptrapd has no word for (handler time-out and queue).

use std::time::Duration;

/// Where log lines go (`-L`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LogTarget {
    /// `-Lo`.
    Stdout,
    /// `-Le`.
    Stderr,
    /// `-Lf FILE`.
    File(String),
    /// `-Ls FACILITY`.
    Syslog(String),
    /// `-Ln`: nowhere.
    Nowhere,
}

/// What the command line asked for.
#[derive(Debug, Clone)]
pub(crate) struct Opts {
    /// `-c FILE[,FILE]`.
    pub(crate) conf_files: Vec<String>,
    /// `-C`: no default configuration files.
    pub(crate) no_default_conf: bool,
    /// `-n`: addresses, not host names.
    pub(crate) numeric: bool,
    /// `-p FILE`.
    pub(crate) pid_file: Option<String>,
    /// `-L...`, in order.
    pub(crate) logs: Vec<LogTarget>,
    /// `-A`: append to the log file instead of truncating it.
    pub(crate) append: bool,
    /// `-F FORMAT`: the log format of every notification.
    pub(crate) print_format: Option<String>,
    /// `-O FLAGS`, in order.
    pub(crate) output: Vec<String>,
    /// `-m MODULES`.
    pub(crate) modules: Option<String>,
    /// `-M DIRS`.
    pub(crate) dirs: Option<String>,
    /// `-a`: authenticationFailure traps are not logged.
    pub(crate) drop_auth: bool,
    /// Listening addresses from the command line.
    pub(crate) addresses: Vec<String>,
    /// `--TOKEN=VALUE`: configuration lines applied after the files.
    pub(crate) conf_lines: Vec<String>,
    /// `--handler-timeout=SECONDS`: a `traphandle` program still running then is killed.
    pub(crate) handler_timeout: Duration,
    /// `--handler-queue=N`: notifications waiting per handler before more are dropped.
    pub(crate) handler_queue: usize,
    /// `--metrics-listen=ADDR`: serve the receiver's metrics for Prometheus there.
    pub(crate) metrics_listen: Option<String>,
    /// `-v`: print the version and stop.
    pub(crate) version: bool,
    /// `-h`: print the usage and stop.
    pub(crate) help: bool,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            conf_files: Vec::new(),
            no_default_conf: false,
            numeric: false,
            pid_file: None,
            logs: Vec::new(),
            append: false,
            print_format: None,
            output: Vec::new(),
            modules: None,
            dirs: None,
            drop_auth: false,
            addresses: Vec::new(),
            conf_lines: Vec::new(),
            handler_timeout: Duration::from_secs(10),
            handler_queue: 1000,
            metrics_listen: None,
            version: false,
            help: false,
        }
    }
}

/// snmptrapd's usage text, with this drop-in's long options.
pub(crate) const USAGE: &str = "\
Usage: snmp trapd [OPTIONS] [LISTENING-ADDRESSES]
  (snmptrapd's command line; LISTENING-ADDRESSES: [udp:|udp6:|tcp:|tcp6:][host:]port, default udp:162)

  -a            ignore authentication failure traps
  -A            append to log file rather than truncating it
  -c FILE       read FILE (comma-separated list) as configuration file(s)
  -C            do not read the default configuration files
  -d, -D[TOKEN] dump sent and received packets; debugging (taken, no effect)
  -f            do not fork from the shell (this command never forks)
  -F FORMAT     use specified format for logging to standard error
  -h            display this help message
  -H            display configuration file directives understood
  -m MIBLIST    use MIB files in MIBLIST instead of the default list
  -M DIRLIST    use MIB files in DIRLIST instead of the default location
  -n            use numeric addresses instead of attempting hostname lookups
  -O FLAGS      output options (as snmpcmd's -O)
  -p FILE       store process id in FILE
  -t            prevent traps from being logged to syslog
  -v            print version information
  -x, -X        AgentX options (taken, no effect)
  -Le, -Lo, -Lf FILE, -Ls FACILITY, -Ln
                log to standard error, standard output, a file, syslog, or nowhere
  --TOKEN=VALUE a snmptrapd.conf directive (--authCommunity='log public')
  --handler-timeout=SECONDS  kill a traphandle program still running after this (default 10)
  --handler-queue=N          notifications waiting per handler before more are dropped (1000)
  --metrics-listen=ADDR      serve the receiver's metrics for Prometheus at http://ADDR/metrics
";

/// Reads snmptrapd's arguments.
pub(crate) fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 0;
    // The value of an option letter: the rest of this argument, or the next one.
    fn value(args: &[String], i: &mut usize, rest: &str, letter: char) -> Result<String, String> {
        if !rest.is_empty() {
            return Ok(rest.to_owned());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("option requires an argument -- '{letter}'"))
    }
    while i < args.len() {
        let arg = &args[i];
        if let Some(long) = arg.strip_prefix("--") {
            let (name, val) = long.split_once('=').unwrap_or((long, ""));
            match name {
                "handler-timeout" => {
                    let secs: f64 = val.parse().map_err(|_| {
                        format!("--handler-timeout: not a number of seconds: {val}")
                    })?;
                    if !(secs > 0.0 && secs <= 86_400.0) {
                        return Err(format!("--handler-timeout: out of range: {val}"));
                    }
                    o.handler_timeout = Duration::from_secs_f64(secs);
                }
                "handler-queue" => {
                    o.handler_queue = val
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=1_000_000).contains(n))
                        .ok_or_else(|| format!("--handler-queue: 1 to 1000000 expected: {val}"))?;
                }
                "metrics-listen" => o.metrics_listen = Some(val.to_owned()),
                "help" => o.help = true,
                "version" => o.version = true,
                "" => {
                    o.addresses.extend(args[i + 1..].iter().cloned());
                    break;
                }
                token => o.conf_lines.push(format!("{token} {val}")),
            }
            i += 1;
            continue;
        }
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else {
            o.addresses.push(arg.clone());
            i += 1;
            continue;
        };
        for (at, c) in letters.char_indices() {
            let rest = &letters[at + c.len_utf8()..];
            match c {
                'a' => o.drop_auth = true,
                'A' => o.append = true,
                'C' => o.no_default_conf = true,
                'd' | 'f' | 'X' | 'H' => {}
                'n' => o.numeric = true,
                // snmptrapd 5.9.3 sends what it logs to syslog with or without `-t`.
                't' => {}
                'v' => o.version = true,
                'h' => o.help = true,
                // -D[TOKENS]: the rest of the argument, if any.
                'D' => break,
                'c' => {
                    let v = value(args, &mut i, rest, c)?;
                    o.conf_files.extend(v.split(',').map(str::to_owned));
                    break;
                }
                'F' => {
                    o.print_format = Some(value(args, &mut i, rest, c)?);
                    break;
                }
                'm' => {
                    o.modules = Some(value(args, &mut i, rest, c)?);
                    break;
                }
                'M' => {
                    o.dirs = Some(value(args, &mut i, rest, c)?);
                    break;
                }
                'O' => {
                    o.output.push(value(args, &mut i, rest, c)?);
                    break;
                }
                'p' => {
                    o.pid_file = Some(value(args, &mut i, rest, c)?);
                    break;
                }
                'I' | 'x' => {
                    value(args, &mut i, rest, c)?;
                    break;
                }
                'L' => {
                    let mode = value(args, &mut i, rest, c)?;
                    let mut m = mode.chars();
                    let kind = m.next().unwrap_or('e');
                    let tail = m.as_str().trim_start();
                    o.logs.push(match kind {
                        'e' | 'E' => LogTarget::Stderr,
                        'o' | 'O' => LogTarget::Stdout,
                        'n' | 'N' => LogTarget::Nowhere,
                        'f' | 'F' => {
                            // -Lf FILE; -LF PRIORITY FILE.
                            let mut v = if tail.is_empty() {
                                value(args, &mut i, "", 'L')?
                            } else {
                                tail.to_owned()
                            };
                            if kind == 'F' {
                                v = value(args, &mut i, "", 'L')?;
                            }
                            LogTarget::File(v)
                        }
                        's' | 'S' => {
                            let mut v = if tail.is_empty() {
                                value(args, &mut i, "", 'L')?
                            } else {
                                tail.to_owned()
                            };
                            if kind == 'S' {
                                v = value(args, &mut i, "", 'L')?;
                            }
                            LogTarget::Syslog(v)
                        }
                        other => {
                            return Err(format!("Unknown logging option passed to -L: {other}."))
                        }
                    });
                    break;
                }
                other => return Err(format!("invalid option -- '{other}'")),
            }
        }
        i += 1;
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &str) -> Opts {
        let v: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        parse(&v).unwrap()
    }

    #[test]
    fn snmptrapd_habits() {
        let o = p(
            "-f -Lf /tmp/log -C -c a.conf,b.conf -p /tmp/pid -On -n udp:1162 tcp:127.0.0.1:1162",
        );
        assert_eq!(o.logs, [LogTarget::File("/tmp/log".into())]);
        assert!(o.no_default_conf && o.numeric);
        assert_eq!(o.conf_files, ["a.conf", "b.conf"]);
        assert_eq!(o.pid_file.as_deref(), Some("/tmp/pid"));
        assert_eq!(o.output, ["n"]);
        assert_eq!(o.addresses, ["udp:1162", "tcp:127.0.0.1:1162"]);
        let o = p("-Lo -Le -LfFILE -Ls d -F %B --authCommunity=log,public --handler-timeout=2.5");
        assert_eq!(
            o.logs,
            [
                LogTarget::Stdout,
                LogTarget::Stderr,
                LogTarget::File("FILE".into()),
                LogTarget::Syslog("d".into())
            ]
        );
        assert_eq!(o.print_format.as_deref(), Some("%B"));
        assert_eq!(o.conf_lines, ["authCommunity log,public"]);
        assert_eq!(o.handler_timeout, Duration::from_millis(2500));
        assert!(parse(&["-c".to_owned()]).is_err());
        assert!(parse(&["-Q".to_owned()]).is_err());
    }
}
