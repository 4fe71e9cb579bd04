//! Program 3 (Stripe payouts ↔ QuickBooks deposits) against stateful local mocks: crashes
//! at every step, a 429/503 storm, mismatch reporting, exact money, configuration errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use atom_core::{Decimal, ErrorKind, MemoryCheckpointStore, RateLimitConfig, RetryPolicy};
use atom_examples::sync::reconcile::mock::{PayoutSpec, QuickBooksMock, Storm, StripeMock};
use atom_examples::sync::reconcile::{
    self, Config, ENV_BANK_ACCOUNT, ENV_FEES_ACCOUNT, ENV_INCOME_ACCOUNT, Report, note_for,
};
use atom_examples::sync::{CheckpointSlot, CrashAt, NoHook, Step, StepHook, SyncError};
use serde_json::{Value, json};
use wiremock::MockServer;

const REALM: &str = "9130347596843992";
const DAY: i64 = 86_400;
const T0: i64 = 1_764_000_000;

fn accounts() -> Vec<(&'static str, &'static str, &'static str)> {
    vec![
        ("35", "Checking", "Bank"),
        ("79", "Stripe sales", "Income"),
        ("80", "Stripe fees", "Expense"),
    ]
}

fn config() -> Config {
    let mut config = Config::new("35", "79", "80").verbose(false);
    // Small pages and chunks, so paging and several deposit queries are exercised.
    config.stripe_page_size = 2;
    config.chunk = 3;
    config.recovery = atom_examples::sync::Recovery::new(4, std::time::Duration::from_millis(1));
    config
}

struct World {
    stripe_mock: StripeMock,
    qb_mock: QuickBooksMock,
    stripe: atom_stripe::Client,
    qb: atom_quickbooks::Client,
    store: Arc<MemoryCheckpointStore>,
    _servers: (MockServer, MockServer),
}

fn retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(4)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

async fn world_with(payouts: &[PayoutSpec], qb_accounts: &[(&str, &str, &str)]) -> World {
    let stripe_mock = StripeMock::new();
    for p in payouts {
        stripe_mock.add_payout(p);
    }
    let qb_mock = QuickBooksMock::new(qb_accounts);
    let stripe_server = stripe_mock.start().await;
    let qb_server = qb_mock.start().await;
    let fast = RateLimitConfig::new(100_000, Duration::from_secs(1), 16);
    let stripe = atom_stripe::Client::builder()
        .secret_key("sk_test_mock")
        .base_url(stripe_server.uri())
        .retry_policy(retries())
        .rate_limits(fast.clone())
        .build()
        .unwrap();
    let qb = atom_quickbooks::Client::builder()
        .base_url(qb_server.uri())
        .realm_id(REALM)
        .access_token("qb-mock-token")
        .retry_policy(retries())
        .rate_limits(fast)
        .build()
        .unwrap();
    World {
        stripe_mock,
        qb_mock,
        stripe,
        qb,
        store: Arc::new(MemoryCheckpointStore::default()),
        _servers: (stripe_server, qb_server),
    }
}

async fn world(payouts: &[PayoutSpec]) -> World {
    world_with(payouts, &accounts()).await
}

impl World {
    async fn run_with(&self, config: &Config, hook: &dyn StepHook) -> Result<Report, SyncError> {
        let mut slot = CheckpointSlot::load(self.store.clone(), reconcile::checkpoint_key())
            .await
            .unwrap();
        reconcile::run_once(&self.stripe, &self.qb, config, &mut slot, hook).await
    }

    async fn run(&self, hook: &dyn StepHook) -> Result<Report, SyncError> {
        self.run_with(&config(), hook).await
    }
}

