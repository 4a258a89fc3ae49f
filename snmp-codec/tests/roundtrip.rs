//! Property tests: every Value, PDU and message kind survives encode -> decode, `encoded_len`
//! is exact, and no input (random or a mutated real message) panics the decoder.

#![allow(clippy::unwrap_used, missing_docs)]

use proptest::prelude::*;
use snmp_codec::{
    BulkPdu, Bytes, CommunityMessage, ErrorStatus, GenericPdu, GenericTrap, Message, MsgFlags, Oid,
    Pdu, ScopedPdu, ScopedPduData, SecurityLevel, TrapV1Pdu, UsmSecurityParameters, V3Message,
    Value, VarBind, Version,
};

fn arb_oid() -> impl Strategy<Value = Oid> {
    (
        0u32..=2,
        any::<u32>(),
        prop::collection::vec(any::<u32>(), 0..40),
    )
        .prop_map(|(first, second, rest)| {
            let second = if first < 2 { second % 40 } else { second };
            let mut arcs = vec![first, second];
            arcs.extend(rest);
            Oid::from_arcs(&arcs)
        })
}

fn arb_bytes(max: usize) -> impl Strategy<Value = Bytes> {
    prop::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

/// Tags that SNMP does not define, primitive and single-octet.
fn arb_unknown_tag() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(0x45u8),
        Just(0x48),
        Just(0x4a),
        Just(0x83),
        Just(0x9e),
        Just(0xc0),
        Just(0xc5),
        Just(0x01),
        Just(0x0a),
    ]
}

fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        arb_bytes(300).prop_map(Value::OctetString),
        Just(Value::Null),
        arb_oid().prop_map(Value::ObjectIdentifier),
        any::<[u8; 4]>().prop_map(Value::IpAddress),
        any::<u32>().prop_map(Value::Counter32),
        any::<u32>().prop_map(Value::Gauge32),
        any::<u32>().prop_map(Value::TimeTicks),
        // A raw Opaque that does not look like the float/double wrappers.
        arb_bytes(40)
            .prop_filter("not a wrapped float", |b| b.first() != Some(&0x9f))
            .prop_map(Value::Opaque),
        any::<f32>().prop_map(Value::OpaqueFloat),
        any::<f64>().prop_map(Value::OpaqueDouble),
        any::<u64>().prop_map(Value::Counter64),
        Just(Value::NoSuchObject),
        Just(Value::NoSuchInstance),
        Just(Value::EndOfMibView),
        (arb_unknown_tag(), arb_bytes(20)).prop_map(|(tag, data)| Value::Unknown { tag, data }),
    ]
}

fn arb_varbinds() -> impl Strategy<Value = Vec<VarBind>> {
    prop::collection::vec(
        (arb_oid(), arb_value()).prop_map(|(o, v)| VarBind::new(o, v)),
        0..12,
    )
}

fn arb_generic() -> impl Strategy<Value = GenericPdu> {
    (any::<i32>(), 0i32..25, any::<i32>(), arb_varbinds()).prop_map(|(rid, es, ei, vbs)| {
        GenericPdu {
            request_id: rid,
            error_status: ErrorStatus::from(es),
            error_index: ei,
            varbinds: vbs,
        }
    })
}

fn arb_trap_v1() -> impl Strategy<Value = TrapV1Pdu> {
    (
        arb_oid(),
        any::<[u8; 4]>(),
        0i32..9,
        any::<i32>(),
        any::<u32>(),
        arb_varbinds(),
    )
        .prop_map(|(enterprise, addr, g, s, ts, vbs)| TrapV1Pdu {
            enterprise,
            agent_addr: addr,
            generic_trap: GenericTrap::from(g),
            specific_trap: s,
            time_stamp: ts,
            varbinds: vbs,
        })
}

fn arb_bulk() -> impl Strategy<Value = BulkPdu> {
    (any::<i32>(), any::<i32>(), any::<i32>(), arb_varbinds()).prop_map(|(rid, n, m, vbs)| {
        BulkPdu {
            request_id: rid,
            non_repeaters: n,
            max_repetitions: m,
            varbinds: vbs,
        }
    })
}

/// PDUs allowed in v2c and v3 messages.
fn arb_v2_pdu() -> impl Strategy<Value = Pdu> {
    prop_oneof![
        arb_generic().prop_map(Pdu::GetRequest),
        arb_generic().prop_map(Pdu::GetNextRequest),
        arb_generic().prop_map(Pdu::Response),
        arb_generic().prop_map(Pdu::SetRequest),
        arb_bulk().prop_map(Pdu::GetBulkRequest),
        arb_generic().prop_map(Pdu::InformRequest),
        arb_generic().prop_map(Pdu::SnmpV2Trap),
        arb_generic().prop_map(Pdu::Report),
    ]
}

/// PDUs allowed in v1 messages.
fn arb_v1_pdu() -> impl Strategy<Value = Pdu> {
    prop_oneof![
        arb_generic().prop_map(Pdu::GetRequest),
        arb_generic().prop_map(Pdu::GetNextRequest),
        arb_generic().prop_map(Pdu::Response),
        arb_generic().prop_map(Pdu::SetRequest),
        arb_trap_v1().prop_map(Pdu::TrapV1),
    ]
}

fn arb_community_message() -> impl Strategy<Value = CommunityMessage> {
    prop_oneof![
        (arb_bytes(40), arb_v1_pdu()).prop_map(|(c, pdu)| CommunityMessage {
            version: Version::V1,
            community: c,
            pdu
        }),
        (arb_bytes(40), arb_v2_pdu()).prop_map(|(c, pdu)| CommunityMessage {
            version: Version::V2c,
            community: c,
            pdu
        }),
    ]
}

