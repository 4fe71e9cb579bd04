//! Program 3: Stripe payouts reconciled with QuickBooks deposits.
//!
//! Each paid Stripe payout is one bank deposit. Its balance transactions say what it is
//! made of: gross charges, refunds and other activity (from the configured income or
//! clearing account) less Stripe's fees (a negative line to the configured fees account),
//! deposited to the configured bank account in the payout's currency. The program finds the
//! payout's deposit in QuickBooks by the payout id it records in `PrivateNote`
//! (`stripe-payout:po_…`; `DocNumber` holds at most 21 characters, a payout id 27):
//!
//! * missing: it is created, 30 deposits to a `/batch` call whose `requestid` is derived
//!   from the payout ids ([`batch_request_id`]), so a retried or repeated call is answered
//!   with the first call's deposits instead of new ones;
//! * present and in agreement: matched;
//! * present and different (amount, currency, fees, bank account, its own line total):
//!   reported with both values and left untouched. Nothing is "fixed" silently.
//!
//! Money stays exact: Stripe's integer minor units become [`atom_core::Decimal`]s by the
//! currency's exponent ([`exponent`]: 0 for JPY, 3 for KWD, 2 otherwise), sums are taken in
//! `i128`, and no `f64` is involved.
//!
//! The checkpoint (feed [`FEED`], consumer [`CONSUMER`]) is the last payout reconciled,
//! oldest first by `created`; it is saved by compare-and-swap after each group's QuickBooks
//! write. A deposit QuickBooks refuses (its own validation fault) is reported under
//! `skipped` with the fault; a call that fails as a whole (after the client's retries)
//! stops the run before the group, and the next run picks it up. The steps a test can crash
//! at ([`crate::sync::Step`]): `Read` after each payout's transactions are read,
//! `TargetWritten` after each `/batch` call, `CheckpointSaved` after each save; there is no
//! preparatory write, so `Prepared` is never reached.
//!
//! Limits: payouts `pending` or `in_transit` are not final and stop the run before them;
//! a payout whose balance transactions do not add up to its amount is reported and passed
//! over (fix it by hand). Deposits are matched, not QuickBooks payments: a deposit that
//! links the payments it banks is outside this program.
//!
//! Run it with `cargo run -p atom-examples --example reconcile` (see that file for the
//! environment variables); the tests run it against stateful mocks in [`mock`].

mod config;
pub mod mock;
mod money;
mod plan;
mod report;
mod run;

pub use config::{
    Config, ENV_BANK_ACCOUNT, ENV_FEES_ACCOUNT, ENV_HOME_CURRENCY, ENV_INCOME_ACCOUNT, ENV_SINCE,
    SERVICE,
};
pub use money::{exponent, to_decimal};
pub use plan::{
    Expected, MARKER, Mismatch, batch_request_id, compare, expected, note_for, payout_in_note,
    valid_payout_id,
};
pub use report::{Created, Matched, Report, Requests, Skipped};
pub use run::{CONSUMER, FEED, checkpoint_key, run_once};