/// Seven payouts over several days: plain, with refunds and other activity, a failed one,
/// two in the same second (the checkpoint's `seen` list), JPY and KWD.
fn seven() -> Vec<PayoutSpec> {
    vec![
        PayoutSpec::paid(
            "po_A1",
            T0,
            "usd",
            &[("charge", 10_000, 320), ("charge", 2_550, 104)],
        ),
        PayoutSpec::paid(
            "po_B2",
            T0 + DAY,
            "usd",
            &[
                ("charge", 50_000, 1_480),
                ("refund", -5_000, 0),
                ("adjustment", -1_500, 0),
            ],
        ),
        PayoutSpec::paid("po_C3", T0 + 2 * DAY, "usd", &[("charge", 700, 50)]).status("failed"),
        PayoutSpec::paid("po_D4", T0 + 3 * DAY, "usd", &[("charge", 1_999, 88)]),
        PayoutSpec::paid("po_D5", T0 + 3 * DAY, "usd", &[("charge", 4_200, 152)]),
        PayoutSpec::paid("po_E6", T0 + 4 * DAY, "jpy", &[("charge", 12_000, 432)]),
        PayoutSpec::paid("po_F7", T0 + 5 * DAY, "kwd", &[("charge", 25_130, 760)]),
    ]
}

fn paid_ids(specs: &[PayoutSpec]) -> Vec<String> {
    specs
        .iter()
        .filter(|s| s.status == "paid")
        .map(|s| s.id.clone())
        .collect()
}

fn payouts_of(deposits: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = deposits
        .iter()
        .filter_map(|d| d["PrivateNote"].as_str())
        .filter_map(reconcile::payout_in_note)
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids
}

