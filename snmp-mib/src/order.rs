//! The order in which Net-SNMP reads every module of its search path (`MIBS=ALL`).
//!
//! Net-SNMP's `add_mibdir` notes each file's module, folder by folder in the search path's
//! order and file by file in name order, at the head of its module list (a module already
//! noted keeps its place); `read_all_mibs` then reads the list from the head, each module
//! after the modules it imports. When a name is defined by several modules at different
//! OIDs, Net-SNMP's lookup of the bare name finds the node made last, that is, the one of
//! the module read last: [`read_order`] gives that order.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::collections::{BTreeMap, BTreeSet};

use crate::scan::{module_names, strip_comment};

/// The modules a file's first module imports (`FROM` names of its `IMPORTS` clause).
pub(crate) fn imports(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut inside = false;
    let mut after_from = false;
    for line in text.lines() {
        let code = strip_comment(line);
        for w in code.split_whitespace() {
            if !inside {
                if w == "IMPORTS" {
                    inside = true;
                }
                continue;
            }
            let (word, end) = match w.strip_suffix(';') {
                Some(x) => (x, true),
                None => (w, w == ";"),
            };
            if after_from && !word.is_empty() {
                out.push(word.to_owned());
                after_from = false;
            } else if word == "FROM" {
                after_from = true;
            }
            if end {
                return out;
            }
        }
    }
    out
}

/// Net-SNMP's reading order of every module of `folders` (each folder's files, any order:
/// they are taken in name order), first read first.
///
/// ```
/// let smi = b"A-SMI DEFINITIONS ::= BEGIN END".to_vec();
/// let b = b"B-MIB DEFINITIONS ::= BEGIN IMPORTS x FROM A-SMI; END".to_vec();
/// let c = b"C-MIB DEFINITIONS ::= BEGIN END".to_vec();
/// let order = snmp_mib::read_order(&[vec![
///     ("a.mib".to_string(), smi),
///     ("b.mib".to_string(), b),
///     ("c.mib".to_string(), c),
/// ]]);
/// // Noted a, b, c at the head of the list: read c, then b after what it imports.
/// assert_eq!(order, ["C-MIB", "A-SMI", "B-MIB"]);
/// ```
pub fn read_order(folders: &[Vec<(String, Vec<u8>)>]) -> Vec<String> {
    let mut noted: Vec<String> = Vec::new();
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for folder in folders {
        let mut files: Vec<&(String, Vec<u8>)> = folder.iter().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, bytes) in files {
            let Some(name) = module_names(bytes).into_iter().next() else {
                continue;
            };
            if !deps.contains_key(&name) {
                noted.push(name.clone());
            }
            // A module noted again is read from its later file.
            deps.insert(name, imports(bytes));
        }
    }
    let mut done = BTreeSet::new();
    let mut order = Vec::with_capacity(noted.len());
    for name in noted.iter().rev() {
        visit(name, &deps, &mut done, &mut order);
    }
    order
}

fn visit(
    name: &str,
    deps: &BTreeMap<String, Vec<String>>,
    done: &mut BTreeSet<String>,
    order: &mut Vec<String>,
) {
    // Iterative depth first: (module, next import to look at).
    let Some(first) = deps.get(name) else { return };
    if !done.insert(name.to_owned()) {
        return;
    }
    let mut stack: Vec<(&str, &[String])> = vec![(name, first.as_slice())];
    while let Some((m, rest)) = stack.pop() {
        match rest.split_first() {
            Some((imp, tail)) => {
                stack.push((m, tail));
                if let Some((key, d)) = deps.get_key_value(imp.as_str()) {
                    if done.insert(imp.clone()) {
                        stack.push((key.as_str(), d.as_slice()));
                    }
                }
            }
            None => order.push(m.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_read_past_comments_and_line_breaks() {
        let t = b"X-MIB DEFINITIONS ::= BEGIN\nIMPORTS\n  a, b -- FROM NOT-THIS\n    FROM SNMPv2-SMI\n  c FROM SNMPv2-TC;\nx OBJECT IDENTIFIER ::= { a 1 }\nEND\n";
        assert_eq!(imports(t), ["SNMPv2-SMI", "SNMPv2-TC"]);
    }

    #[test]
    fn a_cycle_of_imports_ends() {
        let a = b"A DEFINITIONS ::= BEGIN IMPORTS x FROM B; END".to_vec();
        let b = b"B DEFINITIONS ::= BEGIN IMPORTS y FROM A; END".to_vec();
        let order = read_order(&[vec![("a".into(), a), ("b".into(), b)]]);
        assert_eq!(order.len(), 2);
    }
}
