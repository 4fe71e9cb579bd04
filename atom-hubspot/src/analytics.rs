//! Figures a sales team asks for, computed from the API with exact decimals: record
//! totals, open pipeline value by stage, won revenue in a period, win rate, and
//! lead-to-customer conversion by lifecycle stage.
//!
//! Stages are classified by their pipeline's metadata (closed and won: `isClosed` with
//! probability 1; lost: probability 0), not by their ids, so custom pipelines count right.
//! The pure functions ([`pipeline_report`], [`conversion`]) take records already fetched;
//! [`Analytics`] fetches them (deals through [`crate::Objects::search_all`], counts
//! through search totals, one call each).
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use chrono::{TimeZone as _, Utc};
//! let q1 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()..Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap();
//! let report = client.analytics().pipeline(q1).await?;
//! println!("won {} at a win rate of {:?}", report.won_revenue, report.win_rate());
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::ops::Range;

use atom_core::{Decimal, Error, Request, Result};
use chrono::{DateTime, Utc};
use futures::TryStreamExt as _;
use serde::Serialize;

use crate::SERVICE;
use crate::client::Client;
use crate::models::{CrmObject, LifecycleStage, Pipeline};
use crate::search::{Filter, SearchParams};

/// Record counts of a portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Totals {
    /// Contacts.
    pub contacts: u64,
    /// Companies.
    pub companies: u64,
    /// Deals.
    pub deals: u64,
}

/// The open deals of one stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StageValue {
    /// The pipeline.
    pub pipeline_id: String,
    /// The stage.
    pub stage_id: String,
    /// The stage's label.
    pub label: String,
    /// Open deals in it.
    pub deals: u64,
    /// Their summed amount.
    pub amount: Decimal,
}

/// A deal pipeline's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PipelineReport {
    /// Open deals by stage, in pipeline and stage order.
    pub open_by_stage: Vec<StageValue>,
    /// The open pipeline's total value.
    pub open_total: Decimal,
    /// Deals won with a close date in the period.
    pub won_deals: u64,
    /// Their summed amount.
    pub won_revenue: Decimal,
    /// Deals lost with a close date in the period.
    pub lost_deals: u64,
    /// Deals skipped: in a stage no pipeline names, or with an unreadable amount.
    pub skipped: u64,
}

impl PipelineReport {
    /// Won ÷ (won + lost) in the period, to four decimal places (rounded down); `None`
    /// when nothing closed.
    pub fn win_rate(&self) -> Option<Decimal> {
        ratio(self.won_deals, self.won_deals.checked_add(self.lost_deals)?)
    }
}

/// `part / whole` to four decimal places, rounded down.
fn ratio(part: u64, whole: u64) -> Option<Decimal> {
    if whole == 0 {
        return None;
    }
    let scaled = u128::from(part) * 10_000 / u128::from(whole);
    Some(Decimal::from_parts(i128::try_from(scaled).ok()?, 4))
}

fn add(total: &Decimal, amount: &Decimal) -> Result<Decimal> {
    total
        .checked_add(amount)
        .ok_or_else(|| Error::decode(SERVICE, "a sum of amounts is too large to add exactly"))
}

/// The pipeline figures of `deals` (pure): open value by stage (deals in stages that are
/// not closed), and deals won and lost with a close date in `period`.
pub fn pipeline_report(
    deals: &[CrmObject],
    pipelines: &[Pipeline],
    period: Range<DateTime<Utc>>,
) -> Result<PipelineReport> {
    let mut open: BTreeMap<(usize, usize), StageValue> = BTreeMap::new();
    let mut report = PipelineReport {
        open_by_stage: Vec::new(),
        open_total: Decimal::zero(),
        won_deals: 0,
        won_revenue: Decimal::zero(),
        lost_deals: 0,
        skipped: 0,
    };
    for deal in deals {
        let stage_id = deal.dealstage().unwrap_or_default();
        let pipeline_id = deal.pipeline().unwrap_or("default");
        let found = pipelines
            .iter()
            .enumerate()
            .find(|(_, p)| p.id == pipeline_id)
            .and_then(|(pi, p)| {
                p.stages
                    .iter()
                    .enumerate()
                    .find(|(_, s)| s.id == stage_id)
                    .map(|(si, s)| (pi, p, si, s))
            });
        let (Some((pi, pipeline, si, stage)), Ok(amount)) = (found, deal.amount()) else {
            report.skipped += 1;
            continue;
        };
        let amount = amount.unwrap_or_else(Decimal::zero);
        if !stage.is_closed() {
            let entry = open.entry((pi, si)).or_insert_with(|| StageValue {
                pipeline_id: pipeline.id.clone(),
                stage_id: stage.id.clone(),
                label: stage.label.clone(),
                deals: 0,
                amount: Decimal::zero(),
            });
            entry.deals += 1;
            entry.amount = add(&entry.amount, &amount)?;
            report.open_total = add(&report.open_total, &amount)?;
            continue;
        }
        let in_period = deal.closedate().is_some_and(|d| period.contains(&d));
        if !in_period {
            continue;
        }
        if stage.is_won() {
            report.won_deals += 1;
            report.won_revenue = add(&report.won_revenue, &amount)?;
        } else if stage.is_lost() {
            report.lost_deals += 1;
        }
    }
    // Stages in pipeline order (BTreeMap keys are the positions).
    report.open_by_stage = open.into_values().collect();
    Ok(report)
}

