//! One pass: payouts since the checkpoint, oldest first, each matched to its deposit or
//! given one, the checkpoint saved after each.

use std::collections::HashMap;

use atom_core::feed::FeedCheckpoint;
use atom_core::{CheckpointKey, Error, ErrorKind, Paginator, Result};
use atom_quickbooks::batch::{BatchOp, MAX_BATCH_ITEMS};
use atom_quickbooks::{Account, Deposit, Op, Query, RequestOptions};
use atom_stripe::models::{Payout, PayoutStatus};
use atom_stripe::{BalanceTransactionListParams, ListParams, PayoutListParams, RangeQuery};
use futures::TryStreamExt as _;

use super::config::{Config, ENV_BANK_ACCOUNT, ENV_FEES_ACCOUNT, ENV_INCOME_ACCOUNT, SERVICE};
use super::plan::{self, Expected, Mismatch};
use super::report::{Created, Matched, Report, Skipped};
use crate::sync::SyncError;
use crate::sync::{CheckpointSlot, Step, StepHook};

/// The feed this program's checkpoint belongs to.
pub const FEED: &str = "stripe.payouts";
/// The consumer name the checkpoint is saved under.
pub const CONSUMER: &str = "quickbooks-reconcile";

/// The checkpoint key of this program: feed [`FEED`], consumer [`CONSUMER`].
pub fn checkpoint_key() -> CheckpointKey {
    CheckpointKey::new(FEED, CONSUMER)
}

/// The most pages of payouts one run reads (100 000 payouts at 100 a page): an end to an
/// endless listing, far beyond a real account's history.
const MAX_PAYOUT_PAGES: usize = 1000;

/// Collects a paginator, counting the pages it fetched (one per cursor seen; an empty
/// trailing page, which QuickBooks needs after a full one, is not counted).
async fn collect<T: Send + 'static>(mut pages: Paginator<T>, calls: &mut u64) -> Result<Vec<T>> {
    let mut items = Vec::new();
    let mut cursor = None;
    *calls += 1;
    while let Some(item) = pages.try_next().await? {
        let now = pages.checkpoint().cursor;
        if cursor.is_some() && cursor.as_ref() != Some(&now) {
            *calls += 1;
        }
        cursor = Some(now);
        items.push(item);
    }
    Ok(items)
}

