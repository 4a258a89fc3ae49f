//! The smol / async-std adapter. Not implemented yet: see the README and issue 5.
#![forbid(unsafe_code)]
