//! Zendesk webhook signatures: `X-Zendesk-Webhook-Signature` is
//! base64(HMAC-SHA256(signing secret, timestamp + raw body)), with the timestamp in
//! `X-Zendesk-Webhook-Signature-Timestamp` (`2024-05-05T16:04:31Z`).
//!
//! Verification takes the raw body bytes exactly as received, accepts any of several
//! secrets (while a webhook's secret is reset), compares in constant time, and refuses a
//! timestamp more than the tolerance (300 s by default) from the clock's now. A missing,
//! wrong, stale or malformed signature is an [`ErrorKind::WebhookSignature`] error, never a
//! panic. Event-subscribed webhooks (`type: zen:event-type:ticket.created`) decode into
//! [`WebhookEvent::Ticket`] and the others' events; a trigger's or automation's webhook,
//! whose body the account designs, comes as [`WebhookEvent::Raw`].
//!
//! ```
//! use atom_core::Secret;
//! use atom_zendesk::webhook::{Webhook, WebhookEvent, signed_headers};
//! let secret = Secret::new("dGhpc19zZWNyZXQ");
//! let body = br#"{"type":"zen:event-type:ticket.status_changed","id":"e1","subject":"zen:ticket:35436","time":"2024-05-05T16:04:31Z","account_id":1,"detail":{"id":"35436","status":"SOLVED"},"event":{"current":"SOLVED","previous":"OPEN"}}"#;
//! let headers = signed_headers(&secret, chrono::Utc::now(), body);
//! let event = Webhook::new([secret]).verify(&headers, body).unwrap();
//! let WebhookEvent::Ticket(ticket) = event else { panic!("a ticket event") };
//! assert_eq!(ticket.ticket_id(), Some(35436));
//! ```

use std::sync::Arc;
use std::time::Duration;

use atom_core::webhook::{
    Clock, SignatureEncoding, SystemClock, WebhookVerifier, check_timestamp, sign,
    verify_hmac_sha256,
};
use atom_core::{Error, ErrorKind, Result, Secret, decode_json};
use chrono::{DateTime, SecondsFormat, Utc};
use http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::SERVICE;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-zendesk-webhook-signature";
/// The signed timestamp header.
pub const TIMESTAMP_HEADER: &str = "x-zendesk-webhook-signature-timestamp";
/// The default tolerance between the signed timestamp and now.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);
/// The longest timestamp header read (an RFC 3339 time is about 30 bytes).
const MAX_TIMESTAMP_LEN: usize = 64;

fn malformed(message: &str) -> Error {
    Error::new(ErrorKind::WebhookSignature, SERVICE, message).with_retryable(false)
}

/// An event of an event-subscribed webhook (`zen:event-type:*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ZendeskEvent {
    /// `zen:event-type:ticket.created`, `zen:event-type:user.created`, ...
    #[serde(rename = "type")]
    pub event_type: String,
    /// The event id.
    #[serde(default)]
    pub id: Option<String>,
    /// What it is about: `zen:ticket:35436`.
    #[serde(default)]
    pub subject: Option<String>,
    /// When it happened.
    #[serde(default)]
    pub time: Option<DateTime<Utc>>,
    /// The account.
    #[serde(default)]
    pub account_id: Option<u64>,
    /// The schema version.
    #[serde(default)]
    pub zendesk_event_version: Option<String>,
    /// The record as it is now (for tickets: id, status, priority, tags, ... as sent).
    #[serde(default)]
    pub detail: Value,
    /// What changed (`current`, `previous`, ...).
    #[serde(default)]
    pub event: Value,
}

impl ZendeskEvent {
    /// The part after `zen:event-type:` (`ticket.created`).
    pub fn kind(&self) -> &str {
        self.event_type
            .strip_prefix("zen:event-type:")
            .unwrap_or(&self.event_type)
    }

