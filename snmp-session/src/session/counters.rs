//! What a session counts: requests, retransmissions, and every dropped datagram by reason.

/// Counters a user can read ([`Session::counters`](super::Session::counters)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// Requests sent (first attempts).
    pub requests: u64,
    /// Retransmissions.
    pub retransmits: u64,
    /// Requests that ran out of attempts.
    pub timeouts: u64,
    /// Datagrams handed to [`Session::handle_datagram`](super::Session::handle_datagram).
    pub datagrams: u64,
    /// Answers matched to a request.
    pub responses: u64,
    /// Dropped: did not decode.
    pub dropped_malformed: u64,
    /// Dropped: an answer to a request that already completed (duplicate or late).
    pub dropped_duplicate: u64,
    /// Dropped: no request with that request-id / msgID.
    pub dropped_unknown: u64,
    /// Dropped: came from another address than the request went to.
    pub dropped_wrong_source: u64,
    /// Dropped: version, community, user, security level or context do not match the request,
    /// or the PDU type is not an answer.
    pub dropped_mismatch: u64,
    /// Dropped: failed v3 authentication, time window or decryption.
    pub dropped_security: u64,
    /// v3 engine discoveries started.
    pub discoveries: u64,
}
