//! SNMPv3 User-based Security Model. Not implemented yet: see the README and issue 3.
#![no_std]
#![forbid(unsafe_code)]
