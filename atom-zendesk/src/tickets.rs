//! Tickets: create (idempotently), get, get many, update, delete, list, comments, bulk
//! create/update and merge (job statuses, see [`crate::jobs`]).
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client) -> atom_core::Result<()> {
//! use atom_zendesk::models::{CustomField, Priority, TicketStatus};
//! use atom_zendesk::tickets::{CommentParams, TicketCreateParams, TicketUpdateParams};
//! use futures::TryStreamExt as _;
//!
//! let tickets = client.tickets();
//! let created = tickets.create(&TicketCreateParams {
//!     subject: Some("CRM case 5003000000D8cuI".into()),
//!     comment: Some(CommentParams::public("Imported from the CRM.")),
//!     external_id: Some("5003000000D8cuI".into()),
//!     custom_fields: vec![CustomField::new(27642, "gold")],
//!     idempotency_key: Some("crm-case-5003000000D8cuI".into()),
//!     ..Default::default()
//! }).await?;
//! tickets.update(created.ticket.id, &TicketUpdateParams {
//!     status: Some(TicketStatus::Pending),
//!     priority: Some(Priority::High),
//!     additional_tags: vec!["escalated".into()],
//!     comment: Some(CommentParams::private("Waiting for the bank.")),
//!     ..Default::default()
//! }).await?;
//! let comments: Vec<_> = tickets.comments(created.ticket.id).try_collect().await?;
//! # let _ = comments; Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::SERVICE;
use crate::jobs::{JobStatusBody, JobWait};
use crate::models::{
    Comment, CustomField, JobStatus, Priority, Ticket, TicketAudit, TicketStatus, TicketType,
};
use crate::pagination::{Scheme, cursor_first, paginate};

/// The most tickets one `show_many`, `create_many` or `update_many` call takes.
pub const MAX_BATCH: usize = 100;
/// The longest `Idempotency-Key` this crate sends.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

atom_core::string_enum! {
    /// Zendesk's `x-idempotency-lookup` answer to a create with an `Idempotency-Key`.
    #[non_exhaustive]
    pub enum IdempotencyLookup {
        /// The key was seen before: this is the ticket the first request created.
        Hit = "hit",
        /// A new key: the ticket was created now.
        Miss = "miss",
    }
}

/// A comment to add: public (the requester is notified) or private (an internal note).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CommentParams {
    /// The text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The HTML (instead of `body`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html_body: Option<String>,
    /// `false`: an internal note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// The author (default: the authenticated user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<u64>,
    /// Upload tokens of attachments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub uploads: Vec<String>,
}

impl CommentParams {
    /// A public comment.
    pub fn public(body: impl Into<String>) -> Self {
        Self {
            body: Some(body.into()),
            public: Some(true),
            ..Self::default()
        }
    }

    /// A private comment (an internal note only agents see).
    pub fn private(body: impl Into<String>) -> Self {
        Self {
            body: Some(body.into()),
            public: Some(false),
            ..Self::default()
        }
    }

    fn has_text(&self) -> bool {
        self.body.as_deref().is_some_and(|b| !b.trim().is_empty())
            || self
                .html_body
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty())
    }
}

/// A requester to find or create by email along with the ticket.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Requester {
    /// The name (used when the user is new).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The locale id for a new user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale_id: Option<u64>,
}

impl Requester {
    /// A requester by email and name.
    pub fn new(email: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            email: Some(email.into()),
            locale_id: None,
        }
    }
}

/// A new ticket. The first comment is required (it is the description).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TicketCreateParams {
    /// The subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The first comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<CommentParams>,
    /// The requester, found or created by email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<Requester>,
    /// The requester by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester_id: Option<u64>,
    /// The submitter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitter_id: Option<u64>,
    /// The assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<u64>,
    /// The group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<u64>,
    /// The organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<u64>,
    /// The brand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<u64>,
    /// Tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Custom field values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomField>,
    /// The id in the system the ticket comes from (a payment, a CRM case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ticket_type: Option<TicketType>,
    /// The status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TicketStatus>,
    /// A custom status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_status_id: Option<u64>,
    /// A task's due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// A closed ticket this one follows up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via_followup_source_id: Option<u64>,
    /// The `Idempotency-Key` of this create (not sent in the body). Without one a fresh
    /// UUID v4 is used; either way the same key goes with every retry of the call. Set it
    /// from the source record (`payment-pi_123`) to make a rerun of a sync safe too.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

