//! Whole SNMP messages: v1 and v2c community messages and the v3 message (RFC 3412) with USM
//! security parameters (RFC 3414).

use alloc::vec;
use alloc::vec::Vec;
use bytes::Bytes;
use core::ops::Range;

use crate::ber::{tag, Reader, WriteBer, Writer};
use crate::error::{DecodeError, DecodeErrorKind, EncodeError};
use crate::pdu::{Pdu, PduRef};

/// The SNMP version of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// SNMPv1 (wire value 0).
    V1,
    /// SNMPv2c (wire value 1).
    V2c,
    /// SNMPv3 (wire value 3).
    V3,
}

impl Version {
    /// The msgVersion / version field value.
    pub const fn wire_value(self) -> i32 {
        match self {
            Version::V1 => 0,
            Version::V2c => 1,
            Version::V3 => 3,
        }
    }
}

/// The security model number of the User-based Security Model.
pub const SECURITY_MODEL_USM: i32 = 3;

/// The smallest msgMaxSize RFC 3412 allows.
pub const MIN_MSG_MAX_SIZE: i32 = 484;

/// The longest engine ID and user name USM allows (RFC 3411, RFC 3414).
pub const MAX_ENGINE_ID_LEN: usize = 32;

/// A v1 or v2c message: version, community, PDU.
///
/// ```
/// use snmp_codec::{CommunityMessage, Message, Pdu, Version};
/// let msg = CommunityMessage::new(
///     Version::V2c,
///     "public",
///     Pdu::get_request(1, ["1.3.6.1.2.1.1.1.0".parse().unwrap()]),
/// );
/// let bytes = msg.to_vec();
/// assert_eq!(Message::decode(&bytes)?, Message::Community(msg));
/// # Ok::<(), snmp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommunityMessage {
    /// `V1` or `V2c`.
    pub version: Version,
    /// The community string.
    pub community: Bytes,
    /// The PDU.
    pub pdu: Pdu,
}

impl CommunityMessage {
    /// A message for `version` (V1 or V2c) with `community`.
    pub fn new(version: Version, community: impl AsRef<[u8]>, pdu: Pdu) -> Self {
        Self {
            version,
            community: Bytes::copy_from_slice(community.as_ref()),
            pdu,
        }
    }

    /// Size of the encoded message.
    pub fn encoded_len(&self) -> usize {
        self.ber_len()
    }

    /// Encodes into the start of `buf`; returns the number of bytes written.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        self.encode_ber(buf)
    }

    /// Encodes into a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        self.ber_to_vec()
    }
}

impl WriteBer for CommunityMessage {
    fn write_ber(&self, w: &mut Writer<'_>) {
        w.tlv(tag::SEQUENCE, |w| {
            self.pdu.write_ber(w);
            w.octets_tlv(tag::OCTET_STRING, &self.community);
            w.i64_tlv(tag::INTEGER, self.version.wire_value().into());
        });
    }
}

/// A v1/v2c message whose parts are borrowed, for encoding.
#[derive(Debug, Clone, Copy)]
pub struct CommunityMessageRef<'a> {
    /// `V1` or `V2c`.
    pub version: Version,
    /// The community.
    pub community: &'a [u8],
    /// The PDU.
    pub pdu: PduRef<'a>,
}

impl CommunityMessageRef<'_> {
    /// Size of the encoded message.
    pub fn encoded_len(&self) -> usize {
        self.ber_len()
    }

    /// Encodes into the start of `buf`; returns the number of bytes written.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        self.encode_ber(buf)
    }
}

impl WriteBer for CommunityMessageRef<'_> {
    fn write_ber(&self, w: &mut Writer<'_>) {
        w.tlv(tag::SEQUENCE, |w| {
            self.pdu.write_ber(w);
            w.octets_tlv(tag::OCTET_STRING, self.community);
            w.i64_tlv(tag::INTEGER, self.version.wire_value().into());
        });
    }
}