fn decimal(v: &Value) -> String {
    serde_json::from_value::<Decimal>(v.clone())
        .unwrap()
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn a_run_creates_each_missing_deposit_once_and_reruns_change_nothing() {
    let specs = seven();
    let w = world(&specs).await;
    let report = w.run(&NoHook).await.unwrap();
    let created: Vec<&str> = report.created.iter().map(|c| c.payout.as_str()).collect();
    assert_eq!(
        created,
        ["po_A1", "po_B2", "po_D4", "po_D5", "po_E6", "po_F7"]
    );
    assert_eq!(report.skipped.len(), 1, "{report}");
    assert!(report.skipped[0].reason.contains("failed"));
    assert!(report.mismatches.is_empty(), "{report}");
    assert_eq!(report.checkpoint.as_deref(), Some("po_F7"));
    let deposits = w.qb_mock.deposits();
    assert_eq!(payouts_of(&deposits), paid_ids(&specs));
    // po_B2: charges 500.00, refunds -50.00, other -15.00, fees -14.80 = 420.20.
    let b2 = deposits
        .iter()
        .find(|d| d["PrivateNote"].as_str().unwrap().contains("po_B2"))
        .unwrap();
    let total: Decimal = serde_json::from_value(b2["TotalAmt"].clone()).unwrap();
    assert_eq!(
        total.cmp_value(&"420.20".parse().unwrap()),
        Some(std::cmp::Ordering::Equal)
    );
    let lines: Vec<(String, String)> = b2["Line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                decimal(&l["Amount"]),
                l["DepositLineDetail"]["AccountRef"]["value"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    let expected = [("500", "79"), ("-50", "79"), ("-15", "79"), ("-14.8", "80")];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(b2["DepositToAccountRef"]["value"], "35");
    assert_eq!(b2["CurrencyRef"]["value"], "USD");
    assert_eq!(b2["TxnDate"], "2025-11-27");

    // Again from the checkpoint: nothing new, nothing written.
    let writes = w.qb_mock.writes();
    let again = w.run(&NoHook).await.unwrap();
    assert!(
        again.created.is_empty() && again.matched.is_empty(),
        "{again}"
    );
    assert_eq!(w.qb_mock.writes(), writes);

    // With the checkpoint lost: every deposit is found by query and matched, none created.
    let fresh = Arc::new(MemoryCheckpointStore::default());
    let mut slot = CheckpointSlot::load(fresh, reconcile::checkpoint_key())
        .await
        .unwrap();
    let replay = reconcile::run_once(&w.stripe, &w.qb, &config(), &mut slot, &NoHook)
        .await
        .unwrap();
    assert!(replay.created.is_empty(), "{replay}");
    assert_eq!(replay.matched.len(), 6, "{replay}");
    assert!(replay.mismatches.is_empty(), "{replay}");
    assert_eq!(w.qb_mock.writes(), writes);
    assert_eq!(w.qb_mock.deposits(), deposits);
}

#[tokio::test]
async fn a_crash_at_every_step_then_a_rerun_leaves_exactly_the_uncrashed_deposits() {
    let specs = seven();
    let clean = world(&specs).await;
    clean.run(&NoHook).await.unwrap();
    let want = clean.qb_mock.deposits();
    assert_eq!(want.len(), 6);
    let mut crashes = 0;
    // Six payouts are read; their deposits are written in three groups (chunks of 3).
    let plan: [(Step, &[usize]); 4] = [
        (Step::Read, &[1, 2, 4, 6]),
        (Step::Prepared, &[1]),
        (Step::TargetWritten, &[1, 2, 3]),
        (Step::CheckpointSaved, &[1, 2, 3]),
    ];
    for (step, nths) in plan {
        for &nth in nths {
            let w = world(&specs).await;
            let first = w.run(&CrashAt::new(step, nth)).await;
            match first {
                Err(SyncError::Crashed(c)) => {
                    assert_eq!(c.0, step);
                    crashes += 1;
                }
                // No preparatory write in this program: `Prepared` is never reached.
                Ok(_) => assert_eq!(step, Step::Prepared, "{step:?} #{nth} did not crash"),
                Err(e) => panic!("{step:?} #{nth}: {e}"),
            }
            let rerun = w.run(&NoHook).await.unwrap();
            assert!(rerun.mismatches.is_empty(), "{rerun}");
            let got = w.qb_mock.deposits();
            assert_eq!(got, want, "crash at {step:?} #{nth}: deposits differ");
            // A crash after the write and before the checkpoint: the rerun finds the group's
            // deposits and writes nothing for them.
            if step == Step::TargetWritten {
                assert!(!rerun.matched.is_empty(), "{rerun}");
            }
        }
    }
    assert_eq!(crashes, 10);
}

#[tokio::test]
async fn a_rerun_that_cannot_see_the_deposit_yet_is_kept_from_a_duplicate_by_the_requestid() {
    let specs = seven();
    let clean = world(&specs).await;
    clean.run(&NoHook).await.unwrap();
    let w = world(&specs).await;
    let crashed = w.run(&CrashAt::new(Step::TargetWritten, 2)).await;
    assert!(matches!(crashed, Err(SyncError::Crashed(_))));
    w.qb_mock.blind_queries(true);
    let rerun = w.run(&NoHook).await.unwrap();
    // The batch of the crashed group went out again, with the same requestid, and was
    // answered with the first deposits.
    assert_eq!(w.qb_mock.replays(), 1);
    let created: Vec<&str> = rerun.created.iter().map(|c| c.payout.as_str()).collect();
    assert_eq!(created, ["po_D4", "po_D5", "po_E6", "po_F7"]);
    assert_eq!(w.qb_mock.deposits(), clean.qb_mock.deposits());
}

#[tokio::test]
async fn a_429_and_503_storm_slows_the_run_down_and_loses_nothing() {
    let specs = seven();
    let clean = world(&specs).await;
    clean.run(&NoHook).await.unwrap();
    let clean_stripe = clean.stripe_mock.requests();
    let clean_qb = clean.qb_mock.requests();

    let w = world(&specs).await;
    let storm = Storm {
        start: 3,
        len: 12,
        retry_after: Duration::from_secs(1),
    };
    w.stripe_mock.storm(storm);
    // QuickBooks: 429 on a deposit query, then 503 on a batch of creates after applying it.
    w.qb_mock.storm(Storm { start: 4, ..storm });
    let started = Instant::now();
    let report = w.run(&NoHook).await.unwrap();
    assert_eq!(report.created.len(), 6, "{report}");
    assert_eq!(w.qb_mock.deposits(), clean.qb_mock.deposits());
    // Every failure was answered by one retry; the 503s on deposit creates came after the
    // write (a lost answer), and the retry with the same requestid created nothing new.
    assert_eq!(w.stripe_mock.failures(), 6);
    assert_eq!(w.qb_mock.failures(), 4);
    assert_eq!(w.stripe_mock.requests(), clean_stripe + 6);
    assert_eq!(w.qb_mock.requests(), clean_qb + 4);
    assert_eq!(
        w.qb_mock.replays(),
        2,
        "two batches' answers were lost and replayed"
    );
    // The 429s said `Retry-After: 1`: the run waited them out.
    assert!(started.elapsed() >= Duration::from_secs(1));
}

fn deposit_json(
    payout: &str,
    created: i64,
    currency: &str,
    total: &str,
    lines: &[(&str, &str)],
) -> Value {
    let date = chrono::DateTime::from_timestamp(created + 2 * DAY, 0)
        .unwrap()
        .date_naive()
        .to_string();
    let lines: Vec<Value> = lines
        .iter()
        .map(|(amount, account)| {
            json!({"Amount": amount.parse::<f64>().unwrap(), "DetailType": "DepositLineDetail",
                   "DepositLineDetail": {"AccountRef": {"value": account}}})
        })
        .collect();
    json!({
        "SyncToken": "3", "TxnDate": date, "PrivateNote": note_for(payout),
        "CurrencyRef": {"value": currency}, "DepositToAccountRef": {"value": "35"},
        "TotalAmt": total.parse::<f64>().unwrap(), "Line": lines
    })
}

#[tokio::test]
async fn deposits_that_differ_are_reported_with_both_values_and_left_untouched() {
    let specs = vec![
        PayoutSpec::paid("po_OK", T0, "usd", &[("charge", 10_000, 300)]),
        PayoutSpec::paid("po_AMT", T0 + DAY, "usd", &[("charge", 10_000, 300)]),
        PayoutSpec::paid("po_CUR", T0 + 2 * DAY, "usd", &[("charge", 10_000, 300)]),
        PayoutSpec::paid("po_FEE", T0 + 3 * DAY, "usd", &[("charge", 10_000, 300)]),
        // Stripe's own numbers disagree: the payout says 90.00, the transactions net 97.00.
        PayoutSpec {
            amount: Some(9_000),
            ..PayoutSpec::paid("po_NET", T0 + 4 * DAY, "usd", &[("charge", 10_000, 300)])
        },
        PayoutSpec::paid("po_DUP", T0 + 5 * DAY, "usd", &[("charge", 10_000, 300)]),
    ];
    let w = world(&specs).await;
    let entered = [
        deposit_json(
            "po_OK",
            T0,
            "USD",
            "97.00",
            &[("100.00", "79"), ("-3.00", "80")],
        ),
        deposit_json(
            "po_AMT",
            T0 + DAY,
            "USD",
            "96.00",
            &[("99.00", "79"), ("-3.00", "80")],
        ),
        deposit_json(
            "po_CUR",
            T0 + 2 * DAY,
            "EUR",
            "97.00",
            &[("100.00", "79"), ("-3.00", "80")],
        ),
        // Same total, but the fee booked as 2.50 and the lines not adding up to TotalAmt.
        deposit_json(
            "po_FEE",
            T0 + 3 * DAY,
            "USD",
            "97.00",
            &[("100.00", "79"), ("-2.50", "80")],
        ),
        // Entered twice.
        deposit_json(
            "po_DUP",
            T0 + 5 * DAY,
            "USD",
            "97.00",
            &[("100.00", "79"), ("-3.00", "80")],
        ),
        deposit_json(
            "po_DUP",
            T0 + 5 * DAY,
            "USD",
            "97.00",
            &[("100.00", "79"), ("-3.00", "80")],
        ),
    ];
    for d in &entered {
        w.qb_mock.insert_deposit(d.clone());
    }
    let before = w.qb_mock.deposits();
    let report = w.run(&NoHook).await.unwrap();
    assert_eq!(
        w.qb_mock.writes(),
        0,
        "no write request may go out: {report}"
    );
    assert_eq!(w.qb_mock.deposits(), before);
    assert!(report.created.is_empty());
    let matched: Vec<&str> = report.matched.iter().map(|m| m.payout.as_str()).collect();
    assert_eq!(matched, ["po_OK"]);
    let found: Vec<(&str, &str, &str, &str)> = report
        .mismatches
        .iter()
        .map(|m| {
            (
                m.payout.as_str(),
                m.field.as_str(),
                m.stripe.as_str(),
                m.quickbooks.as_str(),
            )
        })
        .collect();
    assert!(
        found.contains(&("po_AMT", "amount", "97.00", "96")),
        "{found:?}"
    );
    assert!(
        found.contains(&("po_CUR", "currency", "USD", "EUR")),
        "{found:?}"
    );
    assert!(
        found.contains(&("po_FEE", "fees", "-3.00", "-2.5")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(p, f, s, q)| *p == "po_FEE"
            && *f == "line total"
            && *s == "97.00"
            && q.contains("97.5")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(p, f, s, _)| *p == "po_NET"
            && *f == "stripe net"
            && s.contains("90.00")
            && s.contains("97.00")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(p, f, _, q)| *p == "po_DUP" && *f == "deposits" && q.starts_with("2 deposits")),
        "{found:?}"
    );
    // Each mismatch names the deposit it is about.
    let amt = report
        .mismatches
        .iter()
        .find(|m| m.payout == "po_AMT")
        .unwrap();
    assert!(amt.deposit.is_some());
    assert!(report.to_string().contains("Stripe 97.00 vs QuickBooks 96"));
}

#[tokio::test]
async fn money_is_exact_in_jpy_kwd_and_huge_usd_amounts() {
    // 2^53 + 1 cents is not an f64; i64::MAX yen is the largest Stripe amount there is.
    let specs = vec![
        PayoutSpec::paid("po_JPY", T0, "jpy", &[("charge", i64::MAX, 7)]),
        PayoutSpec::paid(
            "po_KWD",
            T0 + DAY,
            "kwd",
            &[("charge", 12_345, 120), ("refund", -1_005, 0)],
        ),
        PayoutSpec::paid(
            "po_USD",
            T0 + 2 * DAY,
            "usd",
            &[("charge", 9_007_199_254_740_993, 0), ("charge", 1, 1)],
        ),
    ];
    let w = world(&specs).await;
    let report = w.run(&NoHook).await.unwrap();
    assert_eq!(report.created.len(), 3, "{report}");
    let totals: Vec<(String, String)> = report
        .created
        .iter()
        .map(|c| (c.currency.clone(), c.amount.as_str().to_owned()))
        .collect();
    assert_eq!(
        totals,
        [
            ("JPY".to_owned(), "9223372036854775800".to_owned()),
            ("KWD".to_owned(), "11.220".to_owned()),
            ("USD".to_owned(), "90071992547409.93".to_owned()),
        ]
    );
    let deposits = w.qb_mock.deposits();
    let amounts: Vec<Vec<String>> = deposits
        .iter()
        .map(|d| {
            d["Line"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| decimal(&l["Amount"]))
                .collect()
        })
        .collect();
    assert_eq!(amounts[0], ["9223372036854775807", "-7"]);
    assert_eq!(amounts[1], ["12.345", "-1.005", "-0.12"]);
    assert_eq!(amounts[2], ["90071992547409.94", "-0.01"]);
    assert_eq!(decimal(&deposits[2]["TotalAmt"]), "90071992547409.93");
    // A rerun without the checkpoint compares the huge amounts exactly: all match.
    let mut slot = CheckpointSlot::load(
        Arc::new(MemoryCheckpointStore::default()),
        reconcile::checkpoint_key(),
    )
    .await
    .unwrap();
    let replay = reconcile::run_once(&w.stripe, &w.qb, &config(), &mut slot, &NoHook)
        .await
        .unwrap();
    assert_eq!(replay.matched.len(), 3, "{replay}");
    assert!(replay.mismatches.is_empty(), "{replay}");
}

#[tokio::test]
async fn a_missing_account_stops_the_run_with_a_config_error_naming_the_variable() {
    let specs = seven();
    let without_fees: Vec<_> = accounts().into_iter().filter(|a| a.0 != "80").collect();
    let w = world_with(&specs, &without_fees).await;
    let err = w.run(&NoHook).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::Config), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(ENV_FEES_ACCOUNT) && message.contains("80"),
        "{message}"
    );
    assert_eq!(w.qb_mock.writes(), 0);
    assert_eq!(
        w.stripe_mock.requests(),
        0,
        "nothing is read before the accounts check"
    );

    let missing = Config::from_lookup(|name| (name != ENV_INCOME_ACCOUNT).then(|| "1".to_owned()))
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Config);
    assert!(missing.message().contains(ENV_INCOME_ACCOUNT));
    let ok = Config::from_lookup(|name| {
        [ENV_BANK_ACCOUNT, ENV_INCOME_ACCOUNT, ENV_FEES_ACCOUNT]
            .contains(&name)
            .then(|| "7".to_owned())
    })
    .unwrap();
    assert_eq!(ok.fees_account, "7");
}

