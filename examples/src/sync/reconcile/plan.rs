//! The deposit a payout should be in QuickBooks, and how an existing deposit differs from
//! it. Pure functions: no request is made here.

use std::cmp::Ordering;

use atom_core::Decimal;
use atom_quickbooks::{Deposit, DepositLineDetail, Line, LineDetailType, Ref, lines_total};
use atom_stripe::models::{BalanceTransaction, Payout};
use serde::Serialize;

use super::config::Config;
use super::money::to_decimal;

/// What the program writes into `PrivateNote` before the payout id, and looks for when it
/// searches QuickBooks for a payout's deposit.
pub const MARKER: &str = "stripe-payout:";

/// The `PrivateNote` of a payout's deposit: the marker, the id, and who wrote it.
pub fn note_for(payout_id: &str) -> String {
    format!("{MARKER}{payout_id} (Stripe payout, written by atom reconcile)")
}

/// The payout id recorded in a deposit's `PrivateNote`, if any.
///
/// ```
/// use atom_examples::sync::reconcile::{note_for, payout_in_note};
/// assert_eq!(payout_in_note(&note_for("po_123")), Some("po_123"));
/// assert_eq!(payout_in_note("paid by check"), None);
/// ```
pub fn payout_in_note(note: &str) -> Option<&str> {
    let start = note.find(MARKER)? + MARKER.len();
    let rest = note.get(start..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    rest.get(..end).filter(|id| !id.is_empty())
}

/// Whether a payout id can be carried through QuickBooks: at most 40 of `A-Z a-z 0-9 _`
/// (Stripe's are 27), so it can go into a query value and a note safely.
///
/// ```
/// use atom_examples::sync::reconcile::valid_payout_id;
/// assert!(valid_payout_id("po_1OaB"));
/// assert!(!valid_payout_id("po_../x"));
/// ```
pub fn valid_payout_id(payout_id: &str) -> bool {
    !payout_id.is_empty()
        && payout_id.len() <= 40
        && payout_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The `requestid` of the `/batch` call that creates the deposits of these payouts, in this
/// order: `stripe-` and the first 40 hex digits of the SHA-256 of the ids. The same on
/// every run for the same call, so a repeat (a retry, a rerun after a crash) is answered
/// with the first call's deposits; a different set of payouts never shares it.
///
/// ```
/// use atom_examples::sync::reconcile::batch_request_id;
/// let id = batch_request_id(["po_1", "po_2"]);
/// assert_eq!(id, batch_request_id(["po_1", "po_2"]));
/// assert_ne!(id, batch_request_id(["po_1", "po_3"]));
/// assert_eq!(id.len(), 47);
/// ```
pub fn batch_request_id<'a>(payouts: impl IntoIterator<Item = &'a str>) -> String {
    use sha2::{Digest as _, Sha256};
    let mut hash = Sha256::new();
    for id in payouts {
        // The separator keeps ["ab", "c"] and ["a", "bc"] apart.
        hash.update(id.as_bytes());
        hash.update(b"\n");
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(20).map(|b| format!("{b:02x}")).collect();
    format!("stripe-{hex}")
}

/// One difference between Stripe and QuickBooks, with both values as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Mismatch {
    /// The Stripe payout.
    pub payout: String,
    /// The QuickBooks deposit, when one exists.
    pub deposit: Option<String>,
    /// What differs (`amount`, `currency`, `fees`, `line total`, `bank account`,
    /// `stripe net`).
    pub field: String,
    /// The value on Stripe's side.
    pub stripe: String,
    /// The value on QuickBooks' side.
    pub quickbooks: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} / deposit {}: {} differs: Stripe {} vs QuickBooks {}",
            self.payout,
            self.deposit.as_deref().unwrap_or("-"),
            self.field,
            self.stripe,
            self.quickbooks
        )
    }
}

/// A payout's expected deposit, worked out from its balance transactions.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Expected {
    /// The payout.
    pub payout: String,
    /// Upper-case ISO code (`USD`).
    pub currency: String,
    /// The payout amount: what reaches the bank.
    pub total: Decimal,
    /// Stripe's fees (positive), booked as a negative line.
    pub fees: Decimal,
    /// The deposit to create when none exists.
    pub deposit: Deposit,
}

fn line(amount: Decimal, account: &str, description: String) -> Line {
    Line {
        amount: Some(amount),
        description: Some(description),
        detail_type: Some(LineDetailType::Deposit),
        deposit_line_detail: Some(DepositLineDetail {
            account_ref: Some(Ref::new(account)),
            ..DepositLineDetail::default()
        }),
        ..Line::default()
    }
}

