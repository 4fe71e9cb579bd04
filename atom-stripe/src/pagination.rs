//! Stripe's page schemes on atom-core's [`Paginator`]:
//!
//! * lists: `limit` + `starting_after=<last id>` while `has_more`;
//! * search: `page=<next_page>` while `has_more`.
//!
//! Every parameter of the first page (filters, `expand[]`, `limit`) is sent again with every
//! page; only the cursor changes. A `starting_after` in the parameters becomes the first
//! cursor, so a stream can start after a known object.

use std::sync::Arc;

use atom_core::{ApiResponse, Checkpoint, Error, Page, Paginator, Request, Result};
use futures::future::BoxFuture;
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SERVICE;
use crate::client::Call;
use crate::models::{HasId, List, SearchResult};
use crate::{Client, RequestOptions};

/// Paging and filters every list endpoint takes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListParams {
    /// Items per page, 1 to 100 (Stripe's default is 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Start after this object id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_after: Option<String>,
    /// Only objects created in this range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<RangeQuery>,
    /// Fields to expand in each item (`data.customer`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expand: Vec<String>,
}

impl ListParams {
    /// No filter, Stripe's page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the page size.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Adds a field to expand (`data.customer`).
    pub fn expand(mut self, field: impl Into<String>) -> Self {
        self.expand.push(field.into());
        self
    }

    /// Only objects created in this range.
    pub fn created(mut self, range: RangeQuery) -> Self {
        self.created = Some(range);
        self
    }
}

/// A range filter on a Unix timestamp (`created[gte]=…`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RangeQuery {
    /// Greater than.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gt: Option<i64>,
    /// Greater than or equal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gte: Option<i64>,
    /// Less than.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lt: Option<i64>,
    /// Less than or equal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lte: Option<i64>,
}

impl RangeQuery {
    /// `[from, until)` in Unix seconds.
    pub fn between(from: i64, until: i64) -> Self {
        Self {
            gte: Some(from),
            lt: Some(until),
            ..Self::default()
        }
    }
}

/// Parameters of a search endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchParams {
    /// The query, best built with [`SearchQuery`].
    pub query: String,
    /// Items per page, 1 to 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Fields to expand in each item.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expand: Vec<String>,
}

impl SearchParams {
    /// A search for a query.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            ..Self::default()
        }
    }
}

/// Builds a Stripe search query, quoting and escaping values, so caller input cannot
/// change the query's structure. Clauses are joined with `AND` (Stripe does not allow
/// mixing `AND` and `OR`); use [`SearchQuery::any`] for `OR`.
///
/// ```
/// use atom_stripe::SearchQuery;
/// let q = SearchQuery::all()
///     .eq("email", "o'brien@example.com")
///     .metadata_eq("order_id", "6735")
///     .gt("created", 1_700_000_000)
///     .build();
/// assert_eq!(
///     q,
///     r"email:'o\'brien@example.com' AND metadata['order_id']:'6735' AND created>1700000000"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    clauses: Vec<String>,
    or: bool,
}

fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn field_name(field: &str) -> String {
    // Field names are identifiers: keep letters, digits, `_` and `.` only.
    field
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
        .collect()
}

impl SearchQuery {
    /// Clauses joined with `AND`.
    pub fn all() -> Self {
        Self::default()
    }

    /// Clauses joined with `OR`.
    pub fn any() -> Self {
        Self {
            clauses: Vec::new(),
            or: true,
        }
    }

    /// `field:'value'` (exact match).
    pub fn eq(mut self, field: &str, value: &str) -> Self {
        self.clauses
            .push(format!("{}:{}", field_name(field), quote(value)));
        self
    }

    /// `-field:'value'` (not equal).
    pub fn not_eq(mut self, field: &str, value: &str) -> Self {
        self.clauses
            .push(format!("-{}:{}", field_name(field), quote(value)));
        self
    }

    /// `field~'value'` (substring, at least 3 characters).
    pub fn contains(mut self, field: &str, value: &str) -> Self {
        self.clauses
            .push(format!("{}~{}", field_name(field), quote(value)));
        self
    }

    /// `metadata['key']:'value'`.
    pub fn metadata_eq(mut self, key: &str, value: &str) -> Self {
        self.clauses
            .push(format!("metadata[{}]:{}", quote(key), quote(value)));
        self
    }

    /// `field>number`.
    pub fn gt(mut self, field: &str, value: i64) -> Self {
        self.clauses.push(format!("{}>{value}", field_name(field)));
        self
    }

    /// `field<number`.
    pub fn lt(mut self, field: &str, value: i64) -> Self {
        self.clauses.push(format!("{}<{value}", field_name(field)));
        self
    }

    /// The query text.
    pub fn build(&self) -> String {
        self.clauses.join(if self.or { " OR " } else { " AND " })
    }
}

/// The next cursor of a list page: the last item's id while `has_more`.
pub fn list_next<T: HasId>(page: &List<T>) -> Option<String> {
    if !page.has_more {
        return None;
    }
    page.data.last().map(|item| item.id().to_owned())
}

