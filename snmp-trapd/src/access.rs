//! Who may trigger what: snmptrapd's access control (`authCommunity`, `authUser`,
//! `disableAuthorization`), decided per notification.

use snmp_session::Notification;

use snmp_codec::Oid;

use crate::conf::{Access, Conf, ViewLimit};

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
        let in_view = |view: &ViewLimit| match (view, &n.trap_oid) {
            (ViewLimit::Any, _) => true,
            (ViewLimit::Subtree(v), Some(t)) => t.starts_with(v),
            (ViewLimit::Named(name), Some(t)) => self.view_includes(name, t),
            (_, None) => false,
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
    /// Whether the view `name` includes `oid`, as VACM decides (RFC 3415): of the view's
    /// entries whose family covers the OID, the one with the longest subtree (then the
    /// greatest) says included or excluded; none covers it: excluded.
    ///
    /// ```
    /// let mib = snmp_mib::Mib::standard();
    /// let mut conf = snmp_trapd::Conf::default();
    /// conf.apply("view traps included .1.3.6.1.6.3.1.1.5\n\
    ///             view traps excluded .1.3.6.1.6.3.1.1.5.4\n", "t.conf", &mib);
    /// let oid = |s: &str| s.parse::<snmp_codec::Oid>().unwrap();
    /// assert!(conf.view_includes("traps", &oid("1.3.6.1.6.3.1.1.5.3")));
    /// assert!(!conf.view_includes("traps", &oid("1.3.6.1.6.3.1.1.5.4")));
    /// assert!(!conf.view_includes("other", &oid("1.3.6.1.6.3.1.1.5.3")));
    /// ```
    pub fn view_includes(&self, name: &str, oid: &Oid) -> bool {
        self.views
            .iter()
            .filter(|v| v.name == name && v.covers(oid))
            .max_by(|a, b| (a.subtree.len(), &a.subtree).cmp(&(b.subtree.len(), &b.subtree)))
            .is_some_and(|v| v.included)
    }

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

#[cfg(test)]
mod tests {
    use crate::conf::Conf;

    /// What Debian's snmptrapd 5.9.3 accepted and refused with these views (checked by
    /// hand, and side by side in snmp-cli/tests/trapd.rs).
    #[test]
    fn views_and_masks_decide_as_net_snmp() {
        let mib = snmp_mib::Mib::standard();
        let mut conf = Conf::default();
        let problems = conf.apply(
            "view m1 included .1.3.6.1.6.3.1.1.5.1 ff80\n\
             view m2 included .1.3.6.1.6.3.1.1.5.1 ff.80\n\
             view m3 included .1.3.6.1.6.3.1.1.5.1 ff:c0\n\
             view traps included .1.3.6.1.6.3.1.1.5\n\
             view traps excluded .1.3.6.1.6.3.1.1.5.4\n\
             view bad sometimes .1.3\n\
             view bad included .1.3 zz\n",
            "t.conf",
            &mib,
        );
        let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "t.conf: line 6: Error: TYPE must be included/excluded?",
                "t.conf: line 7: Error: invalid MASK",
            ]
        );
        let oid = |s: &str| s.parse::<snmp_codec::Oid>().unwrap();
        let cases = [
            ("1.3.6.1.6.3.1.1.5.1", [true, true, true, true]),
            ("1.3.6.1.6.3.1.1.5.2", [false, true, false, true]),
            ("1.4.6.1.6.3.1.1.5.1", [true, false, false, false]),
            ("1.4.6.1.6.3.1.1.6.1", [false, false, false, false]),
            ("1.3.6.1.6.3.1.1.5.1.9", [true, true, true, true]),
            ("1.3.6.1.6.3.1.1.5", [false, false, false, true]),
            ("1.3.6.1.6.3.1.1.5.4", [false, true, false, false]),
        ];
        for (trap, expected) in cases {
            let got = ["m1", "m2", "m3", "traps"].map(|v| conf.view_includes(v, &oid(trap)));
            assert_eq!(got, expected, "{trap}");
        }
    }
}