/// A change to a ticket; setting nothing is refused before any request.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TicketUpdateParams {
    /// The subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A comment to add (public or private).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<CommentParams>,
    /// The status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TicketStatus>,
    /// A custom status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_status_id: Option<u64>,
    /// The priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// The type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ticket_type: Option<TicketType>,
    /// The assignee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<u64>,
    /// The group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<u64>,
    /// The organization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<u64>,
    /// The requester.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester_id: Option<u64>,
    /// Replaces every tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Tags to add, keeping the others.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_tags: Vec<String>,
    /// Tags to remove, keeping the others.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remove_tags: Vec<String>,
    /// Custom field values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomField>,
    /// The id in another system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// A task's due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    /// With `safe_update`: the `updated_at` the change is based on; Zendesk refuses the
    /// update (409 `UpdateConflict`, a `Conflict` error) if the ticket changed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_stamp: Option<DateTime<Utc>>,
    /// Turns on the `updated_stamp` check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safe_update: Option<bool>,
}

impl TicketUpdateParams {
    /// Whether the update sets nothing (`safe_update`/`updated_stamp` alone change nothing).
    pub fn is_empty(&self) -> bool {
        let Self {
            subject,
            comment,
            status,
            custom_status_id,
            priority,
            ticket_type,
            assignee_id,
            group_id,
            organization_id,
            requester_id,
            tags,
            additional_tags,
            remove_tags,
            custom_fields,
            external_id,
            due_at,
            updated_stamp: _,
            safe_update: _,
        } = self;
        subject.is_none()
            && comment.is_none()
            && status.is_none()
            && custom_status_id.is_none()
            && priority.is_none()
            && ticket_type.is_none()
            && assignee_id.is_none()
            && group_id.is_none()
            && organization_id.is_none()
            && requester_id.is_none()
            && tags.is_none()
            && additional_tags.is_empty()
            && remove_tags.is_empty()
            && custom_fields.is_empty()
            && external_id.is_none()
            && due_at.is_none()
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.is_empty() {
            return Err(Error::config(SERVICE, "a ticket update must set a field"));
        }
        if let Some(comment) = &self.comment
            && !comment.has_text()
        {
            return Err(Error::config(
                SERVICE,
                "a comment needs a body or html_body",
            ));
        }
        Ok(())
    }
}

/// One ticket of an `update_many` batch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketBatchUpdate {
    /// The ticket.
    pub id: u64,
    /// The change.
    #[serde(flatten)]
    pub update: TicketUpdateParams,
}

impl TicketBatchUpdate {
    /// A change of one ticket.
    pub fn new(id: u64, update: TicketUpdateParams) -> Self {
        Self { id, update }
    }
}

/// Tickets merged into a target.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TicketMergeParams {
    /// The tickets merged (closed) into the target.
    pub ids: Vec<u64>,
    /// The comment added to the merged tickets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_comment: Option<String>,
    /// Whether that comment is public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_comment_is_public: Option<bool>,
    /// The comment added to the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_comment: Option<String>,
    /// Whether that comment is public.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_comment_is_public: Option<bool>,
}

/// Options of a ticket list (cursor paging).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketListParams {
    /// The order: `id`, `updated_at`, `created_at`, `status`, ..., `-` first for descending.
    pub sort: Option<String>,
    /// Items per page (1 to 100, default 100).
    pub page_size: Option<u32>,
    /// Only tickets with this external id (`GET /api/v2/tickets` only): how a sync finds
    /// the ticket it opened for a source record.
    pub external_id: Option<String>,
}