#[tokio::test]
async fn a_deposit_quickbooks_refuses_is_reported_and_the_others_of_its_batch_created() {
    let specs = vec![
        PayoutSpec::paid("po_1", T0, "usd", &[("charge", 1_000, 59)]),
        PayoutSpec::paid("po_2", T0 + DAY, "usd", &[("charge", 2_000, 88)]),
        PayoutSpec::paid("po_3", T0 + 2 * DAY, "usd", &[("charge", 3_000, 117)]),
    ];
    let w = world(&specs).await;
    w.qb_mock.refuse("po_2");
    let report = w.run(&NoHook).await.unwrap();
    let created: Vec<&str> = report.created.iter().map(|c| c.payout.as_str()).collect();
    assert_eq!(created, ["po_1", "po_3"]);
    let skipped = &report.skipped[0];
    assert_eq!(skipped.payout, "po_2");
    assert!(
        skipped.reason.contains("the mock refuses this deposit"),
        "{report}"
    );
    assert_eq!(w.qb_mock.writes(), 1, "one /batch call for the three");
}

#[tokio::test]
async fn quickbooks_down_stops_the_run_before_the_group_and_a_rerun_catches_up() {
    let specs = seven();
    let clean = world(&specs).await;
    clean.run(&NoHook).await.unwrap();
    let w = world(&specs).await;
    // Every attempt (4) of the first batch fails, and the run may not restart itself.
    w.qb_mock.fail_posts(4);
    let mut impatient = config();
    impatient.recovery = atom_examples::sync::Recovery::new(0, std::time::Duration::ZERO);
    let err = w.run_with(&impatient, &NoHook).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::Server), "{err}");
    assert!(w.qb_mock.deposits().is_empty());
    let slot = CheckpointSlot::load(w.store.clone(), reconcile::checkpoint_key())
        .await
        .unwrap();
    assert_eq!(
        slot.checkpoint(),
        None,
        "the checkpoint did not move past the failed group"
    );
    let rerun = w.run(&NoHook).await.unwrap();
    assert_eq!(rerun.created.len(), 6, "{rerun}");
    assert_eq!(w.qb_mock.deposits(), clean.qb_mock.deposits());

    // The same outage within one run: it waits, starts again from its checkpoint, and
    // finishes with the same deposits.
    let patient = world(&specs).await;
    patient.qb_mock.fail_posts(4);
    let report = patient.run(&NoHook).await.unwrap();
    assert_eq!(report.recoveries, 1, "{report}");
    assert_eq!(patient.qb_mock.deposits(), clean.qb_mock.deposits());
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.payout.as_str()).collect();
    assert_eq!(skipped, ["po_C3"], "each skipped payout reported once");
}

