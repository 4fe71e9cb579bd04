//! Search: a builder for Zendesk's search syntax, `/api/v2/search` (at most 1 000 results),
//! `/api/v2/search/export` (cursor paging, no ceiling) and `/api/v2/search/count`.
//!
//! Zendesk's syntax is words, `field:value` pairs, comparisons (`status<solved`,
//! `created>2024-01-31`), `-` to exclude and double quotes for phrases. It has no escape
//! character, so the builder quotes every value that is not a plain word and replaces the
//! characters a quoted value cannot hold (`"` and control characters) with spaces: a value
//! can never add a qualifier, end a phrase early or negate a term.
//!
//! ```
//! use atom_zendesk::models::TicketStatus;
//! use atom_zendesk::search::{SearchQuery, SearchType};
//! let q = SearchQuery::new()
//!     .kind(SearchType::Ticket)
//!     .status_below(TicketStatus::Solved)
//!     .tag("vip")
//!     .phrase("printer on fire")
//!     .field("requester", "jdoe@example.com type:user")
//!     .build()
//!     .unwrap();
//! assert_eq!(q, r#"type:ticket status<solved tags:vip "printer on fire" requester:"jdoe@example.com type:user""#);
//! ```

use atom_core::{Checkpoint, Error, Paginator, Request, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::client::Client;
use crate::error::SERVICE;
use crate::models::{Organization, Ticket, TicketStatus, User};
use crate::pagination::{MAX_PAGE_SIZE, SEARCH_RESULT_LIMIT, Scheme, paginate};

atom_core::string_enum! {
    /// What a search looks for (`type:`, and `filter[type]` of the export).
    #[non_exhaustive]
    pub enum SearchType {
        /// Tickets.
        Ticket = "ticket",
        /// Users.
        User = "user",
        /// Organizations.
        Organization = "organization",
        /// Groups.
        Group = "group",
    }
}

/// A date or time a comparison takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum When {
    /// A day (`2024-01-31`).
    Date(NaiveDate),
    /// An instant (`2024-01-31T10:00:00Z`).
    Time(DateTime<Utc>),
}

impl From<NaiveDate> for When {
    fn from(date: NaiveDate) -> Self {
        Self::Date(date)
    }
}

impl From<DateTime<Utc>> for When {
    fn from(time: DateTime<Utc>) -> Self {
        Self::Time(time)
    }
}

impl When {
    fn text(self) -> String {
        match self {
            Self::Date(d) => d.format("%Y-%m-%d").to_string(),
            Self::Time(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        }
    }
}

/// A query in Zendesk's search syntax, written term by term with every value escaped.
/// A bad field name or an empty value is kept and returned by [`build`](Self::build).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchQuery {
    terms: Vec<String>,
    error: Option<String>,
}

/// Whether `value` can go unquoted: a plain word that no Zendesk operator can read into.
fn is_plain(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with('-')
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '@' | '-' | '+'))
}

/// The value as Zendesk reads it: bare when plain, else quoted with `"` and control
/// characters replaced by spaces.
///
/// ```
/// use atom_zendesk::search::escape_value;
/// assert_eq!(escape_value("vip"), "vip");
/// assert_eq!(escape_value("a b"), r#""a b""#);
/// assert_eq!(escape_value(r#"x" type:user"#), r#""x  type:user""#);
/// assert_eq!(escape_value("-secret"), r#""-secret""#);
/// ```
pub fn escape_value(value: &str) -> String {
    if is_plain(value) {
        return value.to_owned();
    }
    quote(value)
}

