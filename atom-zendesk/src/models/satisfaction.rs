//! Customer satisfaction ratings.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

atom_core::string_enum! {
    /// A rating's score.
    #[non_exhaustive]
    pub enum SatisfactionScore {
        /// Not offered to the requester.
        Unoffered = "unoffered",
        /// Offered, not answered.
        Offered = "offered",
        /// Good.
        Good = "good",
        /// Bad.
        Bad = "bad",
    }
}

/// A satisfaction rating (`satisfaction_rating`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SatisfactionRating {
    /// The id.
    pub id: u64,
    /// The API URL.
    #[serde(default)]
    pub url: Option<String>,
    /// The score.
    #[serde(default)]
    pub score: Option<SatisfactionScore>,
    /// The requester's comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The reason picked for a bad rating.
    #[serde(default)]
    pub reason: Option<String>,
    /// The reason's id.
    #[serde(default)]
    pub reason_id: Option<u64>,
    /// The ticket.
    #[serde(default)]
    pub ticket_id: Option<u64>,
    /// The requester.
    #[serde(default)]
    pub requester_id: Option<u64>,
    /// The assignee when rated.
    #[serde(default)]
    pub assignee_id: Option<u64>,
    /// The group when rated.
    #[serde(default)]
    pub group_id: Option<u64>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Last updated.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}