#[tokio::test]
async fn a_checkpoint_inside_one_second_resumes_after_the_payouts_of_that_second_handled() {
    let w = world(&seven()).await;
    let mut config = config();
    // Groups [A1 B2 C3 D4] [D5 E6 F7]: the first checkpoint falls between D4 and D5, which
    // were created in the same second.
    config.chunk = 4;
    let first = w
        .run_with(&config, &CrashAt::new(Step::CheckpointSaved, 1))
        .await;
    assert!(matches!(first, Err(SyncError::Crashed(_))));
    let rerun = w.run_with(&config, &NoHook).await.unwrap();
    let created: Vec<&str> = rerun.created.iter().map(|c| c.payout.as_str()).collect();
    assert_eq!(created, ["po_D5", "po_E6", "po_F7"]);
    // D4 (same second as D5) is in the checkpoint's `seen` list: not read again.
    assert!(rerun.matched.is_empty(), "{rerun}");
}

#[tokio::test]
async fn a_payout_not_final_stops_the_run_before_it() {
    let specs = vec![
        PayoutSpec::paid("po_1", T0, "usd", &[("charge", 1_000, 59)]),
        PayoutSpec::paid("po_2", T0 + DAY, "usd", &[("charge", 2_000, 88)]).status("in_transit"),
        PayoutSpec::paid("po_3", T0 + 2 * DAY, "usd", &[("charge", 3_000, 117)]),
    ];
    let w = world(&specs).await;
    let report = w.run(&NoHook).await.unwrap();
    let created: Vec<&str> = report.created.iter().map(|c| c.payout.as_str()).collect();
    assert_eq!(created, ["po_1"]);
    assert_eq!(report.checkpoint.as_deref(), Some("po_1"));
    assert!(
        report
            .skipped
            .iter()
            .any(|s| s.payout == "po_2" && s.reason.contains("not final"))
    );
}

