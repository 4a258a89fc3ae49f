//! Who may trigger what: snmptrapd's access control (`authCommunity`, `authUser`,
//! `disableAuthorization`), decided per notification.

use snmp_session::Notification;

use crate::conf::{Access, Conf};

impl Conf {
    /// What `n` may trigger under this configuration: with `disableAuthorization yes`
    /// everything; otherwise the union of every `authCommunity` (same community, sender in
    /// its source, trap OID in its view) or `authUser` (same user, at least its level, trap
    /// OID in its view) line that applies. Nothing applies: nothing may happen, as
    /// snmptrapd (5.3 and later) drops it.
    pub fn access(&self, n: &Notification) -> Access {
        if self.disable_authorization {
            return Access::ALL;
        }
        let in_view = |view: &Option<snmp_codec::Oid>| match (view, &n.trap_oid) {
            (None, _) => true,
            (Some(v), Some(t)) => t.starts_with(v),
            (Some(_), None) => false,
        };
        let mut a = Access::default();
        if let Some(community) = &n.community {
            for rule in &self.auth_communities {
                if rule.community == community.as_ref()
                    && rule.source.contains(n.source.ip())
                    && in_view(&rule.view)
                {
                    a = a.or(rule.types);
                }
            }
        }
        if let Some(v3) = &n.v3 {
            for rule in &self.auth_users {
                if rule.user == v3.user_name.as_ref()
                    && v3.level >= rule.level
                    && in_view(&rule.view)
                {
                    a = a.or(rule.types);
                }
            }
        }
        a
    }
}

impl Conf {
    /// The security name a notification's records carry: the v3 user; for v1/v2c the name
    /// `otlpSecurityName` gives its community, else `authCommunity#N` (the first line that
    /// accepts it), else `unauthenticated` (`disableAuthorization`). Never the community.
    pub fn security_name(&self, n: &Notification) -> String {
        if let Some(v3) = &n.v3 {
            return String::from_utf8_lossy(&v3.user_name).into_owned();
        }
        let c: &[u8] = n.community.as_deref().unwrap_or_default();
        if let Some((_, name)) = self.otlp.security_names.iter().find(|(k, _)| k == c) {
            return name.clone();
        }
        match self
            .auth_communities
            .iter()
            .position(|r| r.community == c && r.source.contains(n.source.ip()))
        {
            Some(i) => format!("authCommunity#{}", i + 1),
            None => "unauthenticated".into(),
        }
    }
}
