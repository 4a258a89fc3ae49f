//! `--web.config.file`: Prometheus exporter-toolkit's web configuration (TLS with rustls,
//! basic auth with bcrypt hashes, extra response headers), as every Prometheus exporter reads
//! it.
//!
//! ```yaml
//! tls_server_config:
//!   cert_file: server.crt
//!   key_file: server.key
//!   client_auth_type: RequireAndVerifyClientCert   # optional
//!   client_ca_file: ca.crt
//!   min_version: TLS12
//! http_server_config:
//!   headers:
//!     Strict-Transport-Security: max-age=31536000
//! basic_auth_users:
//!   prometheus: $2y$10$...   # bcrypt
//! ```
//!
//! Differences from exporter-toolkit, written down: TLS 1.0 and 1.1 are refused (rustls has
//! neither); `RequestClientCert` and `RequireAnyClientCert` (certificates taken without
//! verification) are refused; `cipher_suites`, `curve_preferences` and
//! `prefer_server_cipher_suites` are read and logged as not applied (rustls' own safe
//! choices stay); `http2` is read (HTTP/1.1 is served).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// A web configuration error: the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct WebConfigError {
    /// The file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebConfig {
    #[serde(default)]
    tls_server_config: Option<RawTls>,
    #[serde(default)]
    http_server_config: Option<RawHttp>,
    #[serde(default)]
    basic_auth_users: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    #[serde(default)]
    cert_file: String,
    #[serde(default)]
    key_file: String,
    #[serde(default)]
    cert: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    client_auth_type: String,
    #[serde(default)]
    client_ca_file: String,
    #[serde(default)]
    client_ca: String,
    #[serde(default)]
    cipher_suites: Vec<String>,
    #[serde(default)]
    curve_preferences: Vec<String>,
    #[serde(default)]
    min_version: String,
    #[serde(default)]
    max_version: String,
    #[serde(default)]
    prefer_server_cipher_suites: Option<bool>,
    #[serde(default)]
    client_allowed_sans: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    /// Read for compatibility: HTTP/1.1 is served either way.
    #[serde(default)]
    #[allow(dead_code)]
    http2: Option<bool>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

/// The headers exporter-toolkit lets a configuration set.
const ALLOWED_HEADERS: [&str; 5] = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "X-XSS-Protection",
    "Strict-Transport-Security",
];

/// The most verified credentials remembered (bcrypt costs ~50 ms a check).
const AUTH_CACHE_MAX: usize = 1024;

/// A loaded web configuration.
pub struct WebConfig {
    /// TLS, when `tls_server_config` is given.
    pub(crate) tls: Option<tokio_rustls::TlsAcceptor>,
    /// User name to bcrypt hash.
    users: BTreeMap<String, String>,
    /// Extra headers on every response.
    pub(crate) headers: Vec<(hyper::header::HeaderName, hyper::header::HeaderValue)>,
    /// SHA-256 of credentials bcrypt accepted (in memory only), so that a scraper's every
    /// request does not pay bcrypt's cost.
    verified: Mutex<HashSet<[u8; 32]>>,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("tls", &self.tls.is_some())
            .field("users", &self.users.keys().collect::<Vec<_>>())
            .field("headers", &self.headers)
            .finish()
    }
}

