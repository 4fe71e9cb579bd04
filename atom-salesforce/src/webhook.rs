//! Salesforce Outbound Messages: the SOAP notifications a workflow or flow sends to your
//! endpoint when records change.
//!
//! **Salesforce does not sign outbound messages**, so nothing in the body proves who sent
//! it. [`OutboundMessages::parse`] reads a message and keeps it only if its
//! `OrganizationId` is one you expect: that filters out misdirected messages from other
//! orgs, but anyone who knows your org id can write one. Authenticate the sender outside
//! the body, with one or more of:
//!
//! * **TLS client certificate**: Salesforce presents its client certificate when it
//!   connects; have your TLS terminator (the server or proxy in front of it) require and
//!   verify it, and reject connections without it.
//! * **IP allow-list**: accept the endpoint only from Salesforce's published IP ranges
//!   ("Salesforce IP Addresses and Domains to Allow" in Salesforce Help), at the firewall
//!   or proxy.
//! * **The session id**: with "Send Session ID" set on the outbound message, the message
//!   carries a session of the sending org ([`OutboundMessage::session_id`]). Make one cheap
//!   call with it to *your own* instance URL (never the `EnterpriseUrl`/`PartnerUrl` the
//!   message names, which the sender chose), e.g. `Client::builder().base_url(your_instance)
//!   .access_token(session).build()?.limits().get()`: only a live session of your org
//!   succeeds.
//!
//! Reply to every accepted message with [`ACK_RESPONSE`], or Salesforce resends it for up
//! to 24 hours. [`outbound_message`] builds a valid message for tests.
//!
//! The body comes from anyone who can reach the endpoint, so it is checked before it is
//! trusted: more than [`MAX_BODY_BYTES`] is refused before any parsing, and the XML reader
//! refuses elements nested deeper than 64 levels or more than 250 000 elements (a real
//! message nests six levels). Every refusal is an [`ErrorKind::WebhookSignature`] error,
//! the kind that means "do not process this delivery", so a handler answers all of them
//! the same way (a 4xx, no acknowledgement).
//!
//! ```
//! use atom_salesforce::webhook::{self, Notification, OutboundMessages};
//! use atom_salesforce::Record;
//! let mut account = Record::default();
//! account.id = Some("001D000000JliSTIAZ".into());
//! account.set("Name", "Acme & Sons");
//! let body = webhook::outbound_message("00Dx0000000BV7zEAG", "04k5g000000abcdAAA",
//!     &[Notification { id: "04l5g00000AAAAAAA5".into(), object: "Account".into(), record: account }]);
//! let messages = OutboundMessages::new(["00Dx0000000BV7zEAG"]);
//! let msg = messages.parse(body.as_bytes())?;
//! assert_eq!(msg.notifications[0].record.get_str("Name"), Some("Acme & Sons"));
//! assert!(OutboundMessages::new(["00D000000000001"]).parse(body.as_bytes()).is_err());
//! # Ok::<(), atom_core::Error>(())
//! ```

use atom_core::webhook::constant_time_eq;
use atom_core::{Error, ErrorKind, Result, Secret};
use serde_json::Value;

use crate::soap::{self, escape};
use crate::{Record, SERVICE};

/// The acknowledgement Salesforce expects.
pub const ACK_RESPONSE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
<soapenv:Body><notificationsResponse xmlns=\"http://soap.sforce.com/2005/09/outbound\">\
<Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>";

/// One changed record (built by callers for [`outbound_message`], so not
/// `#[non_exhaustive]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    /// The notification id (deduplicate on it: Salesforce may resend).
    pub id: String,
    /// The object (`Account`).
    pub object: String,
    /// The fields the message carries (as text, the way SOAP sends them).
    pub record: Record,
}

/// A parsed outbound message.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OutboundMessage {
    /// The sending org.
    pub organization_id: String,
    /// The outbound message definition.
    pub action_id: String,
    /// The session id, when the message was set to send one: a call with it to your own
    /// instance URL authenticates the sender (see the module docs).
    pub session_id: Option<Secret>,
    /// Enterprise API URL.
    pub enterprise_url: Option<String>,
    /// Partner API URL.
    pub partner_url: Option<String>,
    /// The notifications (up to 100).
    pub notifications: Vec<Notification>,
}

/// Largest body [`OutboundMessages::parse`] and [`parse_unchecked`] read. An outbound message holds at most 100
/// notifications; real ones are a few kilobytes, and even 100 records with long text
/// fields stay well below this. Larger bodies are refused before any parsing, so reading
/// one costs nothing; a server should also cap what it buffers before calling in here.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

fn rejected(message: &str) -> Error {
    Error::new(ErrorKind::WebhookSignature, SERVICE, message).with_retryable(false)
}

