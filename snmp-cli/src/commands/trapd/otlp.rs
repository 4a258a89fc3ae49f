//! The OTLP log exporter's I/O: a task that owns the sans-IO batcher of snmp-otlp and sends
//! its requests with hyper (HTTP/1.1 `POST /v1/logs`, or gRPC over HTTP/2), in the clear or
//! over TLS (rustls; the system's trust store or `otlpCertificate`, and a client certificate
//! for mutual TLS). The receiving loop hands records over through a bounded queue and never
//! waits.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use prost::Message;
use snmp_otlp::proto::{self, AnyValue, KeyValue, LogRecord};
use snmp_otlp::{BatchConfig, Batcher};
use snmp_trapd::OtlpConf;
use tokio::sync::mpsc;

use super::handlers::Stats;

/// The queue to the exporter task.
pub(crate) struct Otlp {
    tx: mpsc::Sender<LogRecord>,
    stats: Arc<Stats>,
}

impl Otlp {
    /// Starts the exporter for `conf` (its endpoint is set).
    pub(crate) fn start(conf: &OtlpConf, stats: Arc<Stats>) -> Result<Otlp, String> {
        let endpoint = conf.endpoint.clone().unwrap_or_default();
        let base: hyper::Uri = endpoint
            .parse()
            .map_err(|e| format!("otlpEndpoint {endpoint}: {e}"))?;
        let scheme = base.scheme_str().unwrap_or("http");
        let uri: hyper::Uri = if conf.grpc {
            format!(
                "{scheme}://{}{}",
                base.authority()
                    .map(|a| a.as_str())
                    .unwrap_or("127.0.0.1:4317"),
                snmp_otlp::GRPC_PATH
            )
        } else if base.path() == "/" || base.path().is_empty() {
            format!(
                "{scheme}://{}{}",
                base.authority()
                    .map(|a| a.as_str())
                    .unwrap_or("127.0.0.1:4318"),
                snmp_otlp::HTTP_PATH
            )
        } else {
            endpoint.clone()
        }
        .parse()
        .map_err(|e| format!("otlpEndpoint {endpoint}: {e}"))?;
        let tls = tls_config(conf)?;
        let mut resource: Vec<KeyValue> = conf
            .resource
            .iter()
            .map(|(k, v)| KeyValue::new(k.clone(), AnyValue::string(v.clone())))
            .collect();
        if !conf.resource.iter().any(|(k, _)| k == "service.name") {
            resource.insert(
                0,
                KeyValue::new("service.name", AnyValue::string("snmp-trapd")),
            );
        }
        let batcher = Batcher::new(
            {
                let mut c = BatchConfig::default();
                c.max_buffer = conf.buffer;
                c.max_batch = conf.batch;
                c.interval = Duration::from_secs_f64(conf.interval_secs);
                c
            },
            proto::Resource {
                attributes: resource,
                dropped_attributes_count: 0,
            },
            proto::InstrumentationScope {
                name: "snmp-trapd".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                ..Default::default()
            },
        );
        let mut builder = Client::builder(TokioExecutor::new());
        if conf.grpc {
            builder.http2_only(true);
        }
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http();
        let connector = if conf.grpc {
            connector.enable_http2().build()
        } else {
            connector.enable_http1().build()
        };
        let client = builder.build(connector);
        let (tx, rx) = mpsc::channel(1024);
        let exporter = Exporter {
            client,
            uri,
            grpc: conf.grpc,
            headers: conf.headers.clone(),
            timeout: Duration::from_secs_f64(conf.timeout_secs),
            stats: stats.clone(),
        };
        tokio::spawn(exporter.run(rx, batcher));
        Ok(Otlp { tx, stats })
    }

