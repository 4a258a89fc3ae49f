//! `generator.yml` and `snmp.yml` parsing: any bytes give a configuration or a clear error,
//! never a panic; a configuration that parses generates without panicking over the embedded
//! standard MIB set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static MIB: OnceLock<snmp_mib::Mib> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = snmp_exporter::Config::parse(text, "fuzz.yml");
    if let Ok(cfg) = snmp_generator::GeneratorConfig::parse(text, "fuzz.yml") {
        let mib = MIB.get_or_init(|| {
            snmp_mib::Loader::new()
                .modules("IF-MIB:HOST-RESOURCES-MIB")
                .cache_dir(None)
                .load()
                .map(|l| l.mib)
                .unwrap_or_else(|_| snmp_mib::Mib::empty())
        });
        let _ = snmp_generator::generate(&cfg, mib);
    }
});
