//! Sales analytics on aggregate SOQL: pipeline by stage, win rate, lead conversion by
//! source. Each is one aggregate query built with [`crate::soql::Query`]; amounts stay
//! exact ([`Decimal`]).
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! use chrono::NaiveDate;
//! use atom_salesforce::analytics::DateRange;
//! let q1 = DateRange::new(
//!     NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
//!     NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or_default(),
//! )?;
//! for stage in client.analytics().pipeline_by_stage(&q1).await? {
//!     println!("{}: {} deals, {:?}", stage.stage, stage.count, stage.total_amount);
//! }
//! # Ok(()) }
//! ```

use atom_core::{Error, Result};
use chrono::{NaiveDate, NaiveTime, TimeZone as _, Utc};
use serde::Serialize;

use crate::models::Decimal;
use crate::soql::{Aggregate, Filter, Query};
use crate::{Client, SERVICE};

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateRange {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

impl DateRange {
    /// `from` to `to`, both included.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self> {
        if to < from {
            return Err(Error::config(SERVICE, "date range ends before it starts"));
        }
        Ok(Self { from, to })
    }

    /// For date fields: `field >= from AND field <= to`.
    fn date_filter(&self, field: &str) -> Filter {
        Filter::ge(field, self.from).and(Filter::le(field, self.to))
    }

    /// For date-time fields: from midnight UTC of `from` to before midnight after `to`.
    fn datetime_filter(&self, field: &str) -> Filter {
        let start = Utc.from_utc_datetime(&self.from.and_time(NaiveTime::MIN));
        let end = self
            .to
            .succ_opt()
            .map(|d| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)));
        match end {
            Some(end) => Filter::ge(field, start).and(Filter::lt(field, end)),
            None => Filter::ge(field, start),
        }
    }
}

/// One stage of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StagePipeline {
    /// The stage.
    pub stage: String,
    /// Opportunities in it.
    pub count: u64,
    /// Sum of `Amount` (`None` when no opportunity has one).
    pub total_amount: Option<Decimal>,
    /// Average `Amount`.
    pub average_amount: Option<Decimal>,
}

/// Won against lost among opportunities closed in a range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct WinRate {
    /// Closed won.
    pub won: u64,
    /// Closed lost.
    pub lost: u64,
    /// Sum of won amounts.
    pub won_amount: Option<Decimal>,
    /// `won / (won + lost)`; `None` when nothing closed.
    pub rate: Option<f64>,
}

/// Lead conversion for one lead source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SourceConversion {
    /// The source (`None`: leads without one).
    pub lead_source: Option<String>,
    /// Leads created in the range.
    pub leads: u64,
    /// Of which converted.
    pub converted: u64,
    /// `converted / leads`.
    pub rate: Option<f64>,
}

fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Analytics helpers; from [`Client::analytics`].
#[derive(Debug, Clone)]
pub struct Analytics {
    client: Client,
}

impl Client {
    /// Analytics on aggregate SOQL.
    pub fn analytics(&self) -> Analytics {
        Analytics {
            client: self.clone(),
        }
    }
}

impl Analytics {
    /// The pipeline query: count, sum and average amount by stage, close date in `range`.
    pub fn pipeline_query(range: &DateRange) -> Query {
        Query::select(["StageName"])
            .aggregate(Aggregate::Count, "Id", Some("n"))
            .aggregate(Aggregate::Sum, "Amount", Some("total"))
            .aggregate(Aggregate::Avg, "Amount", Some("average"))
            .from("Opportunity")
            .filter(range.date_filter("CloseDate"))
            .group_by("StageName")
    }

    /// Opportunities by stage with a close date in `range`.
    pub async fn pipeline_by_stage(&self, range: &DateRange) -> Result<Vec<StagePipeline>> {
        let soql = Self::pipeline_query(range).build()?;
        let rows = self.client.aggregate(&soql).await?;
        Ok(rows
            .iter()
            .map(|row| StagePipeline {
                stage: row.str("StageName").unwrap_or_default().to_owned(),
                count: row.count("n").unwrap_or(0),
                total_amount: row.decimal("total"),
                average_amount: row.decimal("average"),
            })
            .collect())
    }

    /// The win-rate query: closed opportunities by `IsWon`, close date in `range`.
    pub fn win_rate_query(range: &DateRange) -> Query {
        Query::select(["IsWon"])
            .aggregate(Aggregate::Count, "Id", Some("n"))
            .aggregate(Aggregate::Sum, "Amount", Some("total"))
            .from("Opportunity")
            .filter(Filter::eq("IsClosed", true))
            .filter(range.date_filter("CloseDate"))
            .group_by("IsWon")
    }

    /// Won against lost for opportunities closed in `range`.
    pub async fn win_rate(&self, range: &DateRange) -> Result<WinRate> {
        let soql = Self::win_rate_query(range).build()?;
        let rows = self.client.aggregate(&soql).await?;
        let mut rate = WinRate {
            won: 0,
            lost: 0,
            won_amount: None,
            rate: None,
        };
        for row in &rows {
            let n = row.count("n").unwrap_or(0);
            if row.bool("IsWon") == Some(true) {
                rate.won = rate.won.saturating_add(n);
                rate.won_amount = row.decimal("total");
            } else {
                rate.lost = rate.lost.saturating_add(n);
            }
        }
        rate.rate = ratio(rate.won, rate.won.saturating_add(rate.lost));
        Ok(rate)
    }

    /// The conversion query: leads by source and `IsConverted`, created in `range`.
    pub fn lead_conversion_query(range: &DateRange) -> Query {
        Query::select(["LeadSource", "IsConverted"])
            .aggregate(Aggregate::Count, "Id", Some("n"))
            .from("Lead")
            .filter(range.datetime_filter("CreatedDate"))
            .group_by("LeadSource")
            .group_by("IsConverted")
    }

    /// Lead conversion rate by lead source for leads created in `range`.
    pub async fn lead_conversion_by_source(
        &self,
        range: &DateRange,
    ) -> Result<Vec<SourceConversion>> {
        let soql = Self::lead_conversion_query(range).build()?;
        let rows = self.client.aggregate(&soql).await?;
        let mut out: Vec<SourceConversion> = Vec::new();
        for row in &rows {
            let source = row.str("LeadSource").map(str::to_owned);
            let n = row.count("n").unwrap_or(0);
            let idx = match out.iter().position(|s| s.lead_source == source) {
                Some(i) => i,
                None => {
                    out.push(SourceConversion {
                        lead_source: source,
                        leads: 0,
                        converted: 0,
                        rate: None,
                    });
                    out.len() - 1
                }
            };
            if let Some(entry) = out.get_mut(idx) {
                entry.leads = entry.leads.saturating_add(n);
                if row.bool("IsConverted") == Some(true) {
                    entry.converted = entry.converted.saturating_add(n);
                }
            }
        }
        for entry in &mut out {
            entry.rate = ratio(entry.converted, entry.leads);
        }
        Ok(out)
    }
}
