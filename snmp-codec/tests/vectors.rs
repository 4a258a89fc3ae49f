//! Tests driven by the published vectors and real captures in `../shared/vectors/`
//! (see its README.md). Set `SNMP_VECTORS_DIR` to read them from elsewhere.

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use serde_json::Value as Json;
use snmp_codec::ber::{decode_unsigned, encode_i64_content, encode_length, encode_u64_content};
use snmp_codec::{
    Bytes, DecodeErrorKind, GenericTrap, Message, Oid, Pdu, PduType, ScopedPduData, SecurityLevel,
    V3Message, Value, Version,
};

fn vectors_dir() -> PathBuf {
    std::env::var_os("SNMP_VECTORS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
        PathBuf::from,
    )
}

fn load(name: &str) -> Json {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

fn oid(s: &str) -> Oid {
    s.parse().unwrap_or_else(|e| panic!("bad OID {s:?}: {e}"))
}

fn pdu_type_of(name: &str) -> PduType {
    match name {
        "GetRequest" => PduType::GetRequest,
        "GetNextRequest" => PduType::GetNextRequest,
        "GetResponse" | "Response" => PduType::Response,
        "SetRequest" => PduType::SetRequest,
        "GetBulkRequest" => PduType::GetBulkRequest,
        "SNMPv2-Trap" => PduType::SnmpV2Trap,
        "Trap-PDU(v1)" => PduType::TrapV1,
        "Report" => PduType::Report,
        other => panic!("unknown PDU name in vectors: {other}"),
    }
}

/// Checks one `[oid, type, value]` expectation against a decoded varbind.
fn check_varbind(id: &str, got: &snmp_codec::VarBind, want: &Json) {
    let w = want.as_array().unwrap();
    let (want_oid, ty, val) = (w[0].as_str().unwrap(), w[1].as_str().unwrap(), &w[2]);
    assert_eq!(got.oid, oid(want_oid), "{id}: OID");
    let ctx = format!("{id}: {want_oid} ({ty})");
    let v = &got.value;
    match ty {
        "Integer" => assert_eq!(*v, Value::Integer(val.as_i64().unwrap() as i32), "{ctx}"),
        "Counter32" => assert_eq!(*v, Value::Counter32(val.as_u64().unwrap() as u32), "{ctx}"),
        "Gauge32" => assert_eq!(*v, Value::Gauge32(val.as_u64().unwrap() as u32), "{ctx}"),
        "TimeTicks" => assert_eq!(*v, Value::TimeTicks(val.as_u64().unwrap() as u32), "{ctx}"),
        "Counter64" => assert_eq!(*v, Value::Counter64(val.as_u64().unwrap()), "{ctx}"),
        "Null" | "Unspecified(NULL)" => assert_eq!(*v, Value::Null, "{ctx}"),
        "NoSuchInstance" => assert_eq!(*v, Value::NoSuchInstance, "{ctx}"),
        "NoSuchObject" => assert_eq!(*v, Value::NoSuchObject, "{ctx}"),
        "IPAddress" => {
            let ip: std::net::Ipv4Addr = val.as_str().unwrap().parse().unwrap();
            assert_eq!(*v, Value::IpAddress(ip.octets()), "{ctx}");
        }
        "ObjectIdentifier" | "OID" => {
            assert_eq!(
                *v,
                Value::ObjectIdentifier(oid(val.as_str().unwrap())),
                "{ctx}"
            )
        }
        "OctetString(hex)" => {
            assert_eq!(
                v.as_bytes(),
                Some(&unhex(val.as_str().unwrap())[..]),
                "{ctx}"
            )
        }
        "OctetString" => {
            // The vectors write text as text and binary (not UTF-8) octets as hex.
            let s = val.as_str().unwrap();
            let bytes = v
                .as_bytes()
                .unwrap_or_else(|| panic!("{ctx}: not a string: {v:?}"));
            match std::str::from_utf8(bytes) {
                Ok(text) => assert_eq!(text, s, "{ctx}"),
                Err(_) => assert_eq!(bytes, &unhex(s)[..], "{ctx}"),
            }
        }
        "Opaque(hex)" => assert_eq!(
            *v,
            Value::Opaque(Bytes::from(unhex(val.as_str().unwrap()))),
            "{ctx}"
        ),
        t if t.starts_with("OpaqueFloat") => {
            assert_eq!(
                *v,
                Value::OpaqueFloat(val.as_f64().unwrap() as f32),
                "{ctx}"
            )
        }
        t if t.starts_with("OpaqueDouble") => {
            assert_eq!(*v, Value::OpaqueDouble(val.as_f64().unwrap()), "{ctx}")
        }
        other => panic!("{ctx}: type {other} not handled by the test"),
    }
}

#[test]
fn packets_v1_v2c_decode_to_expected_fields_and_round_trip() {
    let doc = load("packets_v1_v2c.json");
    let packets = doc["packets"].as_array().unwrap();
    assert!(
        packets.len() >= 25,
        "expected the 25 packets of the vector file"
    );
    let mut byte_exact = 0;
    for p in packets {
        let id = p["id"].as_str().unwrap();
        let raw = unhex(p["hex"].as_str().unwrap());
        let e = &p["expected"];
        let (msg, used) = Message::decode_prefix(&Bytes::from(raw.clone()))
            .unwrap_or_else(|err| panic!("{id}: {err}"));
        if e["first_131_bytes_are_the_message"].as_bool() == Some(true) {
            assert_eq!(used, 131, "{id}: message length");
            assert!(raw.len() > used, "{id}: trailing bytes expected");
        } else if id == "gosnmp-getbulk-request" {
            // gosnmp's byte array carries one stray 00 octet after the 45-byte message.
            assert_eq!((used, raw.len()), (45, 46), "{id}");
        } else {
            assert_eq!(used, raw.len(), "{id}: whole datagram is the message");
        }
        let Message::Community(m) = &msg else {
            panic!("{id}: not a community message")
        };
        let want_version = match e["version"].as_str().unwrap() {
            "v1" => Version::V1,
            "v2c" => Version::V2c,
            v => panic!("{id}: version {v}"),
        };
        assert_eq!(m.version, want_version, "{id}");
        assert_eq!(
            &m.community[..],
            e["community"].as_str().unwrap().as_bytes(),
            "{id}: community"
        );
        assert_eq!(
            m.pdu.pdu_type(),
            pdu_type_of(e["pdu"].as_str().unwrap()),
            "{id}: PDU type"
        );
        if let Some(rid) = e["request_id"].as_i64() {
            assert_eq!(m.pdu.request_id(), Some(rid as i32), "{id}: request-id");
        }
        if let Some(g) = m.pdu.generic() {
            if let Some(s) = e["error_status"].as_i64() {
                assert_eq!(i32::from(g.error_status), s as i32, "{id}: error-status");
            }
            if let Some(i) = e["error_index"].as_i64() {
                assert_eq!(g.error_index, i as i32, "{id}: error-index");
            }
        }
        if let Pdu::GetBulkRequest(b) = &m.pdu {
            assert_eq!(
                i64::from(b.non_repeaters),
                e["non_repeaters"].as_i64().unwrap(),
                "{id}"
            );
            assert_eq!(
                i64::from(b.max_repetitions),
                e["max_repetitions"].as_i64().unwrap(),
                "{id}"
            );
        }
        if let Pdu::TrapV1(t) = &m.pdu {
            assert_eq!(t.enterprise, oid(e["enterprise"].as_str().unwrap()), "{id}");
            let ip: std::net::Ipv4Addr = e["agent_addr"].as_str().unwrap().parse().unwrap();
            assert_eq!(t.agent_addr, ip.octets(), "{id}");
            assert_eq!(t.generic_trap, GenericTrap::ColdStart, "{id}");
        }
        let want_vbs = e["varbinds"]
            .as_array()
            .or_else(|| e["varbinds_from_annotation"].as_array());
        match want_vbs {
            Some(want) => {
                assert_eq!(m.pdu.varbinds().len(), want.len(), "{id}: varbind count");
                for (got, w) in m.pdu.varbinds().iter().zip(want) {
                    check_varbind(id, got, w);
                }
            }
            None if id == "gosnmp-kyocera-v2c-get-request" => {
                // "8 OIDs of the kyocera response, values NULL".
                let resp = packets
                    .iter()
                    .find(|q| q["id"] == "gosnmp-kyocera-v2c-get-response")
                    .unwrap();
                let want = resp["expected"]["varbinds"].as_array().unwrap();
                assert_eq!(m.pdu.varbinds().len(), want.len(), "{id}");
                for (got, w) in m.pdu.varbinds().iter().zip(want) {
                    assert_eq!(got.oid, oid(w[0].as_str().unwrap()), "{id}");
                    assert_eq!(got.value, Value::Null, "{id}");
                }
            }
            None => {
                // Only the request-id level is given for these; their varbinds still have to
                // survive the round trip below.
                assert!(
                    id == "rusticata-v1-response-longform-lengths"
                        || id == "gosnmp-getnext-request"
                        || id == "rusticata-v1-trap-coldstart",
                    "{id}: no varbind expectation"
                );
            }
        }
        // Re-encode: an equivalent message, and byte-identical whenever the capture used
        // minimal lengths (everything but the long-form ones).
        let again = msg.to_vec();
        assert_eq!(Message::decode(&again).unwrap(), msg, "{id}: round trip");
        if again == raw[..used] {
            byte_exact += 1;
        } else {
            let note = p["note"].as_str().unwrap_or_default().to_lowercase();
            assert!(
                note.contains("non-minimal"),
                "{id}: re-encoding differs from the capture"
            );
        }
    }
    assert!(
        byte_exact >= 20,
        "only {byte_exact} packets re-encoded byte for byte"
    );
}

#[test]
fn packets_v3_decode_header_and_usm_parameters() {
    let doc = load("packets_v3.json");
    let packets = doc["packets"].as_array().unwrap();
    assert!(packets.len() >= 14);
    for p in packets {
        let id = p["id"].as_str().unwrap();
        let raw = Bytes::from(unhex(p["hex"].as_str().unwrap()));
        let (msg, layout) =
            V3Message::decode_with_layout(&raw).unwrap_or_else(|err| panic!("{id}: {err}"));
        assert_eq!(layout.len, raw.len(), "{id}");
        assert_eq!(
            &raw[layout.auth_params.clone()],
            &msg.usm.auth_params[..],
            "{id}"
        );
        // The generic decoder agrees.
        assert_eq!(
            Message::decode_bytes(&raw).unwrap(),
            Message::V3(msg.clone())
        );

        let d = &p["our_decode"];
        assert_eq!(d["msgVersion"].as_i64(), Some(3), "{id}");
        assert_eq!(
            i64::from(msg.msg_id),
            d["msgID"].as_i64().unwrap(),
            "{id}: msgID"
        );
        assert_eq!(
            i64::from(msg.msg_max_size),
            d["msgMaxSize"].as_i64().unwrap(),
            "{id}: msgMaxSize"
        );
        assert_eq!(
            format!("{:02x}", msg.msg_flags.bits()),
            d["msgFlags"].as_str().unwrap(),
            "{id}: msgFlags"
        );
        assert_eq!(
            i64::from(msg.security_model),
            d["msgSecurityModel"].as_i64().unwrap()
        );
        let u = &msg.usm;
        assert_eq!(
            hex::encode(&u.engine_id),
            d["engineID"].as_str().unwrap(),
            "{id}"
        );
        assert_eq!(
            i64::from(u.engine_boots),
            d["engineBoots"].as_i64().unwrap(),
            "{id}"
        );
        assert_eq!(
            i64::from(u.engine_time),
            d["engineTime"].as_i64().unwrap(),
            "{id}"
        );
        assert_eq!(
            &u.user_name[..],
            d["userName"].as_str().unwrap().as_bytes(),
            "{id}"
        );
        assert_eq!(
            hex::encode(&u.auth_params),
            d["authParams"].as_str().unwrap(),
            "{id}"
        );
        assert_eq!(
            hex::encode(&u.priv_params),
            d["privParams"].as_str().unwrap(),
            "{id}"
        );
        let tag = match &msg.data {
            ScopedPduData::Plaintext(_) => "30",
            ScopedPduData::Encrypted(_) => "04",
        };
        assert_eq!(tag, d["msgData_tag"].as_str().unwrap(), "{id}: msgData");

        // The source expectations, where they apply to what is readable without keys.
        let e = &p["expected"];
        match e["msgFlags"].as_str() {
            Some("AuthNoPriv") => {
                assert_eq!(
                    msg.msg_flags.security_level(),
                    Some(SecurityLevel::AuthNoPriv)
                )
            }
            Some("AuthPriv") => {
                assert_eq!(
                    msg.msg_flags.security_level(),
                    Some(SecurityLevel::AuthPriv)
                )
            }
            _ => {}
        }
        if let Some(eid) = e["engine_id"].as_str() {
            assert_eq!(hex::encode(&u.engine_id), eid, "{id}: engine_id");
        }
        if let ScopedPduData::Plaintext(s) = &msg.data {
            if let Some(name) = e["contextName"].as_str() {
                assert_eq!(&s.context_name[..], name.as_bytes(), "{id}: contextName");
            }
            if let Some(ceid) = e["contextEngineID"].as_str() {
                let hex_part = ceid.split_whitespace().next().unwrap();
                assert_eq!(hex::encode(&s.context_engine_id), hex_part, "{id}");
            }
            if let Some(pdu) = e["pdu"].as_str() {
                if let Some(name) = pdu.split_whitespace().next() {
                    assert_eq!(s.pdu.pdu_type(), pdu_type_of(name), "{id}: PDU");
                }
            }
            if let Some(rid) = e["request_id"].as_i64() {
                assert_eq!(s.pdu.request_id(), Some(rid as i32), "{id}: request-id");
            }
            if let Some(want) = e["varbinds"].as_array() {
                assert_eq!(s.pdu.varbinds().len(), want.len(), "{id}");
                for (got, w) in s.pdu.varbinds().iter().zip(want) {
                    check_varbind(id, got, w);
                }
            }
        }
        // Round trip, byte for byte: these captures use minimal encodings.
        let (again, auth) = msg.to_vec();
        assert_eq!(again, &raw[..], "{id}: re-encoding");
        assert_eq!(auth, layout.auth_params, "{id}: auth params position");
    }
}

#[test]
fn malformed_inputs_are_errors_not_panics() {
    let doc = load("malformed_inputs.json");
    let inputs = doc["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 23);
    for i in inputs {
        let id = i["id"].as_str().unwrap();
        let raw = unhex(i["hex"].as_str().unwrap());
        if let Some(len) = i["len"].as_u64() {
            assert_eq!(raw.len() as u64, len, "{id}: vector length");
        }
        let started = std::time::Instant::now();
        let result = Message::decode(&raw);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{id}: slow"
        );
        if id == "gosnmp-trap1-trailing-garbage" {
            // Our decision: bytes after the outer SEQUENCE are ignored (as gosnmp and
            // Net-SNMP do); `decode_prefix` reports where the message ended.
            let msg = result.unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(msg.version(), Version::V2c);
            let (_, used) = Message::decode_prefix(&Bytes::from(raw.clone())).unwrap();
            assert_eq!(used, 131);
            continue;
        }
        let err = result.expect_err(id);
        assert!(
            err.offset() <= raw.len(),
            "{id}: offset {} past input",
            err.offset()
        );
        // Fragments that are single TLVs also fail as values, with the precise reason.
        let value_err = Value::decode(&raw).err().map(|e| e.kind());
        match id {
            "gosnmp-parse-indefinite-length" => {
                assert_eq!(value_err, Some(DecodeErrorKind::IndefiniteLength))
            }
            "gosnmp-parse-truncated-long-form-length"
            | "gosnmp-parse-one-byte"
            | "gosnmp-parse-empty"
            | "gosnmp-parse-ipaddress-truncated-v4" => {
                assert_eq!(value_err, Some(DecodeErrorKind::Truncated), "{id}")
            }
            "gosnmp-parse-ipaddress-null-len0" => assert_eq!(
                value_err,
                Some(DecodeErrorKind::InvalidLength { tag: 0x40, len: 0 })
            ),
            _ => {}
        }
    }
}

fn num(v: &Json) -> u64 {
    match v {
        Json::Number(n) => n.as_u64().unwrap(),
        Json::String(s) => match s.strip_prefix("0x") {
            Some(h) => u64::from_str_radix(h, 16).unwrap(),
            None => s.parse().unwrap(),
        },
        other => panic!("not a number: {other}"),
    }
}

#[test]
fn ber_integer_and_length_encodings_are_byte_exact() {
    let doc = load("ber_vectors.json");
    let mut checked = 0;
    for v in doc["netsnmp_integer_tlv"]["vectors"].as_array().unwrap() {
        let tlv = unhex(v["tlv"].as_str().unwrap());
        let value = Value::Integer(v["value"].as_i64().unwrap() as i32);
        assert_eq!(value.to_vec(), tlv, "{value:?}");
        assert_eq!(Value::decode(&tlv), Ok(value));
        checked += 1;
    }
    for v in doc["netsnmp_unsigned_parse_tlv"]["vectors"]
        .as_array()
        .unwrap()
    {
        let tlv = unhex(v["tlv"].as_str().unwrap());
        let want = Value::Gauge32(num(&v["value"]) as u32);
        assert_eq!(Value::decode(&tlv), Ok(want), "{}", v["tlv"]);
        // The same content under Counter32 and TimeTicks.
        let mut c32 = tlv.clone();
        c32[0] = 0x41;
        assert_eq!(
            Value::decode(&c32),
            Ok(Value::Counter32(num(&v["value"]) as u32))
        );
        checked += 1;
    }
    for v in doc["gosnmp_marshalUint32_content"]["vectors"]
        .as_array()
        .unwrap()
    {
        let content = unhex(v["content"].as_str().unwrap());
        assert_eq!(encode_u64_content(num(&v["value"])), content);
        let mut tlv = vec![0x42, content.len() as u8];
        tlv.extend_from_slice(&content);
        assert_eq!(Value::Gauge32(num(&v["value"]) as u32).to_vec(), tlv);
        checked += 1;
    }
    for v in doc["gosnmp_marshalInt32_content"]["vectors"]
        .as_array()
        .unwrap()
    {
        let content = unhex(v["content"].as_str().unwrap());
        assert_eq!(encode_i64_content(v["value"].as_i64().unwrap()), content);
        checked += 1;
    }
    for v in doc["gosnmp_marshalUint64_content"]["vectors"]
        .as_array()
        .unwrap()
    {
        let content = unhex(&v["content"].as_str().unwrap().to_lowercase());
        let n = num(&v["value"]);
        assert_eq!(encode_u64_content(n), content, "{n}");
        let mut tlv = vec![0x46, content.len() as u8];
        tlv.extend_from_slice(&content);
        assert_eq!(Value::Counter64(n).to_vec(), tlv);
        assert_eq!(Value::decode(&tlv), Ok(Value::Counter64(n)));
        checked += 1;
    }
    for v in doc["gosnmp_parseUint64_content"]["vectors"]
        .as_array()
        .unwrap()
    {
        let content = unhex(v["content"].as_str().unwrap());
        assert_eq!(decode_unsigned(&content, 8, 0), Ok(num(&v["value"])));
        checked += 1;
    }
    for v in doc["gosnmp_length_encoding"]["vectors"].as_array().unwrap() {
        let len = v["length"].as_u64().unwrap() as usize;
        assert_eq!(encode_length(len), unhex(v["len_octets"].as_str().unwrap()));
        // And a real OCTET STRING of that length carries exactly those octets.
        let value = Value::from(vec![b'a'; len]);
        let enc = value.to_vec();
        assert_eq!(
            &enc[1..enc.len() - len],
            &unhex(v["len_octets"].as_str().unwrap())[..]
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} BER vectors checked");
}
