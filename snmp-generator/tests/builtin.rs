//! The exporter's built-in modules (`snmp-exporter/default-snmp.yml`) are what `snmp generate`
//! makes of `snmp-exporter/default-generator.yml` over the embedded standard MIB set.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

#[test]
fn builtin_modules_are_this_generators_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snmp-exporter");
    let generator = std::fs::read_to_string(dir.join("default-generator.yml")).unwrap();
    let committed = std::fs::read_to_string(dir.join("default-snmp.yml")).unwrap();
    let cfg = snmp_generator::GeneratorConfig::parse(&generator, "default-generator.yml").unwrap();
    let (mib, _) = snmp_generator::load_mibs(&[]).unwrap();
    let out = snmp_generator::generate(&cfg, &mib);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        out.yaml, committed,
        "regenerate: snmp generate -g snmp-exporter/default-generator.yml -o snmp-exporter/default-snmp.yml"
    );
}
