//! Upstream's own `snmp.yml`, as its main branch and its release 0.30.1 ship it
//! (`tests/data/upstream-*-snmp.yml`, from prometheus/snmp_exporter, Apache-2.0), loads and
//! scrapes the simulator's recording of a real Net-SNMP agent: every module whose MIBs that
//! agent implements gives its samples.

use std::sync::Arc;

use snmp_exporter::{Config, ConfigSource, Exporter, Options, ScrapeRequest};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Modules of upstream's file that a Linux Net-SNMP agent answers, with a metric each must
/// give.
const MODULES: [(&str, &str); 8] = [
    ("system", "sysUpTime"),
    ("if_mib", "ifHCInOctets"),
    ("hrSystem", "hrSystemUptime"),
    ("hrStorage", "hrStorageUsed"),
    ("hrDevice", "hrDeviceStatus"),
    ("ucd_la_table", "laLoadInt"),
    ("ucd_memory", "memTotalReal"),
    ("ucd_system_stats", "ssCpuRawUser"),
];

#[test]
fn upstreams_snmp_yml_of_main_and_0_30_1_load_and_scrape() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let sim = rt
        .block_on(snmp_sim::serve_agents(
            &snmp_sim::SimConfig {
                port: 0,
                agents: 1,
                ..snmp_sim::SimConfig::default()
            },
            snmp_sim::Agent::recorded_device,
        ))
        .expect("simulated agent");
    let agent = sim.addrs[0];
    for file in ["upstream-main-snmp.yml", "upstream-0.30.1-snmp.yml"] {
        let path = data(file);
        let config = Config::load(&[&path]).unwrap_or_else(|e| panic!("{file}: {e}"));
        config.check().expect("modules and auths");
        assert!(
            config.modules.len() >= 50,
            "{file}: {}",
            config.modules.len()
        );
        let exporter = Arc::new(Exporter::with_config(
            ConfigSource::Files(vec![path.clone()]),
            config,
            Options::default(),
        ));
        for (module, metric) in MODULES {
            let r = rt.block_on(exporter.scrape(ScrapeRequest {
                target: agent.to_string(),
                modules: vec![module.into()],
                auth: "public_v2".into(),
                ..Default::default()
            }));
            let body = r.unwrap_or_else(|e| panic!("{file} {module}: {e}"));
            assert!(
                body.lines().any(|l| l.starts_with(&format!("{metric}{{"))
                    || l.starts_with(&format!("{metric} "))),
                "{file} {module}: no {metric} in\n{body}"
            );
        }
        // Reload reads the file again.
        exporter.reload().expect("reload");
    }
    drop(sim);
}