/// The deposit `payout` should be: one line per kind of activity (charges, refunds, other)
/// from the income account, Stripe's fees as a negative line to the fees account, into the
/// bank account, in the payout's currency. Sums are in `i128` minor units, so nothing
/// overflows or rounds. When Stripe's own numbers do not add up (the transactions' net is
/// not the payout amount, or a transaction is in another currency) the differences are
/// returned instead: nothing is written for that payout.
pub fn expected(
    payout: &Payout,
    txns: &[BalanceTransaction],
    config: &Config,
) -> Result<Expected, Vec<Mismatch>> {
    let currency = payout.currency.as_str();
    let (mut charges, mut refunds, mut other, mut fees, mut net) =
        (0i128, 0i128, 0i128, 0i128, 0i128);
    let (mut n_charges, mut n_refunds, mut n_other) = (0u32, 0u32, 0u32);
    let mut problems = Vec::new();
    let mismatch = |field: &str, stripe: String, quickbooks: String| Mismatch {
        payout: payout.id.clone(),
        deposit: None,
        field: field.to_owned(),
        stripe,
        quickbooks,
    };
    for txn in txns {
        // The payout's own transaction (minus the payout amount) is the deposit itself.
        if txn.transaction_type == "payout" {
            continue;
        }
        if !txn.currency.as_str().eq_ignore_ascii_case(currency) {
            problems.push(mismatch(
                "currency",
                format!("{} in {} ({})", currency, txn.currency, txn.id),
                "(not written)".to_owned(),
            ));
            continue;
        }
        let amount = i128::from(txn.amount);
        match txn.transaction_type.as_str() {
            "charge" | "payment" => (charges, n_charges) = (charges + amount, n_charges + 1),
            "refund" | "payment_refund" | "payment_failure_refund" => {
                (refunds, n_refunds) = (refunds + amount, n_refunds + 1);
            }
            _ => (other, n_other) = (other + amount, n_other + 1),
        }
        fees += i128::from(txn.fee);
        net += i128::from(txn.net);
    }
    if net != i128::from(payout.amount) {
        problems.push(mismatch(
            "stripe net",
            format!(
                "payout {} {} but its transactions net {}",
                to_decimal(i128::from(payout.amount), currency),
                currency.to_ascii_uppercase(),
                to_decimal(net, currency)
            ),
            "(not written)".to_owned(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut lines = Vec::new();
    for (sum, n, what) in [
        (charges, n_charges, "charges"),
        (refunds, n_refunds, "refunds"),
        (other, n_other, "other activity"),
    ] {
        if sum != 0 {
            lines.push(line(
                to_decimal(sum, currency),
                &config.income_account,
                format!("Stripe {what} ({n}) in payout {}", payout.id),
            ));
        }
    }
    if fees != 0 {
        lines.push(line(
            to_decimal(-fees, currency),
            &config.fees_account,
            format!("Stripe fees in payout {}", payout.id),
        ));
    }
    let deposit = Deposit {
        txn_date: Some(payout.arrival_date.date_naive()),
        deposit_to_account_ref: Some(Ref::new(&config.bank_account)),
        currency_ref: Some(Ref::new(currency.to_ascii_uppercase())),
        private_note: Some(note_for(&payout.id)),
        line: lines,
        ..Deposit::default()
    };
    Ok(Expected {
        payout: payout.id.clone(),
        currency: currency.to_ascii_uppercase(),
        total: to_decimal(i128::from(payout.amount), currency),
        fees: to_decimal(fees, currency),
        deposit,
    })
}

fn same(a: Option<&Decimal>, b: &Decimal) -> bool {
    a.and_then(|a| a.cmp_value(b)) == Some(Ordering::Equal)
}

fn text(value: Option<&Decimal>) -> String {
    value.map_or_else(|| "(none)".to_owned(), |v| v.as_str().to_owned())
}

/// How an existing deposit differs from the expected one: currency, amount, fees (the
/// lines to the fees account), bank account, and its own line total against its total.
/// Empty when they agree. Values are compared as numbers (`10.5` equals `10.50`).
pub fn compare(expected: &Expected, deposit: &Deposit, config: &Config) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let mut push = |field: &str, stripe: String, quickbooks: String| {
        out.push(Mismatch {
            payout: expected.payout.clone(),
            deposit: deposit.id.clone(),
            field: field.to_owned(),
            stripe,
            quickbooks,
        });
    };
    let currency = deposit
        .currency_ref
        .as_ref()
        .map_or(config.home_currency.as_str(), |r| r.value.as_str());
    if !currency.eq_ignore_ascii_case(&expected.currency) {
        push("currency", expected.currency.clone(), currency.to_owned());
    }
    if !same(deposit.total_amt.as_ref(), &expected.total) {
        push(
            "amount",
            expected.total.as_str().to_owned(),
            text(deposit.total_amt.as_ref()),
        );
    }
    let fee_lines: Vec<Line> = deposit
        .line
        .iter()
        .filter(|l| {
            l.deposit_line_detail
                .as_ref()
                .and_then(|d| d.account_ref.as_ref())
                .is_some_and(|a| a.value == config.fees_account)
        })
        .cloned()
        .collect();
    let booked_fees = lines_total(&fee_lines);
    let expected_fees = Decimal::zero().checked_sub(&expected.fees);
    let fees_agree = match (&booked_fees, &expected_fees) {
        (Some(a), Some(b)) => a.cmp_value(b) == Some(Ordering::Equal),
        _ => false,
    };
    if !fees_agree {
        push(
            "fees",
            text(expected_fees.as_ref()),
            text(booked_fees.as_ref()),
        );
    }
    let bank = deposit
        .deposit_to_account_ref
        .as_ref()
        .map(|r| r.value.as_str());
    if bank != Some(config.bank_account.as_str()) {
        push(
            "bank account",
            config.bank_account.clone(),
            bank.unwrap_or("(none)").to_owned(),
        );
    }
    let lines = lines_total(&deposit.line);
    if let Some(total) = &deposit.total_amt
        && !same(lines.as_ref(), total)
    {
        push(
            "line total",
            expected.total.as_str().to_owned(),
            format!(
                "TotalAmt {total} but lines add up to {}",
                text(lines.as_ref())
            ),
        );
    }
    out
}
