//! Job statuses of bulk calls (`create_many`, `update_many`, `merge`).

use serde::Deserialize;
use serde_json::Value;

atom_core::string_enum! {
    /// Where a job stands.
    #[non_exhaustive]
    pub enum JobState {
        /// Waiting to run.
        Queued = "queued",
        /// Running.
        Working = "working",
        /// Done (items may still have failed: see [`JobStatus::failures`]).
        Completed = "completed",
        /// The job failed.
        Failed = "failed",
        /// The job was stopped.
        Killed = "killed",
    }
}

impl JobState {
    /// Whether the job will not change any more.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Killed)
    }
}

atom_core::model! {
    /// A job's status (`job_status`).
    pub struct JobStatus {
        /// The id.
        pub id: String,
        /// The API URL.
        pub url: Option<String>,
        /// Where it stands.
        pub status: Option<JobState>,
        /// Items done.
        pub progress: Option<u64>,
        /// Items in all.
        pub total: Option<u64>,
        /// Zendesk's message.
        pub message: Option<String>,
        /// One entry per item, once done.
        @deserialize_with(null_as_empty_results)
        pub results: Vec<JobResult>,
    }
}

impl JobStatus {
    /// Whether the job will not change any more.
    pub fn is_final(&self) -> bool {
        self.status.as_ref().is_some_and(JobState::is_final)
    }

    /// The items that failed: `success: false`, or an `error`.
    pub fn failures(&self) -> impl Iterator<Item = &JobResult> {
        self.results.iter().filter(|r| r.is_failure())
    }
}

atom_core::model! {
    /// One item's outcome in a [`JobStatus`].
    pub struct JobResult {
        /// The record's id (absent for an item that could not be created).
        pub id: Option<u64>,
        /// The item's position in the request.
        pub index: Option<u64>,
        /// `create`, `update`, `merge`, ...
        pub action: Option<String>,
        /// `Created`, `Updated`, `Failed`, ...
        pub status: Option<String>,
        /// Whether it worked.
        pub success: Option<bool>,
        /// The error code of a failed item (`TicketUpdateFailed`, `PermissionDenied`).
        pub error: Option<String>,
        /// The error's text.
        pub details: Option<String>,
        /// The external id of the item, when Zendesk echoes it.
        pub external_id: Option<String>,
    }
}

impl JobResult {
    /// Whether this item failed.
    pub fn is_failure(&self) -> bool {
        self.success == Some(false)
            || self.error.is_some()
            || self.status.as_deref() == Some("Failed")
    }
}

/// `results` is a list of items, but Zendesk sends `null` while the job runs and a bare
/// message string on some failures: both become an empty list (the message is kept in
/// `message` by Zendesk itself).
fn null_as_empty_results<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<JobResult>, D::Error> {
    let value = Value::deserialize(d)?;
    match value {
        Value::Array(items) => items
            .into_iter()
            .map(|item| serde_json::from_value(item).map_err(serde::de::Error::custom))
            .collect(),
        _ => Ok(Vec::new()),
    }
}
