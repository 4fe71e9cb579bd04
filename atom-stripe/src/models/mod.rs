//! Typed Stripe objects. Money is `i64` minor units next to a [`Currency`]; timestamps are
//! `chrono` UTC times; enums have an `Other(String)` arm; every field not modelled is kept in
//! `extra`, so decoding and re-encoding loses nothing.

mod balance;
mod billing;
mod catalog;
mod common;
mod customer;
mod event;
mod payment;

pub use balance::{
    Balance, BalanceAmount, BalanceTransaction, BalanceTransactionStatus, FeeDetail, Payout,
    PayoutStatus,
};
pub use billing::{
    Invoice, InvoiceItem, InvoiceLineItem, InvoiceStatus, Period, Subscription, SubscriptionItem,
    SubscriptionStatus,
};
pub use catalog::{Interval, Price, PriceType, Product, Recurring};
pub use common::{
    CaptureMethod, CollectionMethod, Currency, Deleted, Expandable, HasId, List, Metadata,
    SearchResult,
};
pub use customer::Customer;
pub use event::{Event, EventData, EventObject, EventRequest, EventType};
pub use payment::{
    Charge, ChargeStatus, PaymentIntent, PaymentIntentStatus, Refund, RefundReason, RefundStatus,
};

mod decode;

// Fields of these types must be present: their absence is a decode error.
atom_core::model_required!(
    BalanceTransactionStatus,
    ChargeStatus,
    Currency,
    EventObject,
    EventType,
    Interval,
    PaymentIntentStatus,
    PayoutStatus,
    PriceType,
    SubscriptionStatus,
);
