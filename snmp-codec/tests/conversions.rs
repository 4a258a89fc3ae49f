//! Values to and from Rust types.

#![allow(clippy::unwrap_used, missing_docs)]

use std::net::Ipv4Addr;

use snmp_codec::{Oid, Value, WrongType};

#[test]
fn values_convert_both_ways() {
    assert_eq!(Value::from(5u32), Value::Gauge32(5));
    assert_eq!(Value::from(5u64), Value::Counter64(5));
    assert_eq!(u32::try_from(Value::Gauge32(7)), Ok(7));
    assert_eq!(u32::try_from(Value::Counter32(7)), Ok(7));
    assert_eq!(u64::try_from(Value::Counter64(1 << 40)), Ok(1 << 40));
    assert_eq!(i64::try_from(Value::Integer(-3)), Ok(-3));
    assert_eq!(i32::try_from(&Value::TimeTicks(100)), Ok(100));
    assert_eq!(
        u32::try_from(Value::Integer(-1)),
        Err(WrongType {
            wanted: "a 32-bit unsigned integer",
            found: "INTEGER"
        })
    );
    assert!(u32::try_from(Value::Counter64(1 << 40)).is_err());
    assert_eq!(String::try_from(Value::from("eth0")), Ok("eth0".to_owned()));
    assert!(String::try_from(Value::OctetString(vec![0xff, 0xfe].into())).is_err());
    assert_eq!(
        Vec::<u8>::try_from(Value::from(&b"\x00\x15"[..])),
        Ok(vec![0, 0x15])
    );
    let oid: Oid = "1.3.6.1.4.1.8072".parse().unwrap();
    assert_eq!(Oid::try_from(Value::from(oid.clone())), Ok(oid));
    let ip = Ipv4Addr::new(10, 0, 0, 1);
    assert_eq!(Ipv4Addr::try_from(Value::from(ip)), Ok(ip));
    assert_eq!(f64::try_from(Value::OpaqueFloat(0.5)), Ok(0.5));
    let e = Ipv4Addr::try_from(Value::Null).unwrap_err();
    assert_eq!(e.to_string(), "a NULL value where an IpAddress was wanted");
}

#[test]
fn bare_values_print_as_net_snmp_oqv() {
    let cases = [
        (Value::Integer(1), "1"),
        (Value::from("fake agent"), "\"fake agent\""),
        (
            Value::OctetString(vec![0, 0x15, 0x99, 0, 1, 1].into()),
            "\"00 15 99 00 01 01 \"",
        ),
        (
            Value::ObjectIdentifier("1.3.6.1.4.1.8072.3.2.10".parse().unwrap()),
            ".1.3.6.1.4.1.8072.3.2.10",
        ),
        (Value::TimeTicks(12345), "0:0:02:03.45"),
        (Value::Gauge32(1_000_000_000), "1000000000"),
        (Value::Counter32(1000), "1000"),
        (Value::IpAddress([10, 0, 0, 1]), "10.0.0.1"),
        (
            Value::NoSuchObject,
            "No Such Object available on this agent at this OID",
        ),
    ];
    for (v, want) in cases {
        assert_eq!(v.bare().to_string(), want, "{v:?}");
    }
}
