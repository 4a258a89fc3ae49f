//! The HTTP face: snmp_exporter's endpoints on hyper, bounded: a cap on connections and on
//! scrapes in flight (over either: a fast 503, counted), a timeout on reading a request's
//! header (which also closes a connection left idle), TLS and basic auth from
//! `--web.config.file`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub use crate::web::WebConfig;
use crate::{scrape_deadline, Exporter, Layout, ScrapeError, ScrapeRequest};

/// How the HTTP side is served and bounded.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The most connections open at once; one over it is answered 503 and closed
    /// (`--web.max-connections`, default 4,096).
    pub max_connections: usize,
    /// The most `/snmp` scrapes in flight; one over it is answered 503 at once
    /// (`--web.max-scrapes`, default 2,048).
    pub max_scrapes: usize,
    /// How long a client may take to send a request's header, and how long a kept-alive
    /// connection may wait for its next request (`--web.read-header-timeout`, default 20 s).
    pub header_timeout: Duration,
    /// `--web.telemetry-path` (default `/metrics`).
    pub telemetry_path: String,
    /// `--web.config.file`: TLS, basic auth, headers.
    pub web: Option<Arc<WebConfig>>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            max_connections: 4096,
            max_scrapes: 2048,
            header_timeout: Duration::from_secs(20),
            telemetry_path: "/metrics".into(),
            web: None,
        }
    }
}

/// What the handlers share: the options and the scrape permits.
pub(crate) struct Ctx {
    pub(crate) options: ServeOptions,
    scrapes: Arc<tokio::sync::Semaphore>,
}

impl Ctx {
    pub(crate) fn new(options: ServeOptions) -> Ctx {
        Ctx {
            scrapes: Arc::new(tokio::sync::Semaphore::new(options.max_scrapes.max(1))),
            options,
        }
    }
}

/// An HTTP answer: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Content-Type.
    pub content_type: &'static str,
    /// Body.
    pub body: String,
}

impl Response {
    /// A plain-text answer (Go's `http.Error` shape).
    pub fn text(status: u16, body: String) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body,
        }
    }

    /// A text exposition.
    pub fn metrics(body: String) -> Response {
        Response {
            status: 200,
            content_type: "text/plain; version=0.0.4; charset=utf-8",
            body,
        }
    }
}