/// CPU time of this process (user + system), from /proc (Linux; ticks of 10 ms).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The figure: N payouts of M balance transactions each, reconciled from scratch. Prints
/// the calls made against the fewest the APIs allow, and CPU per balance transaction
/// (mocks included). `cargo test -p atom-examples --test reconcile figure -- --nocapture`
#[tokio::test]
async fn figure_requests_and_cpu_per_change() {
    const N: usize = 100;
    const M: usize = 100;
    let specs: Vec<PayoutSpec> = (0..N)
        .map(|i| {
            let txns: Vec<(&str, i64, i64)> = (0..M)
                .map(|j| {
                    if j % 10 == 9 {
                        ("refund", -500, 0)
                    } else {
                        ("charge", 1_000 + j as i64, 59)
                    }
                })
                .collect();
            PayoutSpec::paid(&format!("po_{i:05}"), T0 + i as i64 * 3_600, "usd", &txns)
        })
        .collect();
    let w = world(&specs).await;
    let mut config = Config::new("35", "79", "80").verbose(false);
    config.chunk = 100;
    let cpu0 = cpu_time();
    let started = Instant::now();
    let report = w.run_with(&config, &NoHook).await.unwrap();
    let wall = started.elapsed();
    let cpu = cpu_time().zip(cpu0).map(|(b, a)| b.saturating_sub(a));
    assert_eq!(report.created.len(), N, "{report}");
    let changes = N * M;
    // Fewest calls: Stripe 1 payout page per 100 + per payout ceil((M + 1) / 100) pages (its
    // own payout transaction is listed too); QuickBooks 1 account query + 1 deposit query per
    // 1000 rows + the creates, 30 per /batch call.
    let stripe_min = N.div_ceil(100) + N * (M + 1).div_ceil(100);
    let qb_min = 2 + N.div_ceil(30);
    println!("reconcile figure: {N} payouts x {M} balance transactions = {changes} changes");
    println!(
        "  Stripe: {} HTTP requests (minimum {stripe_min})",
        w.stripe_mock.requests()
    );
    println!(
        "  QuickBooks: {} HTTP requests (minimum {qb_min}: /batch of 30 creates; {} with one create per deposit)",
        w.qb_mock.requests(),
        2 + N
    );
    println!("  report counted {:?}", report.requests);
    if let Some(cpu) = cpu {
        println!(
            "  CPU {:?} in all = {:?} per change (test process: client, mocks, JSON), wall {wall:?}",
            cpu,
            cpu / u32::try_from(changes).unwrap()
        );
    }
    assert_eq!(w.stripe_mock.requests(), stripe_min as u64);
    assert_eq!(w.qb_mock.requests(), qb_min as u64);
}

