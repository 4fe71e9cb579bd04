//! Webhook verification (signature v3, and v2 / v1 for older apps), typed event batches
//! with a raw fallback, and a test signer.
//!
//! * **v3** (`X-HubSpot-Signature-v3`): base64 HMAC-SHA256, keyed by the app's client
//!   secret, of method + full URI + body + `X-HubSpot-Request-Timestamp` (epoch ms); the
//!   timestamp must be within the tolerance (5 minutes) of now, either way.
//! * **v2** (`X-HubSpot-Signature`, `X-HubSpot-Signature-Version: v2`): hex SHA-256 of
//!   secret + method + URI + body. No timestamp: a captured request can be replayed.
//! * **v1** (`X-HubSpot-Signature`, version `v1`): hex SHA-256 of secret + body.
//!
//! Webhook deliveries go to the app's one target URL with `POST`, so the verifier is
//! built with that URL. Only v3 is accepted unless [`Webhook::accept_legacy`] is called:
//! an endpoint that takes v1 also takes any v1 request ever captured. A wrong, stale or
//! malformed signature is a `WebhookSignature` error, never a panic.
//!
//! ```
//! use atom_core::Secret;
//! use atom_hubspot::webhook::{self, Event, Webhook};
//! let secret = Secret::new("app-client-secret");
//! let url = "https://app.example.com/hubspot/webhooks";
//! let body = br#"[{"eventId":1,"subscriptionId":2,"portalId":62515,"appId":3,"occurredAt":1700000000000,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":101,"propertyName":"email","propertyValue":"ann@example.com","changeSource":"CRM"}]"#;
//! let headers = webhook::sign_v3(&secret, "POST", url, body, chrono::Utc::now());
//! let events = Webhook::new(vec![secret], url).verify(&headers, body)?;
//! let Event::Crm(event) = &events[0] else { panic!() };
//! assert_eq!(event.property_name.as_deref(), Some("email"));
//! assert_eq!(event.object_id.as_deref(), Some("101"));
//! # Ok::<(), atom_core::Error>(())
//! ```

use std::time::Duration;

use atom_core::webhook::{
    Clock, SignatureEncoding, SystemClock, WebhookVerifier, check_timestamp, constant_time_eq,
    sign, verify_hmac_sha256,
};
use atom_core::{Error, ErrorKind, Extra, Result, Secret};
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::SERVICE;
use crate::models::{id_text, lenient_timestamp};

/// The v3 signature header.
pub const SIGNATURE_V3: &str = "x-hubspot-signature-v3";
/// The v3 timestamp header (epoch milliseconds).
pub const TIMESTAMP: &str = "x-hubspot-request-timestamp";
/// The v1/v2 signature header.
pub const SIGNATURE: &str = "x-hubspot-signature";
/// The v1/v2 version header.
pub const SIGNATURE_VERSION: &str = "x-hubspot-signature-version";
/// How far a v3 timestamp may be from now.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
/// The largest body verified (HubSpot sends at most 100 events a request).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

atom_core::string_enum! {
    /// A webhook subscription type (`contact.creation`, `deal.propertyChange`...).
    pub enum SubscriptionType {
        /// A contact was created.
        ContactCreation = "contact.creation",
        /// A contact was deleted.
        ContactDeletion = "contact.deletion",
        /// A contact property changed.
        ContactPropertyChange = "contact.propertyChange",
        /// Contacts were merged.
        ContactMerge = "contact.merge",
        /// A contact's association changed.
        ContactAssociationChange = "contact.associationChange",
        /// A company was created.
        CompanyCreation = "company.creation",
        /// A company was deleted.
        CompanyDeletion = "company.deletion",
        /// A company property changed.
        CompanyPropertyChange = "company.propertyChange",
        /// A deal was created.
        DealCreation = "deal.creation",
        /// A deal was deleted.
        DealDeletion = "deal.deletion",
        /// A deal property changed.
        DealPropertyChange = "deal.propertyChange",
        /// A ticket was created.
        TicketCreation = "ticket.creation",
        /// A ticket was deleted.
        TicketDeletion = "ticket.deletion",
        /// A ticket property changed.
        TicketPropertyChange = "ticket.propertyChange",
        /// A generic object event (`object.creation` for custom objects).
        ObjectCreation = "object.creation",
        /// A generic property change.
        ObjectPropertyChange = "object.propertyChange",
    }
}

