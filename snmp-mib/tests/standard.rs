//! The embedded standard set is what this crate's loader makes of `mibs/`.
//!
//! Regenerates `data/default.mibc` and `data/standard.mibc` from the text and fails when the
//! bytes differ; `SNMP_MIB_BLESS=1` rewrites them instead.

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_mib::{Loader, Mib, DEFAULT_MODULES};
use std::path::Path;

fn check(name: &str, loader: Loader, embedded: Mib) {
    let loaded = loader
        .cache_dir(None)
        .load_uncached()
        .expect("the standard set loads");
    let fresh = loaded.mib.to_bytes();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name);
    if std::env::var_os("SNMP_MIB_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        fresh == embedded.to_bytes(),
        "{name} is stale: run `SNMP_MIB_BLESS=1 cargo test -p snmp-mib --test standard`"
    );
}

#[test]
fn embedded_default_set_is_current() {
    let l = Loader::new()
        .dirs("builtin")
        .modules(&DEFAULT_MODULES.join(":"));
    check("default.mibc", l, Mib::default_set());
}

#[test]
fn embedded_standard_set_is_current() {
    let l = Loader::new().dirs("builtin").modules("ALL");
    check("standard.mibc", l, Mib::standard());
}

/// Every module of the embedded set loads without an error: a user's `snmp generate` or
/// `snmp translate -m ALL` shows only the problems of their own folders.
#[test]
fn embedded_standard_set_loads_clean() {
    let loaded = Loader::new()
        .dirs("builtin")
        .modules("ALL")
        .cache_dir(None)
        .load_uncached()
        .expect("the standard set loads");
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{:?}:{:?}: {}", d.file, d.line, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors: {:#?}",
        errors.len(),
        &errors[..errors.len().min(20)]
    );
}

#[test]
fn embedded_file_list_matches_the_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("mibs");
    let mut on_disk = Vec::new();
    for d in std::fs::read_dir(&root).unwrap() {
        let d = d.unwrap().path();
        if d.is_dir() {
            for f in std::fs::read_dir(&d).unwrap() {
                let f = f.unwrap().path();
                on_disk.push(format!(
                    "{}/{}",
                    d.file_name().unwrap().to_str().unwrap(),
                    f.file_name().unwrap().to_str().unwrap()
                ));
            }
        }
    }
    on_disk.sort();
    let list = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/standard_files.rs"),
    )
    .unwrap();
    // Every quoted path that is not an include_bytes! argument.
    let listed: Vec<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| s.ends_with(".mib") && !s.starts_with("../"))
        .map(str::to_owned)
        .collect();
    assert_eq!(listed, on_disk);
}

#[test]
fn modules_name_the_files_they_came_from() {
    let mib = Mib::default_set();
    assert_eq!(
        mib.module("IF-MIB").unwrap().file(),
        "builtin/ietf/IF-MIB.mib"
    );
    let loaded = Loader::new()
        .dirs("builtin")
        .text("my.mib", "MY-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM SNMPv2-SMI;\nmyRoot OBJECT IDENTIFIER ::= { enterprises 77 }\nEND\n")
        .modules("MY-MIB")
        .cache_dir(None)
        .load()
        .unwrap();
    assert_eq!(loaded.mib.module("MY-MIB").unwrap().file(), "my.mib");
}