/// Reads outbound messages and keeps those from the orgs you expect. This is a filter, not
/// authentication: outbound messages are not signed (see the module docs for how to
/// authenticate the sender).
#[derive(Debug, Clone)]
pub struct OutboundMessages {
    allowed: Vec<String>,
}

impl OutboundMessages {
    /// Accepts messages whose `OrganizationId` is one of `allowed_org_ids` (15- or
    /// 18-character org ids; compared on the first 15 characters).
    pub fn new<S: Into<String>>(allowed_org_ids: impl IntoIterator<Item = S>) -> Self {
        Self {
            allowed: allowed_org_ids.into_iter().map(Into::into).collect(),
        }
    }

    /// Parses the raw body and keeps it only if it names one of the allowed orgs
    /// (compared in constant time).
    ///
    /// A body over [`MAX_BODY_BYTES`], one that is not XML, nests too deep, or names another
    /// org is refused with [`ErrorKind::WebhookSignature`]; no allowed org at all is a
    /// `Config` error.
    pub fn parse(&self, body: &[u8]) -> Result<OutboundMessage> {
        if self.allowed.is_empty() {
            return Err(Error::config(
                SERVICE,
                "no expected organization id configured",
            ));
        }
        let message = parse_unchecked(body)?;
        let got = message.organization_id.get(..15).unwrap_or_default();
        let known = self.allowed.iter().any(|org| {
            let org = org.get(..15).unwrap_or_default();
            !org.is_empty() && constant_time_eq(org.as_bytes(), got.as_bytes())
        });
        if known {
            Ok(message)
        } else {
            Err(rejected("outbound message from an unexpected organization"))
        }
    }
}

/// Parses the raw body of an outbound message without checking the org.
///
/// Refuses ([`ErrorKind::WebhookSignature`]) a body over [`MAX_BODY_BYTES`] before reading
/// it, and one that is not XML or nests deeper than the reader's limit.
pub fn parse_unchecked(body: &[u8]) -> Result<OutboundMessage> {
    if body.len() > MAX_BODY_BYTES {
        return Err(rejected(&format!(
            "outbound message body is {} bytes; at most {MAX_BODY_BYTES} are accepted",
            body.len()
        )));
    }
    let root =
        soap::parse(body).map_err(|e| rejected(&format!("outbound message {}", e.describe())))?;
    let n = root
        .find("notifications")
        .ok_or_else(|| rejected("no notifications element"))?;
    let organization_id = n
        .text_of("OrganizationId")
        .ok_or_else(|| rejected("no OrganizationId"))?;
    let notifications = n
        .children_named("Notification")
        .map(|el| {
            let sobject = el.child("sObject");
            let mut record = Record::default();
            if let Some(s) = sobject {
                for field in &s.children {
                    if field.name == "Id" {
                        record.id = Some(field.text.trim().to_owned());
                    } else {
                        record
                            .fields
                            .insert(field.name.clone(), Value::String(field.text.clone()));
                    }
                }
            }
            Notification {
                id: el.text_of("Id").unwrap_or_default(),
                object: sobject.and_then(|s| s.xsi_type.clone()).unwrap_or_default(),
                record,
            }
        })
        .collect();
    Ok(OutboundMessage {
        organization_id,
        action_id: n.text_of("ActionId").unwrap_or_default(),
        session_id: n.text_of("SessionId").map(Secret::new),
        enterprise_url: n.text_of("EnterpriseUrl"),
        partner_url: n.text_of("PartnerUrl"),
        notifications,
    })
}

/// Builds an outbound message body as Salesforce sends it (for tests and local mocks).
pub fn outbound_message(org_id: &str, action_id: &str, notifications: &[Notification]) -> String {
    let mut items = String::new();
    for n in notifications {
        items.push_str(&format!(
            "<Notification><Id>{}</Id><sObject xsi:type=\"sf:{}\" xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\">",
            escape(&n.id),
            escape(&n.object)
        ));
        if let Some(id) = &n.record.id {
            items.push_str(&format!("<sf:Id>{}</sf:Id>", escape(id)));
        }
        for (name, value) in &n.record.fields {
            if crate::validate::identifier(name).is_err() {
                continue;
            }
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            items.push_str(&format!("<sf:{name}>{}</sf:{name}>", escape(&text)));
        }
        items.push_str("</sObject></Notification>");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<soapenv:Body><notifications xmlns=\"http://soap.sforce.com/2005/09/outbound\">\
<OrganizationId>{}</OrganizationId><ActionId>{}</ActionId>{items}</notifications></soapenv:Body></soapenv:Envelope>",
        escape(org_id),
        escape(action_id)
    )
}