/// One CRM event of a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CrmEvent {
    /// The event id.
    #[serde(rename = "eventId", default)]
    pub event_id: Option<i64>,
    /// The subscription.
    #[serde(rename = "subscriptionId", default)]
    pub subscription_id: Option<i64>,
    /// The portal the event happened in.
    #[serde(rename = "portalId", default)]
    pub portal_id: Option<i64>,
    /// The app.
    #[serde(rename = "appId", default)]
    pub app_id: Option<i64>,
    /// When it happened (epoch ms on the wire).
    #[serde(rename = "occurredAt", default, deserialize_with = "lenient_timestamp")]
    pub occurred_at: Option<DateTime<Utc>>,
    /// What happened.
    #[serde(rename = "subscriptionType")]
    pub subscription_type: SubscriptionType,
    /// Delivery attempt (0 for the first).
    #[serde(rename = "attemptNumber", default)]
    pub attempt_number: Option<i64>,
    /// The record.
    #[serde(rename = "objectId", default, deserialize_with = "opt_id")]
    pub object_id: Option<String>,
    /// The changed property (property changes).
    #[serde(rename = "propertyName", default)]
    pub property_name: Option<String>,
    /// Its new value (text, as every property value).
    #[serde(rename = "propertyValue", default)]
    pub property_value: Option<String>,
    /// What made the change (`CRM`, `API`, `INTEGRATION`).
    #[serde(rename = "changeSource", default)]
    pub change_source: Option<String>,
    /// Fields the crate does not name (`changeFlag`, `sourceId`, merge ids).
    #[serde(flatten)]
    pub extra: Extra,
}

fn opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Id(#[serde(deserialize_with = "id_text")] String);
    Ok(Option::<Id>::deserialize(d)?.map(|Id(s)| s))
}

/// One item of a delivery.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A CRM event the crate can read.
    Crm(Box<CrmEvent>),
    /// Anything else, as sent.
    Raw(Value),
}

/// Which signature schemes an endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// HMAC-SHA256 with a timestamp.
    V3,
    /// SHA-256 of secret + method + URI + body.
    V2,
    /// SHA-256 of secret + body.
    V1,
}

/// Verifies deliveries to one target URL.
pub struct Webhook {
    secrets: Vec<Secret>,
    target_url: String,
    tolerance: Duration,
    legacy: bool,
    clock: Box<dyn Clock>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("secrets", &self.secrets.len())
            .field("target_url", &self.target_url)
            .field("tolerance", &self.tolerance)
            .field("legacy", &self.legacy)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// A verifier for deliveries `POST`ed to `target_url`, signed with any of `secrets`
    /// (the app's client secret; several during a rotation).
    pub fn new(secrets: Vec<Secret>, target_url: impl Into<String>) -> Self {
        Self {
            secrets,
            target_url: target_url.into(),
            tolerance: DEFAULT_TOLERANCE,
            legacy: false,
            clock: Box::new(SystemClock),
        }
    }

    /// How far a v3 timestamp may be from now (default 5 minutes).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Also accepts v2 and v1 signatures (apps created before v3; they sign no timestamp).
    pub fn accept_legacy(mut self) -> Self {
        self.legacy = true;
        self
    }

    /// Reads "now" from `clock` (tests).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Checks the signature of a delivery (the raw body bytes) and reads its events.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Vec<Event>> {
        self.verify_with_version(headers, body)
            .map(|(_, events)| events)
    }

    /// Checks the signature of a delivery and reads its events; returns the scheme that
    /// matched too.
    pub fn verify_with_version(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(SignatureVersion, Vec<Event>)> {
        let version = self.check_signature("POST", &self.target_url, headers, body)?;
        Ok((version, parse_events(body)?))
    }

    /// Checks the signature of any signed HubSpot request (a workflow action, a CRM card
    /// fetch) made with `method` to `uri` (the full URL, query included, as HubSpot
    /// called it); the body is not read. Returns the scheme that matched.
    pub fn check_signature(
        &self,
        method: &str,
        uri: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<SignatureVersion> {
        if body.len() > MAX_BODY {
            return Err(signature_error("webhook body is too large to verify"));
        }
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(signature) = text(SIGNATURE_V3) {
            self.verify_v3(method, uri, signature, text(TIMESTAMP), body)?;
            return Ok(SignatureVersion::V3);
        }
        let Some(signature) = text(SIGNATURE) else {
            return Err(signature_error("webhook signature is missing"));
        };
        if !self.legacy {
            return Err(signature_error(
                "only v3 webhook signatures are accepted (X-HubSpot-Signature-v3 is missing)",
            ));
        }
        match text(SIGNATURE_VERSION).map(str::trim).unwrap_or("v1") {
            "v2" => {
                self.verify_sha256(signature, &[method.as_bytes(), uri.as_bytes(), body])?;
                Ok(SignatureVersion::V2)
            }
            "v1" => {
                self.verify_sha256(signature, &[body])?;
                Ok(SignatureVersion::V1)
            }
            _ => Err(signature_error("unknown X-HubSpot-Signature-Version")),
        }
    }

    fn verify_v3(
        &self,
        method: &str,
        uri: &str,
        signature: &str,
        timestamp: Option<&str>,
        body: &[u8],
    ) -> Result<()> {
        // The header's text is what HubSpot signed; it must also read as epoch ms.
        let stamp = timestamp.map(str::trim).unwrap_or_default();
        let millis: i64 = stamp
            .parse()
            .map_err(|_| signature_error("X-HubSpot-Request-Timestamp is missing or malformed"))?;
        check_timestamp(
            SERVICE,
            millis.div_euclid(1000),
            self.clock.as_ref(),
            self.tolerance,
        )?;
        let mut last = None;
        // HubSpot signs the URI with some percent-escapes decoded; try both forms.
        for uri in uri_forms(uri) {
            match verify_hmac_sha256(
                SERVICE,
                &self.secrets,
                &[method.as_bytes(), uri.as_bytes(), body, stamp.as_bytes()],
                &[signature],
                SignatureEncoding::Base64,
            ) {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| signature_error("webhook signature does not match")))
    }

    fn verify_sha256(&self, signature: &str, parts: &[&[u8]]) -> Result<()> {
        if self.secrets.is_empty() || self.secrets.iter().any(Secret::is_empty) {
            return Err(Error::config(SERVICE, "webhook secret is not set"));
        }
        let Some(given) = hex_decode(signature.trim()).filter(|g| g.len() == 32) else {
            return Err(signature_error("webhook signature is missing or malformed"));
        };
        let mut matched = false;
        for secret in &self.secrets {
            let expected = sha256(secret, parts);
            matched |= constant_time_eq(&expected, &given);
        }
        if matched {
            Ok(())
        } else {
            Err(signature_error("webhook signature does not match"))
        }
    }
}

/// A verified delivery: the batch of events HubSpot sent in one request (up to 100). It
/// is the [`WebhookVerifier`] event of [`Webhook`], so
/// `atom_core::feed::changes_from_webhook` turns it into the records feed's changes (see
/// [`crate::feed`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The events, in the order sent.
    pub events: Vec<Event>,
}