/// A cursor Stripe would read as "no cursor" (`starting_after=`, `page=`) restarts the list
/// from its first page: refuse it instead of fetching the first page again.
fn checked_cursor(next: Option<String>, what: &str) -> Result<Option<String>> {
    match next {
        Some(cursor) if cursor.trim().is_empty() => Err(Error::decode(
            SERVICE,
            format!("a page says there is more but gives an empty {what}; stopping"),
        )),
        other => Ok(other),
    }
}

/// Builds a list call from parameters (shared by the resource handlers).
pub(crate) fn list_call<P: Serialize>(
    operation: &'static str,
    template: &'static str,
    params: &P,
) -> Result<Call> {
    Call::new(Method::GET, operation, template).params(params)
}

/// Walks the pages of `call` from `from`: `next` adds the cursor to the first request,
/// `decode` reads a page. Every page goes through the client's own path (account, limits,
/// retries), with the first page's parameters.
fn walk<T, N, D>(
    client: &Client,
    call: Call,
    options: &RequestOptions,
    from: Checkpoint,
    next: N,
    decode: D,
) -> Paginator<T>
where
    T: Send + 'static,
    N: Fn(&Request, &str) -> Request + Send + Sync + 'static,
    D: Fn(&ApiResponse) -> Result<Page<T>> + Send + Sync + 'static,
{
    let shared = Arc::new((client.clone(), options.clone()));
    let send = move |request: Request| -> BoxFuture<'static, Result<ApiResponse>> {
        let shared = shared.clone();
        Box::pin(async move {
            let (client, options) = &*shared;
            client.send_with(request, options).await
        })
    };
    Paginator::walk(SERVICE, from, Client::request_of(call), send, next, decode)
}

/// Every item of a list endpoint from `from` (`Checkpoint::default()`: the first page), or a
/// stream of the parameter error. A `starting_after` in the parameters is the first page's
/// cursor.
pub(crate) fn list<T, P>(
    client: &Client,
    operation: &'static str,
    template: &'static str,
    params: &P,
    options: &RequestOptions,
    from: Checkpoint,
) -> Paginator<T>
where
    T: DeserializeOwned + HasId + Send + 'static,
    P: Serialize,
{
    let mut call = match list_call(operation, template, params) {
        Ok(call) => call,
        Err(e) => return Paginator::failed(e),
    };
    let start = call
        .params
        .iter()
        .position(|(k, _)| k == "starting_after")
        .map(|i| call.params.remove(i).1);
    let from = Checkpoint {
        cursor: from.cursor.or(start),
        skip: from.skip,
    };
    walk(
        client,
        call,
        options,
        from,
        |first, cursor| first.clone().query("starting_after", cursor),
        |response| {
            let page: List<T> = response.json()?;
            let next = checked_cursor(list_next(&page), "last item id")?;
            Ok(Page::new(page.data, next))
        },
    )
}

/// Every item of a search endpoint from `from`, or a stream of the parameter error. The
/// paginator's `total()` is Stripe's `total_count` when the search asked for it
/// (`expand[]=total_count`).
pub(crate) fn search<T>(
    client: &Client,
    operation: &'static str,
    template: &'static str,
    params: &SearchParams,
    options: &RequestOptions,
    from: Checkpoint,
) -> Paginator<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let call = match list_call(operation, template, params) {
        Ok(call) => call,
        Err(e) => return Paginator::failed(e),
    };
    walk(
        client,
        call,
        options,
        from,
        |first, cursor| first.clone().query("page", cursor),
        |response| {
            let page: SearchResult<T> = response.json()?;
            let next = if page.has_more { page.next_page } else { None };
            let next = checked_cursor(next, "next_page")?;
            let mut out = Page::new(page.data, next);
            if let Some(total) = page.total_count {
                out = out.with_total(total);
            }
            Ok(out)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_values_cannot_break_out_of_their_quotes() {
        let q = SearchQuery::all()
            .eq("email", r"x' OR email:'*")
            .contains("name", r"back\slash")
            .build();
        assert_eq!(q, r"email:'x\' OR email:\'*' AND name~'back\\slash'");
        let q = SearchQuery::any()
            .eq("status' OR x:'y", "a")
            .not_eq("status", "canceled")
            .lt("amount", 500)
            .build();
        assert_eq!(q, "statusORxy:'a' OR -status:'canceled' OR amount<500");
    }

    #[test]
    fn list_cursor_is_the_last_id_while_has_more() {
        let page = |more: bool, ids: &[&str]| List {
            object: "list".into(),
            data: ids
                .iter()
                .map(|id| serde_json::json!({ "id": id }))
                .collect::<Vec<_>>(),
            has_more: more,
            url: "/v1/x".into(),
            extra: Default::default(),
        };
        assert_eq!(list_next(&page(true, &["a", "b"])), Some("b".into()));
        assert_eq!(list_next(&page(false, &["a", "b"])), None);
        assert_eq!(list_next(&page(true, &[])), None);
    }

    #[test]
    fn list_params_encode_as_stripe_expects() {
        let p = ListParams::new()
            .limit(5)
            .expand("data.customer")
            .created(RangeQuery::between(1, 2));
        assert_eq!(
            crate::form::encode(&p).unwrap_or_default(),
            "limit=5&created[gte]=1&created[lt]=2&expand[]=data.customer"
        );
    }
}