/// `value` in double quotes, with `"` and control characters replaced by spaces.
fn quote(value: &str) -> String {
    let inner: String = value
        .chars()
        .map(|c| if c == '"' || c.is_control() { ' ' } else { c })
        .collect();
    format!("\"{inner}\"")
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

impl SearchQuery {
    /// An empty query.
    pub fn new() -> Self {
        Self::default()
    }

    fn push(mut self, term: String) -> Self {
        self.terms.push(term);
        self
    }

    fn fail(mut self, why: String) -> Self {
        if self.error.is_none() {
            self.error = Some(why);
        }
        self
    }

    fn value_ok(self, value: &str) -> std::result::Result<Self, Self> {
        if value.trim().is_empty() {
            Err(self.fail("a search value cannot be empty".into()))
        } else {
            Ok(self)
        }
    }

    fn pair(self, prefix: &str, name: &str, op: &str, value: &str) -> Self {
        if !is_field_name(name) {
            return self.fail(format!(
                "{:?} is not a search field name",
                name.chars().take(40).collect::<String>()
            ));
        }
        match self.value_ok(value) {
            Ok(q) => q.push(format!("{prefix}{name}{op}{}", escape_value(value))),
            Err(q) => q,
        }
    }

    /// `type:ticket`.
    pub fn kind(self, kind: SearchType) -> Self {
        let term = format!("type:{}", escape_value(kind.as_str()));
        self.push(term)
    }

    /// A word or words to find anywhere (quoted when not a plain word).
    pub fn term(self, text: &str) -> Self {
        match self.value_ok(text) {
            Ok(q) => q.push(escape_value(text)),
            Err(q) => q,
        }
    }

    /// An exact phrase, always quoted.
    pub fn phrase(self, text: &str) -> Self {
        match self.value_ok(text) {
            Ok(q) => q.push(quote(text)),
            Err(q) => q,
        }
    }

    /// `name:value` (`subject`, `requester`, `organization`, `assignee`, `external_id`,
    /// `custom_field_{id}`, ...).
    pub fn field(self, name: &str, value: &str) -> Self {
        self.pair("", name, ":", value)
    }

    /// `-name:value`: excludes matches.
    pub fn exclude(self, name: &str, value: &str) -> Self {
        self.pair("-", name, ":", value)
    }

    /// `tags:value`.
    pub fn tag(self, tag: &str) -> Self {
        self.pair("", "tags", ":", tag)
    }

    /// `-tags:value`.
    pub fn without_tag(self, tag: &str) -> Self {
        self.pair("-", "tags", ":", tag)
    }

    /// `status:value`.
    pub fn status(self, status: TicketStatus) -> Self {
        let value = status.as_str().to_owned();
        self.pair("", "status", ":", &value)
    }

    /// `status<value`: statuses before it (new < open < pending < hold < solved < closed).
    pub fn status_below(self, status: TicketStatus) -> Self {
        let value = status.as_str().to_owned();
        self.pair("", "status", "<", &value)
    }

    /// `status>value`.
    pub fn status_above(self, status: TicketStatus) -> Self {
        let value = status.as_str().to_owned();
        self.pair("", "status", ">", &value)
    }

    /// `created>when`.
    pub fn created_after(self, when: impl Into<When>) -> Self {
        // Written by chrono (digits, `-`, `:`, `T`, `Z`): bare, as Zendesk's docs write it.
        self.push(format!("created>{}", when.into().text()))
    }

    /// `created<when`.
    pub fn created_before(self, when: impl Into<When>) -> Self {
        // Written by chrono (digits, `-`, `:`, `T`, `Z`): bare, as Zendesk's docs write it.
        self.push(format!("created<{}", when.into().text()))
    }

    /// `updated>when`.
    pub fn updated_after(self, when: impl Into<When>) -> Self {
        // Written by chrono (digits, `-`, `:`, `T`, `Z`): bare, as Zendesk's docs write it.
        self.push(format!("updated>{}", when.into().text()))
    }

    /// `updated<when`.
    pub fn updated_before(self, when: impl Into<When>) -> Self {
        // Written by chrono (digits, `-`, `:`, `T`, `Z`): bare, as Zendesk's docs write it.
        self.push(format!("updated<{}", when.into().text()))
    }

    /// The query text, or the first mistake met while building it (a `Config` error).
    pub fn build(&self) -> Result<String> {
        if let Some(why) = &self.error {
            return Err(Error::config(SERVICE, why.clone()));
        }
        if self.terms.is_empty() {
            return Err(Error::config(SERVICE, "a search query needs a term"));
        }
        Ok(self.terms.join(" "))
    }
}

/// One search result, by its `result_type`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SearchResult {
    /// A ticket.
    Ticket(Box<Ticket>),
    /// A user.
    User(Box<User>),
    /// An organization.
    Organization(Box<Organization>),
    /// Another type (groups, topics, ...), as sent.
    Other(Value),
}