/// msgFlags: authentication, privacy and reportable bits.
///
/// ```
/// use snmp_codec::{MsgFlags, SecurityLevel};
/// let f = MsgFlags::new(SecurityLevel::AuthPriv, true);
/// assert_eq!(f.bits(), 0x07);
/// assert_eq!(f.security_level(), Some(SecurityLevel::AuthPriv));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MsgFlags(u8);

/// The security level of a v3 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecurityLevel {
    /// Neither authentication nor privacy.
    NoAuthNoPriv,
    /// Authentication only.
    AuthNoPriv,
    /// Authentication and privacy.
    AuthPriv,
}

impl MsgFlags {
    /// The authFlag bit.
    pub const AUTH: u8 = 0x01;
    /// The privFlag bit.
    pub const PRIV: u8 = 0x02;
    /// The reportableFlag bit.
    pub const REPORTABLE: u8 = 0x04;

    /// Flags for `level`, with the reportable bit if `reportable`.
    pub const fn new(level: SecurityLevel, reportable: bool) -> Self {
        let mut b = match level {
            SecurityLevel::NoAuthNoPriv => 0,
            SecurityLevel::AuthNoPriv => Self::AUTH,
            SecurityLevel::AuthPriv => Self::AUTH | Self::PRIV,
        };
        if reportable {
            b |= Self::REPORTABLE;
        }
        Self(b)
    }

    /// Flags from raw bits (the decoder rejects privacy without authentication).
    pub const fn from_bits(b: u8) -> Self {
        Self(b)
    }

    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// authFlag.
    pub const fn auth(self) -> bool {
        self.0 & Self::AUTH != 0
    }

    /// privFlag.
    pub const fn privacy(self) -> bool {
        self.0 & Self::PRIV != 0
    }

    /// reportableFlag.
    pub const fn reportable(self) -> bool {
        self.0 & Self::REPORTABLE != 0
    }

    /// The security level, or `None` for the invalid privacy-without-authentication.
    pub const fn security_level(self) -> Option<SecurityLevel> {
        match (self.auth(), self.privacy()) {
            (false, false) => Some(SecurityLevel::NoAuthNoPriv),
            (true, false) => Some(SecurityLevel::AuthNoPriv),
            (true, true) => Some(SecurityLevel::AuthPriv),
            (false, true) => None,
        }
    }
}

/// UsmSecurityParameters (RFC 3414 section 2.4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UsmSecurityParameters {
    /// msgAuthoritativeEngineID (empty in a discovery probe).
    pub engine_id: Bytes,
    /// msgAuthoritativeEngineBoots.
    pub engine_boots: u32,
    /// msgAuthoritativeEngineTime.
    pub engine_time: u32,
    /// msgUserName.
    pub user_name: Bytes,
    /// msgAuthenticationParameters: the truncated HMAC, zeros while signing, empty without auth.
    pub auth_params: Bytes,
    /// msgPrivacyParameters: the salt, empty without privacy.
    pub priv_params: Bytes,
}

impl UsmSecurityParameters {
    /// Size of the USM SEQUENCE (not counting the OCTET STRING that wraps it in a message).
    pub fn encoded_len(&self) -> usize {
        let mut w = Writer::new(&mut []);
        self.write(&mut w);
        w.len()
    }

    /// Prepends the SEQUENCE; returns where the auth params' content is, counted in bytes
    /// from the end of the output (`(from_end_of_content_end, from_end_of_content_start)`).
    fn write(&self, w: &mut Writer<'_>) -> (usize, usize) {
        let mut auth = (0, 0);
        w.tlv(tag::SEQUENCE, |w| {
            w.octets_tlv(tag::OCTET_STRING, &self.priv_params);
            let after = w.len();
            w.bytes(&self.auth_params);
            auth = (after, w.len());
            w.header(tag::OCTET_STRING, self.auth_params.len());
            w.octets_tlv(tag::OCTET_STRING, &self.user_name);
            // Boots and time are INTEGER (0..2147483647); unsigned encoding is the same there.
            w.u64_tlv(tag::INTEGER, self.engine_time.into());
            w.u64_tlv(tag::INTEGER, self.engine_boots.into());
            w.octets_tlv(tag::OCTET_STRING, &self.engine_id);
        });
        auth
    }

