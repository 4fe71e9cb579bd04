//! Webhook signature primitives: HMAC-SHA256, constant-time comparison, several secrets,
//! timestamp tolerance with an injectable clock.

use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Error, ErrorKind, Result, Secret};

type HmacSha256 = Hmac<Sha256>;

/// The one shape of every provider's webhook check: built once with the signing secrets
/// (several during a rotation) as `Webhook::new(secrets)`, then `verify(headers, body)` on
/// the raw body bytes, which authenticates the delivery and returns the typed event, or a
/// [`ErrorKind::WebhookSignature`] error. Only authentication is called `verify`: a check
/// that proves nothing about the sender (an org id in an unsigned payload) has another name.
///
/// ```
/// use atom_core::webhook::{SignatureEncoding, WebhookVerifier, verify_hmac_sha256};
/// use atom_core::{Result, Secret};
/// struct Webhook { secrets: Vec<Secret> }
/// impl WebhookVerifier for Webhook {
///     type Event = serde_json::Value;
///     fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<serde_json::Value> {
///         let signature = headers.get("x-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
///         verify_hmac_sha256("example", &self.secrets, &[body], &[signature], SignatureEncoding::Hex)?;
///         serde_json::from_slice(body).map_err(|e| atom_core::Error::decode("example", e.to_string()))
///     }
/// }
/// ```
pub trait WebhookVerifier {
    /// The typed event a verified delivery carries.
    type Event;

    /// Authenticates a delivery (its headers and raw body bytes) and decodes its event.
    fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<Self::Event>;
}

/// How a signature is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureEncoding {
    /// Lower- or upper-case hex (Stripe, GitHub).
    Hex,
    /// Standard base64 (Zendesk, QuickBooks, HubSpot v3).
    Base64,
}

/// Where "now" comes from, so tolerance checks can be tested.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock stopped at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// HMAC-SHA256 of the concatenated `parts` under `key`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return [0; 32],
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// A signature of `parts` under `secret`, encoded (for test signers).
///
/// ```
/// use atom_core::webhook::{sign, SignatureEncoding};
/// use atom_core::Secret;
/// // RFC 4231 test case 2.
/// let sig = sign(&Secret::new("Jefe"), &[b"what do ya want for nothing?"], SignatureEncoding::Hex);
/// assert_eq!(sig, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
/// ```
pub fn sign(secret: &Secret, parts: &[&[u8]], encoding: SignatureEncoding) -> String {
    let mac = hmac_sha256(secret.expose().as_bytes(), parts);
    match encoding {
        SignatureEncoding::Hex => hex_encode(&mac),
        SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(mac),
    }
}

/// Compares in time that does not depend on where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn decode(signature: &str, encoding: SignatureEncoding) -> Option<Vec<u8>> {
    match encoding {
        SignatureEncoding::Hex => hex_decode(signature.trim()),
        SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .ok(),
    }
}

fn signature_error(service: &'static str, message: &str) -> Error {
    Error::new(ErrorKind::WebhookSignature, service, message).with_retryable(false)
}

/// Accepts when any of `candidates` is the HMAC-SHA256 of `parts` under any of `secrets`
/// (several secrets: rotation; several candidates: Stripe's several `v1`). Every comparison
/// is constant time. Candidates that do not decode are skipped; if none decodes the error
/// says the signature is malformed.
pub fn verify_hmac_sha256(
    service: &'static str,
    secrets: &[Secret],
    parts: &[&[u8]],
    candidates: &[&str],
    encoding: SignatureEncoding,
) -> Result<()> {
    if secrets.is_empty() || secrets.iter().any(Secret::is_empty) {
        return Err(Error::config(service, "webhook secret is not set"));
    }
    let decoded: Vec<Vec<u8>> = candidates
        .iter()
        .filter_map(|c| decode(c, encoding))
        .filter(|c| c.len() == 32)
        .collect();
    if decoded.is_empty() {
        return Err(signature_error(
            service,
            "webhook signature is missing or malformed",
        ));
    }
    let mut matched = false;
    for secret in secrets {
        let expected = hmac_sha256(secret.expose().as_bytes(), parts);
        for candidate in &decoded {
            matched |= constant_time_eq(&expected, candidate);
        }
    }
    if matched {
        Ok(())
    } else {
        Err(signature_error(service, "webhook signature does not match"))
    }
}