    /// The ticket id of a ticket event (`detail.id`, or the subject `zen:ticket:{id}`);
    /// `None` for other events, whose `detail.id` is another record's.
    pub fn ticket_id(&self) -> Option<u64> {
        if !self.kind().starts_with("ticket.") {
            return None;
        }
        let from_detail = match self.detail.get("id") {
            Some(Value::String(s)) => s.parse().ok(),
            Some(Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        from_detail.or_else(|| {
            self.subject
                .as_deref()?
                .strip_prefix("zen:ticket:")?
                .parse()
                .ok()
        })
    }
}

/// A verified delivery.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// A ticket event (`zen:event-type:ticket.*`).
    Ticket(ZendeskEvent),
    /// Another subscribed event (users, organizations, Help Center articles, ...).
    Other(ZendeskEvent),
    /// A body that is not a subscribed event: a trigger's or automation's payload, as sent.
    Raw(Value),
}

/// The signature of `body` at `timestamp` (the header's text) under `secret`.
pub fn signature(secret: &Secret, timestamp: &str, body: &[u8]) -> String {
    sign(
        secret,
        &[timestamp.as_bytes(), body],
        SignatureEncoding::Base64,
    )
}

/// A test signer: both headers of a valid delivery of `body` signed at `at`.
pub fn signed_headers(secret: &Secret, at: DateTime<Utc>, body: &[u8]) -> HeaderMap {
    let timestamp = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut headers = HeaderMap::new();
    let sig = signature(secret, &timestamp, body);
    // Base64 and RFC 3339 text are always valid header values.
    if let (Ok(sig), Ok(ts)) = (
        HeaderValue::from_str(&sig),
        HeaderValue::from_str(&timestamp),
    ) {
        headers.insert(SIGNATURE_HEADER, sig);
        headers.insert(TIMESTAMP_HEADER, ts);
    }
    headers
}

/// Verifies deliveries of one webhook (one or more signing secrets):
/// `Webhook::new(secrets).verify(&headers, body)`, also through [`WebhookVerifier`].
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
    /// A verifier that accepts any of `secrets`, with a 300 s tolerance and the system
    /// clock.
    pub fn new<S: Into<Secret>>(secrets: impl IntoIterator<Item = S>) -> Self {
        Self {
            secrets: secrets.into_iter().map(Into::into).collect(),
            tolerance: DEFAULT_TOLERANCE,
            clock: Arc::new(SystemClock),
        }
    }

    /// Another tolerance (default 300 s).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Another clock (tests: `atom_core::webhook::FixedClock`).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Authenticates a delivery from its two headers and raw body, then decodes it.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookEvent> {
        let text = |name: &str| -> Result<&str> {
            headers
                .get(name)
                .ok_or_else(|| malformed(&format!("no {name} header")))?
                .to_str()
                .map_err(|_| malformed(&format!("{name} is not visible ASCII")))
        };
        self.verify_parts(text(SIGNATURE_HEADER)?, text(TIMESTAMP_HEADER)?, body)
    }

    /// [`verify`](Self::verify) for a framework that hands over the two header values.
    pub fn verify_parts(
        &self,
        signature: &str,
        timestamp: &str,
        body: &[u8],
    ) -> Result<WebhookEvent> {
        if timestamp.len() > MAX_TIMESTAMP_LEN {
            return Err(malformed("the webhook timestamp is too long"));
        }
        verify_hmac_sha256(
            SERVICE,
            &self.secrets,
            &[timestamp.as_bytes(), body],
            &[signature],
            SignatureEncoding::Base64,
        )?;
        let at = DateTime::parse_from_rfc3339(timestamp.trim())
            .map_err(|_| malformed("the webhook timestamp is not an RFC 3339 time"))?;
        check_timestamp(SERVICE, at.timestamp(), self.clock.as_ref(), self.tolerance)?;
        let value: Value = decode_json(SERVICE, body, None)?;
        Ok(classify(value))
    }
}

fn classify(value: Value) -> WebhookEvent {
    let is_event = value
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with("zen:event-type:"));
    if !is_event {
        return WebhookEvent::Raw(value);
    }
    match serde_json::from_value::<ZendeskEvent>(value.clone()) {
        Ok(event) if event.kind().starts_with("ticket.") => WebhookEvent::Ticket(event),
        Ok(event) => WebhookEvent::Other(event),
        Err(_) => WebhookEvent::Raw(value),
    }
}

impl WebhookVerifier for Webhook {
    type Event = WebhookEvent;

    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookEvent> {
        Webhook::verify(self, headers, body)
    }
}