/// Contacts per lifecycle stage and the lead-to-customer conversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Conversion {
    /// Contacts currently in each built-in stage, in funnel order.
    pub by_stage: Vec<(LifecycleStage, u64)>,
    /// Contacts that reached lead or any later stage.
    pub leads_or_later: u64,
    /// Contacts that reached customer or evangelist.
    pub customers_or_later: u64,
}

impl Conversion {
    /// Customers (and later) ÷ leads (and later), to four decimal places, rounded down.
    pub fn lead_to_customer(&self) -> Option<Decimal> {
        ratio(self.customers_or_later, self.leads_or_later)
    }

    /// The share of contacts at `stage` or later among those at lead or later.
    pub fn reached(&self, stage: &LifecycleStage) -> Option<Decimal> {
        let rank = stage.rank()?;
        let count: u64 = self
            .by_stage
            .iter()
            .filter(|(s, _)| s.rank().is_some_and(|r| r >= rank))
            .map(|(_, n)| n)
            .sum();
        ratio(count, self.leads_or_later)
    }
}

/// The funnel of per-stage counts (pure).
pub fn conversion(counts: &[(LifecycleStage, u64)]) -> Conversion {
    let at_least = |rank: u8| -> u64 {
        counts
            .iter()
            .filter(|(s, _)| s.rank().is_some_and(|r| r >= rank))
            .map(|(_, n)| *n)
            .fold(0u64, u64::saturating_add)
    };
    let mut by_stage: Vec<(LifecycleStage, u64)> = counts
        .iter()
        .filter(|(s, _)| s.rank().is_some())
        .cloned()
        .collect();
    by_stage.sort_by_key(|(s, _)| s.rank());
    Conversion {
        leads_or_later: at_least(1),
        customers_or_later: at_least(5),
        by_stage,
    }
}

/// The built-in lifecycle stages, in funnel order.
pub const FUNNEL: [LifecycleStage; 7] = [
    LifecycleStage::Subscriber,
    LifecycleStage::Lead,
    LifecycleStage::MarketingQualifiedLead,
    LifecycleStage::SalesQualifiedLead,
    LifecycleStage::Opportunity,
    LifecycleStage::Customer,
    LifecycleStage::Evangelist,
];

/// Fetches what the figures need.
#[derive(Debug, Clone)]
pub struct Analytics {
    client: Client,
}

impl Analytics {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// How many records a search matches (one call, `limit=1`, HubSpot's `total`).
    pub async fn count(&self, object_type: &str, params: &SearchParams) -> Result<u64> {
        // One request, not a stream: a stream would start fetching the next page.
        let params = params.clone().limit(1);
        params.check()?;
        let request = Request::post(format!(
            "/crm/v3/objects/{}/search",
            crate::validate::object_type(object_type)?
        ))
        .operation("objects.search")
        .path_template("/crm/v3/objects/{objectType}/search")
        .rate_class(crate::SEARCH_CLASS)
        .json(&params.body(None));
        #[derive(serde::Deserialize)]
        struct Total {
            #[serde(default)]
            total: i64,
        }
        let total: Total = self.client.send_json(request).await?;
        // HubSpot's description types it int32; a negative count means none.
        Ok(u64::try_from(total.total).unwrap_or(0))
    }

    /// Contacts, companies and deals (three calls).
    pub async fn totals(&self) -> Result<Totals> {
        let all = SearchParams::new();
        Ok(Totals {
            contacts: self.count("contacts", &all).await?,
            companies: self.count("companies", &all).await?,
            deals: self.count("deals", &all).await?,
        })
    }

    /// The deal pipelines and every deal (amount, stage, pipeline, close date), then
    /// [`pipeline_report`] for `period`.
    pub async fn pipeline(&self, period: Range<DateTime<Utc>>) -> Result<PipelineReport> {
        let pipelines: Vec<Pipeline> = self.client.pipelines("deals").list().try_collect().await?;
        let params = SearchParams::new()
            .properties(["amount", "dealstage", "pipeline", "closedate"])
            .limit(200);
        let deals: Vec<CrmObject> = self
            .client
            .deals()
            .search_all(&params)
            .try_collect()
            .await?;
        pipeline_report(&deals, &pipelines, period)
    }

    /// Contacts per lifecycle stage (one count per stage) and the conversion.
    pub async fn conversion(&self) -> Result<Conversion> {
        let mut counts = Vec::with_capacity(FUNNEL.len());
        for stage in FUNNEL {
            let n = self
                .count(
                    "contacts",
                    &SearchParams::new().filter(Filter::eq("lifecyclestage", stage.as_str())),
                )
                .await?;
            counts.push((stage, n));
        }
        Ok(conversion(&counts))
    }
}
