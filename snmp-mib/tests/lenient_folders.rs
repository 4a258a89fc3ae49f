//! A folder of modules must never make a whole load fail: every module of `../shared/mibs`
//! loaded together with deliberately broken copies (truncated, a missing import, a wrong
//! macro, binary junk, a module that imports itself) still resolves every other name, and
//! the broken ones are diagnostics.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

fn corpus_dirs() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/mibs");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir() && !p.ends_with("oracle"))
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn broken_modules_cost_only_themselves() {
    let broken = tempfile::tempdir().unwrap();
    let if_mib = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/mibs/ietf/IF-MIB.mib"),
    )
    .unwrap();
    let trunc: Vec<u8> = String::from_utf8_lossy(&if_mib[..3000])
        .replace("IF-MIB", "BROKEN-TRUNC-MIB")
        .into_bytes();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("trunc.mib", trunc),
        ("missing.mib", b"MISSING-IMPORT-MIB DEFINITIONS ::= BEGIN\nIMPORTS nothingHere FROM NO-SUCH-MIB;\nfoo OBJECT IDENTIFIER ::= { nothingHere 1 }\nEND\n".to_vec()),
        ("macro.mib", b"WRONG-MACRO-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\nfoo OBJECT-TYPEX\n SYNTAX Integer32\n ::= { enterprises 99999 }\nEND\n".to_vec()),
        ("junk.mib", (0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ("self.mib", b"SELF-MIB DEFINITIONS ::= BEGIN\nIMPORTS selfThing FROM SELF-MIB;\nselfThing OBJECT IDENTIFIER ::= { selfThing 1 }\nEND\n".to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(broken.path().join(name), bytes).unwrap();
    }
    let mut loader = snmp_mib::Loader::new().cache_dir(None).modules("ALL");
    for d in corpus_dirs() {
        loader = loader.dir(d);
    }
    loader = loader.dir(broken.path());
    let loaded = loader
        .load()
        .expect("a folder with broken modules still loads");
    for name in [
        "IF-MIB::ifDescr",
        "HOST-RESOURCES-MIB::hrStorageDescr",
        "UCD-SNMP-MIB::laLoad",
    ] {
        assert!(loaded.mib.resolve(name).is_ok(), "{name} resolves");
    }
    assert!(
        !loaded.diagnostics.is_empty(),
        "the broken modules are reported"
    );
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.module.as_deref() == Some("MISSING-IMPORT-MIB")
                || d.message.contains("NO-SUCH-MIB")),
        "the missing import is named"
    );
    // The missing import is typed: its code, the name and the module it was to come from
    // (this pins mib-rs's wording, which `unresolved_import` reads).
    let missing = loaded
        .diagnostics
        .iter()
        .find(|d| d.module.as_deref() == Some("MISSING-IMPORT-MIB") && d.module_not_found())
        .expect("an import-module-not-found diagnostic for MISSING-IMPORT-MIB");
    assert_eq!(
        missing.unresolved_import(),
        Some(("nothingHere", "NO-SUCH-MIB"))
    );
    assert!(missing.is_error());
    // And the OID hung under the missing name is an orphan, named with its parent.
    let orphan = loaded
        .diagnostics
        .iter()
        .find(|d| d.module.as_deref() == Some("MISSING-IMPORT-MIB") && d.orphan().is_some())
        .expect("an oid-orphan diagnostic for MISSING-IMPORT-MIB");
    assert_eq!(orphan.orphan(), Some(("foo", "nothingHere")));
    // Each vendor folder alone (without the standard modules it imports) loads too.
    for d in corpus_dirs() {
        let alone = snmp_mib::Loader::new()
            .cache_dir(None)
            .modules("ALL")
            .dir(&d)
            .load();
        assert!(alone.is_ok(), "{}: {:?}", d.display(), alone.err());
    }
}
