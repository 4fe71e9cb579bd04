//! Customer satisfaction: ratings (list with score and time filters, get) and a summary
//! over a period computed from them.
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client) -> atom_core::Result<()> {
//! let end = chrono::Utc::now();
//! let month = client.satisfaction_ratings().summary(end - chrono::Duration::days(30), end).await?;
//! println!("{} good, {} bad, score {:?}%", month.good, month.bad, month.score_percent());
//! # Ok(()) }
//! ```

use std::collections::HashSet;

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use chrono::{DateTime, Utc};
use futures::TryStreamExt as _;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::{SatisfactionRating, SatisfactionScore};
use crate::pagination::{Scheme, cursor_first, paginate};

atom_core::string_enum! {
    /// The `score` filter of a ratings list.
    #[non_exhaustive]
    pub enum ScoreFilter {
        /// Offered, not answered.
        Offered = "offered",
        /// Not offered.
        Unoffered = "unoffered",
        /// Answered (good or bad).
        Received = "received",
        /// Answered with a comment.
        ReceivedWithComment = "received_with_comment",
        /// Answered without a comment.
        ReceivedWithoutComment = "received_without_comment",
        /// Good.
        Good = "good",
        /// Good with a comment.
        GoodWithComment = "good_with_comment",
        /// Good without a comment.
        GoodWithoutComment = "good_without_comment",
        /// Bad.
        Bad = "bad",
        /// Bad with a comment.
        BadWithComment = "bad_with_comment",
        /// Bad without a comment.
        BadWithoutComment = "bad_without_comment",
    }
}

/// Options of a ratings list (cursor paging).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SatisfactionListParams {
    /// Only ratings with this score.
    pub score: Option<ScoreFilter>,
    /// Only ratings created at or after this time.
    pub start_time: Option<DateTime<Utc>>,
    /// Only ratings created before this time.
    pub end_time: Option<DateTime<Utc>>,
    /// Items per page (1 to 100, default 100).
    pub page_size: Option<u32>,
}

/// Satisfaction over a period, counted from the ratings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SatisfactionSummary {
    /// The period's start.
    pub start: Option<DateTime<Utc>>,
    /// The period's end.
    pub end: Option<DateTime<Utc>>,
    /// Rated good.
    pub good: u64,
    /// Rated bad.
    pub bad: u64,
    /// Offered and not answered.
    pub offered_unanswered: u64,
    /// Not offered.
    pub unoffered: u64,
    /// Offered in all: good + bad + not answered.
    pub offered: u64,
    /// Scores this version does not know.
    pub other: u64,
}

impl SatisfactionSummary {
    /// Adds one rating.
    pub fn add(&mut self, score: Option<&SatisfactionScore>) {
        match score {
            Some(SatisfactionScore::Good) => self.good += 1,
            Some(SatisfactionScore::Bad) => self.bad += 1,
            Some(SatisfactionScore::Offered) => self.offered_unanswered += 1,
            Some(SatisfactionScore::Unoffered) => self.unoffered += 1,
            _ => self.other += 1,
        }
        self.offered = self.good + self.bad + self.offered_unanswered;
    }

    /// Zendesk's satisfaction score: good / (good + bad), as a percentage; `None` when
    /// nothing was rated.
    pub fn score_percent(&self) -> Option<f64> {
        let rated = self.good + self.bad;
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        (rated > 0).then(|| self.good as f64 * 100.0 / rated as f64)
    }

    /// Answered / offered, as a percentage; `None` when nothing was offered.
    pub fn response_rate_percent(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)] // counts far below 2^52
        (self.offered > 0).then(|| (self.good + self.bad) as f64 * 100.0 / self.offered as f64)
    }
}

#[derive(Deserialize)]
struct RatingBody {
    satisfaction_rating: OneOrList,
}

/// The rating as an object, or (as in Zendesk's own documented example) a one-item list.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrList {
    One(Box<SatisfactionRating>),
    List(Vec<SatisfactionRating>),
}

/// The account's satisfaction ratings.
#[derive(Debug, Clone)]
pub struct SatisfactionRatings {
    client: Client,
}

impl Client {
    /// The satisfaction ratings handler.
    pub fn satisfaction_ratings(&self) -> SatisfactionRatings {
        SatisfactionRatings {
            client: self.clone(),
        }
    }
}

impl SatisfactionRatings {
    /// `GET /api/v2/satisfaction_ratings` (cursor paging).
    pub fn list(&self, params: &SatisfactionListParams) -> Paginator<SatisfactionRating> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) from a checkpoint.
    pub fn list_from(
        &self,
        params: &SatisfactionListParams,
        from: Checkpoint,
    ) -> Paginator<SatisfactionRating> {
        let request = match (params.start_time, params.end_time) {
            (Some(start), Some(end)) if end <= start => Err(Error::config(
                SERVICE,
                "the period's end must come after its start",
            )),
            _ => Ok(cursor_first(
                Request::get("/api/v2/satisfaction_ratings")
                    .operation("satisfaction_ratings.list")
                    .path_template("/api/v2/satisfaction_ratings"),
                params.page_size,
            )
            .query_opt(
                "score",
                params.score.as_ref().map(|s| s.as_str().to_owned()),
            )
            .query_opt("start_time", params.start_time.map(|t| t.timestamp()))
            .query_opt("end_time", params.end_time.map(|t| t.timestamp()))),
        };
        paginate(
            &self.client,
            request,
            "satisfaction_ratings",
            Scheme::Cursor,
            from,
        )
    }

    /// `GET /api/v2/satisfaction_ratings/{id}`.
    pub async fn get(&self, id: u64) -> Result<SatisfactionRating> {
        let body: RatingBody = self
            .client
            .send_json(
                Request::get(format!("/api/v2/satisfaction_ratings/{id}"))
                    .operation("satisfaction_ratings.get")
                    .path_template("/api/v2/satisfaction_ratings/{id}"),
            )
            .await?;
        match body.satisfaction_rating {
            OneOrList::One(rating) => Ok(*rating),
            OneOrList::List(list) => list
                .into_iter()
                .next()
                .ok_or_else(|| Error::decode(SERVICE, "an empty satisfaction_rating list")),
        }
    }

    /// Good, bad and offered counts and the satisfaction score over `[start, end)`,
    /// counted from every rating of the period (each id once).
    pub async fn summary(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<SatisfactionSummary> {
        let mut ratings = self.list(&SatisfactionListParams {
            start_time: Some(start),
            end_time: Some(end),
            ..SatisfactionListParams::default()
        });
        let mut summary = SatisfactionSummary {
            start: Some(start),
            end: Some(end),
            ..SatisfactionSummary::default()
        };
        let mut seen = HashSet::new();
        while let Some(rating) = ratings.try_next().await? {
            if seen.insert(rating.id) {
                summary.add(rating.score.as_ref());
            }
        }
        Ok(summary)
    }
}
