//! What a run did, and how it stopped when it did not finish.

use std::fmt;

use atom_core::Decimal;
use serde::Serialize;

use super::plan::Mismatch;

/// A deposit the run created for a payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Created {
    /// The Stripe payout.
    pub payout: String,
    /// The QuickBooks deposit's id.
    pub deposit: String,
    /// The amount deposited.
    pub amount: Decimal,
    /// Its currency.
    pub currency: String,
}

/// A payout whose deposit already exists and agrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Matched {
    /// The Stripe payout.
    pub payout: String,
    /// The QuickBooks deposit's id.
    pub deposit: String,
}

/// A payout the run did not reconcile, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Skipped {
    /// The Stripe payout.
    pub payout: String,
    /// Why.
    pub reason: String,
}

/// Calls made, one per page read or object written (retries not counted: the mocks count
/// those in the tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Requests {
    /// Calls to Stripe.
    pub stripe: u64,
    /// Calls to QuickBooks.
    pub quickbooks: u64,
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Deposits created.
    pub created: Vec<Created>,
    /// Deposits found and in agreement.
    pub matched: Vec<Matched>,
    /// Differences found, each with both values; nothing was changed for them.
    pub mismatches: Vec<Mismatch>,
    /// Payouts passed over, with the reason.
    pub skipped: Vec<Skipped>,
    /// Calls made.
    pub requests: Requests,
    /// The last payout reconciled (the saved checkpoint's cursor).
    pub checkpoint: Option<String>,
    /// Times the run waited out a storm and started again from its checkpoint.
    pub recoveries: u32,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} created, {} matched, {} mismatches, {} skipped; {} Stripe and {} QuickBooks calls; checkpoint {}",
            self.created.len(),
            self.matched.len(),
            self.mismatches.len(),
            self.skipped.len(),
            self.requests.stripe,
            self.requests.quickbooks,
            self.checkpoint.as_deref().unwrap_or("(none)")
        )?;
        for m in &self.mismatches {
            writeln!(f, "  mismatch: {m}")?;
        }
        for s in &self.skipped {
            writeln!(f, "  skipped {}: {}", s.payout, s.reason)?;
        }
        Ok(())
    }
}
