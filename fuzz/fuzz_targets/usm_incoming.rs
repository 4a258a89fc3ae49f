//! Arbitrary bytes through SNMPv3 incoming-message processing with fixed keys (the users of the
//! Wireshark snmp_usm.pcap capture, so the seeds from the vectors authenticate): never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use snmp_codec::Bytes;
use snmp_usm::{
    process_incoming, AuthProtocol, EngineClock, Instant, LocalizedUser, PrivProtocol, TimeCheck,
    UsmError, UsmUser,
};

const ENGINE: &[u8] = &[
    0x80, 0x00, 0x1f, 0x88, 0x80, 0x59, 0xdc, 0x48, 0x61, 0x45, 0xa2, 0x63, 0x22,
];

fn users() -> &'static [LocalizedUser] {
    static USERS: OnceLock<Vec<LocalizedUser>> = OnceLock::new();
    USERS.get_or_init(|| {
        [
            ("pippo", AuthProtocol::Md5, PrivProtocol::Des),
            ("pippo2", AuthProtocol::Sha1, PrivProtocol::Des),
            ("pippo3", AuthProtocol::Sha1, PrivProtocol::Aes128),
            ("pippo4", AuthProtocol::Md5, PrivProtocol::Aes128),
        ]
        .into_iter()
        .map(|(name, a, p)| {
            UsmUser::new(name)
                .with_auth(a, b"pippoxxx")
                .and_then(|u| u.with_privacy(p, b"PIPPOxxx"))
                .map(|u| u.localize(ENGINE))
                .expect("fixed keys derive")
        })
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let input = Bytes::copy_from_slice(data);
    let mut clock = EngineClock::new(8, 2745, Instant::ZERO);
    let _ = process_incoming(
        &input,
        |name, _| {
            users()
                .iter()
                .find(|u| &u.name()[..] == name)
                .ok_or(UsmError::UnknownUserName)
        },
        TimeCheck::NonAuthoritative(&mut clock),
        Instant::ZERO,
    );
});