/// A created ticket, with Zendesk's answer about the idempotency key.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TicketCreated {
    /// The ticket.
    pub ticket: Ticket,
    /// The audit of the creation.
    pub audit: Option<TicketAudit>,
    /// The key sent.
    pub idempotency_key: String,
    /// `x-idempotency-lookup`: `Hit` when the key was seen before and this is the ticket
    /// the earlier request created.
    pub idempotency_lookup: Option<IdempotencyLookup>,
}

/// An updated ticket and the audit of the change.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct TicketUpdated {
    /// The ticket.
    pub ticket: Ticket,
    /// The audit.
    #[serde(default)]
    pub audit: Option<TicketAudit>,
}

#[derive(Deserialize)]
struct TicketBody {
    ticket: Ticket,
    #[serde(default)]
    audit: Option<TicketAudit>,
}

#[derive(Deserialize)]
struct TicketsBody {
    tickets: Vec<Ticket>,
}

#[derive(Serialize)]
struct Wrap<'a, T: Serialize> {
    ticket: &'a T,
}

#[derive(Serialize)]
struct WrapMany<'a, T: Serialize> {
    tickets: &'a [T],
}

/// Refuses an idempotency key that cannot travel as the header: empty, too long, or not
/// printable ASCII.
pub(crate) fn validate_idempotency_key(key: &str) -> Result<()> {
    if !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_graphic())
    {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "an idempotency key must be 1 to 255 printable ASCII characters",
        ))
    }
}

fn check_create(params: &TicketCreateParams) -> Result<()> {
    if !params.comment.as_ref().is_some_and(CommentParams::has_text) {
        return Err(Error::config(
            SERVICE,
            "a new ticket needs a first comment with a body or html_body",
        ));
    }
    Ok(())
}

fn check_batch(len: usize) -> Result<()> {
    if len == 0 || len > MAX_BATCH {
        return Err(Error::config(
            SERVICE,
            format!("a batch takes 1 to {MAX_BATCH} tickets, not {len}"),
        ));
    }
    Ok(())
}

/// The tickets of the account.
#[derive(Debug, Clone)]
pub struct Tickets {
    client: Client,
}

impl Client {
    /// The tickets handler.
    pub fn tickets(&self) -> Tickets {
        Tickets {
            client: self.clone(),
        }
    }
}

