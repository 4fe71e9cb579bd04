//! Incremental exports: every ticket, user or organization changed since a time, the basis
//! for keeping another system in sync.
//!
//! Tickets and users use Zendesk's cursor-based export
//! (`/api/v2/incremental/{tickets,users}/cursor?start_time=` then `?cursor=`): each page
//! brings `after_cursor` and `end_of_stream`. Organizations only have the time-based export
//! (`/api/v2/incremental/organizations?start_time=`, pages bring `end_time`), which this
//! module drives the same way with `end_time` as the cursor.
//!
//! Exports are paced in their own rate class, [`INCREMENTAL_CLASS`] (Zendesk allows 10
//! export requests a minute, apart from the account limit).
//!
//! Two ways to resume:
//!
//! * within a run, the item streams' [`Paginator::checkpoint`] (the page's cursor and the
//!   items of it already handed out): save it after handling each item, and after a crash
//!   `tickets_from(start, checkpoint)` goes on with the next item: every record once;
//! * between runs, the page streams ([`Incremental::ticket_pages`]): each [`ExportPage`]
//!   says where the next run starts ([`ExportPage::resume`], Zendesk's `after_cursor`);
//!   save it once the page is handled. At `end_of_stream` the stream ends; starting from
//!   the saved cursor later brings what changed since.
//!
//! ```no_run
//! # async fn demo(client: atom_zendesk::Client) -> atom_core::Result<()> {
//! use futures::TryStreamExt as _;
//! use atom_zendesk::incremental::ExportStart;
//! let mut pages = client.incremental().ticket_pages(&ExportStart::Time(1_700_000_000));
//! while let Some(page) = pages.try_next().await? {
//!     for ticket in &page.items { /* write to the other system */ let _ = ticket; }
//!     let resume = page.resume(); // save: the next run starts here
//!     # let _ = resume;
//! }
//! # Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Page, Paginator, Request, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::{Client, INCREMENTAL_CLASS};
use crate::error::SERVICE;
use crate::models::{Organization, Ticket, User};
use crate::pagination::list_body;

/// Where an export starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ExportStart {
    /// Records changed at or after this Unix time (seconds).
    Time(i64),
    /// Where an earlier run stopped ([`ExportPage::resume`]).
    Cursor(String),
}

/// One export page: its records and where the next run starts.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExportPage<T> {
    /// The records.
    pub items: Vec<T>,
    /// Zendesk's `after_cursor` (organizations: `end_time`).
    pub after_cursor: Option<String>,
    /// Whether this is the last page for now.
    pub end_of_stream: bool,
}

impl<T> ExportPage<T> {
    /// Where a later run continues after this page: its `after_cursor`.
    pub fn resume(&self) -> Option<ExportStart> {
        self.after_cursor.clone().map(ExportStart::Cursor)
    }
}

/// The three exports and how each finds its next page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind {
    path: &'static str,
    pub(crate) key: &'static str,
    operation: &'static str,
    time_based: bool,
}

pub(crate) const TICKETS: Kind = Kind {
    path: "/api/v2/incremental/tickets/cursor",
    key: "tickets",
    operation: "incremental.tickets",
    time_based: false,
};
pub(crate) const USERS: Kind = Kind {
    path: "/api/v2/incremental/users/cursor",
    key: "users",
    operation: "incremental.users",
    time_based: false,
};
pub(crate) const ORGANIZATIONS: Kind = Kind {
    path: "/api/v2/incremental/organizations",
    key: "organizations",
    operation: "incremental.organizations",
    time_based: true,
};

/// The most records a user or organization export page can carry.
pub const MAX_EXPORT_PAGE: u32 = 1_000;

pub(crate) fn request(kind: Kind, start: &ExportStart, per_page: Option<u32>) -> Result<Request> {
    let base = Request::get(kind.path)
        .operation(kind.operation)
        .path_template(kind.path)
        .rate_class(INCREMENTAL_CLASS);
    let base = match per_page {
        Some(n) => base.query("per_page", n.clamp(1, MAX_EXPORT_PAGE).to_string()),
        None => base,
    };
    match start {
        ExportStart::Time(t) if *t >= 0 => Ok(base.query("start_time", t.to_string())),
        ExportStart::Time(_) => Err(Error::config(
            SERVICE,
            "an export start time cannot be negative",
        )),
        ExportStart::Cursor(c) if kind.time_based => match c.parse::<i64>() {
            Ok(t) if t >= 0 => Ok(base.query("start_time", t.to_string())),
            _ => Err(Error::config(
                SERVICE,
                "the organization export resumes from a time (its end_time)",
            )),
        },
        ExportStart::Cursor(c) if !c.is_empty() => Ok(base.query("cursor", c.clone())),
        ExportStart::Cursor(_) => Err(Error::config(SERVICE, "an export cursor cannot be empty")),
    }
}

pub(crate) fn decode<T: DeserializeOwned>(
    response: &atom_core::ApiResponse,
    kind: Kind,
) -> Result<ExportPage<T>> {
    let body = list_body::<T>(response, kind.key)?;
    let end_of_stream = body.end_of_stream.unwrap_or(false);
    let after_cursor = if kind.time_based {
        body.end_time.map(|t| t.to_string())
    } else {
        body.after_cursor
    };
    if !end_of_stream && after_cursor.as_deref().is_none_or(str::is_empty) {
        return Err(Error::decode(
            SERVICE,
            "an export page that is not the last names no cursor",
        ));
    }
    Ok(ExportPage {
        items: body.items,
        after_cursor,
        end_of_stream,
    })
}

