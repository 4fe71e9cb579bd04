//! Properties of program 3's money and matching rules: exact conversion of minor units,
//! a planned deposit's lines always adding up to the payout, the note marker round trip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_core::testing::proptest_config;
use atom_examples::sync::reconcile::{
    Config, batch_request_id, expected, exponent, note_for, payout_in_note, to_decimal,
    valid_payout_id,
};
use atom_stripe::models::{BalanceTransaction, Payout};
use proptest::prelude::*;
use serde_json::json;

const CURRENCIES: [&str; 6] = ["usd", "jpy", "kwd", "eur", "bhd", "krw"];

fn payout(amount: i64, currency: &str) -> Payout {
    serde_json::from_value(json!({
        "id": "po_prop", "object": "payout", "amount": amount, "arrival_date": 1_764_000_000,
        "created": 1_763_900_000, "currency": currency, "livemode": false,
        "status": "paid", "type": "bank_account"
    }))
    .unwrap()
}

fn txn(i: usize, kind: &str, amount: i64, fee: i64, currency: &str) -> BalanceTransaction {
    serde_json::from_value(json!({
        "id": format!("txn_{i}"), "object": "balance_transaction", "amount": amount,
        "available_on": 1_763_900_000, "created": 1_763_900_000, "currency": currency,
        "fee": fee, "fee_details": [], "net": amount - fee, "status": "available", "type": kind
    }))
    .unwrap()
}

proptest! {
    #![proptest_config(proptest_config(2_000))]

    /// Every i64 of minor units is exact: mantissa and scale come back unchanged.
    #[test]
    fn minor_units_convert_exactly(minor in any::<i64>(), c in 0usize..CURRENCIES.len()) {
        let currency = CURRENCIES[c];
        let d = to_decimal(i128::from(minor), currency);
        prop_assert_eq!(d.to_parts(), Some((i128::from(minor), exponent(currency))));
    }

    /// A consistent payout plans a deposit whose lines add up exactly to the payout amount
    /// (fees included as a negative line), in any currency, at any size.
    #[test]
    fn planned_lines_add_up_to_the_payout(
        rows in proptest::collection::vec(
            (0usize..3, -1_000_000_000_000i64..1_000_000_000_000, 0i64..1_000_000_000),
            0..40,
        ),
        c in 0usize..CURRENCIES.len(),
    ) {
        let currency = CURRENCIES[c];
        let kinds = ["charge", "refund", "adjustment"];
        let txns: Vec<BalanceTransaction> = rows
            .iter()
            .enumerate()
            .map(|(i, (k, a, f))| txn(i, kinds[*k], *a, *f, currency))
            .collect();
        let net: i64 = rows.iter().map(|(_, a, f)| a - f).sum();
        let config = Config::new("35", "79", "80");
        let plan = expected(&payout(net, currency), &txns, &config).unwrap();
        let total = atom_quickbooks::lines_total(&plan.deposit.line).unwrap();
        prop_assert_eq!(total.cmp_value(&plan.total), Some(std::cmp::Ordering::Equal));
        prop_assert_eq!(plan.total, to_decimal(i128::from(net), currency));
    }

    /// A payout whose amount is not its transactions' net is never planned.
    #[test]
    fn disagreeing_stripe_numbers_are_refused(amount in any::<i64>(), off in 1i64..1000) {
        let txns = vec![txn(0, "charge", amount / 2, 0, "usd")];
        let claimed = (amount / 2).wrapping_add(off);
        let config = Config::new("35", "79", "80");
        prop_assert!(expected(&payout(claimed, "usd"), &txns, &config).is_err());
    }

    /// The note marker round trips for every valid id, and never panics on any note.
    #[test]
    fn the_note_marker_round_trips(id in "po_[A-Za-z0-9]{1,37}", noise in "\\PC{0,200}") {
        let note = note_for(&id);
        prop_assert_eq!(payout_in_note(&note), Some(id.as_str()));
        prop_assert!(valid_payout_id(&id));
        prop_assert!(batch_request_id([id.as_str(), noise.as_str()]).len() <= 50);
        let _ = payout_in_note(&noise);
        let _ = valid_payout_id(&noise);
    }
}
