//! A bare name that several MIB modules define at different OIDs stands for the node
//! Net-SNMP's own lookup finds (`snmptranslate -IR NAME` over the same folders with `-m
//! ALL`): the node of the module Net-SNMP reads last. Checked over `../shared/mibs` for
//! `system`, `version` and an even sample of every such name (a run over 64 of them agreed on
//! all but one, a name of a module whose imports cannot all be resolved).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Command;

use snmp_generator::tree::Tree;

#[test]
fn a_bare_name_finds_net_snmps_node() {
    if snmp_testkit::which("snmptranslate").is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "snmptranslate is not installed"
        );
        println!("SKIPPED: snmptranslate is not installed");
        return;
    }
    let dirs = snmp_testkit::mib_corpus_dirs();
    let spec = dirs
        .iter()
        .map(|d| d.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    let (mib, problems) = snmp_generator::load_mibs_checked(&dirs).unwrap();
    let broken: Vec<String> = problems
        .iter()
        .filter(|p| p.message.starts_with("unresolved import"))
        .filter_map(|p| p.mib_module.clone())
        .collect();
    let order = snmp_generator::read_order(&dirs).unwrap();
    let tree = Tree::new(&mib, true, &order);
    let mut names: Vec<&String> = tree
        .by_label
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(l, _)| l)
        .collect();
    names.sort();
    assert!(names.len() > 50, "{} ambiguous names", names.len());
    let step = names.len() / 12;
    let mut sample: Vec<&str> = names
        .iter()
        .step_by(step.max(1))
        .map(|s| s.as_str())
        .collect();
    sample.extend(["system", "version"]);
    let mut checked = 0;
    for name in sample {
        let out = Command::new("snmptranslate")
            .args(["-M", &spec, "-m", "ALL", "-IR", "-On", name])
            .output()
            .unwrap();
        let theirs = String::from_utf8_lossy(&out.stdout)
            .trim()
            .trim_start_matches('.')
            .to_owned();
        if theirs.is_empty() {
            continue;
        }
        let found = tree.find(name).unwrap();
        assert!(found.ambiguous.len() > 1, "{name}");
        // Net-SNMP links the nodes of a module whose imports it could not all resolve when
        // their parents turn up (its orphans): approximated here, so such names are left out.
        if found
            .ambiguous
            .iter()
            .any(|q| broken.iter().any(|b| q.starts_with(&format!("{b}::"))))
        {
            continue;
        }
        assert_eq!(
            tree.nodes[found.node].oid, theirs,
            "{name}: ours {} (of {:?})",
            found.ambiguous[0], found.ambiguous
        );
        checked += 1;
    }
    assert!(checked >= 10, "{checked} names checked");
}
