//! The decoder allocates at most a small multiple of its input, whatever lengths the input
//! claims: nothing is pre-allocated from a length field.

#![allow(clippy::unwrap_used, missing_docs)]

use snmp_codec::{Bytes, Message};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The counters are global: tests that read them must not overlap.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Wraps `content` in a TLV with a minimal length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(snmp_codec::ber::encode_length(content.len()));
    out.extend_from_slice(content);
    out
}

/// A v2c Response whose varbind list is `vb` repeated `n` times.
fn response_with(vb: &[u8], n: usize) -> Vec<u8> {
    let list = tlv(0x30, &vb.repeat(n));
    let mut pdu = vec![0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00];
    pdu.extend(list);
    let mut msg = vec![0x02, 0x01, 0x01];
    msg.extend(tlv(0x04, b"public"));
    msg.extend(tlv(0xa2, &pdu));
    tlv(0x30, &msg)
}

fn allocated_by_decode(input: &[u8]) -> usize {
    let bytes = Bytes::copy_from_slice(input);
    let region = Region::new(GLOBAL);
    let decoded = Message::decode_bytes(&bytes);
    let stats = region.change();
    assert!(decoded.is_ok(), "the crafted input must decode");
    drop(decoded);
    stats.bytes_allocated
}

#[test]
fn decode_allocates_a_bounded_multiple_of_the_input() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let cases: [(&str, Vec<u8>); 4] = [
        // The smallest varbind there is: OID 1.3 = NULL (7 bytes).
        (
            "tiny varbinds",
            response_with(&[0x30, 0x05, 0x06, 0x01, 0x2b, 0x05, 0x00], 9000),
        ),
        // Long OIDs (spill to the heap): 60 one-byte arcs.
        (
            "long OIDs",
            response_with(
                &tlv(0x30, &[tlv(0x06, &[0x2b; 60]), vec![0x05, 0x00]].concat()),
                500,
            ),
        ),
        // OID values with many arcs.
        (
            "OID values",
            response_with(
                &tlv(
                    0x30,
                    &[vec![0x06, 0x01, 0x2b], tlv(0x06, &[0x01; 127])].concat(),
                ),
                300,
            ),
        ),
        // Octet strings are slices of the input: no copy at all.
        (
            "octet strings",
            response_with(
                &tlv(
                    0x30,
                    &[vec![0x06, 0x01, 0x2b], tlv(0x04, &[b'x'; 1000])].concat(),
                ),
                60,
            ),
        ),
    ];
    for (name, input) in cases {
        let allocated = allocated_by_decode(&input);
        let ratio = allocated as f64 / input.len() as f64;
        println!(
            "{name}: {} input bytes, {allocated} allocated ({ratio:.1}x)",
            input.len()
        );
        assert!(
            ratio <= 32.0,
            "{name}: decode allocated {ratio:.1}x its input"
        );
    }
}

#[test]
fn lying_lengths_allocate_nothing_large() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // A varbind list that claims 16 MiB in a 30-byte datagram.
    let mut input = vec![0x30, 0x1c, 0x02, 0x01, 0x01, 0x04, 0x06];
    input.extend_from_slice(b"public");
    input.extend_from_slice(&[
        0xa2, 0x0f, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
    ]);
    input.extend_from_slice(&[0x30, 0x84, 0x01, 0x00, 0x00, 0x00]);
    let bytes = Bytes::copy_from_slice(&input);
    let region = Region::new(GLOBAL);
    assert!(Message::decode_bytes(&bytes).is_err());
    assert!(region.change().bytes_allocated < 1024);
}