/// The next request after a page with this cursor (checked when its page was decoded):
/// `cursor=` for the cursor exports, `start_time={end_time}` for the time-based one.
fn next(first: &Request, kind: Kind, cursor: &str) -> Request {
    let per_page = first
        .query_pairs()
        .iter()
        .find(|(k, _)| k == "per_page")
        .map(|(_, v)| v.clone());
    Request::get(kind.path)
        .operation(kind.operation)
        .path_template(kind.path)
        .rate_class(INCREMENTAL_CLASS)
        .query_opt("per_page", per_page)
        .query(
            if kind.time_based {
                "start_time"
            } else {
                "cursor"
            },
            cursor.to_owned(),
        )
}

/// The incremental exports.
#[derive(Debug, Clone)]
pub struct Incremental {
    pub(crate) client: Client,
    pub(crate) per_page: Option<u32>,
}

impl Client {
    /// The incremental exports handler.
    pub fn incremental(&self) -> Incremental {
        Incremental {
            client: self.clone(),
            per_page: None,
        }
    }
}

impl Incremental {
    /// Records per page for users and organizations (1 to 1 000; Zendesk's default 1 000).
    /// The ticket export has a fixed page size.
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// The export as a stream: each decoded page becomes the stream's page by `shape`.
    fn walk<T, P>(
        &self,
        kind: Kind,
        start: &ExportStart,
        from: Checkpoint,
        shape: fn(ExportPage<T>) -> Page<P>,
    ) -> Paginator<P>
    where
        T: DeserializeOwned + Send + 'static,
        P: Send + 'static,
    {
        // The ticket export has a fixed page size.
        let per_page = if kind.key == "tickets" {
            None
        } else {
            self.per_page
        };
        let first = match request(kind, start, per_page) {
            Ok(first) => first,
            Err(error) => return Paginator::failed(error).service(SERVICE),
        };
        let client = self.client.clone();
        Paginator::walk(
            SERVICE,
            from,
            first,
            move |request| {
                let client = client.clone();
                Box::pin(async move { client.send(request).await })
            },
            move |first, cursor| next(first, kind, cursor),
            move |response| decode::<T>(response, kind).map(shape),
        )
    }

    fn pages<T>(
        &self,
        kind: Kind,
        start: &ExportStart,
        from: Checkpoint,
    ) -> Paginator<ExportPage<T>>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.walk(kind, start, from, |page| {
            let next = (!page.end_of_stream)
                .then(|| page.after_cursor.clone())
                .flatten();
            Page::new(vec![page], next)
        })
    }

    fn items<T>(&self, kind: Kind, start: &ExportStart, from: Checkpoint) -> Paginator<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.walk(kind, start, from, |page| {
            let next = (!page.end_of_stream).then_some(page.after_cursor).flatten();
            Page::new(page.items, next)
        })
    }

    /// Every ticket changed since `start`, one by one.
    pub fn tickets(&self, start: &ExportStart) -> Paginator<Ticket> {
        self.tickets_from(start, Checkpoint::default())
    }

    /// [`tickets`](Self::tickets) from a checkpoint of the same stream.
    pub fn tickets_from(&self, start: &ExportStart, from: Checkpoint) -> Paginator<Ticket> {
        self.items(TICKETS, start, from)
    }

    /// The ticket export page by page, each saying where the next run starts.
    pub fn ticket_pages(&self, start: &ExportStart) -> Paginator<ExportPage<Ticket>> {
        self.ticket_pages_from(start, Checkpoint::default())
    }

    /// [`ticket_pages`](Self::ticket_pages) from a checkpoint.
    pub fn ticket_pages_from(
        &self,
        start: &ExportStart,
        from: Checkpoint,
    ) -> Paginator<ExportPage<Ticket>> {
        self.pages(TICKETS, start, from)
    }

    /// Every user changed since `start`.
    pub fn users(&self, start: &ExportStart) -> Paginator<User> {
        self.users_from(start, Checkpoint::default())
    }

    /// [`users`](Self::users) from a checkpoint.
    pub fn users_from(&self, start: &ExportStart, from: Checkpoint) -> Paginator<User> {
        self.items(USERS, start, from)
    }

    /// The user export page by page.
    pub fn user_pages(&self, start: &ExportStart) -> Paginator<ExportPage<User>> {
        self.user_pages_from(start, Checkpoint::default())
    }

    /// [`user_pages`](Self::user_pages) from a checkpoint.
    pub fn user_pages_from(
        &self,
        start: &ExportStart,
        from: Checkpoint,
    ) -> Paginator<ExportPage<User>> {
        self.pages(USERS, start, from)
    }

    /// Every organization changed since `start` (time-based: a
    /// [`ExportStart::Cursor`] is an `end_time`).
    pub fn organizations(&self, start: &ExportStart) -> Paginator<Organization> {
        self.organizations_from(start, Checkpoint::default())
    }

    /// [`organizations`](Self::organizations) from a checkpoint.
    pub fn organizations_from(
        &self,
        start: &ExportStart,
        from: Checkpoint,
    ) -> Paginator<Organization> {
        self.items(ORGANIZATIONS, start, from)
    }

    /// The organization export page by page.
    pub fn organization_pages(&self, start: &ExportStart) -> Paginator<ExportPage<Organization>> {
        self.organization_pages_from(start, Checkpoint::default())
    }

    /// [`organization_pages`](Self::organization_pages) from a checkpoint.
    pub fn organization_pages_from(
        &self,
        start: &ExportStart,
        from: Checkpoint,
    ) -> Paginator<ExportPage<Organization>> {
        self.pages(ORGANIZATIONS, start, from)
    }
}
