//! The reconciliation leg (program 3): Stripe payouts matched to QuickBooks deposits, run
//! once against local stateful mocks. Missing deposits are created in one `/batch` call
//! (with a `requestid` from the payout ids), a deposit someone entered with the wrong amount is reported with
//! both values and left alone, and a second run with the checkpoint lost creates nothing.

use std::sync::Arc;

use atom_core::{MemoryCheckpointStore, RateLimitConfig, RetryPolicy};
use serde_json::json;

use super::{LegResult, ensure, section, show, step};
use crate::sync::reconcile::mock::{PayoutSpec, QuickBooksMock, StripeMock};
use crate::sync::reconcile::{self, Config, note_for};
use crate::sync::{CheckpointSlot, NoHook};

const T0: i64 = 1_764_000_000;
const DAY: i64 = 86_400;

/// Runs the leg.
pub async fn run() -> LegResult {
    section("sync program 3: Stripe payouts reconciled with QuickBooks deposits (local mocks)");
    let stripe_mock = StripeMock::new();
    for spec in [
        PayoutSpec::paid(
            "po_tour_usd",
            T0,
            "usd",
            &[("charge", 125_050, 3_656), ("refund", -2_000, 0)],
        ),
        PayoutSpec::paid("po_tour_jpy", T0 + DAY, "jpy", &[("charge", 48_000, 1_728)]),
        PayoutSpec::paid(
            "po_tour_kwd",
            T0 + 2 * DAY,
            "kwd",
            &[("charge", 25_130, 760)],
        ),
        PayoutSpec::paid(
            "po_tour_bad",
            T0 + 3 * DAY,
            "usd",
            &[("charge", 10_000, 300)],
        ),
        PayoutSpec::paid("po_tour_fail", T0 + 4 * DAY, "usd", &[("charge", 500, 45)])
            .status("failed"),
    ] {
        stripe_mock.add_payout(&spec);
    }
    let qb_mock = QuickBooksMock::new(&[
        ("35", "Checking", "Bank"),
        ("79", "Stripe sales", "Income"),
        ("80", "Stripe fees", "Expense"),
    ]);
    // Someone entered po_tour_bad's deposit by hand, 1.00 short.
    qb_mock.insert_deposit(json!({
        "TxnDate": "2025-11-29", "PrivateNote": note_for("po_tour_bad"),
        "CurrencyRef": {"value": "USD"}, "DepositToAccountRef": {"value": "35"}, "TotalAmt": 96.0,
        "Line": [
            {"Amount": 99.0, "DetailType": "DepositLineDetail", "DepositLineDetail": {"AccountRef": {"value": "79"}}},
            {"Amount": -3.0, "DetailType": "DepositLineDetail", "DepositLineDetail": {"AccountRef": {"value": "80"}}}
        ]
    }));
    let stripe_server = stripe_mock.start().await;
    let qb_server = qb_mock.start().await;
    let fast = RateLimitConfig::new(1_000, std::time::Duration::from_secs(1), 8);
    let stripe = atom_stripe::Client::builder()
        .secret_key("sk_test_tour")
        .base_url(stripe_server.uri())
        .rate_limits(fast.clone())
        .retry_policy(RetryPolicy::none())
        .build()?;
    let qb = atom_quickbooks::Client::builder()
        .base_url(qb_server.uri())
        .realm_id("9130347596843992")
        .access_token("tour-access")
        .rate_limits(fast)
        .retry_policy(RetryPolicy::none())
        .build()?;
    let config = Config::new("35", "79", "80");
    let store = Arc::new(MemoryCheckpointStore::default());
    let mut slot = CheckpointSlot::load(store, reconcile::checkpoint_key()).await?;
    let report = reconcile::run_once(&stripe, &qb, &config, &mut slot, &NoHook).await?;
    step("the run's report:");
    show(&report);
    let amounts: Vec<String> = report
        .created
        .iter()
        .map(|c| format!("{} {}", c.amount, c.currency))
        .collect();
    ensure(
        amounts == ["1193.94 USD", "46272 JPY", "24.370 KWD"],
        "three deposits created with exact amounts",
    )?;
    ensure(
        report
            .mismatches
            .iter()
            .any(|m| m.payout == "po_tour_bad" && m.field == "amount" && m.stripe == "97.00"),
        "the short deposit reported with both values",
    )?;
    ensure(report.skipped.len() == 1, "the failed payout skipped")?;
    ensure(
        report.checkpoint.as_deref() == Some("po_tour_fail"),
        "checkpoint at the last payout",
    )?;
    let writes = qb_mock.writes();
    ensure(
        writes == 1,
        "one /batch call for the missing deposits, no write for the mismatch",
    )?;

    // The checkpoint lost: every deposit is found by the payout id in PrivateNote.
    let mut fresh = CheckpointSlot::load(
        Arc::new(MemoryCheckpointStore::default()),
        reconcile::checkpoint_key(),
    )
    .await?;
    let quiet = config.verbose(false);
    let again = reconcile::run_once(&stripe, &qb, &quiet, &mut fresh, &NoHook).await?;
    step(&format!(
        "rerun without a checkpoint: {} matched, {} created, {} QuickBooks writes in all",
        again.matched.len(),
        again.created.len(),
        qb_mock.writes()
    ));
    ensure(
        again.created.is_empty() && again.matched.len() == 3 && qb_mock.writes() == writes,
        "a rerun creates nothing",
    )?;
    Ok(())
}