/// Go's `url.ParseQuery`: `&`-separated pairs, `+` and `%XX` decoded.
pub(crate) fn parse_query(q: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(v) => {
                            out.push(v);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

fn all<'a>(q: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    q.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The `/snmp` request from a query string, or the 400 answer upstream gives.
pub(crate) fn scrape_request(query: &str, layout: Layout) -> Result<ScrapeRequest, String> {
    let q = parse_query(query);
    let targets = all(&q, "target");
    if targets.len() != 1 || targets[0].is_empty() {
        return Err("'target' parameter must be specified once".into());
    }
    let mut req = ScrapeRequest {
        target: targets[0].to_owned(),
        ..ScrapeRequest::default()
    };
    let modules = all(&q, "module");
    match layout {
        Layout::Legacy => {
            if modules.len() > 1 {
                return Err("'module' parameter must only be specified once".into());
            }
            let m = modules.first().copied().unwrap_or("");
            req.modules = vec![if m.is_empty() {
                "if_mib".into()
            } else {
                m.to_owned()
            }];
        }
        Layout::Current => {
            for key in ["auth", "snmp_context", "snmp_engineid"] {
                if all(&q, key).len() > 1 {
                    return Err(format!("'{key}' parameter must only be specified once"));
                }
            }
            req.auth = all(&q, "auth").first().copied().unwrap_or("").to_owned();
            let mut names: Vec<String> = Vec::new();
            let given = if modules.is_empty() {
                vec!["if_mib"]
            } else {
                modules
            };
            for m in given {
                for part in m.split(',') {
                    if !part.is_empty() && !names.iter().any(|n| n == part) {
                        names.push(part.to_owned());
                    }
                }
            }
            if names.is_empty() {
                return Err("'module' parameter must contain at least one module name".into());
            }
            req.modules = names;
            if let Some(c) = all(&q, "snmp_context").first() {
                if !c.is_empty() {
                    req.overrides.context = Some((*c).to_owned());
                }
            }
            if let Some(e) = all(&q, "snmp_engineid").first() {
                if !e.is_empty() {
                    let hex = e.trim_start_matches("0x").trim_start_matches("0X");
                    let bytes: Option<Vec<u8>> = (0..hex.len())
                        .step_by(2)
                        .map(|i| {
                            hex.get(i..i + 2)
                                .and_then(|h| u8::from_str_radix(h, 16).ok())
                        })
                        .collect();
                    match bytes {
                        Some(b) if hex.len() % 2 == 0 => req.overrides.engine_id = Some(b),
                        _ => return Err(format!("invalid snmp_engineid {e:?}: not hex")),
                    }
                }
            }
        }
    }
    Ok(req)
}

const LANDING: &str = r#"<!DOCTYPE html>
<html>
  <head>
    <meta charset="UTF-8">
    <title>SNMP Exporter</title>
  </head>
  <body>
    <h1>SNMP Exporter</h1>
    <p>Prometheus Exporter for SNMP targets (snmp-rs)</p>
    <form action="/snmp">
      <label>Target:</label> <input type="text" name="target" placeholder="X.X.X.X/[::X]" value="::1"><br>
      <label>Auth:</label> <input type="text" name="auth" placeholder="auth" value="public_v2"><br>
      <label>Module:</label> <input type="text" name="module" placeholder="module" value="if_mib"><br>
      <input type="submit" value="Submit">
    </form>
    <ul>
      <li><a href="/config">Config</a></li>
      <li><a href="/metrics">Metrics</a></li>
    </ul>
  </body>
</html>
"#;

/// snmp_exporter 0.21's landing page (served for every path its mux does not route).
const LANDING_021: &str = "<html>\n            <head>\n            <title>SNMP Exporter</title>\n            <style>\n            label{\n            display:inline-block;\n            width:75px;\n            }\n            form label {\n            margin: 10px;\n            }\n            form input {\n            margin: 10px;\n            }\n            </style>\n            </head>\n            <body>\n            <h1>SNMP Exporter</h1>\n            <form action=\"/snmp\">\n            <label>Target:</label> <input type=\"text\" name=\"target\" placeholder=\"X.X.X.X\" value=\"1.2.3.4\"><br>\n            <label>Module:</label> <input type=\"text\" name=\"module\" placeholder=\"module\" value=\"if_mib\"><br>\n            <input type=\"submit\" value=\"Submit\">\n            </form>\n\t\t\t\t\t\t<p><a href=\"/config\">Config</a></p>\n            </body>\n            </html>";

/// Answers one HTTP request.
pub(crate) async fn handle(
    exporter: &Exporter,
    ctx: &Ctx,
    method: &Method,
    path: &str,
    query: &str,
    timeout_header: Option<&str>,
) -> Response {
    if path == ctx.options.telemetry_path {
        return Response::metrics(exporter.telemetry_text());
    }
    match path {
        "/snmp" => {
            let Ok(_permit) = ctx.scrapes.clone().try_acquire_owned() else {
                exporter.telemetry().rejected("too_many_scrapes");
                return Response::text(
                    503,
                    format!(
                        "too many scrapes in flight (more than {})\n",
                        ctx.options.max_scrapes
                    ),
                );
            };
            exporter.telemetry().scrape_started();
            let req = match scrape_request(query, exporter.layout()) {
                Ok(r) => r,
                Err(e) => {
                    exporter.telemetry().request_error();
                    tracing::info!(query = %query, err = %e, "bad scrape request");
                    return Response::text(400, format!("{e}\n"));
                }
            };
            let target = req.target.clone();
            let work = async {
                match exporter.scrape(req).await {
                    Ok(body) => Response::metrics(body),
                    Err(e @ (ScrapeError::UnknownModule(_) | ScrapeError::UnknownAuth(_))) => {
                        Response::text(400, format!("{e}\n"))
                    }
                    Err(e @ ScrapeError::Failed(_)) => Response::text(500, format!("{e}\n")),
                }
            };
            match scrape_deadline(timeout_header) {
                Some(d) => match tokio::time::timeout(d, work).await {
                    Ok(r) => r,
                    Err(_) => {
                        exporter.telemetry().rejected("scrape_timeout");
                        tracing::info!(target = %target, after = %format!("{:.3}s", d.as_secs_f64()), "scrape cancelled by X-Prometheus-Scrape-Timeout-Seconds");
                        Response::text(
                            503,
                            format!(
                                "scrape cancelled after {:.3}s (the scraper's X-Prometheus-Scrape-Timeout-Seconds)\n",
                                d.as_secs_f64()
                            ),
                        )
                    }
                },
                None => work.await,
            }
        }
        "/-/reload" => {
            if method != Method::POST {
                return Response::text(400, "POST method expected\n".into());
            }
            match exporter.reload() {
                Ok(()) => {
                    tracing::info!("Loaded config file");
                    Response::text(200, String::new())
                }
                Err(e) => {
                    tracing::error!(err = %e, "Error reloading config");
                    Response::text(500, format!("failed to reload config: {e}\n"))
                }
            }
        }
        // 0.21 has no health endpoint (its mux serves the landing page there).
        "/-/healthy" if exporter.layout() == Layout::Current => {
            Response::text(200, "Healthy".into())
        }
        "/config" => Response::text(200, exporter.config().to_yaml()),
        // Go's mux routes every other path to "/", the landing page.
        _ => Response {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: match exporter.layout() {
                Layout::Legacy => LANDING_021.into(),
                Layout::Current => LANDING.into(),
            },
        },
    }
}

/// A listening socket for [`serve`] with a backlog of 4,096 connections (the kernel caps it at
/// `net.core.somaxconn`): a burst of scrapes waits in the queue instead of being reset.
pub async fn listen(addr: &str) -> std::io::Result<TcpListener> {
    let mut last = None;
    for a in tokio::net::lookup_host(addr).await? {
        let socket = if a.is_ipv4() {
            tokio::net::TcpSocket::new_v4()?
        } else {
            tokio::net::TcpSocket::new_v6()?
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(a).and_then(|()| socket.listen(4096)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other(format!("{addr}: no address to listen on"))))
}

/// Serves the exporter's HTTP API on `listener` with the default [`ServeOptions`] until the
/// task is dropped.
pub async fn serve(exporter: Arc<Exporter>, listener: TcpListener) -> std::io::Result<()> {
    serve_with(exporter, listener, ServeOptions::default()).await
}

/// Serves the exporter's HTTP API on `listener` until the task is dropped. Each connection
/// runs in its own task; a scrape whose client goes away stops its SNMP work (its future is
/// dropped).
pub async fn serve_with(
    exporter: Arc<Exporter>,
    listener: TcpListener,
    options: ServeOptions,
) -> std::io::Result<()> {
    let connections = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    let ctx = Arc::new(Ctx::new(options));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                // Out of descriptors and the like: log, wait a moment, keep serving.
                tracing::error!(err = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            exporter.telemetry().rejected("too_many_connections");
            tokio::spawn(refuse(stream, ctx.options.web.is_some()));
            continue;
        };
        let (exporter, ctx) = (exporter.clone(), ctx.clone());
        tokio::spawn(async move {
            let _permit = permit;
            // A second handle on the socket watches for the client going away (EOF or an
            // error while a scrape runs): then the connection, and with it the scrape's SNMP
            // work, is dropped, as Go's server cancels a request's context.
            let (stream, watch) = match split_watch(stream) {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::error!(err = %e, "accepted socket unusable");
                    return;
                }
            };
            let tls = ctx.options.web.as_ref().and_then(|w| w.tls.clone());
            match tls {
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(ctx.options.header_timeout, acceptor.accept(stream));
                    match handshake.await {
                        Ok(Ok(tls)) => connection(exporter, ctx, tls, &watch).await,
                        Ok(Err(e)) => tracing::debug!(err = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
                None => connection(exporter, ctx, stream, &watch).await,
            }
        });
    }
}

/// A connection over the cap: a 503 on a plain socket (written without waiting), closed.
async fn refuse(stream: tokio::net::TcpStream, tls: bool) {
    if !tls {
        let body = "too many open connections\n";
        let msg = format!(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.try_write(msg.as_bytes());
    }
    drop(stream);
}

/// One request: basic auth (when configured), then the endpoint, with the configured headers.
async fn respond(
    exporter: &Exporter,
    ctx: &Ctx,
    req: Request<Incoming>,
) -> hyper::Response<Full<Bytes>> {
    let web = ctx.options.web.as_ref();
    let r = match web {
        Some(w)
            if w.requires_auth()
                && !w
                    .authorized(
                        req.headers()
                            .get(hyper::header::AUTHORIZATION)
                            .map(|v| v.as_bytes()),
                    )
                    .await =>
        {
            exporter.telemetry().rejected("unauthorized");
            Response::text(401, "Unauthorized\n".into())
        }
        _ => {
            let timeout = req
                .headers()
                .get("x-prometheus-scrape-timeout-seconds")
                .and_then(|v| v.to_str().ok());
            handle(
                exporter,
                ctx,
                req.method(),
                req.uri().path(),
                req.uri().query().unwrap_or(""),
                timeout,
            )
            .await
        }
    };
    let mut resp = hyper::Response::new(Full::new(Bytes::from(r.body)));
    *resp.status_mut() =
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    if let Ok(v) = hyper::header::HeaderValue::from_str(r.content_type) {
        h.insert(hyper::header::CONTENT_TYPE, v);
    }
    if r.status >= 400 {
        h.insert(
            "x-content-type-options",
            hyper::header::HeaderValue::from_static("nosniff"),
        );
    }
    if r.status == 401 {
        h.insert(
            hyper::header::WWW_AUTHENTICATE,
            hyper::header::HeaderValue::from_static("Basic"),
        );
    }
    if let Some(w) = web {
        for (n, v) in &w.headers {
            h.insert(n.clone(), v.clone());
        }
    }
    resp
}

/// Serves HTTP/1.1 on one (plain or TLS) connection until it closes or the peer goes away.
async fn connection<S>(
    exporter: Arc<Exporter>,
    ctx: Arc<Ctx>,
    stream: S,
    watch: &tokio::net::TcpStream,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let header_timeout = ctx.options.header_timeout;
    let service = service_fn(move |req: Request<Incoming>| {
        let (exporter, ctx) = (exporter.clone(), ctx.clone());
        async move { Ok::<_, Infallible>(respond(&exporter, &ctx, req).await) }
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(64 << 10);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = peer_gone(watch) => {}
    }
}

fn split_watch(
    stream: tokio::net::TcpStream,
) -> std::io::Result<(tokio::net::TcpStream, tokio::net::TcpStream)> {
    let std = stream.into_std()?;
    std.set_nonblocking(true)?;
    let watch = std.try_clone()?;
    watch.set_nonblocking(true)?;
    Ok((
        tokio::net::TcpStream::from_std(std)?,
        tokio::net::TcpStream::from_std(watch)?,
    ))
}

/// Resolves when the peer has closed its side (or the socket failed). Data waiting to be read
/// (a pipelined request) is left for the connection.
async fn peer_gone(watch: &tokio::net::TcpStream) {
    let mut byte = [0u8; 1];
    loop {
        if watch.readable().await.is_err() {
            return;
        }
        match watch.peek(&mut byte).await {
            Ok(0) | Err(_) => return,
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Whatever a client sends as query string, timeout header or target, parsing
        /// returns a value or an error, never a panic; a deadline is always finite and at
        /// most a day.
        #[test]
        fn request_parsing_never_panics(
            query in "[a-z_=&%+0-9A-F,:\\[\\]./\\x00-\\xff]{0,200}",
            header in proptest::option::of("[-+0-9.eEinfaNIF \\x00-\\xff]{0,40}"),
            target in "[a-z0-9:/\\[\\]%.\\x00-\\xff]{0,80}",
            secs in proptest::num::f64::ANY,
        ) {
            let _ = parse_query(&query);
            let _ = scrape_request(&query, Layout::Current);
            let _ = scrape_request(&query, Layout::Legacy);
            let _ = crate::scrape::Target::parse(&target);
            for h in [header.clone(), Some(secs.to_string()), Some(format!("{secs:e}"))] {
                if let Some(d) = scrape_deadline(h.as_deref()) {
                    prop_assert!(d <= Duration::from_secs(86_400));
                }
            }
        }
    }

    #[test]
    fn query_strings() {
        assert_eq!(
            parse_query("target=a%3A1&module=x+y&e"),
            vec![
                ("target".into(), "a:1".into()),
                ("module".into(), "x y".into()),
                ("e".into(), String::new())
            ]
        );
        let r = scrape_request("target=h&module=a,b&module=a", Layout::Current).unwrap();
        assert_eq!(r.modules, vec!["a", "b"]);
        assert_eq!(
            scrape_request("module=a", Layout::Legacy).unwrap_err(),
            "'target' parameter must be specified once"
        );
        assert_eq!(
            scrape_request("target=h&module=a&module=b", Layout::Legacy).unwrap_err(),
            "'module' parameter must only be specified once"
        );
        assert_eq!(
            scrape_request("target=h", Layout::Legacy).unwrap().modules,
            vec!["if_mib"]
        );
        assert!(scrape_request("target=h&snmp_engineid=zz", Layout::Current).is_err());
        // Odd bytes never panic.
        let _ = parse_query("%%%&=&%ff%fe=%");
    }
}