impl Delivery {
    /// A delivery of these events.
    pub fn new(events: Vec<Event>) -> Self {
        Self { events }
    }
}

impl WebhookVerifier for Webhook {
    type Event = Delivery;

    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery> {
        self.verify_with_version(headers, body)
            .map(|(_, events)| Delivery::new(events))
    }
}

fn signature_error(message: &str) -> Error {
    Error::new(ErrorKind::WebhookSignature, SERVICE, message).with_retryable(false)
}

/// The events of a verified body: a JSON array (one object is read as a batch of one).
/// Items that are not CRM events are kept raw.
pub fn parse_events(body: &[u8]) -> Result<Vec<Event>> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Error::decode(SERVICE, format!("webhook body is not JSON: {e}")))?;
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    Ok(items
        .into_iter()
        .map(
            |item| match serde_json::from_value::<CrmEvent>(item.clone()) {
                Ok(event) => Event::Crm(Box::new(event)),
                Err(_) => Event::Raw(item),
            },
        )
        .collect())
}

/// The URI as given, and with the escapes HubSpot decodes before signing decoded.
fn uri_forms(uri: &str) -> Vec<String> {
    const DECODED: [(&str, &str); 12] = [
        ("%3A", ":"),
        ("%2F", "/"),
        ("%3F", "?"),
        ("%40", "@"),
        ("%21", "!"),
        ("%24", "$"),
        ("%27", "'"),
        ("%28", "("),
        ("%29", ")"),
        ("%2A", "*"),
        ("%2C", ","),
        ("%3B", ";"),
    ];
    let mut decoded = uri.to_owned();
    for (from, to) in DECODED {
        decoded = decoded
            .replace(from, to)
            .replace(&from.to_ascii_lowercase(), to);
    }
    if decoded == uri {
        vec![uri.to_owned()]
    } else {
        vec![uri.to_owned(), decoded]
    }
}

fn sha256(secret: &Secret, parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(secret.expose().as_bytes());
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn header(value: &str) -> HeaderValue {
    // Signatures, timestamps and versions are ASCII.
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Test signer: v3 headers for a delivery `method`-ed to `uri` at `at`.
pub fn sign_v3(
    secret: &Secret,
    method: &str,
    uri: &str,
    body: &[u8],
    at: DateTime<Utc>,
) -> HeaderMap {
    let stamp = at.timestamp_millis().to_string();
    let signature = sign(
        secret,
        &[method.as_bytes(), uri.as_bytes(), body, stamp.as_bytes()],
        SignatureEncoding::Base64,
    );
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_V3, header(&signature));
    headers.insert(TIMESTAMP, header(&stamp));
    headers
}

/// Test signer: v2 headers.
pub fn sign_v2(secret: &Secret, method: &str, uri: &str, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        SIGNATURE,
        header(&hex(&sha256(
            secret,
            &[method.as_bytes(), uri.as_bytes(), body],
        ))),
    );
    headers.insert(SIGNATURE_VERSION, HeaderValue::from_static("v2"));
    headers
}

/// Test signer: v1 headers.
pub fn sign_v1(secret: &Secret, body: &[u8]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE, header(&hex(&sha256(secret, &[body]))));
    headers.insert(SIGNATURE_VERSION, HeaderValue::from_static("v1"));
    headers
}