    /// Reads the SEQUENCE; returns the parameters and the absolute range of the auth params.
    fn read(r: &mut Reader<'_>) -> Result<(Self, Range<usize>), DecodeError> {
        let mut seq = r.nested(tag::SEQUENCE)?;
        let at = seq.position();
        let engine_id = seq.read_octets()?;
        if engine_id.len() > MAX_ENGINE_ID_LEN {
            return Err(DecodeError::new(DecodeErrorKind::EngineIdTooLong, at));
        }
        let engine_boots = read_non_negative(&mut seq)?;
        let engine_time = read_non_negative(&mut seq)?;
        let at = seq.position();
        let user_name = seq.read_octets()?;
        if user_name.len() > MAX_ENGINE_ID_LEN {
            return Err(DecodeError::new(DecodeErrorKind::UserNameTooLong, at));
        }
        let auth = seq.expect(tag::OCTET_STRING)?;
        let auth_params = seq.bytes(&auth.content);
        let priv_params = seq.read_octets()?;
        seq.finish()?;
        Ok((
            Self {
                engine_id,
                engine_boots,
                engine_time,
                user_name,
                auth_params,
                priv_params,
            },
            auth.content,
        ))
    }
}

fn read_non_negative(r: &mut Reader<'_>) -> Result<u32, DecodeError> {
    let at = r.position();
    let v = r.read_i32()?;
    u32::try_from(v).map_err(|_| DecodeError::new(DecodeErrorKind::NegativeValue, at))
}

/// A ScopedPDU: context engine ID, context name and the PDU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedPdu {
    /// contextEngineID (usually the authoritative engine's ID).
    pub context_engine_id: Bytes,
    /// contextName (usually empty).
    pub context_name: Bytes,
    /// The PDU.
    pub pdu: Pdu,
}

impl ScopedPdu {
    /// Size of the encoded SEQUENCE.
    pub fn encoded_len(&self) -> usize {
        self.ber_len()
    }

    /// Encodes into the start of `buf` (the plaintext that privacy encrypts).
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        self.encode_ber(buf)
    }

    /// Encodes into a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        self.ber_to_vec()
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut seq = r.nested(tag::SEQUENCE)?;
        let context_engine_id = seq.read_octets()?;
        let context_name = seq.read_octets()?;
        let at = seq.position();
        let pdu = Pdu::read(&mut seq)?;
        seq.finish()?;
        if matches!(pdu, Pdu::TrapV1(_)) {
            return Err(DecodeError::new(DecodeErrorKind::PduNotAllowed, at));
        }
        Ok(Self {
            context_engine_id,
            context_name,
            pdu,
        })
    }

    /// Decodes a ScopedPDU, as found in plaintext or after decryption, from a slice (copied
    /// once into a shared buffer). Bytes after the SEQUENCE are ignored: block ciphers pad the
    /// plaintext (RFC 3414 section 8.1.1.2).
    pub fn decode(input: &[u8]) -> Result<Self, DecodeError> {
        Self::decode_bytes(&Bytes::copy_from_slice(input))
    }

    /// [`ScopedPdu::decode`] without copying: octet strings in the result share `input`'s
    /// memory.
    pub fn decode_bytes(input: &Bytes) -> Result<Self, DecodeError> {
        let mut r = Reader::new(input);
        Self::read(&mut r)
    }
}

impl ScopedPdu {
    /// The same ScopedPDU, borrowed.
    pub fn as_ref(&self) -> ScopedPduRef<'_> {
        ScopedPduRef {
            context_engine_id: &self.context_engine_id,
            context_name: &self.context_name,
            pdu: PduRef::Owned(&self.pdu),
        }
    }
}

/// A ScopedPDU whose parts are borrowed, for encoding.
#[derive(Debug, Clone, Copy)]
pub struct ScopedPduRef<'a> {
    /// contextEngineID.
    pub context_engine_id: &'a [u8],
    /// contextName.
    pub context_name: &'a [u8],
    /// The PDU.
    pub pdu: PduRef<'a>,
}

