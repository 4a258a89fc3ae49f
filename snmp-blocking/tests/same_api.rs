//! The two faces have the same Manager: every call, with the same arguments and the same
//! result types, compiles on the blocking and on the async (tokio) face, and the `pub fn`s of
//! the blocking `Manager` (snmp-blocking/src/manager.rs) and of the async one
//! (snmp-async/src/manager.rs, which snmp-tokio and snmp-smol name for their runtime) are the
//! same list. A drift fails this test at compile time or at run time.

#![allow(clippy::unwrap_used, missing_docs, dead_code, unused_must_use)]

use std::time::Duration;

use snmp_manager::{
    Description, Error, Oid, PollTarget, Table, TableError, TrapV1Pdu, Value, VarBind, Version,
    WalkOptions,
};

/// Every call of the method set on `$m`, each result bound to its type; `$aw` is `.await` on
/// the async face and nothing on the blocking one.
macro_rules! every_call {
    ($m:ident, $($aw:tt)*) => {{
        let oid: Oid = "1.3.6.1.2.1.1.1.0".parse().unwrap();
        let _: &snmp_manager::Mib = $m.mib();
        let _: Description = $m.describe(&oid, &Value::Null);
        let _: String = $m.name(&oid);
        let _: String = $m.format(&oid, &Value::Null);
        let _ = $m.client();
        let _: Version = $m.version();
        let _: std::net::SocketAddr = $m.addr();
        let _: Result<std::net::SocketAddr, Error> = $m.local_addr();
        let _: snmp_session::Counters = $m.counters();
        let _ = $m.with_timeout(Duration::from_secs(1)).with_retries(1);
        let _: Result<Value, Error> = $m.get("sysDescr.0") $($aw)*;
        let _: Result<Vec<Value>, Error> = $m.get_many(["sysDescr.0"]) $($aw)*;
        let _: Result<Vec<VarBind>, Error> = $m.get_varbinds([&oid]) $($aw)*;
        let _: Result<Vec<VarBind>, Error> = $m.get_each(vec![oid.clone()]) $($aw)*;
        let _: Result<(Oid, Value), Error> = $m.get_next("system") $($aw)*;
        let _: Result<Vec<VarBind>, Error> = $m.get_next_varbinds(["system"]) $($aw)*;
        let _: Result<Vec<(Oid, Value)>, Error> = $m.get_bulk(["system"], 0, 10) $($aw)*;
        let _: Result<Value, Error> = $m.set("sysContact.0", "x") $($aw)*;
        let _: Result<Vec<VarBind>, Error> = $m.set_many([("sysName.0", Value::from("x"))]) $($aw)*;
        let _: Result<Vec<(Oid, Value)>, snmp_blocking::WalkError> = $m.walk("system").collect_all() $($aw)*;
        let _: Result<Vec<(Oid, Value)>, snmp_blocking::WalkError> = $m.bulk_walk("system", 10).collect_all() $($aw)*;
        let _: Result<Vec<(Oid, Value)>, snmp_blocking::WalkError> = $m.walk_with_options("system", Some(10), WalkOptions::default()).collect_all() $($aw)*;
        let _: Result<Table, TableError> = $m.get_table("ifEntry", Some(&[2, 10]), 25) $($aw)*;
        let _: Result<Table, TableError> = $m.get_table_with_options("ifEntry", None, 25, WalkOptions::default()) $($aw)*;
        let _: Result<Table, TableError> = $m.table("ifTable") $($aw)*;
        let _: Result<(), Error> = $m.send_trap("linkDown", vec![], 1) $($aw)*;
        let trap = TrapV1Pdu {
            enterprise: oid.clone(),
            agent_addr: [127, 0, 0, 1],
            generic_trap: snmp_manager::GenericTrap::ColdStart,
            specific_trap: 0,
            time_stamp: 0,
            varbinds: vec![],
        };
        let _: Result<(), Error> = $m.send_trap_v1(trap) $($aw)*;
        let _: Result<Vec<VarBind>, Error> = $m.send_inform("linkDown", vec![], 1) $($aw)*;
        let targets: Vec<PollTarget> = vec![];
        let _ = $m.poll_many(targets.clone(), vec![oid.clone()], 10);
        let _: Result<_, Error> = $m.poll_names(targets, ["sysUpTime.0"], 10);
        $m.close();
    }};
}

/// Compiled, never run: every call on the blocking face.
fn blocking_face(m: snmp_blocking::Manager) {
    every_call!(m,);
}

/// Compiled, never run: every call on the async face.
async fn async_face(m: snmp_tokio::Manager) {
    every_call!(m, .await);
}

/// The `pub fn`s written in a face's `impl Manager` blocks by hand (outside the shared
/// method set).
fn own_methods(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_manager = false;
    let mut depth = 0i32;
    // The depth of the `impl` line.
    let mut impl_depth = 0i32;
    for line in source.lines() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue; // doc examples have braces of their own
        }
        if t.starts_with("impl") {
            let header = t.split('{').next().unwrap_or("");
            in_manager = header.contains(" Manager") && !header.contains("ManagerBuilder");
            impl_depth = depth;
        }
        if in_manager && depth == impl_depth + 1 {
            for prefix in ["pub fn ", "pub async fn "] {
                if let Some(rest) = t.strip_prefix(prefix) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    out.push(name);
                }
            }
        }
        let code = without_strings(line);
        depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
    }
    out.sort();
    out
}

/// `line` without its string literals (whose braces are not code).
fn without_strings(line: &str) -> String {
    let mut out = String::new();
    let (mut in_str, mut escaped) = (false, false);
    for c in line.chars() {
        match (in_str, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_str = false,
            (true, false, _) => {}
            (false, _, '"') => in_str = true,
            (false, _, c) => out.push(c),
        }
    }
    out
}

#[test]
fn both_faces_have_the_same_method_set() {
    // The compile-time half: both functions above compile.
    let _ = blocking_face;
    let _ = async_face;
    // The run-time half: the methods each face writes.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let blocking = own_methods(&read("snmp-blocking/src/manager.rs"));
    let asynchronous = own_methods(&read("snmp-async/src/manager.rs"));
    assert!(
        blocking.len() >= 30,
        "the scan sees the method set: {blocking:?}"
    );
    assert_eq!(
        blocking, asynchronous,
        "the blocking and async Managers' methods"
    );
    assert!(blocking.contains(&"builder".to_owned()) && blocking.contains(&"get".to_owned()));
}
