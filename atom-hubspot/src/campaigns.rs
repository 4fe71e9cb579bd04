//! Marketing campaigns (`/marketing/v3/campaigns`: list, get, create, update, metrics and
//! revenue reports) and marketing email statistics (`/marketing/v3/emails/statistics`).
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use atom_hubspot::models::CampaignParams;
//! use chrono::NaiveDate;
//! let campaigns = client.campaigns();
//! let spring = campaigns
//!     .create(&CampaignParams::new().property("hs_name", "Spring launch").property("hs_start_date", "2025-03-01"))
//!     .await?;
//! let from = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default();
//! let to = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap_or_default();
//! let metrics = campaigns.metrics(&spring.id, from, to).await?;
//! # let _ = metrics; Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use chrono::{DateTime, NaiveDate, Utc};

use crate::client::Client;
use crate::models::{
    Campaign, CampaignMetrics, CampaignParams, CampaignRevenue, EmailStatisticsReport,
};
use crate::objects::check_properties;
use crate::{SERVICE, pagination, validate};

/// What a campaign list reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CampaignListParams {
    /// Page size, 1 to 100 (default 50).
    pub limit: Option<u32>,
    /// Only campaigns whose name contains this.
    pub name: Option<String>,
    /// Sort by this property (`hs_name`, `-createdAt`).
    pub sort: Option<String>,
    /// Properties to return.
    pub properties: Vec<String>,
}

/// The campaigns handler.
#[derive(Debug, Clone)]
pub struct Campaigns {
    client: Client,
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl Campaigns {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    fn path(id: &str) -> Result<String> {
        Ok(format!(
            "/marketing/v3/campaigns/{}",
            validate::id("campaign id", id)?
        ))
    }

    /// `GET /marketing/v3/campaigns`.
    pub fn list(&self, params: &CampaignListParams) -> Paginator<Campaign> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`Campaigns::list`] from a checkpoint.
    pub fn list_from(&self, params: &CampaignListParams, from: Checkpoint) -> Paginator<Campaign> {
        let first = (|| {
            let limit = params.limit.unwrap_or(50);
            if !(1..=100).contains(&limit) {
                return Err(Error::config(
                    SERVICE,
                    "campaign page size must be 1 to 100",
                ));
            }
            validate::property_names(&params.properties)?;
            let mut request = Request::get("/marketing/v3/campaigns")
                .operation("campaigns.list")
                .path_template("/marketing/v3/campaigns")
                .query("limit", limit.to_string());
            if let Some(name) = &params.name {
                request = request.query("name", name);
            }
            if let Some(sort) = &params.sort {
                let bare = sort.strip_prefix('-').unwrap_or(sort);
                validate::property_name(bare)?;
                request = request.query("sort", sort);
            }
            for p in &params.properties {
                request = request.query("properties", p);
            }
            Ok(request)
        })();
        pagination::list(&self.client, first, from)
    }

    /// `GET /marketing/v3/campaigns/{campaignGuid}`.
    pub async fn get(&self, id: &str, properties: &[&str]) -> Result<Campaign> {
        validate::property_names(properties)?;
        let mut request = Request::get(Self::path(id)?)
            .operation("campaigns.get")
            .path_template("/marketing/v3/campaigns/{campaignGuid}");
        for p in properties {
            request = request.query("properties", *p);
        }
        self.client.send_json(request).await
    }

    /// `POST /marketing/v3/campaigns` (`hs_name` is required).
    pub async fn create(&self, params: &CampaignParams) -> Result<Campaign> {
        check_properties(params.properties.keys())?;
        if !params.properties.contains_key("hs_name") {
            return Err(Error::config(SERVICE, "a campaign needs an hs_name"));
        }
        let request = Request::post("/marketing/v3/campaigns")
            .operation("campaigns.create")
            .path_template("/marketing/v3/campaigns")
            .json(params);
        self.client.send_json(request).await
    }

    /// `PATCH /marketing/v3/campaigns/{campaignGuid}`.
    pub async fn update(&self, id: &str, params: &CampaignParams) -> Result<Campaign> {
        check_properties(params.properties.keys())?;
        let request = Request::patch(Self::path(id)?)
            .operation("campaigns.update")
            .path_template("/marketing/v3/campaigns/{campaignGuid}")
            .json(params);
        self.client.send_json(request).await
    }

    /// `GET /marketing/v3/campaigns/{campaignGuid}/reports/metrics`: sessions, new and
    /// influenced contacts between two dates.
    pub async fn metrics(
        &self,
        id: &str,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<CampaignMetrics> {
        let request = Request::get(format!("{}/reports/metrics", Self::path(id)?))
            .operation("campaigns.metrics")
            .path_template("/marketing/v3/campaigns/{campaignGuid}/reports/metrics")
            .query("startDate", date(start))
            .query("endDate", date(end));
        self.client.send_json(request).await
    }

    /// `GET /marketing/v3/campaigns/{campaignGuid}/reports/revenue`: attributed revenue
    /// (exact decimals) between two dates, by an attribution model (`LINEAR`,
    /// `FIRST_INTERACTION`, …; HubSpot's default when `None`).
    pub async fn revenue(
        &self,
        id: &str,
        start: NaiveDate,
        end: NaiveDate,
        attribution_model: Option<&str>,
    ) -> Result<CampaignRevenue> {
        let mut request = Request::get(format!("{}/reports/revenue", Self::path(id)?))
            .operation("campaigns.revenue")
            .path_template("/marketing/v3/campaigns/{campaignGuid}/reports/revenue")
            .query("startDate", date(start))
            .query("endDate", date(end));
        if let Some(model) = attribution_model {
            validate::property_name(model)?;
            request = request.query("attributionModel", model);
        }
        self.client.send_json(request).await
    }
}

/// Marketing email statistics.
#[derive(Debug, Clone)]
pub struct MarketingEmails {
    client: Client,
}

impl MarketingEmails {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /marketing/v3/emails/statistics/list`: the aggregate statistics (sent, opens,
    /// clicks, bounces, ratios) of the emails sent between two instants, optionally only
    /// of some emails.
    pub async fn statistics(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        email_ids: &[u64],
    ) -> Result<EmailStatisticsReport> {
        if end < start {
            return Err(Error::config(
                SERVICE,
                "the statistics period ends before it starts",
            ));
        }
        let mut request = Request::get("/marketing/v3/emails/statistics/list")
            .operation("emails.statistics")
            .path_template("/marketing/v3/emails/statistics/list")
            .query(
                "startTimestamp",
                start.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            )
            .query(
                "endTimestamp",
                end.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            );
        for id in email_ids {
            request = request.query("emailIds", id.to_string());
        }
        self.client.send_json(request).await
    }
}
