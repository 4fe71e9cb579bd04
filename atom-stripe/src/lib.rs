//! # atom-stripe
//!
//! A typed async client for the Stripe API (payments, billing, reconciliation, Connect and
//! webhooks), built on `atom-core`'s request path. It is for services that take payments,
//! run subscriptions and reconcile payouts, and that must never charge a customer twice.
//!
//! What it does:
//!
//! * **Resources** (typed parameters and models; every list is an auto-paging `Stream`):
//!   customers, PaymentIntents, charges, refunds, invoices and invoice items, subscriptions,
//!   products and prices, events, balance, balance transactions and payouts; one verb per
//!   action (`get`, `create`, `update`, `delete`, `list`, `search`), and each list and
//!   search has a `*_from(params, checkpoint)` twin that resumes from
//!   [`Paginator::checkpoint`](atom_core::Paginator::checkpoint). Anything else goes through
//!   [`Client::send`] with the same key, version, limits, retries and error mapping.
//! * **Construction**: [`Client::new`] with a key, or [`Client::builder`] with the options
//!   every atom crate shares (`base_url`, `timeout`, `rate_limits`, `tenant`,
//!   `user_agent`, …) and Stripe's own (`secret_key`, `api_version`, `stripe_account`,
//!   `class_limits`).
//! * **Auth**: a secret or restricted key as bearer; Connect through `Stripe-Account` per
//!   client ([`Client::with_account`]) or per call ([`RequestOptions`]), and the Connect
//!   OAuth flow ([`auth::ConnectOAuth`]: authorize URL, code exchange → `stripe_user_id`,
//!   deauthorize).
//! * **Versioning**: `Stripe-Version` pinned to [`DEFAULT_API_VERSION`], overridable per
//!   client.
//! * **Form bodies** exactly as Stripe reads them ([`form`]): `a[b][c]=`, `items[0][price]=`,
//!   `metadata[key]=`, `expand[]=`; [`form::Clearable::Clear`] sends `field=` to unset;
//!   unset optional parameters are not sent. Values nested deeper than 32 levels, map keys
//!   with `[` or `]`, and metadata beyond Stripe's limits (50 keys, 40-character keys,
//!   500-character values) are `Config` errors before any request.
//! * **Never twice**: every POST carries an `Idempotency-Key` (yours, or a fresh UUID v4),
//!   the same on every retry. Retries follow atom-core's policy plus Stripe's signals:
//!   `Stripe-Should-Retry` wins, 409 and 429 `lock_timeout` are retried, card errors never.
//! * **Errors**: one `atom_core::Error`; a declined card is
//!   [`ErrorKind::PaymentDeclined`](atom_core::ErrorKind) with code `card_declined`, and
//!   [`error::StripeErrorInfo`] (`err.provider_details::<StripeErrorInfo>()`) gives
//!   `decline_code`, `param`, `doc_url` without string matching. The `Request-Id` is on
//!   every error.
//! * **Limits**: client-side pacing at Stripe's published rates (100/s live, 25/s test,
//!   20/s search), per connected account.
//! * **Change feed** ([`feed`]): `client.events().feed(params, start)` yields events oldest
//!   first as `atom_core::feed::Change`s, each with the checkpoint to save once handled;
//!   `feed_from(params, checkpoint)` resumes after a crash with every later event, and a
//!   checkpoint older than Stripe's 30 days of events is an `ErrorKind::FeedGap` error.
//! * **Webhooks** ([`webhook`]): `Webhook::new(secrets).verify(&headers, body)`:
//!   `Stripe-Signature` verification with several `v1` and several secrets, a 300 s
//!   tolerance and an injectable clock; a typed [`models::Event`]; a test signer.
//!
//! What it does not do: no Stripe.js / client-side confirmation, no webhook HTTP server
//! (hand the raw body and headers to [`webhook::Webhook`] from your framework), no v2 API
//! (`/v2/...` JSON endpoints), no file uploads. Models type the fields reconciliation and
//! billing code reads; everything else is kept in each model's `extra` map.
//!
//! ## Example
//!
//! ```no_run
//! use atom_core::{Connector as _, Envelope};
//! use atom_stripe::{Client, CustomerCreateParams, PaymentIntentCreateParams};
//!
//! # async fn demo() -> atom_core::Result<()> {
//! let stripe = Client::new(std::env::var("STRIPE_SECRET_KEY").unwrap_or_default())?;
//! stripe.health().await?;
//! let customer = stripe
//!     .customers()
//!     .idempotency_key("signup-42") // repeat-safe across restarts
//!     .create(&CustomerCreateParams {
//!         email: Some("jenny@example.com".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//! let mut params = PaymentIntentCreateParams::new(1099, "usd");
//! params.customer = Some(customer.id.clone());
//! let intent = stripe.payment_intents().create(&params).await;
//! println!("{}", serde_json::to_string(&Envelope::from_result("stripe", intent)).unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! ## Examples per resource family
//!
//! Customers, listed with auto-paging and searched:
//!
//! ```no_run
//! # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_stripe::{CustomerListParams, ListParams, SearchParams, SearchQuery};
//! let params = CustomerListParams { page: ListParams::new().limit(100), ..Default::default() };
//! let all: Vec<_> = stripe.customers().list(&params).try_collect().await?;
//! let q = SearchQuery::all().eq("email", "jenny@example.com").build();
//! let found: Vec<_> = stripe.customers().search(&SearchParams::new(q)).try_collect().await?;
//! # let _ = (all, found); Ok(()) }
//! ```
//!
//! PaymentIntents, with a declined card told apart without string matching:
//!
//! ```no_run
//! # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
//! use atom_stripe::{PaymentIntentConfirmParams, error::StripeErrorInfo};
//! let confirm = PaymentIntentConfirmParams {
//!     payment_method: Some("pm_card_visa".into()),
//!     ..Default::default()
//! };
//! match stripe.payment_intents().confirm("pi_123", &confirm).await {
//!     Ok(intent) => println!("{}", intent.status),
//!     Err(e) if e.kind() == atom_core::ErrorKind::PaymentDeclined => {
//!         let info = e.provider_details::<StripeErrorInfo>();
//!         let decline = info.and_then(|i| i.decline_code.as_deref());
//!         println!("declined: {decline:?}");
//!     }
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! Charges and refunds (pass your own idempotency key for refunds):
//!
//! ```no_run
//! # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
//! use atom_stripe::RefundCreateParams;
//! let charge = stripe.charges().expand("balance_transaction").get("ch_123").await?;
//! let refund = stripe
//!     .refunds()
//!     .idempotency_key("refund-order-6735")
//!     .create(&RefundCreateParams { charge: Some(charge.id), amount: Some(500), ..Default::default() })
//!     .await?;
//! # let _ = refund; Ok(()) }
//! ```
//!
//! Invoices, invoice items and subscriptions:
//!
//! ```no_run
//! # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
//! use atom_stripe::*;
//! stripe.invoice_items().create(&InvoiceItemCreateParams {
//!     customer: "cus_123".into(), amount: Some(2500), currency: Some("usd".into()), ..Default::default()
//! }).await?;
//! let draft = stripe.invoices().create(&InvoiceCreateParams {
//!     customer: "cus_123".into(),
//!     pending_invoice_items_behavior: Some("include".into()),
//!     ..Default::default()
//! }).await?;
//! let open = stripe.invoices().finalize(&draft.id, &InvoiceFinalizeParams::default()).await?;
//! stripe.invoices().pay(&open.id, &InvoicePayParams::default()).await?;
//! let sub = stripe.subscriptions().create(&SubscriptionCreateParams {
//!     customer: "cus_123".into(),
//!     items: vec![SubscriptionItemParams::price("price_123", 1)],
//!     ..Default::default()
//! }).await?;
//! stripe.subscriptions().cancel(&sub.id, &SubscriptionCancelParams::default()).await?;
//! # Ok(()) }
//! ```
//!
//! Products and prices:
//!
//! ```no_run
//! # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
//! use atom_stripe::{PriceCreateParams, ProductCreateParams};
//! let product = stripe.products().create(&ProductCreateParams { name: "T-shirt".into(), ..Default::default() }).await?;
//! let price = stripe.prices().create(&PriceCreateParams::new(&product.id, 2000, "usd")).await?;
//! # let _ = price; Ok(()) }
//! ```
//!
//! Events, balance, balance transactions and payouts (reconciliation):
//!
//! ```no_run
//! # async fn demo(stripe: atom_stripe::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_stripe::*;
//! let events = EventListParams {
//!     page: ListParams::new().created(RangeQuery::between(1_700_000_000, 1_700_086_400)),
//!     event_type: Some("payout.paid".into()),
//!     ..Default::default()
//! };
//! let mut stream = stripe.events().list(&events);
//! while let Some(event) = stream.try_next().await? {
//!     if let atom_stripe::models::EventObject::Payout(payout) = &event.data.object {
//!         let lines = BalanceTransactionListParams { payout: Some(payout.id.clone()), ..Default::default() };
//!         let settled: Vec<_> = stripe.balance_transactions().list(&lines).try_collect().await?;
//!         println!("{} settled {} lines", payout.id, settled.len());
//!     }
//! }
//! println!("{:?}", stripe.balance().get().await?.available);
//! # Ok(()) }
//! ```
//!
//! Webhooks:
//!
//! ```no_run
//! # fn demo(headers: &http::HeaderMap, raw_body: &[u8]) -> atom_core::Result<()> {
//! use atom_stripe::webhook::Webhook;
//! let hook = Webhook::new([
//!     atom_core::Secret::new("whsec_new"),
//!     atom_core::Secret::new("whsec_old"), // while rolling
//! ]);
//! let event = hook.verify(headers, raw_body)?;
//! println!("{} {}", event.event_type, event.id);
//! # Ok(()) }
//! ```

