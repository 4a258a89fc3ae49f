//! The USM vectors of `../shared/vectors/` (RFC 3414 keys, SHA-2 keys, both AES key
//! extensions, HMACs of real captured messages, decryptions of real authPriv captures).

#![allow(clippy::unwrap_used, missing_docs)]

use std::path::PathBuf;

use serde_json::Value as Json;
use snmp_codec::{Bytes, Pdu, PduType, ScopedPdu, V3Message, Value};
use snmp_usm::{
    process_incoming, AuthProtocol, Instant, KeyExtension, LocalizedKey, LocalizedUser, MasterKey,
    PrivKey, PrivProtocol, TimeCheck, UsmError, UsmUser,
};

fn load(name: &str) -> Json {
    let dir = std::env::var_os("SNMP_VECTORS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/vectors"),
        PathBuf::from,
    );
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex {s:?}: {e}"))
}

fn s<'a>(j: &'a Json, key: &str) -> &'a str {
    j[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing {key} in {j}"))
}

/// "HMAC-SHA-224 (usmHMAC128SHA224AuthProtocol)", "SHA-1", "MD5", "HmacSha256" ...
fn auth_of(label: &str) -> AuthProtocol {
    let l = label.to_ascii_uppercase().replace(['-', '_'], "");
    for (needle, p) in [
        ("SHA512", AuthProtocol::Sha512),
        ("SHA384", AuthProtocol::Sha384),
        ("SHA256", AuthProtocol::Sha256),
        ("SHA224", AuthProtocol::Sha224),
        ("MD5", AuthProtocol::Md5),
        ("SHA", AuthProtocol::Sha1),
    ] {
        if l.contains(needle) {
            return p;
        }
    }
    panic!("unknown auth label {label}")
}

const RFC_ENGINE: &str = "000000000000000000000002";

#[test]
fn password_to_key_and_localisation() {
    let doc = load("usm_key_vectors.json");
    let mut checked = 0;
    for v in doc["rfc3414_A3"].as_array().unwrap() {
        let p = auth_of(s(v, "auth"));
        let ku = MasterKey::from_password(p, s(v, "password").as_bytes()).unwrap();
        assert_eq!(hex::encode(ku.as_bytes()), s(v, "ku"), "{}", s(v, "id"));
        let kul = ku.localize(&unhex(s(v, "engine_id")));
        assert_eq!(hex::encode(kul.as_bytes()), s(v, "kul"), "{}", s(v, "id"));
        checked += 1;
    }
    for v in doc["rfc3414_A5_new_keys"].as_array().unwrap() {
        let p = auth_of(s(v, "auth"));
        let kul = MasterKey::from_password(p, s(v, "password").as_bytes())
            .unwrap()
            .localize(&unhex(s(v, "engine_id")));
        assert_eq!(hex::encode(kul.as_bytes()), s(v, "kul"), "{}", s(v, "id"));
        checked += 1;
    }
    let sha2 = &doc["sha2_rfc7860_maplesyrup"];
    for v in sha2["vectors"].as_array().unwrap() {
        let p = auth_of(s(v, "auth"));
        let ku = MasterKey::from_password(p, s(sha2, "password").as_bytes()).unwrap();
        assert_eq!(hex::encode(ku.as_bytes()), s(v, "ku"), "{p}");
        let kul = ku.localize(&unhex(s(sha2, "engine_id")));
        assert_eq!(hex::encode(kul.as_bytes()), s(v, "kul"), "{p}");
        checked += 1;
    }
    for v in doc["gosnmp_real_agent_keys"].as_array().unwrap() {
        let p = auth_of(s(v, "auth"));
        let kul = MasterKey::from_password(p, s(v, "password").as_bytes())
            .unwrap()
            .localize(&unhex(s(v, "engine_id")));
        assert_eq!(hex::encode(kul.as_bytes()), s(v, "kul"), "{p}");
        checked += 1;
    }
    assert_eq!(checked, 10);
}

