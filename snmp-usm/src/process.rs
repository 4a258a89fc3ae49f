//! Whole-message processing: outgoing (encrypt, encode, sign) and incoming (check the auth
//! field, verify, check timeliness, decrypt, decode).

use snmp_codec::{
    Bytes, MsgFlags, ScopedPdu, ScopedPduData, ScopedPduDataRef, ScopedPduRef, SecurityLevel,
    UsmSecurityParameters, V3Layout, V3Message, V3MessageRef, SECURITY_MODEL_USM,
};

use crate::error::UsmError;
use crate::time::{EngineClock, Instant, LocalEngine};
use crate::user::LocalizedUser;

/// Zeros to stand in for the HMAC while a message is signed (up to SHA-512's 48 octets).
static ZEROS: [u8; 48] = [0; 48];

/// The header of an outgoing v3 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutgoingHeader {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize: the largest message we accept.
    pub msg_max_size: i32,
    /// The security level (at most what the user's keys allow).
    pub level: SecurityLevel,
    /// reportableFlag: set on requests, clear on responses, reports and traps.
    pub reportable: bool,
    /// msgAuthoritativeEngineBoots to send.
    pub engine_boots: u32,
    /// msgAuthoritativeEngineTime to send.
    pub engine_time: u32,
    /// The privacy salt (used when `level` is authPriv; never repeat one under a key).
    pub salt: u64,
}

/// Prepares an outgoing v3 message into `buf`: encrypts the ScopedPDU when the level asks for
/// privacy, encodes the message with a zeroed authentication field, and signs it in place.
/// Returns the message length.
///
/// The message goes to `user.engine_id()` (empty for a discovery probe) and carries
/// `user.name()`.
///
/// ```
/// use snmp_codec::{Pdu, ScopedPdu, SecurityLevel, Bytes, V3Message};
/// use snmp_usm::{encode_outgoing, AuthProtocol, OutgoingHeader, UsmUser};
///
/// let user = UsmUser::new("admin").with_auth(AuthProtocol::Sha1, b"maplesyrup")?;
/// let keys = user.localize(b"\x80\x00\x1f\x88\x04engine");
/// let scoped = ScopedPdu {
///     context_engine_id: keys.engine_id().clone(),
///     context_name: Bytes::new(),
///     pdu: Pdu::get_request(1, ["1.3.6.1.2.1.1.1.0".parse().unwrap()]),
/// };
/// let header = OutgoingHeader {
///     msg_id: 7, msg_max_size: 65507, level: SecurityLevel::AuthNoPriv, reportable: true,
///     engine_boots: 1, engine_time: 100, salt: 0,
/// };
/// let mut buf = [0u8; 1500];
/// let n = encode_outgoing(&header, &keys, &scoped, &mut buf)?;
/// let (msg, _) = V3Message::decode_with_layout(&Bytes::copy_from_slice(&buf[..n]))?;
/// assert_eq!(msg.usm.auth_params.len(), 12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_outgoing<'s>(
    header: &OutgoingHeader,
    user: &LocalizedUser,
    scoped: impl Into<ScopedPduRef<'s>>,
    buf: &mut [u8],
) -> Result<usize, UsmError> {
    let scoped = scoped.into();
    if header.level > user.security_level() {
        return Err(UsmError::UnsupportedSecurityLevel);
    }
    let auth_key = match header.level {
        SecurityLevel::NoAuthNoPriv => None,
        _ => user.auth_key(),
    };
    let mut usm = UsmSecurityParameters {
        engine_id: user.engine_id().clone(),
        engine_boots: header.engine_boots,
        engine_time: header.engine_time,
        user_name: user.name().clone(),
        auth_params: Bytes::from_static(auth_key.map_or(&[][..], |k| {
            ZEROS.get(..k.protocol().mac_len()).unwrap_or(&ZEROS[..])
        })),
        priv_params: Bytes::new(),
    };
    let ciphertext;
    let data = match (header.level, user.privacy_key()) {
        (SecurityLevel::AuthPriv, Some(key)) => {
            let (ct, params) = key.encrypt(
                &scoped.to_vec(),
                header.engine_boots,
                header.engine_time,
                header.salt,
            );
            ciphertext = ct;
            usm.priv_params = Bytes::copy_from_slice(&params);
            ScopedPduDataRef::Encrypted(&ciphertext)
        }
        _ => ScopedPduDataRef::Plaintext(scoped),
    };
    let msg = V3MessageRef {
        msg_id: header.msg_id,
        msg_max_size: header.msg_max_size,
        msg_flags: MsgFlags::new(header.level, header.reportable),
        security_model: SECURITY_MODEL_USM,
        usm: &usm,
        data,
    };
    let layout = msg.encode(buf)?;
    if let Some(key) = auth_key {
        let message = buf
            .get_mut(..layout.len)
            .ok_or(UsmError::InvalidAuthParamsLength)?;
        key.sign_in_place(message, layout.auth_params)?;
    }
    Ok(layout.len)
}

