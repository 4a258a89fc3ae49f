//! Arbitrary bytes into the message decoder: it must never panic, and whatever decodes must
//! re-encode and decode to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use snmp_codec::{Bytes, Message, ScopedPdu};

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    if let Ok(msg) = Message::decode_bytes(&input) {
        let again = Message::decode(&msg.to_vec()).expect("re-encoded message must decode");
        assert_eq!(again, msg);
    }
    let _ = ScopedPdu::decode_bytes(&input);
});
