//! # atom-quickbooks
//!
//! A typed async client for the QuickBooks Online Accounting API (v3), built on
//! `atom-core`'s request path. It is for services that push invoices and payments into
//! their customers' books, record expenses, read financial reports and reconcile
//! QuickBooks against other systems, where nothing may be rounded, posted twice, or
//! overwritten by a stale copy.
//!
//! What it does:
//!
//! * **Entities** (typed models, one generic handler [`Entities`]): Customer, Vendor, Item,
//!   Account, Invoice, Payment, SalesReceipt, CreditMemo, Estimate, Bill, BillPayment,
//!   Purchase, Deposit, JournalEntry, TaxCode, Term, PaymentMethod, CompanyInfo,
//!   Preferences. `client.entity::<Invoice>()` or `client.invoices()`: `get`, `create`,
//!   `update` (full), `sparse_update`, `delete`, `void`, `send` (email), `pdf`, `query`,
//!   `list`, `count`, each only where QuickBooks allows it (a capability trait per call,
//!   so `customers().delete(..)` does not compile).
//! * **Queries** ([`query`]): a builder for `SELECT … FROM … WHERE … ORDER BY …` that
//!   validates names and escapes values; every query is an auto-paging
//!   [`Paginator`](atom_core::Paginator) (`STARTPOSITION`, 1000 rows a page, to the end)
//!   with a `query_from(.., checkpoint)` twin; `COUNT(*)`.
//! * **Batch** ([`batch`]): mixed create/update/delete/query operations, 30 per call, larger
//!   inputs split, results and faults matched back by `bId` in input order.
//! * **Change data capture** ([`cdc`]): changes since a time (30-day window enforced),
//!   deleted objects flagged, a serialisable checkpoint for sync loops; and as a change
//!   feed ([`feed`]): oldest first, resumable, the 1 000-per-entity cap walked.
//! * **Reports** ([`reports`]): ProfitAndLoss, BalanceSheet, CashFlow, AgedReceivables,
//!   AgedPayables, CustomerSales, TransactionList with their parameters, decoded into a
//!   [`reports::Report`] to walk (sections, rows, totals) and render.
//! * **Exact money**: amounts, quantities and rates are [`atom_core::Decimal`] ([`amount`]
//!   parses one, [`lines_total`] sums a transaction's lines exactly for reconciliation);
//!   dates are `NaiveDate`, timestamps keep their offset; unknown fields are kept in `extra`.
//!   Company info and preferences are read with [`Client::company_info`] and
//!   [`Client::preferences`].
//! * **Never twice, never stale**: every create, update, delete, void and batch sends a
//!   `requestid` (yours, or a fresh UUID v4) that is the same on every retry; updates
//!   need the `SyncToken` read with the object (refused before any request without one),
//!   and a stale one is [`ErrorKind::Conflict`](atom_core::ErrorKind) — re-read and apply
//!   again, nothing is overwritten.
//! * **Errors**: the `Fault` body (JSON or XML, also inside an HTTP 200 answer) becomes one
//!   `atom_core::Error` with Intuit's code, message, and `intuit_tid` as request id; every
//!   entry of the fault is in [`QuickBooksErrorInfo`].
//! * **Hosts and versions**: [`Environment::Production`] or [`Environment::Sandbox`],
//!   chosen explicitly; every path under `/v3/company/{realmId}/` with the realm id checked;
//!   `minorversion` (default [`DEFAULT_MINOR_VERSION`], 75) on every call.
//! * **Auth** ([`auth`]): Intuit's OAuth 2.0 through atom-core (authorize URL with scopes,
//!   `state` and PKCE; code exchange recording the `realmId`; refresh ahead of expiry with
//!   the rotated refresh token saved first; revoke; OpenID user info), tokens stored per
//!   realm.
//! * **Limits**: per-realm pacing at Intuit's published 500 requests a minute and 10 at
//!   once, batch calls in their own class ([`BATCH_CLASS`]); 429 and `ThrottleExceeded`
//!   faults wait and retry.
//! * **Webhooks** ([`webhook`]): `intuit-signature` verified in constant time, the classic
//!   `eventNotifications` and the CloudEvents payloads, a test signer.
//!
//! What it does not do: no QuickBooks Payments or Payroll APIs, no attachments upload,
//! no webhook HTTP server (hand the raw body and headers to [`webhook::Webhook`]).
//! Entities not typed here (Class, Department, Employee, RefundReceipt…) go through
//! [`Client::send`] with the same credential, limits and error mapping.
//!
//! ## Example
//!
//! ```no_run
//! use atom_core::{Connector as _, Envelope};
//! use atom_quickbooks::{Client, Customer, Environment, Invoice, Line, Ref};
//!
//! # async fn demo(manager: std::sync::Arc<atom_core::TokenManager>) -> atom_core::Result<()> {
//! let qb = Client::new(Environment::Sandbox, "9130347596843992", manager)?;
//! qb.health().await?;
//! let mut customer = Customer::default();
//! customer.display_name = Some("Acme Ltd".into());
//! let customer = qb.customers().request_id("crm-acme").create(&customer).await?;
//! let mut invoice = Invoice::default();
//! invoice.customer_ref = customer.id.clone().map(Ref::new);
//! invoice.line = vec![Line::sales_item(atom_quickbooks::amount("1250.50")?, Ref::new("1"))];
//! let invoice = qb.invoices().request_id("order-1042").create(&invoice).await;
//! println!("{}", serde_json::to_string(&Envelope::from_result("quickbooks", invoice)).unwrap_or_default());
//! # Ok(()) }
//! ```
//!
//! ## Examples per family
//!
//! Queries page through every row:
//!
//! ```no_run
//! # async fn demo(qb: atom_quickbooks::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_quickbooks::{Invoice, Op, Query};
//! let open: Vec<Invoice> = qb
//!     .invoices()
//!     .query(Query::of::<Invoice>().filter("Balance", Op::Gt, 0).order_by("TxnDate"))
//!     .try_collect()
//!     .await?;
//! let n = qb.invoices().count(&Query::of::<Invoice>()).await?;
//! # let _ = (open, n); Ok(()) }
//! ```
//!
//! An update with the `SyncToken` read, and a stale copy refused:
//!
//! ```no_run
//! # async fn demo(qb: atom_quickbooks::Client) -> atom_core::Result<()> {
//! use atom_core::ErrorKind;
//! let mut invoice = qb.invoices().get("130").await?;
//! invoice.private_note = Some("checked".into());
//! match qb.invoices().sparse_update(&invoice).await {
//!     Err(e) if e.kind() == ErrorKind::Conflict => { /* someone else changed it: re-read */ }
//!     other => { other?; }
//! }
//! # Ok(()) }
//! ```
//!
//! A payment applied to an invoice, then a profit and loss report:
//!
//! ```no_run
//! # async fn demo(qb: atom_quickbooks::Client) -> atom_core::Result<()> {
//! use atom_quickbooks::reports::ReportParams;
//! use atom_quickbooks::{Line, Payment, Ref};
//! let mut payment = Payment::default();
//! payment.customer_ref = Some(Ref::new("58"));
//! payment.total_amt = Some(atom_quickbooks::amount("1250.50")?);
//! payment.line = vec![Line::payment_for_invoice(atom_quickbooks::amount("1250.50")?, "130")];
//! qb.payments().request_id("stripe-py_123").create(&payment).await?;
//! let pnl = qb.reports().profit_and_loss(&ReportParams::default()).await?;
//! print!("{}", pnl.render());
//! # Ok(()) }
//! ```
//!
//! Batch, change data capture and webhooks are shown in [`batch`], [`cdc`] and [`webhook`].

/// The service id of this crate's errors and connector.
pub const SERVICE: &str = "quickbooks";

mod accessors;
pub mod auth;
pub mod batch;
pub mod cdc;
pub mod client;
mod entity;
mod envelope;
pub mod error;
pub mod feed;
pub mod models;
mod pagination;
pub mod query;
pub mod reports;
pub mod webhook;
mod xml;

pub use accessors::lines_total;
pub use client::{
    BATCH_CLASS, Client, ClientBuilder, DEFAULT_MINOR_VERSION, Environment, QuickBooksProvider,
    RequestOptions,
};
pub use entity::Entities;
pub use error::QuickBooksErrorInfo;
pub use models::*;
pub use query::{Op, Query};