/// The timeliness check to apply to an authenticated incoming message.
#[derive(Debug)]
pub enum TimeCheck<'a> {
    /// We are not authoritative (a manager reading responses and reports): what we know of the
    /// sender's clock, which an authentic message may advance (RFC 3414 3.2 step 7b).
    NonAuthoritative(&'a mut EngineClock),
    /// We are authoritative (a receiver of informs): our own engine (step 7a).
    Authoritative(&'a LocalEngine),
    /// No check (for tests and tools that only want to read a capture).
    Skip,
}

/// A v3 message that passed USM: its header, security parameters and plaintext ScopedPDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize.
    pub msg_max_size: i32,
    /// msgFlags.
    pub msg_flags: MsgFlags,
    /// The security level the message had (and passed).
    pub level: SecurityLevel,
    /// The security parameters as received.
    pub usm: UsmSecurityParameters,
    /// The (decrypted) ScopedPDU.
    pub scoped_pdu: ScopedPdu,
}

/// Processes an incoming v3 message (RFC 3414 section 3.2).
///
/// Steps, each with its own error: decode ([`UsmError::Decode`]); for authenticated messages,
/// find the user's keys with `lookup(user_name, engine_id)` (which returns
/// [`UsmError::UnknownUserName`] or [`UsmError::UnknownEngineId`]), check that the user supports
/// the level ([`UsmError::UnsupportedSecurityLevel`]), check the length of the authentication
/// field and verify the HMAC in constant time ([`UsmError::WrongDigest`]), then apply `time`
/// ([`UsmError::NotInTimeWindow`]; only this authenticated message may advance an
/// [`EngineClock`]); decrypt with the boots and time **this message** carries and decode the
/// ScopedPDU, tolerating padding ([`UsmError::DecryptionError`]).
///
/// Unauthenticated messages (discovery Reports, noAuthNoPriv traffic) are decoded without a
/// lookup and never touch the clock.
pub fn process_incoming<'u>(
    input: &Bytes,
    lookup: impl FnOnce(&[u8], &[u8]) -> Result<&'u LocalizedUser, UsmError>,
    time: TimeCheck<'_>,
    now: Instant,
) -> Result<Incoming, UsmError> {
    let (msg, layout) = V3Message::decode_with_layout(input)?;
    process_decoded(input, msg, &layout, lookup, time, now)
}

/// [`process_incoming`] for a message already decoded with
/// [`V3Message::decode_with_layout`] (a session decodes the header first to find the request
/// by msgID, and should not decode twice). `input` must be the bytes `msg` was decoded from.
pub fn process_decoded<'u>(
    input: &[u8],
    msg: V3Message,
    layout: &V3Layout,
    lookup: impl FnOnce(&[u8], &[u8]) -> Result<&'u LocalizedUser, UsmError>,
    time: TimeCheck<'_>,
    now: Instant,
) -> Result<Incoming, UsmError> {
    let level = msg
        .msg_flags
        .security_level()
        .ok_or(UsmError::UnsupportedSecurityLevel)?;
    let V3Message {
        msg_id,
        msg_max_size,
        msg_flags,
        usm,
        data,
        ..
    } = msg;

    if level == SecurityLevel::NoAuthNoPriv {
        let ScopedPduData::Plaintext(scoped_pdu) = data else {
            return Err(UsmError::UnsupportedSecurityLevel);
        };
        return Ok(Incoming {
            msg_id,
            msg_max_size,
            msg_flags,
            level,
            usm,
            scoped_pdu,
        });
    }

    let user = lookup(&usm.user_name, &usm.engine_id)?;
    if user.security_level() < level {
        return Err(UsmError::UnsupportedSecurityLevel);
    }
    let auth_key = user.auth_key().ok_or(UsmError::UnsupportedSecurityLevel)?;
    let message = input.get(..layout.len).ok_or(UsmError::WrongDigest)?;
    auth_key.verify(message, layout.auth_params.clone())?;

    match time {
        TimeCheck::NonAuthoritative(clock) => {
            clock.update_from_authentic(now, usm.engine_boots, usm.engine_time);
            clock.check(now, usm.engine_boots, usm.engine_time)?;
        }
        TimeCheck::Authoritative(engine) => {
            engine.check(now, usm.engine_boots, usm.engine_time)?;
        }
        TimeCheck::Skip => {}
    }

    let scoped_pdu = match (level, data) {
        (SecurityLevel::AuthPriv, ScopedPduData::Encrypted(ct)) => {
            let key = user
                .privacy_key()
                .ok_or(UsmError::UnsupportedSecurityLevel)?;
            let plain = key.decrypt(&ct, &usm.priv_params, usm.engine_boots, usm.engine_time)?;
            ScopedPdu::decode_bytes(&Bytes::from(plain)).map_err(|_| UsmError::DecryptionError)?
        }
        (SecurityLevel::AuthNoPriv, ScopedPduData::Plaintext(s)) => s,
        // Flags and msgData disagree.
        _ => return Err(UsmError::DecryptionError),
    };
    Ok(Incoming {
        msg_id,
        msg_max_size,
        msg_flags,
        level,
        usm,
        scoped_pdu,
    })
}