impl<'de> Deserialize<'de> for SearchResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let kind = value.get("result_type").and_then(Value::as_str);
        let typed = match kind {
            Some("ticket") => serde_json::from_value(value.clone()).map(Self::Ticket),
            Some("user") => serde_json::from_value(value.clone()).map(Self::User),
            Some("organization") => serde_json::from_value(value.clone()).map(Self::Organization),
            _ => return Ok(Self::Other(value)),
        };
        typed.map_err(serde::de::Error::custom)
    }
}

impl SearchResult {
    /// The ticket, when it is one.
    pub fn as_ticket(&self) -> Option<&Ticket> {
        match self {
            Self::Ticket(t) => Some(t),
            _ => None,
        }
    }
}

/// Options of [`Search::search`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    /// `updated_at`, `created_at`, `priority`, `status` or `ticket_type` (default
    /// relevance).
    pub sort_by: Option<String>,
    /// `asc` or `desc`.
    pub sort_order: Option<String>,
}

/// Search in the account.
#[derive(Debug, Clone)]
pub struct Search {
    client: Client,
}

impl Client {
    /// The search handler.
    pub fn search(&self) -> Search {
        Search {
            client: self.clone(),
        }
    }
}

impl Search {
    /// `GET /api/v2/search`: offset pages of 100. **Zendesk returns at most 1 000 results
    /// per query** ([`SEARCH_RESULT_LIMIT`]): the stream stops there, `total()` says how
    /// many matched and `complete()` is `Some(false)` when that is more. Use
    /// [`export`](Self::export) for larger result sets.
    pub fn search(&self, query: &SearchQuery, params: &SearchParams) -> Paginator<SearchResult> {
        self.search_from(query, params, Checkpoint::default())
    }

    /// [`search`](Self::search) from a checkpoint.
    pub fn search_from(
        &self,
        query: &SearchQuery,
        params: &SearchParams,
        from: Checkpoint,
    ) -> Paginator<SearchResult> {
        let request = query.build().map(|q| {
            Request::get("/api/v2/search")
                .operation("search.search")
                .path_template("/api/v2/search")
                .query("query", q)
                .query("per_page", MAX_PAGE_SIZE.to_string())
                .query_opt("sort_by", params.sort_by.clone())
                .query_opt("sort_order", params.sort_order.clone())
        });
        paginate(
            &self.client,
            request,
            "results",
            Scheme::Offset {
                max_results: Some(SEARCH_RESULT_LIMIT),
            },
            from,
        )
    }

    /// `GET /api/v2/search/export`: every result of one type, in cursor pages of 100, with
    /// no result ceiling (the cursor lasts an hour).
    pub fn export(&self, query: &SearchQuery, kind: SearchType) -> Paginator<SearchResult> {
        self.export_from(query, kind, Checkpoint::default())
    }

    /// [`export`](Self::export) from a checkpoint.
    pub fn export_from(
        &self,
        query: &SearchQuery,
        kind: SearchType,
        from: Checkpoint,
    ) -> Paginator<SearchResult> {
        let request = query.build().map(|q| {
            Request::get("/api/v2/search/export")
                .operation("search.export")
                .path_template("/api/v2/search/export")
                .query("query", q)
                .query("filter[type]", kind.as_str().to_owned())
                .query("page[size]", MAX_PAGE_SIZE.to_string())
        });
        paginate(&self.client, request, "results", Scheme::Cursor, from)
    }

    /// `GET /api/v2/search/count`: how many results the query has.
    pub async fn count(&self, query: &SearchQuery) -> Result<u64> {
        #[derive(Deserialize)]
        struct Count {
            count: u64,
        }
        let q = query.build()?;
        let body: Count = self
            .client
            .send_json(
                Request::get("/api/v2/search/count")
                    .operation("search.count")
                    .path_template("/api/v2/search/count")
                    .query("query", q),
            )
            .await?;
        Ok(body.count)
    }
}
