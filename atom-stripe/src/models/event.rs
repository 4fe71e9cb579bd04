//! Events: what webhooks deliver and `/v1/events` lists.

use atom_core::RedactedJson;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::balance::{Balance, BalanceTransaction, Payout};
use super::billing::{Invoice, InvoiceItem, Subscription};
use super::catalog::{Price, Product};
use super::common::{has_id, ts};
use super::customer::Customer;
use super::payment::{Charge, PaymentIntent, Refund};

atom_core::string_enum! {
    /// The event type. Types this crate does not list decode as `Other` with the text.
    #[non_exhaustive]
    pub enum EventType {
        /// `customer.created`
        CustomerCreated = "customer.created",
        /// `customer.updated`
        CustomerUpdated = "customer.updated",
        /// `customer.deleted`
        CustomerDeleted = "customer.deleted",
        /// `payment_intent.created`
        PaymentIntentCreated = "payment_intent.created",
        /// `payment_intent.succeeded`
        PaymentIntentSucceeded = "payment_intent.succeeded",
        /// `payment_intent.payment_failed`
        PaymentIntentPaymentFailed = "payment_intent.payment_failed",
        /// `payment_intent.canceled`
        PaymentIntentCanceled = "payment_intent.canceled",
        /// `payment_intent.amount_capturable_updated`
        PaymentIntentAmountCapturableUpdated = "payment_intent.amount_capturable_updated",
        /// `charge.succeeded`
        ChargeSucceeded = "charge.succeeded",
        /// `charge.failed`
        ChargeFailed = "charge.failed",
        /// `charge.refunded`
        ChargeRefunded = "charge.refunded",
        /// `charge.dispute.created`
        ChargeDisputeCreated = "charge.dispute.created",
        /// `refund.created`
        RefundCreated = "refund.created",
        /// `refund.updated`
        RefundUpdated = "refund.updated",
        /// `invoice.created`
        InvoiceCreated = "invoice.created",
        /// `invoice.finalized`
        InvoiceFinalized = "invoice.finalized",
        /// `invoice.paid`
        InvoicePaid = "invoice.paid",
        /// `invoice.payment_failed`
        InvoicePaymentFailed = "invoice.payment_failed",
        /// `invoice.voided`
        InvoiceVoided = "invoice.voided",
        /// `invoiceitem.created`
        InvoiceItemCreated = "invoiceitem.created",
        /// `customer.subscription.created`
        SubscriptionCreated = "customer.subscription.created",
        /// `customer.subscription.updated`
        SubscriptionUpdated = "customer.subscription.updated",
        /// `customer.subscription.deleted`
        SubscriptionDeleted = "customer.subscription.deleted",
        /// `product.created`
        ProductCreated = "product.created",
        /// `price.created`
        PriceCreated = "price.created",
        /// `balance.available`
        BalanceAvailable = "balance.available",
        /// `payout.created`
        PayoutCreated = "payout.created",
        /// `payout.paid`
        PayoutPaid = "payout.paid",
        /// `payout.failed`
        PayoutFailed = "payout.failed",
    }
}

/// The object an event is about: one of the modelled types, or the raw JSON for any other
/// object (or one that does not fit the model).
///
/// `Debug` of [`EventObject::Raw`] hides secret-named fields (a SetupIntent's
/// `client_secret`), as the typed models do.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum EventObject {
    /// A customer.
    Customer(Box<Customer>),
    /// A PaymentIntent.
    PaymentIntent(Box<PaymentIntent>),
    /// A charge.
    Charge(Box<Charge>),
    /// A refund.
    Refund(Box<Refund>),
    /// An invoice.
    Invoice(Box<Invoice>),
    /// An invoice item.
    InvoiceItem(Box<InvoiceItem>),
    /// A subscription.
    Subscription(Box<Subscription>),
    /// A product.
    Product(Box<Product>),
    /// A price.
    Price(Box<Price>),
    /// The balance.
    Balance(Box<Balance>),
    /// A balance transaction.
    BalanceTransaction(Box<BalanceTransaction>),
    /// A payout.
    Payout(Box<Payout>),
    /// Anything else, as sent.
    Raw(Value),
}

impl std::fmt::Debug for EventObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Customer(o) => f.debug_tuple("Customer").field(o).finish(),
            Self::PaymentIntent(o) => f.debug_tuple("PaymentIntent").field(o).finish(),
            Self::Charge(o) => f.debug_tuple("Charge").field(o).finish(),
            Self::Refund(o) => f.debug_tuple("Refund").field(o).finish(),
            Self::Invoice(o) => f.debug_tuple("Invoice").field(o).finish(),
            Self::InvoiceItem(o) => f.debug_tuple("InvoiceItem").field(o).finish(),
            Self::Subscription(o) => f.debug_tuple("Subscription").field(o).finish(),
            Self::Product(o) => f.debug_tuple("Product").field(o).finish(),
            Self::Price(o) => f.debug_tuple("Price").field(o).finish(),
            Self::Balance(o) => f.debug_tuple("Balance").field(o).finish(),
            Self::BalanceTransaction(o) => f.debug_tuple("BalanceTransaction").field(o).finish(),
            Self::Payout(o) => f.debug_tuple("Payout").field(o).finish(),
            Self::Raw(v) => f.debug_tuple("Raw").field(&RedactedJson(v)).finish(),
        }
    }
}