#[test]
fn key_extensions_reeder_and_blumenthal() {
    let doc = load("usm_key_vectors.json");
    let r = &doc["key_extension_reeder_3des_and_cisco_aes"];
    let engine = unhex(s(r, "engine_id"));
    let pw = s(r, "password").as_bytes();
    let md5 = MasterKey::from_password(AuthProtocol::Md5, pw)
        .unwrap()
        .localize(&engine);
    let sha = MasterKey::from_password(AuthProtocol::Sha1, pw)
        .unwrap()
        .localize(&engine);

    let mut out = [0u8; 32];
    KeyExtension::Reeder.extend(&md5, &engine, &mut out);
    assert_eq!(hex::encode(out), s(r, "md5_32"));
    let mut out = [0u8; 40];
    KeyExtension::Reeder.extend(&sha, &engine, &mut out);
    assert_eq!(hex::encode(out), s(r, "sha1_40"));

    // The same through the protocols that use it.
    let tdes = PrivKey::derive(PrivProtocol::TripleDes, &md5, &engine);
    assert_eq!(hex::encode(tdes.as_bytes()), s(r, "md5_32"));
    let aes192c = PrivKey::derive(PrivProtocol::Aes192Reeder, &sha, &engine);
    assert_eq!(hex::encode(aes192c.as_bytes()), &s(r, "sha1_40")[..48]);
    let aes256c = PrivKey::derive(PrivProtocol::Aes256Reeder, &sha, &engine);
    assert_eq!(hex::encode(aes256c.as_bytes()), &s(r, "sha1_40")[..64]);

    let b = &doc["key_extension_blumenthal"];
    let aes256 = PrivKey::derive(PrivProtocol::Aes256Blumenthal, &sha, &engine);
    assert_eq!(hex::encode(aes256.as_bytes()), s(b, "sha1_aes256_32"));
    // The two extensions differ exactly where the names confuse people.
    assert_ne!(aes256.as_bytes(), aes256c.as_bytes());
    assert_eq!(aes256.as_bytes()[..20], aes256c.as_bytes()[..20]);
}

#[test]
fn hmac_of_zero_placeholders() {
    let doc = load("usm_hmac_vectors.json");
    let vs = doc["python_snmp_sign_zero_placeholder"]["vectors"]
        .as_array()
        .unwrap();
    assert_eq!(vs.len(), 6);
    for v in vs {
        let p = auth_of(s(v, "protocol"));
        let key = LocalizedKey::from_bytes(p, &unhex(s(v, "key_kul"))).unwrap();
        let (mac, n) = key.mac(&vec![0u8; p.mac_len()]);
        assert_eq!(
            hex::encode(&mac[..n]),
            s(v, "expected_truncated_hmac"),
            "{p}"
        );
    }
}

/// Puts `mac` into the zeroed auth field of `msg`.
fn splice_mac(msg: &[u8], mac: &[u8]) -> Vec<u8> {
    let bytes = Bytes::copy_from_slice(msg);
    let (_, layout) = V3Message::decode_with_layout(&bytes).unwrap();
    let mut out = msg.to_vec();
    out[layout.auth_params].copy_from_slice(mac);
    out
}

fn verify_with(p: AuthProtocol, password: &str, engine: &[u8], msg: &[u8]) -> Result<(), UsmError> {
    let key = MasterKey::from_password(p, password.as_bytes())
        .unwrap()
        .localize(engine);
    let bytes = Bytes::copy_from_slice(msg);
    let (_, layout) = V3Message::decode_with_layout(&bytes).unwrap();
    key.verify(msg, layout.auth_params)
}

