//! Which `traphandle` and `forward` lines a notification goes to, chosen as snmptrapd
//! chooses: the OID-specific lines of the first OID that matches, trying OIDs from the
//! greatest down (so `IF-MIB::linkDown` wins over `.1.3.6.1.6.3.1.1.5*`); when none matches,
//! every `default` line, the last written first.

use snmp_codec::Oid;

use crate::conf::{Conf, Handler, TrapMatch};

impl Conf {
    /// The handlers for a notification with this snmpTrapOID, in the order they run.
    pub fn handlers_for(&self, trap: Option<&Oid>) -> Vec<&Handler> {
        // The OID-specific lines, grouped by what they match, greatest OID first.
        let mut groups: Vec<(&TrapMatch, Vec<&Handler>)> = Vec::new();
        for h in &self.handlers {
            if h.trap == TrapMatch::Default {
                continue;
            }
            match groups.iter_mut().find(|(m, _)| **m == h.trap) {
                Some((_, list)) => list.push(h),
                None => groups.push((&h.trap, vec![h])),
            }
        }
        groups.sort_by(|(a, _), (b, _)| match (a, b) {
            (TrapMatch::Oid { oid: a, .. }, TrapMatch::Oid { oid: b, .. }) => b.cmp(a),
            _ => std::cmp::Ordering::Equal,
        });
        if let Some(trap) = trap {
            if let Some((_, list)) = groups.into_iter().find(|(m, _)| m.matches(trap)) {
                return list;
            }
        }
        self.handlers
            .iter()
            .rev()
            .filter(|h| h.trap == TrapMatch::Default)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::conf::{Action, Conf};

    #[test]
    fn specific_before_default_greatest_oid_first() {
        let mib = snmp_mib::Mib::standard();
        let mut c = Conf::default();
        let d = c.apply(
            "traphandle default /bin/a\n\
             traphandle default /bin/b\n\
             traphandle .1.3.6.1.6.3.1.1.5* /bin/tree\n\
             traphandle IF-MIB::linkDown /bin/down\n\
             forward IF-MIB::linkDown udp:127.0.0.1:1\n",
            "t.conf",
            &mib,
        );
        assert!(d.is_empty(), "{d:?}");
        let names = |oid: &str| -> Vec<String> {
            let oid = oid.parse().unwrap();
            c.handlers_for(Some(&oid))
                .iter()
                .map(|h| match &h.action {
                    Action::Execute(p) | Action::Forward(p) => p.clone(),
                })
                .collect()
        };
        assert_eq!(
            names("1.3.6.1.6.3.1.1.5.3"),
            ["/bin/down", "udp:127.0.0.1:1"]
        );
        assert_eq!(names("1.3.6.1.6.3.1.1.5.4"), ["/bin/tree"]);
        assert_eq!(names("1.3.6.1.4.1.1"), ["/bin/b", "/bin/a"]);
    }
}
