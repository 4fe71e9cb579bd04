//! QuickBooks webhooks: `intuit-signature` is base64(HMAC-SHA256(verifier token, raw body)).
//!
//! Verification takes the raw body bytes exactly as received, accepts any of several
//! verifier tokens (rotation), compares in constant time, and only then reads the payload,
//! in either form Intuit sends:
//!
//! * the classic `{"eventNotifications":[{"realmId", "dataChangeEvent":{"entities":[{"name",
//!   "id", "operation", "lastUpdated"}]}}]}`;
//! * the CloudEvents form Intuit moved to in 2025: an array of `{"specversion":"1.0", "id",
//!   "type":"qbo.invoice.created.v1", "time", "intuitentityid", "intuitaccountid", "data"}`.
//!
//! Both become the same [`WebhookEvent`]s (realm, entity, id, operation, time). QuickBooks
//! signs no timestamp, so there is no replay window to check: deduplicate on
//! [`WebhookEvent::event_id`] (CloudEvents) or on entity, id and time.
//!
//! ```
//! use atom_core::Secret;
//! use atom_quickbooks::webhook::{sign, Webhook, SIGNATURE_HEADER};
//! let token = Secret::new("verifier-token");
//! let body = br#"{"eventNotifications":[{"realmId":"9130","dataChangeEvent":{"entities":[
//!   {"name":"Invoice","id":"130","operation":"Create","lastUpdated":"2026-01-05T14:42:19-0700"}]}}]}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert(SIGNATURE_HEADER, sign(&token, body).parse().unwrap());
//! let payload = Webhook::new([token]).verify(&headers, body).unwrap();
//! let events = payload.events();
//! assert_eq!((events[0].entity.as_str(), events[0].id.as_str()), ("Invoice", "130"));
//! ```

use atom_core::webhook::{SignatureEncoding, WebhookVerifier, verify_hmac_sha256};
use atom_core::{Error, ErrorKind, Extra, Result, Secret};
use http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::SERVICE;

/// The header Intuit signs with.
pub const SIGNATURE_HEADER: &str = "intuit-signature";

/// A test signer: the `intuit-signature` value for `body` under `verifier_token`.
pub fn sign(verifier_token: &Secret, body: &[u8]) -> String {
    atom_core::webhook::sign(verifier_token, &[body], SignatureEncoding::Base64)
}

/// One entity change of the classic payload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EntityChange {
    /// The entity name (`Invoice`).
    #[serde(default)]
    pub name: String,
    /// The object's id.
    #[serde(default)]
    pub id: String,
    /// `Create`, `Update`, `Delete`, `Merge`, `Void`, `Emailed`.
    #[serde(default)]
    pub operation: String,
    /// When it changed, as sent (`2026-01-05T14:42:19-0700`).
    #[serde(default, rename = "lastUpdated")]
    pub last_updated: Option<String>,
    /// The surviving id of a merge.
    #[serde(default, rename = "deletedId", skip_serializing_if = "Option::is_none")]
    pub deleted_id: Option<String>,
}

/// The changes of one realm in the classic payload.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventNotification {
    /// The company.
    #[serde(default, rename = "realmId")]
    pub realm_id: String,
    /// The changes.
    #[serde(default, rename = "dataChangeEvent")]
    pub data_change_event: DataChangeEvent,
}

/// `dataChangeEvent`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataChangeEvent {
    /// The changed entities.
    #[serde(default)]
    pub entities: Vec<EntityChange>,
}

/// One CloudEvents notification.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CloudEvent {
    /// `1.0`.
    #[serde(default)]
    pub specversion: String,
    /// The event id (deduplicate on it).
    #[serde(default)]
    pub id: String,
    /// The event source.
    #[serde(default)]
    pub source: Option<String>,
    /// `qbo.{entity}.{operation}.v{n}` (`qbo.invoice.created.v1`).
    #[serde(default, rename = "type")]
    pub event_type: String,
    /// When it happened.
    #[serde(default)]
    pub time: Option<String>,
    /// The object's id.
    #[serde(default)]
    pub intuitentityid: Option<String>,
    /// The company (realm) id.
    #[serde(default)]
    pub intuitaccountid: Option<String>,
    /// The event data.
    #[serde(default)]
    pub data: Option<serde_json::Value>,
    /// Other attributes.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A verified delivery, in the form it came in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookPayload {
    /// The classic `eventNotifications` payload.
    Classic(Vec<EventNotification>),
    /// The CloudEvents payload.
    CloudEvents(Vec<CloudEvent>),
}

/// One change, whatever the payload's form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The company (realm) id.
    pub realm_id: String,
    /// The entity name, as in the API (`Invoice`, `SalesReceipt`).
    pub entity: String,
    /// The object's id.
    pub id: String,
    /// `Create`, `Update`, `Delete`, `Merge`, `Void`, `Emailed`.
    pub operation: String,
    /// When it happened, as sent.
    pub time: Option<String>,
    /// The CloudEvents id (none in the classic form).
    pub event_id: Option<String>,
}