fn read(base: &Path, file: &str) -> Result<Vec<u8>, String> {
    let p = if Path::new(file).is_absolute() {
        PathBuf::from(file)
    } else {
        base.join(file)
    };
    std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

impl WebConfig {
    /// Reads and checks the file (certificate and key paths are relative to its folder, as
    /// exporter-toolkit takes them).
    pub fn load(path: &Path) -> Result<WebConfig, WebConfigError> {
        let err = |message: String| WebConfigError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        WebConfig::parse(&text, base).map_err(err)
    }

    /// Parses a configuration's text; files it names are read relative to `base`.
    pub fn parse(text: &str, base: &Path) -> Result<WebConfig, String> {
        let raw: RawWebConfig = if text.trim().is_empty() {
            RawWebConfig::default()
        } else {
            serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?
        };
        for (user, hash) in &raw.basic_auth_users {
            if !(hash.starts_with("$2") && hash.len() == 60) {
                return Err(format!("basic_auth_users: {user}: not a bcrypt hash"));
            }
        }
        let mut headers = Vec::new();
        if let Some(http) = &raw.http_server_config {
            for (name, value) in &http.headers {
                if !ALLOWED_HEADERS.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                    return Err(format!("HTTP header {name:?} can not be configured"));
                }
                let n = hyper::header::HeaderName::from_bytes(name.as_bytes())
                    .map_err(|e| format!("header {name}: {e}"))?;
                let v = hyper::header::HeaderValue::from_str(value)
                    .map_err(|e| format!("header {name}: {e}"))?;
                headers.push((n, v));
            }
        }
        let tls = match &raw.tls_server_config {
            Some(t) => Some(tls_acceptor(t, base)?),
            None => None,
        };
        Ok(WebConfig {
            tls,
            users: raw.basic_auth_users,
            headers,
            verified: Mutex::new(HashSet::new()),
        })
    }

    /// Whether connections are served over TLS.
    pub fn uses_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Whether requests must carry basic-auth credentials.
    pub fn requires_auth(&self) -> bool {
        !self.users.is_empty()
    }

    /// Whether an `Authorization` header's value is one of the users' (bcrypt checked on a
    /// blocking thread; a success is remembered in memory, as a hash).
    pub(crate) async fn authorized(self: &Arc<Self>, header: Option<&[u8]>) -> bool {
        if self.users.is_empty() {
            return true;
        }
        let Some((user, pass)) = header.and_then(basic_credentials) else {
            return false;
        };
        let mut h = Sha256::new();
        h.update((user.len() as u64).to_be_bytes());
        h.update(user.as_bytes());
        h.update(pass.as_bytes());
        let digest: [u8; 32] = h.finalize().into();
        if self.verified.lock().is_ok_and(|v| v.contains(&digest)) {
            return true;
        }
        let this = self.clone();
        let ok = tokio::task::spawn_blocking(move || {
            // An unknown user still pays one bcrypt check (no timing difference).
            let hash = this.users.get(&user).cloned();
            let dummy = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
            let ok = bcrypt::verify(&pass, hash.as_deref().unwrap_or(dummy)).unwrap_or(false);
            ok && hash.is_some()
        })
        .await
        .unwrap_or(false);
        if ok {
            if let Ok(mut v) = self.verified.lock() {
                if v.len() >= AUTH_CACHE_MAX {
                    v.clear();
                }
                v.insert(digest);
            }
        }
        ok
    }
}

/// `Basic base64(user:password)` → (user, password).
fn basic_credentials(value: &[u8]) -> Option<(String, String)> {
    use base64::Engine as _;
    let text = std::str::from_utf8(value).ok()?;
    let (scheme, rest) = text.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (u, p) = decoded.split_once(':')?;
    Some((u.to_owned(), p.to_owned()))
}