fn arb_scoped_pdu() -> impl Strategy<Value = ScopedPdu> {
    (arb_bytes(32), arb_bytes(32), arb_v2_pdu()).prop_map(|(e, n, pdu)| ScopedPdu {
        context_engine_id: e,
        context_name: n,
        pdu,
    })
}

fn arb_usm() -> impl Strategy<Value = UsmSecurityParameters> {
    (
        arb_bytes(33),
        0u32..=i32::MAX as u32,
        0u32..=i32::MAX as u32,
        arb_bytes(33),
        arb_bytes(49),
        arb_bytes(17),
    )
        .prop_map(|(e, b, t, u, a, p)| UsmSecurityParameters {
            engine_id: e,
            engine_boots: b,
            engine_time: t,
            user_name: u,
            auth_params: a,
            priv_params: p,
        })
}

fn arb_v3_message() -> impl Strategy<Value = V3Message> {
    let level = prop_oneof![
        Just(SecurityLevel::NoAuthNoPriv),
        Just(SecurityLevel::AuthNoPriv),
        Just(SecurityLevel::AuthPriv),
    ];
    (
        0i32..=i32::MAX,
        484i32..=i32::MAX,
        level,
        any::<bool>(),
        arb_usm(),
        prop_oneof![
            arb_scoped_pdu().prop_map(ScopedPduData::Plaintext),
            arb_bytes(200).prop_map(ScopedPduData::Encrypted),
        ],
    )
        .prop_map(|(id, max, level, rep, usm, data)| V3Message {
            msg_id: id,
            msg_max_size: max,
            msg_flags: MsgFlags::new(level, rep),
            security_model: 3,
            usm,
            data,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn value_round_trip(v in arb_value()) {
        let enc = v.to_vec();
        prop_assert_eq!(enc.len(), v.encoded_len());
        prop_assert_eq!(Value::decode(&enc).unwrap(), v);
    }

    #[test]
    fn oid_text_round_trip(o in arb_oid()) {
        prop_assert_eq!(o.to_string().parse::<Oid>().unwrap(), o.clone());
        prop_assert_eq!(format!("{o:#}").parse::<Oid>().unwrap(), o);
    }

    #[test]
    fn oid_order_matches_arcs(a in arb_oid(), b in arb_oid()) {
        prop_assert_eq!(a.cmp(&b), a.arcs().cmp(b.arcs()));
    }

    #[test]
    fn community_message_round_trip(m in arb_community_message()) {
        let enc = m.to_vec();
        prop_assert_eq!(enc.len(), m.encoded_len());
        // Encoding into an exact buffer works; one byte short is an error, not a panic.
        let mut buf = vec![0u8; enc.len()];
        prop_assert_eq!(m.encode(&mut buf), Ok(enc.len()));
        prop_assert!(m.encode(&mut buf[..enc.len() - 1]).is_err());
        let (decoded, used) = Message::decode_prefix(&Bytes::from(enc.clone())).unwrap();
        prop_assert_eq!(used, enc.len());
        prop_assert_eq!(decoded, Message::Community(m));
    }

    #[test]
    fn v3_message_round_trip(m in arb_v3_message()) {
        let (enc, auth) = m.to_vec();
        prop_assert_eq!(enc.len(), m.encoded_len());
        prop_assert_eq!(&enc[auth.clone()], &m.usm.auth_params[..]);
        let bytes = Bytes::from(enc);
        // Engine IDs and user names over 32 octets are refused by the decoder.
        if m.usm.engine_id.len() > 32 || m.usm.user_name.len() > 32 {
            prop_assert!(V3Message::decode_with_layout(&bytes).is_err());
        } else {
            let (decoded, layout) = V3Message::decode_with_layout(&bytes).unwrap();
            prop_assert_eq!(layout.auth_params, auth);
            prop_assert_eq!(layout.len, bytes.len());
            prop_assert_eq!(Message::decode_bytes(&bytes).unwrap(), Message::V3(m.clone()));
            prop_assert_eq!(decoded, m);
        }
    }

    #[test]
    fn scoped_pdu_round_trip_with_padding(s in arb_scoped_pdu(), pad in 0usize..16) {
        let mut enc = s.to_vec();
        prop_assert_eq!(enc.len(), s.encoded_len());
        enc.extend(std::iter::repeat_n(0u8, pad));
        prop_assert_eq!(ScopedPdu::decode_bytes(&Bytes::from(enc)).unwrap(), s);
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..600)) {
        let b = Bytes::from(data);
        let _ = Message::decode_bytes(&b);
        let _ = ScopedPdu::decode_bytes(&b);
        let _ = Value::decode(&b);
        let _ = V3Message::decode_with_layout(&b);
    }

    #[test]
    fn mutated_messages_never_panic_and_re_encode(
        m in prop_oneof![
            arb_community_message().prop_map(Message::Community),
            arb_v3_message().prop_map(Message::V3),
        ],
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut enc = m.to_vec();
        for (i, b) in edits {
            let i = i.index(enc.len());
            enc[i] = b;
        }
        let enc = &enc[..cut.index(enc.len() + 1).max(1).min(enc.len())];
        if let Ok(decoded) = Message::decode(enc) {
            // Whatever decodes must re-encode to a message that decodes the same.
            prop_assert_eq!(Message::decode(&decoded.to_vec()).unwrap(), decoded);
        }
    }
}