impl<'a> From<&'a ScopedPdu> for ScopedPduRef<'a> {
    fn from(s: &'a ScopedPdu) -> Self {
        s.as_ref()
    }
}

impl ScopedPduRef<'_> {
    /// Size of the encoded SEQUENCE.
    pub fn encoded_len(&self) -> usize {
        self.ber_len()
    }

    /// Encodes into the start of `buf`.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        self.encode_ber(buf)
    }

    /// Encodes into a new vector (the plaintext that privacy encrypts).
    pub fn to_vec(&self) -> Vec<u8> {
        self.ber_to_vec()
    }
}

impl WriteBer for ScopedPduRef<'_> {
    fn write_ber(&self, w: &mut Writer<'_>) {
        w.tlv(tag::SEQUENCE, |w| {
            self.pdu.write_ber(w);
            w.octets_tlv(tag::OCTET_STRING, self.context_name);
            w.octets_tlv(tag::OCTET_STRING, self.context_engine_id);
        });
    }
}

impl WriteBer for ScopedPdu {
    fn write_ber(&self, w: &mut Writer<'_>) {
        w.tlv(tag::SEQUENCE, |w| {
            self.pdu.write_ber(w);
            w.octets_tlv(tag::OCTET_STRING, &self.context_name);
            w.octets_tlv(tag::OCTET_STRING, &self.context_engine_id);
        });
    }
}

/// msgData: a plaintext ScopedPDU or the encrypted octets of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopedPduData {
    /// noAuthNoPriv and authNoPriv messages.
    Plaintext(ScopedPdu),
    /// authPriv messages: the encryptedPDU octets.
    Encrypted(Bytes),
}

/// An SNMPv3 message with USM security parameters.
///
/// To send an authenticated message, set `usm.auth_params` to the right number of zero octets,
/// [`V3Message::encode`] it, and sign the bytes in place at the returned
/// [`V3Layout::auth_params`] range (the `snmp-usm` crate does this).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Message {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize: the largest message the sender can receive.
    pub msg_max_size: i32,
    /// msgFlags.
    pub msg_flags: MsgFlags,
    /// msgSecurityModel (always [`SECURITY_MODEL_USM`] when decoded).
    pub security_model: i32,
    /// msgSecurityParameters, decoded.
    pub usm: UsmSecurityParameters,
    /// msgData.
    pub data: ScopedPduData,
}

/// Where things are in an encoded or decoded v3 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V3Layout {
    /// Length of the whole message (without bytes that followed it in the datagram).
    pub len: usize,
    /// Absolute range of msgAuthenticationParameters' content.
    pub auth_params: Range<usize>,
}

/// msgData borrowed for encoding: a plaintext ScopedPDU or ciphertext.
#[derive(Debug, Clone, Copy)]
pub enum ScopedPduDataRef<'a> {
    /// A plaintext ScopedPDU.
    Plaintext(ScopedPduRef<'a>),
    /// The encryptedPDU octets.
    Encrypted(&'a [u8]),
}

/// A v3 message whose parts are borrowed, for encoding without building a [`V3Message`]
/// (a session re-encodes the same ScopedPDU for every retransmission).
#[derive(Debug, Clone, Copy)]
pub struct V3MessageRef<'a> {
    /// msgID.
    pub msg_id: i32,
    /// msgMaxSize.
    pub msg_max_size: i32,
    /// msgFlags.
    pub msg_flags: MsgFlags,
    /// msgSecurityModel.
    pub security_model: i32,
    /// The USM security parameters.
    pub usm: &'a UsmSecurityParameters,
    /// msgData.
    pub data: ScopedPduDataRef<'a>,
}