fn tls_acceptor(t: &RawTls, base: &Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};

    let cert_pem = match (t.cert_file.is_empty(), t.cert.is_empty()) {
        (false, true) => read(base, &t.cert_file)?,
        (true, false) => t.cert.clone().into_bytes(),
        (true, true) => return Err("missing cert_file".into()),
        (false, false) => return Err("cert_file and cert are mutually exclusive".into()),
    };
    let key_pem = match (t.key_file.is_empty(), t.key.is_empty()) {
        (false, true) => read(base, &t.key_file)?,
        (true, false) => t.key.clone().into_bytes(),
        (true, true) => return Err("missing key_file".into()),
        (false, false) => return Err("key_file and key are mutually exclusive".into()),
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cert_file: {e}"))?;
    if certs.is_empty() {
        return Err("cert_file: no certificate".into());
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| format!("key_file: {e}"))?;
    let version = |v: &str| -> Result<Option<&'static rustls::SupportedProtocolVersion>, String> {
        match v {
            "" => Ok(None),
            "TLS12" => Ok(Some(&rustls::version::TLS12)),
            "TLS13" => Ok(Some(&rustls::version::TLS13)),
            "TLS10" | "TLS11" => Err(format!("TLS version {v} is not supported (rustls)")),
            other => Err(format!("unknown TLS version: {other}")),
        }
    };
    let min = version(&t.min_version)?.unwrap_or(&rustls::version::TLS12);
    let max = version(&t.max_version)?.unwrap_or(&rustls::version::TLS13);
    let mut versions: Vec<&'static rustls::SupportedProtocolVersion> = Vec::new();
    if std::ptr::eq(min, &rustls::version::TLS12) {
        versions.push(&rustls::version::TLS12);
    }
    if std::ptr::eq(max, &rustls::version::TLS13) {
        versions.push(&rustls::version::TLS13);
    }
    if versions.is_empty() {
        return Err("min_version is above max_version".into());
    }
    if !t.cipher_suites.is_empty()
        || !t.curve_preferences.is_empty()
        || t.prefer_server_cipher_suites.is_some()
    {
        tracing::warn!("cipher_suites, curve_preferences and prefer_server_cipher_suites are not applied: rustls' own choices are used");
    }
    // ring, not aws-lc-rs: no C toolchain (cmake, nasm) needed to build the exporter. Its
    // provider is marked deprecated for lacking post-quantum key exchange only.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| e.to_string())?;
    let ca_pem = match (t.client_ca_file.is_empty(), t.client_ca.is_empty()) {
        (false, _) => Some(read(base, &t.client_ca_file)?),
        (true, false) => Some(t.client_ca.clone().into_bytes()),
        (true, true) => None,
    };
    let verify =
        |allow_none: bool| -> Result<Arc<dyn rustls::server::danger::ClientCertVerifier>, String> {
            let pem = ca_pem
                .as_ref()
                .ok_or("client_ca_file is required for this client_auth_type")?;
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_slice_iter(pem) {
                roots
                    .add(c.map_err(|e| format!("client_ca_file: {e}"))?)
                    .map_err(|e| format!("client_ca_file: {e}"))?;
            }
            let b = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider.clone(),
            );
            let b = if allow_none {
                b.allow_unauthenticated()
            } else {
                b
            };
            b.build().map_err(|e| format!("client_ca_file: {e}"))
        };
    let builder = match t.client_auth_type.as_str() {
        "" | "NoClientCert" => {
            if ca_pem.is_some() {
                return Err("Client CA's have been configured without a Client Auth Policy".into());
            }
            builder.with_no_client_auth()
        }
        "VerifyClientCertIfGiven" => builder.with_client_cert_verifier(verify(true)?),
        "RequireAndVerifyClientCert" => builder.with_client_cert_verifier(verify(false)?),
        "RequestClientCert" | "RequireAnyClientCert" => {
            return Err(format!(
                "client_auth_type {} (certificates taken unverified) is not supported",
                t.client_auth_type
            ))
        }
        other => return Err(format!("invalid ClientAuth: {other}")),
    };
    if !t.client_allowed_sans.is_empty() {
        return Err("client_allowed_sans is not supported yet".into());
    }
    let mut config = builder
        .with_single_cert(certs, key)
        .map_err(|e| format!("cert_file/key_file: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_decode() {
        // "prometheus:secret"
        assert_eq!(
            basic_credentials(b"Basic cHJvbWV0aGV1czpzZWNyZXQ="),
            Some(("prometheus".into(), "secret".into()))
        );
        assert_eq!(basic_credentials(b"Bearer abc"), None);
        assert_eq!(basic_credentials(b"Basic !!!"), None);
        assert_eq!(basic_credentials(b"\xff\xfe"), None);
    }

    #[test]
    fn checks_as_exporter_toolkit() {
        let dir = Path::new(".");
        assert!(WebConfig::parse("", dir).is_ok());
        assert!(WebConfig::parse("bogus: 1\n", dir).is_err());
        assert_eq!(
            WebConfig::parse("http_server_config:\n  headers:\n    Server: x\n", dir).unwrap_err(),
            "HTTP header \"Server\" can not be configured"
        );
        assert!(WebConfig::parse("basic_auth_users:\n  u: plain\n", dir).is_err());
        assert!(WebConfig::parse("tls_server_config:\n  key_file: k\n", dir)
            .unwrap_err()
            .contains("missing cert_file"));
    }

    #[tokio::test]
    async fn basic_auth_with_bcrypt() {
        let hash = bcrypt::hash("secret", 4).expect("hash");
        let w = Arc::new(
            WebConfig::parse(
                &format!("basic_auth_users:\n  prometheus: '{hash}'\n"),
                Path::new("."),
            )
            .expect("config"),
        );
        assert!(w.requires_auth());
        assert!(w.authorized(Some(b"Basic cHJvbWV0aGV1czpzZWNyZXQ=")).await);
        // Remembered: the second check hits the cache.
        assert!(w.authorized(Some(b"Basic cHJvbWV0aGV1czpzZWNyZXQ=")).await);
        // prometheus:wrong
        assert!(!w.authorized(Some(b"Basic cHJvbWV0aGV1czp3cm9uZw==")).await);
        assert!(!w.authorized(None).await);
    }
}