    /// Hands a record over, or drops it (counted) when the queue is full.
    pub(crate) fn send(&self, record: LogRecord) {
        if self.tx.try_send(record).is_err() {
            self.stats
                .otlp_queue_dropped
                .fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The TLS client settings for an `https://` endpoint: whom to trust (`otlpCertificate`, or
/// the system's store) and what to show (`otlpClientCertificate` and `otlpClientKey`).
fn tls_config(conf: &OtlpConf) -> Result<rustls::ClientConfig, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let read =
        |what: &str, file: &str| std::fs::read(file).map_err(|e| format!("{what} {file}: {e}"));
    let certs = |what: &str, file: &str| -> Result<Vec<CertificateDer<'static>>, String> {
        let pem = read(what, file)?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("{what} {file}: {e}"))?;
        if certs.is_empty() {
            return Err(format!("{what} {file}: no PEM certificate in it"));
        }
        Ok(certs)
    };
    let mut roots = rustls::RootCertStore::empty();
    match &conf.ca_file {
        Some(file) => {
            for c in certs("otlpCertificate", file)? {
                roots
                    .add(c)
                    .map_err(|e| format!("otlpCertificate {file}: {e}"))?;
            }
        }
        None => {
            // The system's store; a certificate it cannot parse is skipped, as browsers do.
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    // ring, as the exporter's server (deprecated only for lacking post-quantum key exchange).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots);
    match (&conf.client_cert, &conf.client_key) {
        (None, None) => Ok(builder.with_no_client_auth()),
        (Some(cert), Some(key)) => {
            let chain = certs("otlpClientCertificate", cert)?;
            let key = PrivateKeyDer::from_pem_slice(&read("otlpClientKey", key)?)
                .map_err(|e| format!("otlpClientKey {key}: {e}"))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| format!("otlpClientCertificate: {e}"))
        }
        _ => Err("otlpClientCertificate and otlpClientKey are given together".to_owned()),
    }
}

struct Exporter {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    uri: hyper::Uri,
    grpc: bool,
    headers: Vec<(String, String)>,
    timeout: Duration,
    stats: Arc<Stats>,
}

/// gRPC status codes worth retrying (OTLP's list).
fn grpc_retryable(code: u32) -> bool {
    matches!(code, 1 | 4 | 8 | 10 | 11 | 14 | 15)
}

impl Exporter {
    async fn run(self, mut rx: mpsc::Receiver<LogRecord>, mut b: Batcher) {
        loop {
            while let Some(req) = b.poll_request(Instant::now()) {
                let sent = tokio::time::timeout(self.timeout, self.send(req.body)).await;
                match sent {
                    Ok(Ok(rejected)) => b.on_success(Instant::now(), rejected),
                    Ok(Err(retryable)) => b.on_failure(Instant::now(), retryable),
                    Err(_) => b.on_failure(Instant::now(), true),
                }
                self.publish(&b);
            }
            let wake = b.next_wakeup();
            tokio::select! {
                r = rx.recv() => match r {
                    Some(record) => {
                        b.push(record, Instant::now());
                        self.publish(&b);
                    }
                    None => break,
                },
                _ = async {
                    match wake {
                        Some(t) => tokio::time::sleep_until(t.into()).await,
                        None => std::future::pending().await,
                    }
                } => {}
            }
        }
    }

    fn publish(&self, b: &Batcher) {
        let c = b.counters();
        let s = &self.stats;
        s.otlp_sent.store(c.requests_sent, Ordering::Relaxed);
        s.otlp_failed.store(c.requests_failed, Ordering::Relaxed);
        s.otlp_exported.store(c.exported, Ordering::Relaxed);
        s.otlp_dropped
            .store(c.dropped_full + c.dropped_rejected, Ordering::Relaxed);
    }

    /// One request: `Ok(rejected records)` or `Err(retryable)`.
    async fn send(&self, body: Vec<u8>) -> Result<u64, bool> {
        let body = if self.grpc {
            snmp_otlp::grpc_frame(&body)
        } else {
            body
        };
        let mut req = hyper::Request::post(self.uri.clone()).header(
            "content-type",
            if self.grpc {
                "application/grpc"
            } else {
                "application/x-protobuf"
            },
        );
        if self.grpc {
            req = req.header("te", "trailers");
        }
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = req.body(Full::new(Bytes::from(body))).map_err(|_| false)?;
        let resp = self.client.request(req).await.map_err(|_| true)?;
        let status = resp.status();
        let (parts, body) = resp.into_parts();
        // A collector's answer is small: at most 1 MiB is read.
        let collected = http_body_util::Limited::new(body, 1 << 20)
            .collect()
            .await
            .map_err(|_| true)?;
        let trailers = collected.trailers().cloned();
        let bytes = collected.to_bytes();
        let rejected = |payload: &[u8]| {
            proto::ExportLogsServiceResponse::decode(payload)
                .ok()
                .and_then(|r| r.partial_success)
                .map_or(0, |p| p.rejected_log_records.max(0) as u64)
        };
        if self.grpc {
            let code = trailers
                .as_ref()
                .and_then(|t| t.get("grpc-status"))
                .or_else(|| parts.headers.get("grpc-status"))
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u32>().ok());
            return match code {
                Some(0) => Ok(rejected(bytes.get(5..).unwrap_or_default())),
                Some(c) => Err(grpc_retryable(c)),
                None => Err(true),
            };
        }
        if status.is_success() {
            Ok(rejected(&bytes))
        } else {
            Err(matches!(status.as_u16(), 429 | 502 | 503 | 504))
        }
    }
}