impl V3MessageRef<'_> {
    /// Size of the encoded message.
    pub fn encoded_len(&self) -> usize {
        let mut w = Writer::new(&mut []);
        self.write(&mut w);
        w.len()
    }

    /// Encodes into the start of `buf`; returns the layout (length and where the auth params
    /// are, for signing in place).
    pub fn encode(&self, buf: &mut [u8]) -> Result<V3Layout, EncodeError> {
        let mut w = Writer::new(buf);
        let (auth_end, auth_start) = self.write(&mut w);
        let len = w.len();
        if w.overflowed() {
            return Err(EncodeError {
                needed: len,
                available: buf.len(),
            });
        }
        // The writer counted `len` bytes and the auth field's offsets from the end within
        // them: the subtractions can't go below zero.
        let start = buf.len().saturating_sub(len);
        buf.copy_within(start.., 0);
        Ok(V3Layout {
            len,
            auth_params: len.saturating_sub(auth_start)..len.saturating_sub(auth_end),
        })
    }

    /// Prepends the message; returns the auth params' position counted from the end.
    fn write(&self, w: &mut Writer<'_>) -> (usize, usize) {
        let mut auth = (0, 0);
        w.tlv(tag::SEQUENCE, |w| {
            match self.data {
                ScopedPduDataRef::Plaintext(s) => s.write_ber(w),
                ScopedPduDataRef::Encrypted(b) => w.octets_tlv(tag::OCTET_STRING, b),
            }
            w.tlv(tag::OCTET_STRING, |w| auth = self.usm.write(w));
            w.tlv(tag::SEQUENCE, |w| {
                w.i64_tlv(tag::INTEGER, self.security_model.into());
                w.octets_tlv(tag::OCTET_STRING, &[self.msg_flags.bits()]);
                w.i64_tlv(tag::INTEGER, self.msg_max_size.into());
                w.i64_tlv(tag::INTEGER, self.msg_id.into());
            });
            w.i64_tlv(tag::INTEGER, 3);
        });
        auth
    }
}

impl V3Message {
    /// The same message with its parts borrowed.
    pub fn as_ref(&self) -> V3MessageRef<'_> {
        V3MessageRef {
            msg_id: self.msg_id,
            msg_max_size: self.msg_max_size,
            msg_flags: self.msg_flags,
            security_model: self.security_model,
            usm: &self.usm,
            data: match &self.data {
                ScopedPduData::Plaintext(s) => ScopedPduDataRef::Plaintext(s.as_ref()),
                ScopedPduData::Encrypted(b) => ScopedPduDataRef::Encrypted(b),
            },
        }
    }

    /// Size of the encoded message.
    pub fn encoded_len(&self) -> usize {
        self.as_ref().encoded_len()
    }

    /// Encodes into the start of `buf`; returns the layout (length and where the auth params
    /// are, for signing in place).
    pub fn encode(&self, buf: &mut [u8]) -> Result<V3Layout, EncodeError> {
        self.as_ref().encode(buf)
    }

    /// Encodes into a new vector; returns it with the auth params' range.
    pub fn to_vec(&self) -> (Vec<u8>, Range<usize>) {
        let mut v = vec![0; self.encoded_len()];
        let auth = self.encode(&mut v).map(|l| l.auth_params).unwrap_or(0..0);
        (v, auth)
    }

    /// Decodes a v3 message from a slice (copied once into a shared buffer).
    pub fn decode(input: &[u8]) -> Result<V3Message, DecodeError> {
        Self::decode_bytes(&Bytes::copy_from_slice(input))
    }

    /// Decodes a v3 message without copying: octet strings share `input`'s memory.
    pub fn decode_bytes(input: &Bytes) -> Result<V3Message, DecodeError> {
        Self::decode_with_layout(input).map(|(m, _)| m)
    }

    /// Decodes a v3 message and reports its layout (where the authentication parameters are,
    /// for checking the digest). Octet strings share `input`'s memory.
    pub fn decode_with_layout(input: &Bytes) -> Result<(V3Message, V3Layout), DecodeError> {
        let mut r = Reader::new(input);
        let mut msg = r.nested(tag::SEQUENCE)?;
        let at = msg.position();
        let version = msg.read_i32()?;
        if version != 3 {
            return Err(DecodeError::new(
                DecodeErrorKind::UnknownVersion(version),
                at,
            ));
        }
        let (v3, auth) = Self::read_after_version(&mut msg)?;
        Ok((
            v3,
            V3Layout {
                len: r.position(),
                auth_params: auth,
            },
        ))
    }

    fn read_after_version(msg: &mut Reader<'_>) -> Result<(V3Message, Range<usize>), DecodeError> {
        let mut header = msg.nested(tag::SEQUENCE)?;
        let msg_id = header.read_i32()?;
        let at = header.position();
        let msg_max_size = header.read_i32()?;
        if msg_max_size < MIN_MSG_MAX_SIZE {
            return Err(DecodeError::new(
                DecodeErrorKind::MsgMaxSizeTooSmall(msg_max_size),
                at,
            ));
        }
        let at = header.position();
        let flags = header.read_octets()?;
        let msg_flags = match flags.as_ref() {
            [b] => MsgFlags::from_bits(*b),
            _ => return Err(DecodeError::new(DecodeErrorKind::InvalidMsgFlags, at)),
        };
        if msg_flags.security_level().is_none() {
            return Err(DecodeError::new(DecodeErrorKind::InvalidMsgFlags, at));
        }
        let at = header.position();
        let security_model = header.read_i32()?;
        header.finish()?;
        if security_model != SECURITY_MODEL_USM {
            return Err(DecodeError::new(
                DecodeErrorKind::UnknownSecurityModel(security_model),
                at,
            ));
        }
        let mut sec = msg.nested(tag::OCTET_STRING)?;
        let (usm, auth) = UsmSecurityParameters::read(&mut sec)?;
        sec.finish()?;
        let data = match msg.peek_tag()? {
            tag::OCTET_STRING => ScopedPduData::Encrypted(msg.read_octets()?),
            _ => ScopedPduData::Plaintext(ScopedPdu::read(msg)?),
        };
        msg.finish()?;
        Ok((
            V3Message {
                msg_id,
                msg_max_size,
                msg_flags,
                security_model,
                usm,
                data,
            },
            auth,
        ))
    }
}

