//! One pass: payouts since the checkpoint, oldest first, each matched to its deposit or
//! given one, the checkpoint saved after each.

use std::collections::HashMap;

use atom_core::feed::FeedCheckpoint;
use atom_core::{CheckpointKey, Error, Paginator, Result};
use atom_quickbooks::{Account, Deposit, Op, Query};
use atom_stripe::models::{Payout, PayoutStatus};
use atom_stripe::{BalanceTransactionListParams, ListParams, PayoutListParams, RangeQuery};
use futures::TryStreamExt as _;

use super::config::{Config, ENV_BANK_ACCOUNT, ENV_FEES_ACCOUNT, ENV_INCOME_ACCOUNT, SERVICE};
use super::plan::{self, Mismatch};
use super::report::{Created, Matched, Report, RunError, Skipped};
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

/// Reconciles one paid payout: reads its balance transactions, then matches, reports or
/// creates its deposit.
async fn reconcile_payout(
    stripe: &atom_stripe::Client,
    qb: &atom_quickbooks::Client,
    config: &Config,
    payout: &Payout,
    existing: Option<&Vec<Deposit>>,
    hook: &dyn StepHook,
    report: &mut Report,
) -> std::result::Result<(), RunError> {
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
            return Ok(());
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
        }
        _ => {
            let Some(request_id) = plan::request_id(&payout.id) else {
                report.skipped.push(Skipped {
                    payout: payout.id.clone(),
                    reason: "the payout id cannot make a QuickBooks requestid".to_owned(),
                });
                return Ok(());
            };
            let created = qb
                .entity::<Deposit>()
                .request_id(request_id)
                .create(&expected.deposit)
                .await?;
            report.requests.quickbooks += 1;
            hook.at(Step::TargetWritten)?;
            let id = created.id.unwrap_or_default();
            say(
                config,
                &format!(
                    "{} -> created deposit {id} of {} {}",
                    payout.id, expected.total, expected.currency
                ),
            );
            report.created.push(Created {
                payout: payout.id.clone(),
                deposit: id,
                amount: expected.total,
                currency: expected.currency,
            });
        }
    }
    Ok(())
}

/// One reconciliation pass.
///
/// Checks the configured accounts exist (a `Config` error naming the variable otherwise),
/// reads the payouts after `slot`'s checkpoint oldest first, and for each:
///
/// * `paid`: reads its balance transactions and works out the deposit it should be; an
///   existing deposit (found by the payout id in its `PrivateNote`) is compared and any
///   difference reported with both values, never changed; a missing one is created with the
///   `requestid` `stripe-<payout id>`, so a repeat (retry or rerun) creates nothing new;
/// * `failed` / `canceled`: skipped, with the reason;
/// * `pending` / `in_transit`: not final, so the run stops before it and the next run
///   starts there.
///
/// The checkpoint is saved after each payout, only once its deposit was written (or found).
/// A crash anywhere repeats at most the payout in hand, which the `requestid` and the
/// `PrivateNote` lookup make harmless.
pub async fn run_once(
    stripe: &atom_stripe::Client,
    qb: &atom_quickbooks::Client,
    config: &Config,
    slot: &mut CheckpointSlot,
    hook: &dyn StepHook,
) -> std::result::Result<Report, RunError> {
    let mut report = Report::default();
    check_accounts(qb, config, &mut report).await?;
    let start = slot.checkpoint().cloned();
    report.checkpoint = start.as_ref().and_then(|c| c.cursor.clone());
    let payouts = payouts_after(stripe, config, start.as_ref(), &mut report).await?;
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
        let existing = deposits_for(qb, &paid, &mut report).await?;
        for payout in ready {
            if payout.status == PayoutStatus::Paid {
                reconcile_payout(
                    stripe,
                    qb,
                    config,
                    payout,
                    existing.get(&payout.id),
                    hook,
                    &mut report,
                )
                .await?;
            } else {
                report.skipped.push(Skipped {
                    payout: payout.id.clone(),
                    reason: format!("status {}: no money arrived", payout.status),
                });
            }
            let checkpoint = next_checkpoint(slot.checkpoint(), payout);
            slot.save(&checkpoint).await?;
            report.checkpoint = Some(payout.id.clone());
            hook.at(Step::CheckpointSaved)?;
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
    if config.verbose {
        print!("{report}");
    }
    Ok(report)
}