impl EventObject {
    /// Types the object by its `object` field; falls back to [`EventObject::Raw`].
    pub fn from_value(value: Value) -> Self {
        fn typed<T: serde::de::DeserializeOwned>(
            value: Value,
            wrap: fn(Box<T>) -> EventObject,
        ) -> EventObject {
            // Decoding from a reference keeps `value` for the fallback without copying it.
            match T::deserialize(&value) {
                Ok(object) => wrap(Box::new(object)),
                Err(_) => EventObject::Raw(value),
            }
        }
        let kind = value
            .get("object")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match kind {
            "customer" => typed(value, Self::Customer),
            "payment_intent" => typed(value, Self::PaymentIntent),
            "charge" => typed(value, Self::Charge),
            "refund" => typed(value, Self::Refund),
            "invoice" => typed(value, Self::Invoice),
            "invoiceitem" => typed(value, Self::InvoiceItem),
            "subscription" => typed(value, Self::Subscription),
            "product" => typed(value, Self::Product),
            "price" => typed(value, Self::Price),
            "balance" => typed(value, Self::Balance),
            "balance_transaction" => typed(value, Self::BalanceTransaction),
            "payout" => typed(value, Self::Payout),
            _ => Self::Raw(value),
        }
    }

    /// The object's type as Stripe names it in `object` (`payment_intent`), `unknown` for
    /// raw JSON without one.
    pub fn object_type(&self) -> &str {
        match self {
            Self::Customer(_) => "customer",
            Self::PaymentIntent(_) => "payment_intent",
            Self::Charge(_) => "charge",
            Self::Refund(_) => "refund",
            Self::Invoice(_) => "invoice",
            Self::InvoiceItem(_) => "invoiceitem",
            Self::Subscription(_) => "subscription",
            Self::Product(_) => "product",
            Self::Price(_) => "price",
            Self::Balance(_) => "balance",
            Self::BalanceTransaction(_) => "balance_transaction",
            Self::Payout(_) => "payout",
            Self::Raw(v) => v.get("object").and_then(Value::as_str).unwrap_or("unknown"),
        }
    }

    /// The object's id, when it has one.
    pub fn id(&self) -> Option<&str> {
        use super::common::HasId as _;
        Some(match self {
            Self::Customer(o) => o.id(),
            Self::PaymentIntent(o) => o.id(),
            Self::Charge(o) => o.id(),
            Self::Refund(o) => o.id(),
            Self::Invoice(o) => o.id(),
            Self::InvoiceItem(o) => o.id(),
            Self::Subscription(o) => o.id(),
            Self::Product(o) => o.id(),
            Self::Price(o) => o.id(),
            Self::Balance(_) => return None,
            Self::BalanceTransaction(o) => o.id(),
            Self::Payout(o) => o.id(),
            Self::Raw(v) => return v.get("id").and_then(Value::as_str),
        })
    }
}

impl Serialize for EventObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Customer(o) => o.serialize(s),
            Self::PaymentIntent(o) => o.serialize(s),
            Self::Charge(o) => o.serialize(s),
            Self::Refund(o) => o.serialize(s),
            Self::Invoice(o) => o.serialize(s),
            Self::InvoiceItem(o) => o.serialize(s),
            Self::Subscription(o) => o.serialize(s),
            Self::Product(o) => o.serialize(s),
            Self::Price(o) => o.serialize(s),
            Self::Balance(o) => o.serialize(s),
            Self::BalanceTransaction(o) => o.serialize(s),
            Self::Payout(o) => o.serialize(s),
            Self::Raw(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for EventObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_value(Value::deserialize(d)?))
    }
}

atom_core::model! {
    /// The event's payload.
    pub struct EventData {
        /// The object after the change.
        pub object: EventObject,
        /// For `*.updated` events, the fields that changed with their old values.
        @skip_if(Option::is_none)
        pub previous_attributes: Option<Map<String, Value>>,
    }
}

/// The API request that caused an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventRequest {
    /// The request id (`req_…`), `None` for automatic changes.
    #[serde(default)]
    pub id: Option<String>,
    /// The idempotency key that request carried.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

atom_core::model! {
    /// An event (`evt_…`).
    pub struct Event {
        /// The id.
        pub id: String,
        /// Always `event`.
        pub object: String,
        /// The connected account it happened on (Connect), when not the platform.
        @skip_if(Option::is_none)
        pub account: Option<String>,
        /// The API version the object is rendered in.
        pub api_version: Option<String>,
        /// When it happened.
        @with(ts::required)
        pub created: DateTime<Utc>,
        /// The payload.
        pub data: EventData,
        /// Live (true) or test mode.
        pub livemode: bool,
        /// Webhooks not yet delivered.
        pub pending_webhooks: Option<u64>,
        /// The request that caused it.
        pub request: Option<EventRequest>,
        /// The type (`payment_intent.succeeded`).
        @rename("type")
        pub event_type: EventType,
    }
}

has_id!(Event);