/// The version field of a message (0 for v1, 1 for v2c, 3 for v3, or whatever else the
/// datagram says), read without decoding the rest: enough to choose between
/// [`Message::decode`] and [`V3Message::decode_with_layout`].
///
/// ```
/// assert_eq!(snmp_codec::message_version(&[0x30, 0x03, 0x02, 0x01, 0x03]), Ok(3));
/// ```
pub fn message_version(input: &[u8]) -> Result<i32, DecodeError> {
    let truncated = |at| DecodeError::new(DecodeErrorKind::Truncated, at);
    match input.first() {
        Some(&tag::SEQUENCE) => {}
        Some(&found) => {
            return Err(DecodeError::new(
                DecodeErrorKind::UnexpectedTag {
                    expected: tag::SEQUENCE,
                    found,
                },
                0,
            ))
        }
        None => return Err(truncated(0)),
    }
    // Skip the outer SEQUENCE's length (its value is checked by the full decoders).
    let at = match input.get(1) {
        Some(&l) if l < 0x80 => 2,
        Some(&l) if l > 0x80 && l <= 0x84 => 2 + usize::from(l & 0x7f),
        Some(0x80) => return Err(DecodeError::new(DecodeErrorKind::IndefiniteLength, 1)),
        Some(_) => return Err(DecodeError::new(DecodeErrorKind::LengthTooLong, 1)),
        None => return Err(truncated(1)),
    };
    match input.get(at) {
        Some(&tag::INTEGER) => {}
        Some(&found) => {
            return Err(DecodeError::new(
                DecodeErrorKind::UnexpectedTag {
                    expected: tag::INTEGER,
                    found,
                },
                at,
            ))
        }
        None => return Err(truncated(at)),
    }
    let len_at = at.saturating_add(1);
    let len = match input.get(len_at) {
        Some(&l) if l < 0x80 => usize::from(l),
        Some(_) => return Err(DecodeError::new(DecodeErrorKind::LengthTooLong, len_at)),
        None => return Err(truncated(len_at)),
    };
    let content_at = at.saturating_add(2);
    let content = input
        .get(content_at..content_at.saturating_add(len))
        .ok_or(truncated(at))?;
    crate::ber::decode_i32(content, at)
}