/// API names of entities whose CloudEvents type is written in lower case.
const ENTITY_NAMES: &[&str] = &[
    "Account",
    "Bill",
    "BillPayment",
    "Budget",
    "Class",
    "CreditMemo",
    "Currency",
    "Customer",
    "Department",
    "Deposit",
    "Employee",
    "Estimate",
    "Invoice",
    "Item",
    "JournalCode",
    "JournalEntry",
    "Payment",
    "PaymentMethod",
    "Preferences",
    "Purchase",
    "PurchaseOrder",
    "RefundReceipt",
    "SalesReceipt",
    "TaxAgency",
    "Term",
    "TimeActivity",
    "Transfer",
    "Vendor",
    "VendorCredit",
];

fn entity_name(lower: &str) -> String {
    ENTITY_NAMES
        .iter()
        .find(|n| n.eq_ignore_ascii_case(lower))
        .map(|n| (*n).to_owned())
        .unwrap_or_else(|| lower.to_owned())
}

fn operation_name(verb: &str) -> String {
    match verb {
        "created" => "Create",
        "updated" => "Update",
        "deleted" => "Delete",
        "merged" => "Merge",
        "voided" => "Void",
        "emailed" => "Emailed",
        other => other,
    }
    .to_owned()
}

impl CloudEvent {
    /// The entity and operation named by the type (`qbo.invoice.created.v1` →
    /// `("Invoice", "Create")`).
    pub fn entity_and_operation(&self) -> Option<(String, String)> {
        let mut parts = self.event_type.split('.');
        let _vendor = parts.next()?;
        let entity = parts.next()?;
        let verb = parts.next()?;
        Some((entity_name(entity), operation_name(verb)))
    }
}

impl WebhookPayload {
    /// Every change, in delivery order.
    pub fn events(&self) -> Vec<WebhookEvent> {
        match self {
            Self::Classic(notifications) => notifications
                .iter()
                .flat_map(|n| {
                    n.data_change_event.entities.iter().map(|e| WebhookEvent {
                        realm_id: n.realm_id.clone(),
                        entity: e.name.clone(),
                        id: e.id.clone(),
                        operation: e.operation.clone(),
                        time: e.last_updated.clone(),
                        event_id: None,
                    })
                })
                .collect(),
            Self::CloudEvents(events) => events
                .iter()
                .map(|e| {
                    let (entity, operation) = e.entity_and_operation().unwrap_or_default();
                    WebhookEvent {
                        realm_id: e.intuitaccountid.clone().unwrap_or_default(),
                        entity,
                        id: e.intuitentityid.clone().unwrap_or_default(),
                        operation,
                        time: e.time.clone(),
                        event_id: Some(e.id.clone()),
                    }
                })
                .collect(),
        }
    }
}

/// Reads a payload in either form (after its signature was checked).
pub fn parse_payload(body: &[u8]) -> Result<WebhookPayload> {
    #[derive(Deserialize)]
    struct Classic {
        #[serde(rename = "eventNotifications")]
        event_notifications: Vec<EventNotification>,
    }
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let decode = |e: serde_json::Error| {
        Error::new(
            ErrorKind::Decode,
            SERVICE,
            format!("webhook payload is not understood: {e}"),
        )
    };
    match start.and_then(|i| body.get(i)) {
        Some(b'[') => serde_json::from_slice::<Vec<CloudEvent>>(body)
            .map(WebhookPayload::CloudEvents)
            .map_err(decode),
        Some(b'{') => {
            let value: serde_json::Value = serde_json::from_slice(body).map_err(decode)?;
            if value.get("specversion").is_some() {
                serde_json::from_value::<CloudEvent>(value)
                    .map(|e| WebhookPayload::CloudEvents(vec![e]))
                    .map_err(decode)
            } else {
                serde_json::from_value::<Classic>(value)
                    .map(|c| WebhookPayload::Classic(c.event_notifications))
                    .map_err(decode)
            }
        }
        _ => Err(Error::new(
            ErrorKind::Decode,
            SERVICE,
            "webhook payload is not JSON",
        )),
    }
}

/// Verifies deliveries for one webhook endpoint (one or more verifier tokens while one
/// is rotated): `Webhook::new(tokens).verify(&headers, body)`, also through
/// [`WebhookVerifier`].
#[derive(Clone)]
pub struct Webhook {
    tokens: Vec<Secret>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

impl Webhook {
    /// A verifier for these verifier tokens.
    pub fn new(tokens: impl IntoIterator<Item = Secret>) -> Self {
        Self {
            tokens: tokens.into_iter().collect(),
        }
    }

    /// Checks `intuit-signature` over the raw `body`, then reads the payload. A missing,
    /// malformed or wrong signature is an [`ErrorKind::WebhookSignature`] error; a payload
    /// that is not understood after a valid signature is a `Decode` error.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookPayload> {
        let signatures: Vec<&str> = headers
            .get_all(SIGNATURE_HEADER)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        verify_hmac_sha256(
            SERVICE,
            &self.tokens,
            &[body],
            &signatures,
            SignatureEncoding::Base64,
        )?;
        parse_payload(body)
    }
}

impl WebhookVerifier for Webhook {
    type Event = WebhookPayload;

    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookPayload> {
        Webhook::verify(self, headers, body)
    }
}