impl Tickets {
    /// `POST /api/v2/tickets` with an `Idempotency-Key` (the caller's or a fresh UUID v4,
    /// the same on every retry, so a retried create never opens two tickets).
    pub async fn create(&self, params: &TicketCreateParams) -> Result<TicketCreated> {
        check_create(params)?;
        let key = match &params.idempotency_key {
            Some(key) => key.clone(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        validate_idempotency_key(&key)?;
        let response = self
            .client
            .send(
                Request::post("/api/v2/tickets")
                    .operation("tickets.create")
                    .path_template("/api/v2/tickets")
                    .json(&Wrap { ticket: params })
                    .idempotency_key(key.clone()),
            )
            .await?;
        let body: TicketBody = response.json()?;
        Ok(TicketCreated {
            ticket: body.ticket,
            audit: body.audit,
            idempotency_key: key,
            idempotency_lookup: response
                .header("x-idempotency-lookup")
                .map(|v| IdempotencyLookup::from(v.trim())),
        })
    }

    /// `GET /api/v2/tickets/{id}`.
    pub async fn get(&self, id: u64) -> Result<Ticket> {
        let body: TicketBody = self
            .client
            .send_json(
                Request::get(format!("/api/v2/tickets/{id}"))
                    .operation("tickets.get")
                    .path_template("/api/v2/tickets/{id}"),
            )
            .await?;
        Ok(body.ticket)
    }

    /// `GET /api/v2/tickets/show_many?ids=..`: up to [`MAX_BATCH`] tickets (missing ids
    /// are left out of the answer).
    pub async fn get_many(&self, ids: &[u64]) -> Result<Vec<Ticket>> {
        check_batch(ids.len())?;
        let ids = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        let body: TicketsBody = self
            .client
            .send_json(
                Request::get("/api/v2/tickets/show_many")
                    .operation("tickets.get_many")
                    .path_template("/api/v2/tickets/show_many")
                    .query("ids", ids),
            )
            .await?;
        Ok(body.tickets)
    }

    /// `PUT /api/v2/tickets/{id}`: status, priority, assignee, group, tags (set, add,
    /// remove), custom fields, a public or private comment. An update that sets nothing is
    /// refused before any request.
    pub async fn update(&self, id: u64, params: &TicketUpdateParams) -> Result<TicketUpdated> {
        params.check()?;
        self.client
            .send_json(
                Request::put(format!("/api/v2/tickets/{id}"))
                    .operation("tickets.update")
                    .path_template("/api/v2/tickets/{id}")
                    .json(&Wrap { ticket: params }),
            )
            .await
    }

    /// Adds a comment (public or private) and nothing else.
    pub async fn comment(&self, id: u64, comment: CommentParams) -> Result<TicketUpdated> {
        self.update(
            id,
            &TicketUpdateParams {
                comment: Some(comment),
                ..TicketUpdateParams::default()
            },
        )
        .await
    }

    /// `DELETE /api/v2/tickets/{id}` (soft delete: restorable for 30 days).
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client
            .send(
                Request::delete(format!("/api/v2/tickets/{id}"))
                    .operation("tickets.delete")
                    .path_template("/api/v2/tickets/{id}"),
            )
            .await
            .map(drop)
    }

    fn list_at(
        &self,
        path: String,
        template: &'static str,
        operation: &'static str,
        params: &TicketListParams,
        from: Checkpoint,
    ) -> Paginator<Ticket> {
        let request = cursor_first(
            Request::get(path)
                .operation(operation)
                .path_template(template),
            params.page_size,
        )
        .query_opt("sort", params.sort.clone())
        .query_opt("external_id", params.external_id.clone());
        paginate(&self.client, Ok(request), "tickets", Scheme::Cursor, from)
    }

    /// `GET /api/v2/tickets`: every ticket (cursor paging).
    pub fn list(&self, params: &TicketListParams) -> Paginator<Ticket> {
        self.list_from(params, Checkpoint::default())
    }

    /// [`list`](Self::list) from a checkpoint.
    pub fn list_from(&self, params: &TicketListParams, from: Checkpoint) -> Paginator<Ticket> {
        self.list_at(
            "/api/v2/tickets".into(),
            "/api/v2/tickets",
            "tickets.list",
            params,
            from,
        )
    }

    /// `GET /api/v2/organizations/{id}/tickets`.
    pub fn list_by_organization(
        &self,
        organization_id: u64,
        params: &TicketListParams,
    ) -> Paginator<Ticket> {
        self.list_by_organization_from(organization_id, params, Checkpoint::default())
    }

    /// [`list_by_organization`](Self::list_by_organization) from a checkpoint.
    pub fn list_by_organization_from(
        &self,
        organization_id: u64,
        params: &TicketListParams,
        from: Checkpoint,
    ) -> Paginator<Ticket> {
        self.list_at(
            format!("/api/v2/organizations/{organization_id}/tickets"),
            "/api/v2/organizations/{id}/tickets",
            "tickets.list_by_organization",
            params,
            from,
        )
    }

    /// `GET /api/v2/users/{id}/tickets/requested`.
    pub fn list_by_requester(&self, user_id: u64, params: &TicketListParams) -> Paginator<Ticket> {
        self.list_by_requester_from(user_id, params, Checkpoint::default())
    }

    /// [`list_by_requester`](Self::list_by_requester) from a checkpoint.
    pub fn list_by_requester_from(
        &self,
        user_id: u64,
        params: &TicketListParams,
        from: Checkpoint,
    ) -> Paginator<Ticket> {
        self.list_at(
            format!("/api/v2/users/{user_id}/tickets/requested"),
            "/api/v2/users/{id}/tickets/requested",
            "tickets.list_by_requester",
            params,
            from,
        )
    }

    /// `GET /api/v2/tickets/{id}/comments`, oldest first.
    pub fn comments(&self, id: u64) -> Paginator<Comment> {
        self.comments_from(id, Checkpoint::default())
    }

    /// [`comments`](Self::comments) from a checkpoint.
    pub fn comments_from(&self, id: u64, from: Checkpoint) -> Paginator<Comment> {
        let request = cursor_first(
            Request::get(format!("/api/v2/tickets/{id}/comments"))
                .operation("tickets.comments")
                .path_template("/api/v2/tickets/{id}/comments"),
            None,
        );
        paginate(&self.client, Ok(request), "comments", Scheme::Cursor, from)
    }

    /// `POST /api/v2/tickets/create_many`: up to [`MAX_BATCH`] tickets in a background job;
    /// wait for it with [`crate::jobs::JobStatuses::wait`] (or use
    /// [`create_many_and_wait`](Self::create_many_and_wait)).
    pub async fn create_many(&self, tickets: &[TicketCreateParams]) -> Result<JobStatus> {
        check_batch(tickets.len())?;
        tickets.iter().try_for_each(check_create)?;
        let body: JobStatusBody = self
            .client
            .send_json(
                Request::post("/api/v2/tickets/create_many")
                    .operation("tickets.create_many")
                    .path_template("/api/v2/tickets/create_many")
                    .json(&WrapMany { tickets }),
            )
            .await?;
        Ok(body.job_status)
    }

    /// [`create_many`](Self::create_many), then polls the job to its end: the result per
    /// ticket, or an error naming every item that failed.
    pub async fn create_many_and_wait(
        &self,
        tickets: &[TicketCreateParams],
        wait: &JobWait,
    ) -> Result<JobStatus> {
        let job = self.create_many(tickets).await?;
        self.client.jobs().wait(&job.id, wait).await
    }

    /// `PUT /api/v2/tickets/update_many`: a different change per ticket, up to
    /// [`MAX_BATCH`], in a background job. A change that sets nothing is refused.
    pub async fn update_many(&self, updates: &[TicketBatchUpdate]) -> Result<JobStatus> {
        check_batch(updates.len())?;
        for update in updates {
            update.update.check()?;
        }
        let body: JobStatusBody = self
            .client
            .send_json(
                Request::put("/api/v2/tickets/update_many")
                    .operation("tickets.update_many")
                    .path_template("/api/v2/tickets/update_many")
                    .json(&WrapMany { tickets: updates }),
            )
            .await?;
        Ok(body.job_status)
    }

    /// `PUT /api/v2/tickets/update_many?ids=..`: the same change to up to [`MAX_BATCH`]
    /// tickets, in a background job. A change that sets nothing is refused.
    pub async fn update_many_ids(
        &self,
        ids: &[u64],
        update: &TicketUpdateParams,
    ) -> Result<JobStatus> {
        check_batch(ids.len())?;
        update.check()?;
        let ids = ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        let body: JobStatusBody = self
            .client
            .send_json(
                Request::put("/api/v2/tickets/update_many")
                    .operation("tickets.update_many")
                    .path_template("/api/v2/tickets/update_many")
                    .query("ids", ids)
                    .json(&Wrap { ticket: update }),
            )
            .await?;
        Ok(body.job_status)
    }

    /// [`update_many`](Self::update_many), then polls the job to its end.
    pub async fn update_many_and_wait(
        &self,
        updates: &[TicketBatchUpdate],
        wait: &JobWait,
    ) -> Result<JobStatus> {
        let job = self.update_many(updates).await?;
        self.client.jobs().wait(&job.id, wait).await
    }

    /// `POST /api/v2/tickets/{id}/merge`: merges `params.ids` into ticket `target` (a job).
    pub async fn merge(&self, target: u64, params: &TicketMergeParams) -> Result<JobStatus> {
        if params.ids.is_empty() || params.ids.len() > 5 || params.ids.contains(&target) {
            return Err(Error::config(
                SERVICE,
                "a merge takes 1 to 5 source tickets, none of them the target",
            ));
        }
        let body: JobStatusBody = self
            .client
            .send_json(
                Request::post(format!("/api/v2/tickets/{target}/merge"))
                    .operation("tickets.merge")
                    .path_template("/api/v2/tickets/{id}/merge")
                    .json(params),
            )
            .await?;
        Ok(body.job_status)
    }
}
