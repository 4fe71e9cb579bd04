//! Job statuses: the background jobs of bulk calls, polled with backoff to their end.
//!
//! [`JobStatuses::wait`] polls `GET /api/v2/job_statuses/{id}` after `first_delay`,
//! doubling the delay up to `max_delay`, at most `max_polls` times. A job that completes
//! with every item successful is returned; a job that ends `failed` or `killed`, or
//! completes with items that failed, is an error whose [`details`](atom_core::Error::details)
//! name each failed item (its index, id, error code and text) and whose provider details
//! are the whole [`JobStatus`] (`error.provider_details::<JobStatus>()`), successful items
//! included. A job still running after `max_polls` is a `Timeout` error (the job goes on:
//! wait again with its id).
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client, batch: Vec<atom_zendesk::tickets::TicketCreateParams>) -> atom_core::Result<()> {
//! use atom_zendesk::jobs::JobWait;
//! match client.tickets().create_many_and_wait(&batch, &JobWait::default()).await {
//!     Ok(job) => println!("{} tickets created", job.results.len()),
//!     Err(e) => for item in e.details() { eprintln!("{}", item.message) },
//! }
//! # Ok(()) }
//! ```

use std::time::Duration;

use atom_core::{Error, ErrorKind, ProviderDetail, Request, Result};
use serde::Deserialize;

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::{JobState, JobStatus};
use crate::pagination::id_segment;

/// How [`JobStatuses::wait`] polls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobWait {
    /// The wait before the first poll (default 1 s).
    pub first_delay: Duration,
    /// The longest wait between polls (default 30 s).
    pub max_delay: Duration,
    /// The most polls (default 40: about 15 minutes at the defaults).
    pub max_polls: u32,
}

impl Default for JobWait {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_polls: 40,
        }
    }
}

impl JobWait {
    /// Polling with these delays and at most `max_polls` polls.
    pub fn new(first_delay: Duration, max_delay: Duration, max_polls: u32) -> Self {
        Self {
            first_delay,
            max_delay,
            max_polls: max_polls.max(1),
        }
    }

    /// The wait before poll `n` (0-based): `first_delay * 2^n`, at most `max_delay`.
    pub fn delay(&self, n: u32) -> Duration {
        self.first_delay
            .saturating_mul(2u32.saturating_pow(n.min(31)))
            .min(self.max_delay)
    }
}

#[derive(Deserialize)]
pub(crate) struct JobStatusBody {
    pub job_status: JobStatus,
}

/// The account's background jobs.
#[derive(Debug, Clone)]
pub struct JobStatuses {
    client: Client,
}

impl Client {
    /// The job statuses handler.
    pub fn jobs(&self) -> JobStatuses {
        JobStatuses {
            client: self.clone(),
        }
    }
}

impl JobStatuses {
    /// `GET /api/v2/job_statuses/{id}`.
    pub async fn get(&self, id: &str) -> Result<JobStatus> {
        let segment = id_segment(id)?;
        let body: JobStatusBody = self
            .client
            .send_json(
                Request::get(format!("/api/v2/job_statuses/{segment}"))
                    .operation("job_statuses.get")
                    .path_template("/api/v2/job_statuses/{id}"),
            )
            .await?;
        Ok(body.job_status)
    }

    /// Polls the job with backoff until it ends (see the module docs for what comes back).
    pub async fn wait(&self, id: &str, wait: &JobWait) -> Result<JobStatus> {
        id_segment(id)?;
        for poll in 0..wait.max_polls.max(1) {
            tokio::time::sleep(wait.delay(poll)).await;
            let job = self.get(id).await?;
            if job.is_final() {
                return outcome(job);
            }
        }
        Err(Error::new(
            ErrorKind::Timeout,
            SERVICE,
            format!(
                "job {id} still running after {} polls",
                wait.max_polls.max(1)
            ),
        )
        .with_retryable(true))
    }
}

/// A finished job as a result: itself when every item worked, else an error naming each
/// failed item (see the module docs).
///
/// ```
/// let job: atom_zendesk::models::JobStatus = serde_json::from_str(r#"{"id":"j1","status":"completed","results":[
///   {"id":1,"index":0,"success":true,"action":"update","status":"Updated"},
///   {"id":2,"index":1,"success":false,"error":"TicketUpdateFailed","details":"Status: closed prevents ticket update"}]}"#).unwrap();
/// let err = atom_zendesk::jobs::outcome(job).unwrap_err();
/// assert_eq!(err.details().len(), 1);
/// assert_eq!(err.details()[0].code.as_deref(), Some("TicketUpdateFailed"));
/// ```
pub fn outcome(job: JobStatus) -> Result<JobStatus> {
    let failed_job = matches!(job.status, Some(JobState::Failed | JobState::Killed));
    let details: Vec<ProviderDetail> = job
        .failures()
        .map(|item| ProviderDetail {
            code: item.error.clone(),
            message: format!(
                "item {} (id {}): {}",
                item.index.map_or_else(|| "?".to_owned(), |i| i.to_string()),
                item.id.map_or_else(|| "none".to_owned(), |i| i.to_string()),
                item.details
                    .clone()
                    .or_else(|| item.status.clone())
                    .unwrap_or_else(|| "failed".to_owned())
            ),
            fields: Vec::new(),
        })
        .collect();
    if !failed_job && details.is_empty() {
        return Ok(job);
    }
    let message = if failed_job {
        format!(
            "job {} ended {}: {}",
            job.id,
            job.status.as_ref().map_or("failed", JobState::as_str),
            job.message.as_deref().unwrap_or("no message")
        )
    } else {
        format!(
            "job {} completed with {} failed items",
            job.id,
            details.len()
        )
    };
    let code = if failed_job {
        "JobFailed"
    } else {
        "JobItemsFailed"
    };
    Err(Error::new(ErrorKind::InvalidRequest, SERVICE, message)
        .with_provider_code(code)
        .with_retryable(false)
        .with_details(details)
        .with_provider_details(job))
}