/// The service id (`"stripe"`).
pub const SERVICE: &str = "stripe";

pub mod auth;
mod balance;
mod charges;
mod client;
mod customers;
pub mod error;
mod events;
pub mod feed;
pub mod form;
mod invoices;
pub mod models;
pub mod pagination;
mod payment_intents;
mod products;
mod refunds;
mod subscriptions;
pub mod webhook;

pub use balance::{
    BalanceApi, BalanceTransactionListParams, BalanceTransactions, PayoutListParams, Payouts,
};
pub use charges::{ChargeListParams, Charges};
pub use client::{
    Client, ClientBuilder, DEFAULT_API_VERSION, DEFAULT_BASE_URL, MAX_IDEMPOTENCY_KEY_LEN,
    RequestOptions, SEARCH_CLASS, StripeProvider,
};
pub use customers::{CustomerCreateParams, CustomerListParams, CustomerUpdateParams, Customers};
pub use events::{EventListParams, Events};
pub use invoices::{
    InvoiceCreateParams, InvoiceFinalizeParams, InvoiceItemCreateParams, InvoiceItems,
    InvoiceListParams, InvoicePayParams, InvoiceUpdateParams, Invoices,
    PendingInvoiceItemsBehavior,
};
pub use pagination::{ListParams, RangeQuery, SearchParams, SearchQuery};
pub use payment_intents::{
    AutomaticPaymentMethods, PaymentIntentCancelParams, PaymentIntentCancelReason,
    PaymentIntentCaptureParams, PaymentIntentConfirmParams, PaymentIntentCreateParams,
    PaymentIntentListParams, PaymentIntentUpdateParams, PaymentIntents,
};
pub use products::{
    PriceCreateParams, PriceListParams, Prices, ProductCreateParams, ProductListParams, Products,
    RecurringParams,
};
pub use refunds::{RefundCreateParams, RefundCreateReason, RefundListParams, Refunds};
pub use subscriptions::{
    PaymentBehavior, ProrationBehavior, SubscriptionCancelParams, SubscriptionCreateParams,
    SubscriptionItemParams, SubscriptionListParams, SubscriptionListStatus,
    SubscriptionUpdateParams, Subscriptions,
};