#[test]
fn the_environment_settings_are_read_and_bad_ones_refused_by_name() {
    use atom_examples::sync::reconcile::{ENV_HOME_CURRENCY, ENV_SINCE};
    let env = |extra: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            let base = [
                (ENV_BANK_ACCOUNT, "35"),
                (ENV_INCOME_ACCOUNT, "79"),
                (ENV_FEES_ACCOUNT, "80"),
            ];
            base.iter()
                .chain(extra.iter())
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let config = Config::from_lookup(env(&[
        (ENV_HOME_CURRENCY, "eur"),
        (ENV_SINCE, "2025-11-01T00:00:00Z"),
    ]))
    .unwrap();
    assert_eq!(config.home_currency, "EUR");
    assert_eq!(config.since.map(|t| t.timestamp()), Some(1_761_955_200));
    let unix = Config::from_lookup(env(&[(ENV_SINCE, "1761955200")])).unwrap();
    assert_eq!(unix.since, config.since);
    let bad: [&'static [(&'static str, &'static str)]; 2] =
        [&[(ENV_HOME_CURRENCY, "euro")], &[(ENV_SINCE, "yesterday")]];
    for extra in bad {
        let err = Config::from_lookup(env(extra)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{extra:?}");
        assert!(err.message().contains(extra[0].0), "{err}");
    }
}
