//! Customer satisfaction ratings.

use chrono::{DateTime, Utc};

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

atom_core::model! {
    /// A satisfaction rating (`satisfaction_rating`).
    pub struct SatisfactionRating {
        /// The id.
        pub id: u64,
        /// The API URL.
        pub url: Option<String>,
        /// The score.
        pub score: Option<SatisfactionScore>,
        /// The requester's comment.
        pub comment: Option<String>,
        /// The reason picked for a bad rating.
        pub reason: Option<String>,
        /// The reason's id.
        pub reason_id: Option<u64>,
        /// The ticket.
        pub ticket_id: Option<u64>,
        /// The requester.
        pub requester_id: Option<u64>,
        /// The assignee when rated.
        pub assignee_id: Option<u64>,
        /// The group when rated.
        pub group_id: Option<u64>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
        /// Last updated.
        pub updated_at: Option<DateTime<Utc>>,
    }
}
