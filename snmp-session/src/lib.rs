//! The sans-IO SNMP manager engine. Not implemented yet: see the README and issue 4.
#![no_std]
#![forbid(unsafe_code)]