/// Refuses a signed timestamp (Unix seconds) further than `tolerance` from `clock`'s now,
/// in either direction.
pub fn check_timestamp(
    service: &'static str,
    timestamp: i64,
    clock: &dyn Clock,
    tolerance: Duration,
) -> Result<()> {
    let now = clock.now().timestamp();
    let tolerance = i64::try_from(tolerance.as_secs()).unwrap_or(i64::MAX);
    if now.abs_diff(timestamp) > tolerance.unsigned_abs() {
        return Err(signature_error(
            service,
            "webhook timestamp is outside the tolerance (replayed or clock skew)",
        ));
    }
    Ok(())
}

/// Refuses a signed timestamp (Unix seconds) older than `max_age` by `clock`, and accepts
/// one from the future.
///
/// For providers whose own libraries check only the past direction (Stripe): a future
/// timestamp under a valid signature can only come from the receiver's clock running slow,
/// so refusing it protects nothing and turns clock skew into lost deliveries. Replays are
/// bounded by the past side alone.
pub fn check_timestamp_age(
    service: &'static str,
    timestamp: i64,
    clock: &dyn Clock,
    max_age: Duration,
) -> Result<()> {
    let now = clock.now().timestamp();
    let max_age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    if timestamp < now.saturating_sub(max_age) {
        return Err(signature_error(
            service,
            "webhook timestamp is older than the tolerance (replayed or clock skew)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = br#"{"id":"evt_1","type":"ping"}"#;

    #[test]
    fn rfc4231_case_1_and_base64() {
        let key = [0x0bu8; 20];
        let mac = hmac_sha256(&key, &[b"Hi There"]);
        assert_eq!(
            hex_encode(&mac),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn verify_cases() {
        let old = Secret::new("whsec_old");
        let new = Secret::new("whsec_new");
        let good_new = sign(&new, &[BODY], SignatureEncoding::Hex);
        let good_b64 = sign(&new, &[BODY], SignatureEncoding::Base64);
        let v = |secrets: &[Secret], body: &[u8], cands: &[&str], enc| {
            verify_hmac_sha256("t", secrets, &[body], cands, enc).map_err(|e| e.kind())
        };
        let both = [old.clone(), new.clone()];
        assert_eq!(v(&both, BODY, &[&good_new], SignatureEncoding::Hex), Ok(()));
        assert_eq!(
            v(
                &both,
                BODY,
                &[&good_new.to_uppercase()],
                SignatureEncoding::Hex
            ),
            Ok(())
        );
        assert_eq!(
            v(&both, BODY, &[&good_b64], SignatureEncoding::Base64),
            Ok(())
        );
        assert_eq!(
            v(&both, BODY, &["zz", &good_new], SignatureEncoding::Hex),
            Ok(())
        );
        let sig = Err(ErrorKind::WebhookSignature);
        assert_eq!(
            v(
                std::slice::from_ref(&old),
                BODY,
                &[&good_new],
                SignatureEncoding::Hex
            ),
            sig
        );
        assert_eq!(v(&both, b"{}", &[&good_new], SignatureEncoding::Hex), sig);
        assert_eq!(v(&both, BODY, &[], SignatureEncoding::Hex), sig);
        assert_eq!(v(&both, BODY, &["not hex!"], SignatureEncoding::Hex), sig);
        assert_eq!(
            v(&both, BODY, &[&good_new[..10]], SignatureEncoding::Hex),
            sig
        );
        assert_eq!(
            v(&[], BODY, &[&good_new], SignatureEncoding::Hex),
            Err(ErrorKind::Config)
        );
    }

    #[test]
    fn tolerance_both_ways() {
        let clock = FixedClock(DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default());
        let tol = Duration::from_secs(300);
        assert!(check_timestamp("t", 1_700_000_000 - 300, &clock, tol).is_ok());
        assert!(check_timestamp("t", 1_700_000_000 + 300, &clock, tol).is_ok());
        assert!(check_timestamp("t", 1_700_000_000 - 301, &clock, tol).is_err());
        assert!(check_timestamp("t", 1_700_000_000 + 301, &clock, tol).is_err());
        assert!(check_timestamp("t", i64::MIN, &clock, tol).is_err());
        assert!(check_timestamp_age("t", 1_700_000_000 - 300, &clock, tol).is_ok());
        assert!(check_timestamp_age("t", 1_700_000_000 - 301, &clock, tol).is_err());
        assert!(check_timestamp_age("t", i64::MAX, &clock, tol).is_ok());
        assert!(check_timestamp_age("t", i64::MIN, &clock, tol).is_err());
        assert!(check_timestamp_age("t", 0, &clock, Duration::MAX).is_ok());
    }
}
