//! What the exporter, generator and benchmark tests share: free TCP ports, one HTTP GET,
//! processes stopped on drop, and the MIB corpus's folders.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (bound and released).
pub fn free_tcp_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One HTTP/1.0 GET with extra header lines (each ending in `\r\n`): the status and body.
pub fn http_get(addr: SocketAddr, path: &str, headers: &str) -> io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n{headers}\r\n")?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, body.to_owned()))
}

/// A PromQL query against the Prometheus at `prom`: each series' labels and values (one value
/// for an instant vector, every sample for a range vector); empty when it does not answer.
pub fn prom_query(prom: SocketAddr, q: &str) -> Vec<(serde_json::Value, Vec<f64>)> {
    let encoded: String = q
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let Ok((200, body)) = http_get(prom, &format!("/api/v1/query?query={encoded}"), "") else {
        return Vec::new();
    };
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let number = |p: &serde_json::Value| p[1].as_str().and_then(|s| s.parse::<f64>().ok());
    v["data"]["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    let values = match r["values"].as_array() {
                        Some(points) => points.iter().filter_map(number).collect(),
                        None => vec![number(&r["value"]).unwrap_or(f64::NAN)],
                    };
                    (r["metric"].clone(), values)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// [`prom_query`] of an instant vector: each series' labels and its one value.
pub fn prom_instant(prom: SocketAddr, q: &str) -> Vec<(serde_json::Value, f64)> {
    prom_query(prom, q)
        .into_iter()
        .map(|(m, v)| (m, v.first().copied().unwrap_or(f64::NAN)))
        .collect()
}

/// Starts `prometheus` (the program at `program`) on a free port of 127.0.0.1 with `config`
/// written to `dir/prometheus.yml` and its storage in `dir/data`; stopped on drop.
pub fn start_prometheus(
    program: &Path,
    dir: &Path,
    config: &str,
) -> io::Result<(KillOnDrop, SocketAddr)> {
    std::fs::write(dir.join("prometheus.yml"), config)?;
    let addr = SocketAddr::from(([127, 0, 0, 1], free_tcp_port()?));
    let child = std::process::Command::new(program)
        .arg(format!(
            "--config.file={}",
            dir.join("prometheus.yml").display()
        ))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("data").display()
        ))
        .arg(format!("--web.listen-address={addr}"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    Ok((KillOnDrop(child), addr))
}

/// Waits (up to `limit`) until something accepts connections on `addr`.
pub fn wait_listening(addr: SocketAddr, limit: Duration) -> io::Result<()> {
    let deadline = Instant::now() + limit;
    while TcpStream::connect(addr).is_err() {
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("nothing listens on {addr}"),
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// A child process killed (and reaped) when this is dropped.
#[derive(Debug)]
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The folders of `../shared/mibs` (without `oracle/`), sorted.
pub fn mib_corpus_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/mibs");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_dir() && !p.ends_with("oracle"))
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}
