//! Credentials: `auths:` entries and a pre-0.23 module's `auth:`.

#[allow(unused_imports)]
use super::*;

/// A secret: printed as `<secret>` by `/config`.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<secret>")
    }
}

impl Secret {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if SHOW_SECRETS.with(std::cell::Cell::get) {
            s.serialize_str(&self.0)
        } else {
            s.serialize_str("<secret>")
        }
    }
}

/// Credentials and the SNMP version.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Auth {
    /// v1/v2c community (default `public`).
    #[serde(skip_serializing_if = "Secret::is_empty")]
    pub community: Secret,
    /// `noAuthNoPriv`, `authNoPriv` or `authPriv`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub security_level: String,
    /// v3 user.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// v3 authentication password.
    #[serde(skip_serializing_if = "Secret::is_empty")]
    pub password: Secret,
    /// MD5, SHA, SHA224, SHA256, SHA384, SHA512.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub auth_protocol: String,
    /// DES, AES, AES192, AES256, AES192C, AES256C.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub priv_protocol: String,
    /// v3 privacy password.
    #[serde(skip_serializing_if = "Secret::is_empty")]
    pub priv_password: Secret,
    /// v3 context.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub context_name: String,
    /// 1, 2 or 3 (current layout only; the pre-0.23 layout has it on the module).
    #[serde(skip_serializing_if = "is_zero_u8")]
    pub version: u8,
}

fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

/// A pre-0.23 module's `auth:` as written: only the keys given (what Debian's 0.21 generator
/// copies from `generator.yml`); [`AuthSpec::resolve`] fills in upstream's defaults.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthSpec {
    /// v1/v2c community.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<Secret>,
    /// v3 security level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_level: Option<String>,
    /// v3 user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// v3 authentication password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// v3 authentication protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_protocol: Option<String>,
    /// v3 privacy protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priv_protocol: Option<String>,
    /// v3 privacy password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priv_password: Option<Secret>,
    /// v3 context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_name: Option<String>,
}

impl AuthSpec {
    /// The credentials with upstream's defaults for what is not given, and `version`.
    pub fn resolve(&self, version: u8) -> Auth {
        let d = Auth::default();
        Auth {
            community: self.community.clone().unwrap_or(d.community),
            security_level: self.security_level.clone().unwrap_or(d.security_level),
            username: self.username.clone().unwrap_or_default(),
            password: self.password.clone().unwrap_or_default(),
            auth_protocol: self.auth_protocol.clone().unwrap_or(d.auth_protocol),
            priv_protocol: self.priv_protocol.clone().unwrap_or(d.priv_protocol),
            priv_password: self.priv_password.clone().unwrap_or_default(),
            context_name: self.context_name.clone().unwrap_or_default(),
            version,
        }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            community: Secret("public".into()),
            security_level: "noAuthNoPriv".into(),
            username: String::new(),
            password: Secret::default(),
            auth_protocol: "MD5".into(),
            priv_protocol: "DES".into(),
            priv_password: Secret::default(),
            context_name: String::new(),
            version: 2,
        }
    }
}

impl Auth {
    /// Upstream's checks of a version and its credentials.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=3).contains(&self.version) {
            return Err(format!(
                "SNMP version must be 1, 2 or 3. Got: {}",
                self.version
            ));
        }
        if self.version != 3 {
            return Ok(());
        }
        let level = self.security_level.as_str();
        if !matches!(level, "noAuthNoPriv" | "authNoPriv" | "authPriv") {
            return Err(
                "security level must be one of authPriv, authNoPriv or noAuthNoPriv".into(),
            );
        }
        if level == "authPriv" {
            if self.priv_password.0.is_empty() {
                return Err("priv password is missing, required for SNMPv3 with priv".into());
            }
            if !matches!(
                self.priv_protocol.as_str(),
                "DES" | "AES" | "AES192" | "AES256" | "AES192C" | "AES256C"
            ) {
                return Err(
                    "priv protocol must be DES or AES, AES192, AES256, AES192C, AES256C".into(),
                );
            }
        }
        if level != "noAuthNoPriv" {
            if self.password.0.is_empty() {
                return Err("auth password is missing, required for SNMPv3 with auth.".into());
            }
            if !matches!(
                self.auth_protocol.as_str(),
                "MD5" | "SHA" | "SHA224" | "SHA256" | "SHA384" | "SHA512"
            ) {
                return Err(
                    "auth protocol must be SHA, SHA224, SHA256, SHA384, SHA512 or MD5".into(),
                );
            }
        }
        if self.username.is_empty() {
            return Err("auth username is missing, required for SNMPv3".into());
        }
        Ok(())
    }
}