#[test]
fn real_captures_authenticate_with_the_right_password_only() {
    let doc = load("usm_hmac_vectors.json");
    let jtr = doc["john_the_ripper_real_captures"]["vectors"]
        .as_array()
        .unwrap();
    assert_eq!(jtr.len(), 6);
    for v in jtr {
        let zeroed = unhex(s(v, "wholeMsg_with_zeroed_authParams"));
        let engine = unhex(s(v, "engine_id"));
        let expected = unhex(s(v, "expected_msgAuthenticationParameters"));
        let wire = splice_mac(&zeroed, &expected);
        let candidates = match s(v, "algo_field") {
            "HMAC-MD5-96" => vec![AuthProtocol::Md5],
            "HMAC-SHA-96" => vec![AuthProtocol::Sha1],
            _ => vec![AuthProtocol::Md5, AuthProtocol::Sha1],
        };
        let pw = s(v, "auth_password");
        let ok: Vec<_> = candidates
            .iter()
            .filter(|p| verify_with(**p, pw, &engine, &wire).is_ok())
            .collect();
        assert_eq!(
            ok.len(),
            1,
            "{}: exactly one algorithm verifies",
            s(v, "comment")
        );
        let p = *ok[0];
        // Signing the zeroed message reproduces the captured MAC.
        let key = MasterKey::from_password(p, pw.as_bytes())
            .unwrap()
            .localize(&engine);
        let bytes = Bytes::copy_from_slice(&zeroed);
        let (_, layout) = V3Message::decode_with_layout(&bytes).unwrap();
        let mut signed = zeroed.clone();
        key.sign_in_place(&mut signed, layout.auth_params).unwrap();
        assert_eq!(signed, wire);
        // A wrong password, and a tampered message, fail.
        assert_eq!(
            verify_with(p, "wrong-password", &engine, &wire),
            Err(UsmError::WrongDigest)
        );
        // Flip a bit of msgID (octet 12 lies inside it in every one of these headers).
        let mut tampered = wire.clone();
        tampered[12] ^= 0x01;
        assert_eq!(
            verify_with(p, pw, &engine, &tampered),
            Err(UsmError::WrongDigest)
        );
    }

    let demo = doc["gosnmp_demo_snmplabs"]["vectors"].as_array().unwrap();
    assert_eq!(demo.len(), 2);
    let keys = load("usm_key_vectors.json");
    for v in demo {
        let p = auth_of(s(v, "auth"));
        let kul_hex = keys["gosnmp_real_agent_keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| auth_of(s(k, "auth")) == p)
            .map(|k| s(k, "kul").to_owned())
            .unwrap();
        let key = LocalizedKey::from_bytes(p, &unhex(&kul_hex)).unwrap();
        let unauth = unhex(s(v, "unauthenticated"));
        let auth = unhex(s(v, "authenticated"));
        let bytes = Bytes::copy_from_slice(&unauth);
        let (_, layout) = V3Message::decode_with_layout(&bytes).unwrap();
        let mut signed = unauth.clone();
        key.sign_in_place(&mut signed, layout.auth_params.clone())
            .unwrap();
        assert_eq!(hex::encode(&signed), hex::encode(&auth), "{p}");
        assert_eq!(key.verify(&auth, layout.auth_params.clone()), Ok(()));
        assert_eq!(
            verify_with(p, "authkey2", &unhex("80004fb805636c6f75644dab22cc"), &auth),
            Err(UsmError::WrongDigest)
        );
    }
}

/// The python-snmp decrypt KATs: all decrypt to a GetNextRequest for three ifTable columns.
#[test]
fn privacy_known_answers() {
    let doc = load("usm_priv_vectors.json");
    let engine = unhex(RFC_ENGINE);
    let kul = MasterKey::from_password(AuthProtocol::Sha1, b"maplesyrup")
        .unwrap()
        .localize(&engine);
    let (boots, time) = (918_273_645, 546_372_819);
    let vs = doc["python_snmp"].as_array().unwrap();
    assert_eq!(vs.len(), 4);
    for v in vs {
        let cipher = s(v, "cipher");
        let proto = if cipher.starts_with("AES-128") {
            PrivProtocol::Aes128
        } else if cipher.starts_with("DES") {
            PrivProtocol::Des
        } else if cipher.starts_with("AES-192") {
            PrivProtocol::Aes192Reeder
        } else {
            PrivProtocol::Aes256Reeder
        };
        let key = PrivKey::derive(proto, &kul, &engine);
        let plain = key
            .decrypt(
                &unhex(s(v, "ciphertext")),
                &unhex(s(v, "msgPrivacyParameters")),
                boots,
                time,
            )
            .unwrap();
        assert_eq!(&plain[..2], [0x30, 0x4a], "{cipher}");
        let scoped = ScopedPdu::decode_bytes(&Bytes::from(plain)).unwrap();
        assert_eq!(&scoped.context_engine_id[..], &engine[..], "{cipher}");
        assert!(scoped.context_name.is_empty());
        assert_eq!(scoped.pdu.pdu_type(), PduType::GetNextRequest, "{cipher}");
        let oids: Vec<String> = scoped
            .pdu
            .varbinds()
            .iter()
            .map(|vb| vb.oid.to_string())
            .collect();
        assert_eq!(
            oids,
            [
                "1.3.6.1.2.1.2.2.1.2",
                "1.3.6.1.2.1.2.2.1.7",
                "1.3.6.1.2.1.2.2.1.8"
            ],
            "{cipher}"
        );
        // The other AES-192/256 extension gives garbage: the reason the names must differ.
        if proto == PrivProtocol::Aes256Reeder {
            let wrong = PrivKey::derive(PrivProtocol::Aes256Blumenthal, &kul, &engine);
            let plain = wrong
                .decrypt(
                    &unhex(s(v, "ciphertext")),
                    &unhex(s(v, "msgPrivacyParameters")),
                    boots,
                    time,
                )
                .unwrap();
            assert!(ScopedPdu::decode_bytes(&Bytes::from(plain)).is_err());
        }
    }
}

fn user(
    name: &str,
    engine: &[u8],
    auth: AuthProtocol,
    auth_pw: &str,
    privacy: PrivProtocol,
    priv_pw: &str,
) -> LocalizedUser {
    UsmUser::new(name)
        .with_auth(auth, auth_pw.as_bytes())
        .unwrap()
        .with_privacy(privacy, priv_pw.as_bytes())
        .unwrap()
        .localize(engine)
}

fn process(wire: &[u8], u: &LocalizedUser) -> Result<snmp_usm::Incoming, UsmError> {
    process_incoming(
        &Bytes::copy_from_slice(wire),
        |name, engine| {
            if name != &u.name()[..] {
                Err(UsmError::UnknownUserName)
            } else if engine != &u.engine_id()[..] {
                Err(UsmError::UnknownEngineId)
            } else {
                Ok(u)
            }
        },
        TimeCheck::Skip,
        Instant::ZERO,
    )
}

#[test]
fn real_authpriv_captures_decrypt_to_the_expected_scoped_pdu() {
    let priv_doc = load("usm_priv_vectors.json");
    let derived = load("derived_checks_NOT_SOURCE.json");
    let plain_of = |i: usize| unhex(s(&derived["decrypted"][i], "scoped_pdu"));
    let caps = priv_doc["real_capture_authpriv"].as_array().unwrap();

    // snmp_usm.pcap, user pippo, MD5 + DES.
    let pippo = &caps[0];
    let wire = unhex(s(pippo, "hex"));
    let engine = unhex(s(pippo, "engine_id"));
    let u = user(
        "pippo",
        &engine,
        AuthProtocol::Md5,
        "pippoxxx",
        PrivProtocol::Des,
        "PIPPOxxx",
    );
    let got = process(&wire, &u).unwrap();
    assert_eq!(got.scoped_pdu.to_vec(), plain_of(0));
    assert_eq!(got.scoped_pdu.pdu.request_id(), Some(2_098_071_599));
    assert_eq!(got.scoped_pdu.pdu.varbinds().len(), 4);
    let wrong = user(
        "pippo",
        &engine,
        AuthProtocol::Md5,
        "pippoyyy",
        PrivProtocol::Des,
        "PIPPOxxx",
    );
    assert_eq!(process(&wire, &wrong).unwrap_err(), UsmError::WrongDigest);
    let wrong_priv = user(
        "pippo",
        &engine,
        AuthProtocol::Md5,
        "pippoxxx",
        PrivProtocol::Des,
        "PIPPOyyy",
    );
    assert_eq!(
        process(&wire, &wrong_priv).unwrap_err(),
        UsmError::DecryptionError
    );
    let other_user = user(
        "pippo2",
        &engine,
        AuthProtocol::Md5,
        "pippoxxx",
        PrivProtocol::Des,
        "PIPPOxxx",
    );
    assert_eq!(
        process(&wire, &other_user).unwrap_err(),
        UsmError::UnknownUserName
    );

    // Net-SNMP's snmptrap, MD5 + AES-128.
    let trap = &caps[1];
    let wire = unhex(s(trap, "hex"));
    let bytes = Bytes::copy_from_slice(&wire);
    let (msg, _) = V3Message::decode_with_layout(&bytes).unwrap();
    let u = user(
        "myuser2",
        &msg.usm.engine_id,
        AuthProtocol::Md5,
        "mypassword2",
        PrivProtocol::Aes128,
        "myprivacy2",
    );
    let got = process(&wire, &u).unwrap();
    assert_eq!(got.scoped_pdu.to_vec(), plain_of(2));
    let Pdu::SnmpV2Trap(t) = &got.scoped_pdu.pdu else {
        panic!("not a trap")
    };
    assert_eq!(t.request_id, 1_318_065_890);
    assert_eq!(t.varbinds.len(), 3);
    assert_eq!(
        t.varbinds[1].value,
        Value::ObjectIdentifier("1.3.6.1.4.1.8072.2.3.0.1".parse().unwrap())
    );
    assert_eq!(t.varbinds[2].value, Value::Integer(60));

    // snmp_usm.pcap, user pippo3, SHA-1 + AES (the JtR copy with the MAC zeroed, spliced back).
    let v3 = load("packets_v3.json");
    let p = v3["packets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| s(p, "id") == "john-2-pippoxxx")
        .unwrap();
    let wire = splice_mac(
        &unhex(s(p, "hex")),
        &unhex(s(&p["expected"], "real_msgAuthenticationParameters")),
    );
    let engine = unhex(s(&p["expected"], "engine_id"));
    let u = user(
        "pippo3",
        &engine,
        AuthProtocol::Sha1,
        "pippoxxx",
        PrivProtocol::Aes128,
        "PIPPOxxx",
    );
    let got = process(&wire, &u).unwrap();
    assert_eq!(got.scoped_pdu.to_vec(), plain_of(1));
    assert_eq!(got.scoped_pdu.pdu.pdu_type(), PduType::Response);
}