/// Refuses to run when a configured account does not exist (or is inactive) in QuickBooks:
/// one query for the three ids, and a `Config` error naming the variable to set.
async fn check_accounts(
    qb: &atom_quickbooks::Client,
    config: &Config,
    report: &mut Report,
) -> Result<()> {
    let wanted = [
        (
            &config.bank_account,
            ENV_BANK_ACCOUNT,
            "bank account payouts arrive in",
        ),
        (
            &config.income_account,
            ENV_INCOME_ACCOUNT,
            "income account charges come from",
        ),
        (
            &config.fees_account,
            ENV_FEES_ACCOUNT,
            "expense account for Stripe fees",
        ),
    ];
    let mut ids: Vec<&str> = wanted.iter().map(|(id, _, _)| id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let query = Query::of::<Account>().filter_in("Id", ids);
    let found = collect(
        qb.entity::<Account>().query(query),
        &mut report.requests.quickbooks,
    )
    .await?;
    for (id, env, what) in wanted {
        let account = found.iter().find(|a| a.id.as_deref() == Some(id.as_str()));
        match account {
            Some(a) if a.active != Some(false) => {}
            Some(_) => {
                return Err(Error::config(
                    SERVICE,
                    format!(
                        "the QuickBooks account {id} set in {env} (the {what}) is inactive: \
                         make it active or set {env} to another account's Id"
                    ),
                ));
            }
            None => {
                return Err(Error::config(
                    SERVICE,
                    format!(
                        "QuickBooks has no account with Id {id}, set in {env} (the {what}): \
                         set {env} to the Id of an account in the chart of accounts"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Every payout after the checkpoint (or since `config.since`), oldest first.
async fn payouts_after(
    stripe: &atom_stripe::Client,
    config: &Config,
    checkpoint: Option<&FeedCheckpoint>,
    report: &mut Report,
) -> Result<Vec<Payout>> {
    let from = checkpoint.and_then(|c| c.at).or(config.since);
    let mut page = ListParams::new().limit(config.stripe_page_size);
    if let Some(from) = from {
        // `gte`, not `gt`: payouts created in the checkpoint's second that were not handled
        // yet must come back; those handled are in `seen`.
        page = page.created(RangeQuery {
            gte: Some(from.timestamp()),
            ..RangeQuery::default()
        });
    }
    let params = PayoutListParams {
        page,
        ..PayoutListParams::default()
    };
    let pages = stripe.payouts().list(&params).max_pages(MAX_PAYOUT_PAGES);
    let mut payouts = collect(pages, &mut report.requests.stripe).await?;
    // Stripe lists newest first; the checkpoint moves oldest first.
    payouts.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    payouts.retain(|p| match checkpoint {
        Some(c) => match c.at {
            Some(at) => p.created > at || (p.created == at && !c.seen.contains(&p.id)),
            None => true,
        },
        None => from.is_none_or(|from| p.created >= from),
    });
    Ok(payouts)
}

/// The existing deposits of a chunk of payouts, by payout id: one query on the chunk's
/// `TxnDate` range, matched by the payout id in `PrivateNote`.
async fn deposits_for(
    qb: &atom_quickbooks::Client,
    chunk: &[Payout],
    report: &mut Report,
) -> Result<HashMap<String, Vec<Deposit>>> {
    let mut by_payout: HashMap<String, Vec<Deposit>> = HashMap::new();
    let dates = chunk.iter().map(|p| p.arrival_date.date_naive());
    let (Some(first), Some(last)) = (dates.clone().min(), dates.max()) else {
        return Ok(by_payout);
    };
    let query = Query::of::<Deposit>()
        .filter("TxnDate", Op::Ge, first)
        .filter("TxnDate", Op::Le, last);
    let deposits = collect(
        qb.entity::<Deposit>().query(query),
        &mut report.requests.quickbooks,
    )
    .await?;
    for deposit in deposits {
        let payout = deposit
            .private_note
            .as_deref()
            .and_then(plan::payout_in_note)
            .map(str::to_owned);
        if let Some(payout) = payout {
            by_payout.entry(payout).or_default().push(deposit);
        }
    }
    Ok(by_payout)
}

fn say(config: &Config, line: &str) {
    if config.verbose {
        println!("  reconcile: {line}");
    }
}

/// The checkpoint after `payout`: its id and time, and the ids handled in that second.
fn next_checkpoint(previous: Option<&FeedCheckpoint>, payout: &Payout) -> FeedCheckpoint {
    let mut seen = match previous {
        Some(c) if c.at == Some(payout.created) => c.seen.clone(),
        _ => Vec::new(),
    };
    seen.push(payout.id.clone());
    FeedCheckpoint::new(FEED)
        .with_cursor(payout.id.clone())
        .with_at(payout.created)
        .with_seen(seen)
}

/// Reads one paid payout's balance transactions and matches, reports or plans its deposit:
/// `Some` when the deposit is missing and must be created.
async fn examine(
    stripe: &atom_stripe::Client,
    config: &Config,
    payout: &Payout,
    existing: Option<&Vec<Deposit>>,
    hook: &dyn StepHook,
    report: &mut Report,
) -> std::result::Result<Option<Expected>, SyncError> {
    let params = BalanceTransactionListParams {
        page: ListParams::new().limit(config.stripe_page_size),
        payout: Some(payout.id.clone()),
        ..BalanceTransactionListParams::default()
    };
    let txns = collect(
        stripe.balance_transactions().list(&params),
        &mut report.requests.stripe,
    )
    .await?;
    hook.at(Step::Read)?;
    let expected = match plan::expected(payout, &txns, config) {
        Ok(expected) => expected,
        Err(problems) => {
            for p in &problems {
                say(config, &format!("MISMATCH {p}"));
            }
            report.mismatches.extend(problems);
            return Ok(None);
        }
    };
    match existing.map(Vec::as_slice) {
        Some([deposit]) => {
            let problems = plan::compare(&expected, deposit, config);
            let id = deposit.id.clone().unwrap_or_default();
            if problems.is_empty() {
                say(config, &format!("{} matches deposit {id}", payout.id));
                report.matched.push(Matched {
                    payout: payout.id.clone(),
                    deposit: id,
                });
            } else {
                for p in &problems {
                    say(config, &format!("MISMATCH {p} (left as it is)"));
                }
                report.mismatches.extend(problems);
            }
            Ok(None)
        }
        Some(several) if !several.is_empty() => {
            let ids: Vec<&str> = several.iter().filter_map(|d| d.id.as_deref()).collect();
            let m = Mismatch {
                payout: payout.id.clone(),
                deposit: None,
                field: "deposits".to_owned(),
                stripe: "one payout".to_owned(),
                quickbooks: format!("{} deposits: {}", ids.len(), ids.join(", ")),
            };
            say(config, &format!("MISMATCH {m} (left as they are)"));
            report.mismatches.push(m);
            Ok(None)
        }
        _ if !plan::valid_payout_id(&payout.id) => {
            report.skipped.push(Skipped {
                payout: payout.id.clone(),
                reason: "the payout id is not 1 to 40 of A-Z a-z 0-9 _".to_owned(),
            });
            Ok(None)
        }
        _ => Ok(Some(expected)),
    }
}

/// Creates the planned deposits in one `/batch` call (at most [`MAX_BATCH_ITEMS`]), with a
/// `requestid` derived from their payout ids, so a repeat of the same call is answered with
/// the first one's deposits. Returns the first error that is not the item's
/// own (a whole call that failed after retries): the run stops before that payout.
async fn create_all(
    qb: &atom_quickbooks::Client,
    config: &Config,
    planned: Vec<Expected>,
    report: &mut Report,
) -> Result<Option<(String, Error)>> {
    if planned.is_empty() {
        return Ok(None);
    }
    let request_id = plan::batch_request_id(planned.iter().map(|e| e.payout.as_str()));
    let ops = planned
        .iter()
        .map(|e| BatchOp::create(&e.deposit))
        .collect();
    let results = qb
        .batch_with(ops, &RequestOptions::request_id(request_id))
        .await?;
    report.requests.quickbooks += 1;
    for (expected, item) in planned.into_iter().zip(results) {
        match item.entity::<Deposit>() {
            // An answer for another payout (a requestid answered from another call) is not
            // taken for this payout's deposit.
            Ok(deposit)
                if deposit
                    .private_note
                    .as_deref()
                    .and_then(plan::payout_in_note)
                    != Some(expected.payout.as_str()) =>
            {
                let error = Error::decode(
                    SERVICE,
                    format!(
                        "QuickBooks answered the create of {}'s deposit with deposit {} of \
                         another payout",
                        expected.payout,
                        deposit.id.unwrap_or_default()
                    ),
                );
                return Ok(Some((expected.payout, error)));
            }
            Ok(deposit) => {
                let id = deposit.id.unwrap_or_default();
                say(
                    config,
                    &format!(
                        "{} -> created deposit {id} of {} {}",
                        expected.payout, expected.total, expected.currency
                    ),
                );
                report.created.push(Created {
                    payout: expected.payout,
                    deposit: id,
                    amount: expected.total,
                    currency: expected.currency,
                });
            }
            // QuickBooks refused this deposit (its own Fault): reported, not retried forever.
            Err(e) if e.kind() == ErrorKind::InvalidRequest => {
                say(
                    config,
                    &format!("{}: QuickBooks refused the deposit: {e}", expected.payout),
                );
                report.skipped.push(Skipped {
                    payout: expected.payout,
                    reason: format!("QuickBooks refused the deposit: {e}"),
                });
            }
            Err(e) => return Ok(Some((expected.payout, e))),
        }
    }
    Ok(None)
}

/// One reconciliation pass.
///
/// Checks the configured accounts exist (a `Config` error naming the variable otherwise),
/// reads the payouts after `slot`'s checkpoint oldest first, and for each:
///
/// * `paid`: reads its balance transactions and works out the deposit it should be; an
///   existing deposit (found by the payout id in its `PrivateNote`) is compared and any
///   difference reported with both values, never changed; missing ones are created, 30 to
///   a `/batch` call whose `requestid` comes from the payout ids, so a repeat (retry or
///   rerun) creates nothing new;
/// * `failed` / `canceled`: skipped, with the reason;
/// * `pending` / `in_transit`: not final, so the run stops before it and the next run
///   starts there.
///
/// The checkpoint is saved after each group of (up to 30) payouts, only once their
/// deposits were written (or found). A crash anywhere repeats at most that group, which the
/// `PrivateNote` lookup and the `requestid` make harmless.
///
/// An error a later attempt can fix (429s, 5xxs, timeouts) that outlasts the client's own
/// retries restarts the pass from the saved checkpoint after a wait ([`Config::recovery`]);
/// the report then counts the restarts, and a deposit created before a restart shows as
/// matched after it.
pub async fn run_once(
    stripe: &atom_stripe::Client,
    qb: &atom_quickbooks::Client,
    config: &Config,
    slot: &mut CheckpointSlot,
    hook: &dyn StepHook,
) -> std::result::Result<Report, SyncError> {
    let mut report = Report::default();
    let mut recovering = config.recovery.start();
    loop {
        match run_pass(stripe, qb, config, slot, hook, &mut report).await {
            Ok(()) => break,
            Err(e) if recovering.retry_after(&e).await => report.recoveries += 1,
            Err(e) => return Err(e),
        }
    }
    // A payout passed over before a restart is passed over again after it.
    let mut seen = std::collections::HashSet::new();
    report
        .skipped
        .retain(|s| seen.insert((s.payout.clone(), s.reason.clone())));
    if config.verbose {
        print!("{report}");
    }
    Ok(report)
}

async fn run_pass(
    stripe: &atom_stripe::Client,
    qb: &atom_quickbooks::Client,
    config: &Config,
    slot: &mut CheckpointSlot,
    hook: &dyn StepHook,
    report: &mut Report,
) -> std::result::Result<(), SyncError> {
    check_accounts(qb, config, report).await?;
    let start = slot.checkpoint().cloned();
    report.checkpoint = start.as_ref().and_then(|c| c.cursor.clone());
    let payouts = payouts_after(stripe, config, start.as_ref(), report).await?;
    say(
        config,
        &format!("{} payout(s) after the checkpoint", payouts.len()),
    );
    for chunk in payouts.chunks(config.chunk.max(1)) {
        // Only the payouts up to the first one not final yet are handled.
        let end = chunk
            .iter()
            .position(|p| matches!(p.status, PayoutStatus::Pending | PayoutStatus::InTransit))
            .unwrap_or(chunk.len());
        let (ready, rest) = chunk.split_at(end);
        let paid: Vec<Payout> = ready
            .iter()
            .filter(|p| p.status == PayoutStatus::Paid)
            .cloned()
            .collect();
        let existing = deposits_for(qb, &paid, report).await?;
        for group in ready.chunks(MAX_BATCH_ITEMS) {
            let mut planned = Vec::new();
            for payout in group {
                if payout.status == PayoutStatus::Paid {
                    let found = existing.get(&payout.id);
                    if let Some(e) = examine(stripe, config, payout, found, hook, report).await? {
                        planned.push(e);
                    }
                } else {
                    report.skipped.push(Skipped {
                        payout: payout.id.clone(),
                        reason: format!("status {}: no money arrived", payout.status),
                    });
                }
            }
            let wrote = !planned.is_empty();
            let stop = create_all(qb, config, planned, report).await?;
            if wrote {
                hook.at(Step::TargetWritten)?;
            }
            // The checkpoint moves past every payout of the group handled, in order.
            let mut checkpoint = slot.checkpoint().cloned();
            let mut last = None;
            for payout in group {
                if stop.as_ref().is_some_and(|(id, _)| *id == payout.id) {
                    break;
                }
                checkpoint = Some(next_checkpoint(checkpoint.as_ref(), payout));
                last = Some(payout.id.clone());
            }
            if let (Some(checkpoint), Some(last)) = (checkpoint, last) {
                slot.save(&checkpoint).await?;
                report.checkpoint = Some(last);
                hook.at(Step::CheckpointSaved)?;
            }
            if let Some((_, error)) = stop {
                return Err(error.into());
            }
        }
        if let Some(waiting) = rest.first() {
            say(
                config,
                &format!("{} is {}: stopping before it", waiting.id, waiting.status),
            );
            report.skipped.push(Skipped {
                payout: waiting.id.clone(),
                reason: format!(
                    "status {}: not final yet; the next run starts here",
                    waiting.status
                ),
            });
            break;
        }
    }
    Ok(())
}