/// Any SNMP message.
///
/// [`Message::decode`] reads the first message in a datagram; bytes after the outer SEQUENCE
/// are ignored, as Net-SNMP and gosnmp do (some stacks pad datagrams). Use
/// [`Message::decode_prefix`] to learn how many bytes the message took.
///
/// ```
/// use snmp_codec::{Message, Pdu};
/// let bytes = hex_literal(
///     "302602010004067075626c6963a019020126020100020100300e300c06082b060102010102000500",
/// );
/// let Message::Community(m) = Message::decode(&bytes)? else { unreachable!() };
/// assert_eq!(&m.community[..], b"public");
/// assert_eq!(m.pdu.request_id(), Some(38));
/// # fn hex_literal(s: &str) -> Vec<u8> {
/// #     (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
/// # }
/// # Ok::<(), snmp_codec::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// v1 or v2c.
    Community(CommunityMessage),
    /// v3.
    V3(V3Message),
}

impl Message {
    /// The version of the message.
    pub fn version(&self) -> Version {
        match self {
            Message::Community(c) => c.version,
            Message::V3(_) => Version::V3,
        }
    }

    /// Decodes from a slice (copied once into a shared buffer so that octet strings can share
    /// it).
    pub fn decode(input: &[u8]) -> Result<Message, DecodeError> {
        Self::decode_bytes(&Bytes::copy_from_slice(input))
    }

    /// Decodes without copying: octet strings in the result are slices of `input`.
    pub fn decode_bytes(input: &Bytes) -> Result<Message, DecodeError> {
        Self::decode_prefix(input).map(|(m, _)| m)
    }

    /// Decodes the message at the start of `input`; returns it with its length in bytes.
    pub fn decode_prefix(input: &Bytes) -> Result<(Message, usize), DecodeError> {
        let mut r = Reader::new(input);
        let mut msg = r.nested(tag::SEQUENCE)?;
        let at = msg.position();
        let version = msg.read_i32()?;
        let out = match version {
            0 | 1 => {
                let version = if version == 0 {
                    Version::V1
                } else {
                    Version::V2c
                };
                let community = msg.read_octets()?;
                let at = msg.position();
                let pdu = Pdu::read(&mut msg)?;
                msg.finish()?;
                let allowed = match (&pdu, version) {
                    (Pdu::TrapV1(_), Version::V1) => true,
                    (Pdu::TrapV1(_), _) => false,
                    (
                        Pdu::GetBulkRequest(_)
                        | Pdu::InformRequest(_)
                        | Pdu::SnmpV2Trap(_)
                        | Pdu::Report(_),
                        Version::V1,
                    ) => false,
                    _ => true,
                };
                if !allowed {
                    return Err(DecodeError::new(DecodeErrorKind::PduNotAllowed, at));
                }
                Message::Community(CommunityMessage {
                    version,
                    community,
                    pdu,
                })
            }
            3 => Message::V3(V3Message::read_after_version(&mut msg)?.0),
            other => {
                return Err(DecodeError::new(DecodeErrorKind::UnknownVersion(other), at));
            }
        };
        Ok((out, r.position()))
    }

    /// Size of the encoded message.
    pub fn encoded_len(&self) -> usize {
        match self {
            Message::Community(c) => c.encoded_len(),
            Message::V3(v) => v.encoded_len(),
        }
    }

    /// Encodes into the start of `buf`; returns the number of bytes written.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        match self {
            Message::Community(c) => c.encode(buf),
            Message::V3(v) => v.encode(buf).map(|l| l.len),
        }
    }

    /// Encodes into a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Message::Community(c) => c.to_vec(),
            Message::V3(v) => v.to_vec().0,
        }
    }
}
