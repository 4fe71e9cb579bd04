//! Stripe webhook signatures: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`.
//!
//! The signature is HMAC-SHA256 under the endpoint secret (`whsec_…`) over
//! `"{t}.{raw body}"`. Verification takes the raw body bytes exactly as received, accepts
//! any `v1` in the header (Stripe sends several while a secret is rolled) under any of
//! several secrets, compares in constant time, and refuses a timestamp older than the
//! tolerance (300 s by default); like Stripe's own libraries it accepts one from the future,
//! which only this machine's slow clock can produce. A wrong, missing, stale or malformed
//! signature is an [`ErrorKind::WebhookSignature`](atom_core::ErrorKind) error, never a panic.
//!
//! ```
//! use atom_core::Secret;
//! use atom_stripe::webhook::{sign_header, Webhook};
//! let secret = Secret::new("whsec_test");
//! let body = br#"{"id":"evt_1","object":"event","api_version":null,"created":1700000000,
//!   "data":{"object":{"id":"x_1","object":"thing"}},"livemode":false,"pending_webhooks":0,
//!   "request":{"id":null,"idempotency_key":null},"type":"thing.happened"}"#;
//! let now = chrono::Utc::now().timestamp();
//! let mut headers = http::HeaderMap::new();
//! headers.insert("stripe-signature", sign_header(&secret, now, body).parse().unwrap());
//! let event = Webhook::new([secret]).verify(&headers, body).unwrap();
//! assert_eq!(event.event_type.as_str(), "thing.happened");
//! ```

use std::sync::Arc;
use std::time::Duration;

use atom_core::webhook::{
    Clock, SignatureEncoding, SystemClock, WebhookVerifier, check_timestamp_age, sign,
    verify_hmac_sha256,
};
use atom_core::{Error, ErrorKind, Result, Secret, decode_json};
use http::HeaderMap;

use crate::SERVICE;
use crate::models::Event;

/// The header Stripe signs with.
pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

/// Stripe's default tolerance.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// A parsed `Stripe-Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignatureHeader {
    /// `t=`: when Stripe signed, in Unix seconds.
    pub timestamp: i64,
    /// Every `v1=` signature, in order.
    pub v1: Vec<String>,
}

fn malformed(message: &str) -> Error {
    Error::new(ErrorKind::WebhookSignature, SERVICE, message).with_retryable(false)
}

/// Parses the header. Unknown schemes (`v0=`) are ignored; a missing or repeated `t`, or no
/// `v1`, is an error.
///
/// ```
/// use atom_stripe::webhook::parse_header;
/// let h = parse_header("t=1492774577,v1=aa,v0=bb,v1=cc").unwrap();
/// assert_eq!(h.timestamp, 1492774577);
/// assert_eq!(h.v1, vec!["aa", "cc"]);
/// assert!(parse_header("v1=aa").is_err());
/// ```
pub fn parse_header(header: &str) -> Result<SignatureHeader> {
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for item in header.split(',') {
        let Some((key, value)) = item.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "t" => {
                let t = value.trim().parse::<i64>().map_err(|_| {
                    malformed("Stripe-Signature has a timestamp that is not a number")
                })?;
                if timestamp.replace(t).is_some() {
                    return Err(malformed("Stripe-Signature has more than one timestamp"));
                }
            }
            "v1" => v1.push(value.trim().to_owned()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or_else(|| malformed("Stripe-Signature has no timestamp"))?;
    if v1.is_empty() {
        return Err(malformed("Stripe-Signature has no v1 signature"));
    }
    Ok(SignatureHeader { timestamp, v1 })
}

/// A test signer: a valid `Stripe-Signature` header for `payload` at `timestamp`.
pub fn sign_header(secret: &Secret, timestamp: i64, payload: &[u8]) -> String {
    let t = timestamp.to_string();
    let v1 = sign(
        secret,
        &[t.as_bytes(), b".", payload],
        SignatureEncoding::Hex,
    );
    format!("t={t},v1={v1}")
}

/// Verifies webhook deliveries for one endpoint (one or more secrets while rolling):
/// `Webhook::new(secrets).verify(&headers, body)`, also through
/// [`WebhookVerifier`].
#[derive(Clone)]
pub struct Webhook {
    secrets: Vec<Secret>,
    tolerance: Duration,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("secrets", &self.secrets.len())
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// A verifier for one endpoint that accepts any of its secrets (several while a secret
    /// is rolled), with a 300 s tolerance and the system clock.
    ///
    /// ```
    /// use atom_core::Secret;
    /// use atom_stripe::webhook::Webhook;
    /// let one = Webhook::new([Secret::new("whsec_current")]);
    /// let rolling = Webhook::new(["whsec_new", "whsec_old"]);
    /// # let _ = (one, rolling);
    /// ```
    pub fn new<S: Into<Secret>>(secrets: impl IntoIterator<Item = S>) -> Self {
        Self {
            secrets: secrets.into_iter().map(Into::into).collect(),
            tolerance: DEFAULT_TOLERANCE,
            clock: Arc::new(SystemClock),
        }
    }

    /// Another tolerance: how much older than now Stripe's timestamp may be (default 300 s).
    /// A timestamp from the future is accepted, as Stripe's own libraries do: it can only
    /// come from this machine's clock running slow, and refusing it would drop real events.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Another clock (tests: `atom_core::webhook::FixedClock`).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Authenticates a delivery from its headers (`Stripe-Signature`) and raw body, then
    /// decodes the typed [`Event`]. A missing, wrong, stale or malformed signature is a
    /// `WebhookSignature` error; a signed body that is not an event is a `Decode` error.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event> {
        let header = headers
            .get(SIGNATURE_HEADER)
            .ok_or_else(|| malformed("no Stripe-Signature header"))?
            .to_str()
            .map_err(|_| malformed("Stripe-Signature is not visible ASCII"))?;
        self.verify_header(header, body)
    }

    /// [`Webhook::verify`] for a framework that hands over the `Stripe-Signature` value
    /// alone.
    pub fn verify_header(&self, signature_header: &str, body: &[u8]) -> Result<Event> {
        let parsed = parse_header(signature_header)?;
        let t = parsed.timestamp.to_string();
        let candidates: Vec<&str> = parsed.v1.iter().map(String::as_str).collect();
        verify_hmac_sha256(
            SERVICE,
            &self.secrets,
            &[t.as_bytes(), b".", body],
            &candidates,
            SignatureEncoding::Hex,
        )?;
        check_timestamp_age(
            SERVICE,
            parsed.timestamp,
            self.clock.as_ref(),
            self.tolerance,
        )?;
        decode_json(SERVICE, body, None)
    }
}

impl WebhookVerifier for Webhook {
    type Event = Event;

    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event> {
        Webhook::verify(self, headers, body)
    }
}
