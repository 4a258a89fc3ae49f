//! The DISPLAY-HINT interpreter: an arbitrary hint (from a vendor MIB) over arbitrary octets
//! (from an agent) and integers. Never a panic, and the output stays bounded by the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte splits the input into a hint and the octets.
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = usize::from(split).min(rest.len());
    let (hint, octets) = rest.split_at(at);
    let hint = String::from_utf8_lossy(hint);
    let text = snmp_mib::display_hint_octets(&hint, octets);
    // Each octet prints as a bounded number of characters (plus the hint's own text).
    assert!(text.len() <= 64 + hint.len() * 4 + octets.len() * (hint.len() + 16));
    let mut v = [0u8; 8];
    for (d, s) in v.iter_mut().zip(octets) {
        *d = *s;
    }
    let _ = snmp_mib::display_hint_integer(&hint, i64::from_le_bytes(v));
});
