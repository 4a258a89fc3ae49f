//! Arbitrary bytes as MIB text into the loader, and as a compiled set: neither may panic,
//! and whatever loads must resolve and format its own nodes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_codec::Value;
use snmp_mib::{Format, Loader, Mib};

fuzz_target!(|data: &[u8]| {
    // As a compiled set (a damaged cache file).
    if let Ok(mib) = Mib::from_bytes(data.to_vec()) {
        for n in mib.nodes().take(64) {
            let oid = n.oid();
            let _ = Format::default().varbind(&mib, &oid, &Value::Integer(1));
            let _ = mib.resolve(n.name());
        }
    }
    // As MIB text, alone on the search path.
    let loaded = Loader::new()
        .dirs("")
        .text("fuzz.mib", data)
        .modules("ALL")
        .cache_dir(None)
        .load_uncached();
    if let Ok(loaded) = loaded {
        let mib = loaded.mib;
        let again = Mib::from_bytes(mib.to_bytes()).expect("a compiled set reopens");
        assert_eq!(again.node_count(), mib.node_count());
        for n in mib.nodes().take(256) {
            let mut arcs = n.oid().arcs().to_vec();
            arcs.extend([1, 2, 3]);
            let oid = snmp_codec::Oid::from_arcs(&arcs);
            for v in [
                Value::Integer(-1),
                Value::from(&b"\x00\xffab"[..]),
                Value::ObjectIdentifier(oid.clone()),
            ] {
                let _ = Format::default().varbind(&mib, &oid, &v);
                let _ = Format::from_flags("fXEqb").map(|f| f.varbind(&mib, &oid, &v));
            }
            let _ = mib.decode_index(n, &[1, 2, 3, 4, 5]);
        }
    }
    // As text to resolve.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Mib::default_set().resolve(text);
    }
});
