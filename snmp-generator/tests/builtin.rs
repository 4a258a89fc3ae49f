//! The exporter's built-in modules (`snmp-exporter-config/default-snmp.yml`) are what `snmp generate`
//! makes of `snmp-exporter-config/default-generator.yml` over the embedded standard MIB set.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

#[test]
fn builtin_modules_are_this_generators_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../snmp-exporter-config");
    let generator = std::fs::read_to_string(dir.join("default-generator.yml")).unwrap();
    let committed = std::fs::read_to_string(dir.join("default-snmp.yml")).unwrap();
    let cfg = snmp_generator::GeneratorConfig::parse(&generator, "default-generator.yml").unwrap();
    let (mib, _) = snmp_generator::load_mibs(&[]).unwrap();
    let out = snmp_generator::generate(&cfg, &mib);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        out.yaml, committed,
        "regenerate: snmp generate -g snmp-exporter-config/default-generator.yml -o snmp-exporter-config/default-snmp.yml"
    );
}

#[test]
fn filters_of_the_current_layout() {
    let cfg = snmp_generator::GeneratorConfig::parse(
        "auths:\n  public_v2:\n    version: 2\nmodules:\n  m:\n    walk: [ifTable]\n    filters:\n      static:\n        - targets: [ifDescr]\n          indices: [\"2\", \"3\"]\n      dynamic:\n        - oid: ifAdminStatus\n          targets: [ifInOctets, ifOutOctets]\n          values: [\"1\"]\n",
        "g.yml",
    )
    .unwrap();
    let (mib, _) = snmp_generator::load_mibs(&[]).unwrap();
    let out = snmp_generator::generate(&cfg, &mib);
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&out.yaml).unwrap();
    let m = &doc["modules"]["m"];
    // The exporter reads what was written.
    snmp_exporter_config_check(&out.yaml);
    assert_eq!(m["walk"][0], "1.3.6.1.2.1.2.2");
    assert_eq!(m["filters"][0]["oid"], "1.3.6.1.2.1.2.2.1.7");
    assert_eq!(m["filters"][0]["targets"][1], "1.3.6.1.2.1.2.2.1.16");
}

fn snmp_exporter_config_check(yaml: &str) {
    let cfg = snmp_exporter::Config::parse(yaml, "snmp.yml").expect("the exporter reads it");
    assert_eq!(cfg.modules["m"].filters.len(), 1);
    assert!(cfg.auths.contains_key("public_v2"));
}
