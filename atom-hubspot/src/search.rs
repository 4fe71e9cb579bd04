//! CRM search: a typed filter builder, paging through `after`, and a walk past HubSpot's
//! 10 000-result ceiling.
//!
//! Filters in one [`FilterGroup`] are ANDed; groups are ORed. HubSpot takes at most
//! [`MAX_FILTER_GROUPS`] groups, [`MAX_FILTERS_PER_GROUP`] filters in a group and
//! [`MAX_FILTERS`] in all, at most [`MAX_SEARCH_LIMIT`] results a page and a query of
//! [`MAX_QUERY_LEN`] characters; a search beyond any of these is refused before it is
//! sent, with a message naming the limit. Values travel as JSON strings, so no value can
//! change the shape of the search.
//!
//! ## The 10 000-result ceiling
//!
//! HubSpot serves at most 10 000 results of one search: asking for the page after that
//! is refused. [`Objects::search`] stops at the ceiling and says so:
//! [`Paginator::complete`] is `Some(false)` once the stream ends short of
//! [`Paginator::total`]. [`Objects::search_all`] walks any number of results instead: it
//! sorts by `hs_object_id` and, rather than paging with `after`, asks each time for the
//! records above the last id it handed out (a filter added to every group), so no single
//! search ever reaches the ceiling. Records created during the walk with a higher id are
//! included; its checkpoint is the last id.
//!
//! Search is paced as its own rate class ([`crate::SEARCH_CLASS`], five calls a second per
//! portal) on top of the portal's limit, and HubSpot's search index trails writes by a few
//! seconds.
//!
//! ```no_run
//! # async fn demo(client: atom_hubspot::Client) -> atom_core::Result<()> {
//! use atom_hubspot::search::{Filter, FilterGroup, SearchParams, Sort};
//! use futures::TryStreamExt as _;
//! let params = SearchParams::new()
//!     .group(FilterGroup::new()
//!         .and(Filter::eq("dealstage", "closedwon"))
//!         .and(Filter::between("closedate", "2024-01-01", "2024-03-31")))
//!     .group(FilterGroup::new().and(Filter::gte("amount", "100000")))
//!     .sort(Sort::desc("amount"))
//!     .properties(["dealname", "amount"]);
//! let deals: Vec<_> = client.deals().search(&params).try_collect().await?;
//! # let _ = deals; Ok(()) }
//! ```

use atom_core::{Checkpoint, Error, Page, Paginator, Request, Result};
use serde::Serialize;
use serde_json::{Value, json};

use crate::client::Client;
use crate::models::CrmObject;
use crate::objects::Objects;
use crate::pagination::collection;
use crate::{SEARCH_CLASS, SERVICE, validate};

/// The most filter groups in one search.
pub const MAX_FILTER_GROUPS: usize = 5;
/// The most filters in one group.
pub const MAX_FILTERS_PER_GROUP: usize = 6;
/// The most filters in one search.
pub const MAX_FILTERS: usize = 18;
/// The largest page of search results.
pub const MAX_SEARCH_LIMIT: u32 = 200;
/// The longest free-text query.
pub const MAX_QUERY_LEN: usize = 3000;
/// The most results one search serves.
pub const RESULT_CEILING: u64 = 10_000;
/// The most values of an `IN` / `NOT_IN` filter.
pub const MAX_IN_VALUES: usize = 100;

/// A filter operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Operator {
    /// Equal.
    Eq,
    /// Not equal.
    Neq,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Between `value` and `highValue`, inclusive.
    Between,
    /// One of `values`.
    In,
    /// None of `values`.
    NotIn,
    /// Has a value.
    HasProperty,
    /// Has no value.
    NotHasProperty,
    /// Contains the token (`*` wildcards allowed).
    ContainsToken,
    /// Does not contain the token.
    NotContainsToken,
}

/// One condition on a property.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filter {
    /// The property.
    #[serde(rename = "propertyName")]
    pub property_name: String,
    /// The operator.
    pub operator: Operator,
    /// The value (the low bound of `BETWEEN`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The high bound of `BETWEEN`.
    #[serde(rename = "highValue", skip_serializing_if = "Option::is_none")]
    pub high_value: Option<String>,
    /// The values of `IN` / `NOT_IN`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl Filter {
    fn with(property: impl Into<String>, operator: Operator, value: Option<String>) -> Self {
        Self {
            property_name: property.into(),
            operator,
            value,
            high_value: None,
            values: Vec::new(),
        }
    }

    /// `property = value`.
    pub fn eq(property: impl Into<String>, value: impl Into<String>) -> Self {
        Self::with(property, Operator::Eq, Some(value.into()))
    }

    /// `property != value`.
    pub fn neq(property: impl Into<String>, value: impl Into<String>) -> Self {
        Self::with(property, Operator::Neq, Some(value.into()))
    }

    /// `property < value`.
    pub fn lt(property: impl Into<String>, value: impl Into<String>) -> Self {
        Self::with(property, Operator::Lt, Some(value.into()))
    }

    /// `property <= value`.
    pub fn lte(property: impl Into<String>, value: impl Into<String>) -> Self {
        Self::with(property, Operator::Lte, Some(value.into()))
    }

    /// `property > value`.
    pub fn gt(property: impl Into<String>, value: impl Into<String>) -> Self {
        Self::with(property, Operator::Gt, Some(value.into()))
    }

    /// `property >= value`.
    pub fn gte(property: impl Into<String>, value: impl Into<String>) -> Self {
        Self::with(property, Operator::Gte, Some(value.into()))
    }

    /// `low <= property <= high`.
    pub fn between(
        property: impl Into<String>,
        low: impl Into<String>,
        high: impl Into<String>,
    ) -> Self {
        let mut f = Self::with(property, Operator::Between, Some(low.into()));
        f.high_value = Some(high.into());
        f
    }

    /// `property` is one of `values`.
    pub fn is_in<S: Into<String>>(
        property: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let mut f = Self::with(property, Operator::In, None);
        f.values = values.into_iter().map(Into::into).collect();
        f
    }

    /// `property` is none of `values`.
    pub fn not_in<S: Into<String>>(
        property: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        let mut f = Self::with(property, Operator::NotIn, None);
        f.values = values.into_iter().map(Into::into).collect();
        f
    }

    /// `property` has a value.
    pub fn has_property(property: impl Into<String>) -> Self {
        Self::with(property, Operator::HasProperty, None)
    }

    /// `property` has no value.
    pub fn not_has_property(property: impl Into<String>) -> Self {
        Self::with(property, Operator::NotHasProperty, None)
    }

    /// `property` contains the token.
    pub fn contains_token(property: impl Into<String>, token: impl Into<String>) -> Self {
        Self::with(property, Operator::ContainsToken, Some(token.into()))
    }

    /// `property` does not contain the token.
    pub fn not_contains_token(property: impl Into<String>, token: impl Into<String>) -> Self {
        Self::with(property, Operator::NotContainsToken, Some(token.into()))
    }

    fn check(&self) -> Result<()> {
        validate::property_name(&self.property_name)?;
        let name = &self.property_name;
        let bad = |why: &str| Err(Error::config(SERVICE, format!("filter on {name}: {why}")));
        match self.operator {
            Operator::Between if self.value.is_none() || self.high_value.is_none() => {
                bad("BETWEEN needs a low and a high value")
            }
            Operator::In | Operator::NotIn if self.values.is_empty() => {
                bad("IN / NOT_IN need at least one value")
            }
            Operator::In | Operator::NotIn if self.values.len() > MAX_IN_VALUES => bad(&format!(
                "IN / NOT_IN take at most {MAX_IN_VALUES} values (HubSpot's limit)"
            )),
            Operator::HasProperty | Operator::NotHasProperty => Ok(()),
            Operator::In | Operator::NotIn | Operator::Between => Ok(()),
            _ if self.value.is_none() => bad("the operator needs a value"),
            _ => Ok(()),
        }
    }
}

/// Filters that must all hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FilterGroup {
    /// The filters.
    pub filters: Vec<Filter>,
}

impl FilterGroup {
    /// An empty group.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a filter (AND).
    pub fn and(mut self, filter: Filter) -> Self {
        self.filters.push(filter);
        self
    }
}

/// A sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Direction {
    /// Smallest first.
    #[serde(rename = "ASCENDING")]
    Ascending,
    /// Largest first.
    #[serde(rename = "DESCENDING")]
    Descending,
}

/// A sort rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sort {
    /// The property.
    #[serde(rename = "propertyName")]
    pub property_name: String,
    /// The direction.
    pub direction: Direction,
}

impl Sort {
    /// Ascending by `property`.
    pub fn asc(property: impl Into<String>) -> Self {
        Self {
            property_name: property.into(),
            direction: Direction::Ascending,
        }
    }

    /// Descending by `property`.
    pub fn desc(property: impl Into<String>) -> Self {
        Self {
            property_name: property.into(),
            direction: Direction::Descending,
        }
    }
}

/// A search: filter groups (ORed), sorts, properties, a free-text query, a page size.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    /// The groups (ORed).
    pub filter_groups: Vec<FilterGroup>,
    /// The sorts.
    pub sorts: Vec<Sort>,
    /// Properties to return.
    pub properties: Vec<String>,
    /// Free text matched against the default searchable properties.
    pub query: Option<String>,
    /// Page size, 1 to 200 (default 100).
    pub limit: Option<u32>,
}

impl SearchParams {
    /// An empty search (every record).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a filter to the first group (AND), making the group if there is none.
    pub fn filter(mut self, filter: Filter) -> Self {
        match self.filter_groups.first_mut() {
            Some(group) => group.filters.push(filter),
            None => self.filter_groups.push(FilterGroup::new().and(filter)),
        }
        self
    }

    /// Adds a group (OR).
    pub fn group(mut self, group: FilterGroup) -> Self {
        self.filter_groups.push(group);
        self
    }

    /// Adds a sort.
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sorts.push(sort);
        self
    }

    /// Sets the properties to return.
    pub fn properties<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.properties = names.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the free-text query.
    pub fn query(mut self, text: impl Into<String>) -> Self {
        self.query = Some(text.into());
        self
    }

    /// Sets the page size.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Checks every HubSpot limit; the error names the limit.
    pub fn check(&self) -> Result<()> {
        let refuse = |why: String| Err(Error::config(SERVICE, why));
        if self.filter_groups.len() > MAX_FILTER_GROUPS {
            return refuse(format!(
                "a search takes at most {MAX_FILTER_GROUPS} filter groups, not {}",
                self.filter_groups.len()
            ));
        }
        let mut total = 0usize;
        for (i, group) in self.filter_groups.iter().enumerate() {
            if group.filters.is_empty() {
                return refuse(format!("filter group {i} is empty"));
            }
            if group.filters.len() > MAX_FILTERS_PER_GROUP {
                return refuse(format!(
                    "a filter group takes at most {MAX_FILTERS_PER_GROUP} filters, group {i} has {}",
                    group.filters.len()
                ));
            }
            total += group.filters.len();
            group.filters.iter().try_for_each(Filter::check)?;
        }
        if total > MAX_FILTERS {
            return refuse(format!(
                "a search takes at most {MAX_FILTERS} filters in all, not {total}"
            ));
        }
        for sort in &self.sorts {
            validate::property_name(&sort.property_name)?;
        }
        validate::property_names(&self.properties)?;
        if let Some(q) = &self.query
            && q.chars().count() > MAX_QUERY_LEN
        {
            return refuse(format!(
                "a search query takes at most {MAX_QUERY_LEN} characters"
            ));
        }
        let limit = self.limit.unwrap_or(100);
        if !(1..=MAX_SEARCH_LIMIT).contains(&limit) {
            return refuse(format!(
                "a search page takes 1 to {MAX_SEARCH_LIMIT} results, not {limit}"
            ));
        }
        Ok(())
    }

    /// The request body for the page after `after` (every field HubSpot's description
    /// requires is sent, empty when unset).
    pub fn body(&self, after: Option<&str>) -> Value {
        let mut body = json!({
            "filterGroups": self.filter_groups,
            "sorts": self.sorts,
            "properties": self.properties,
            "limit": self.limit.unwrap_or(100),
            "after": after.unwrap_or("0"),
        });
        if let Some(q) = &self.query {
            body["query"] = json!(q);
        }
        body
    }
}

pub(crate) fn search_request(base: &str, body: &Value) -> Request {
    Request::post(format!("{base}/search"))
        .operation("objects.search")
        .path_template("/crm/v3/objects/{objectType}/search")
        .rate_class(SEARCH_CLASS)
        // A search changes nothing: a 5xx is resent like a GET.
        .read_only()
        .json(body)
}

impl Objects {
    /// `POST /crm/v3/objects/{type}/search`: every result, page by page, up to HubSpot's
    /// 10 000-result ceiling (see the module docs, and [`Objects::search_all`]).
    pub fn search(&self, params: &SearchParams) -> Paginator<CrmObject> {
        self.search_from(params, Checkpoint::default())
    }

    /// [`Objects::search`] from a checkpoint.
    pub fn search_from(&self, params: &SearchParams, from: Checkpoint) -> Paginator<CrmObject> {
        let base = match params.check().and_then(|()| self.base()) {
            Ok(base) => base,
            Err(e) => return Paginator::failed(e).service(SERVICE),
        };
        let first = search_request(&base, &params.body(None));
        let params = params.clone();
        let client: Client = self.client.clone();
        Paginator::walk(
            SERVICE,
            from,
            first,
            move |request| {
                let client = client.clone();
                Box::pin(async move { client.send(request).await })
            },
            move |_first, after| search_request(&base, &params.body(Some(after))),
            |response| {
                let page: Page<CrmObject> = collection(response)?;
                Ok(stop_at_ceiling(page))
            },
        )
    }

    /// Every result of a search, however many: pages of records above the last
    /// `hs_object_id` handed out, sorted by it (see the module docs). The search's own
    /// sorts are replaced; each group gets one more filter, so a group may hold at most
    /// five filters and the search at most 17 in all (with at least one free slot per group).
    pub fn search_all(&self, params: &SearchParams) -> Paginator<CrmObject> {
        self.search_all_from(params, Checkpoint::default())
    }

    /// [`Objects::search_all`] from a checkpoint (its cursor is the last id handed out).
    pub fn search_all_from(&self, params: &SearchParams, from: Checkpoint) -> Paginator<CrmObject> {
        let prepared = (|| {
            params.check()?;
            // The window filter must fit into every group.
            let probe = windowed(params, "0");
            probe.check()?;
            self.base()
        })();
        let base = match prepared {
            Ok(base) => base,
            Err(e) => return Paginator::failed(e).service(SERVICE),
        };
        let mut sorted = params.clone();
        sorted.sorts = vec![Sort::asc("hs_object_id")];
        let limit = sorted.limit.unwrap_or(100) as usize;
        let first_body = sorted.body(None);
        let first = search_request(&base, &first_body);
        let client: Client = self.client.clone();
        Paginator::walk(
            SERVICE,
            from,
            first,
            move |request| {
                let client = client.clone();
                Box::pin(async move { client.send(request).await })
            },
            move |_first, last_id| search_request(&base, &windowed(&sorted, last_id).body(None)),
            move |response| {
                let mut page: Page<CrmObject> = collection(response)?;
                let more = page.next.is_some() || page.items.len() >= limit;
                page.next = if more {
                    page.items.last().map(|o| o.id.clone())
                } else {
                    None
                };
                page.total = None;
                Ok(page)
            },
        )
    }
}

/// The search with `hs_object_id > last_id` added to each group (a group of its own when
/// there is none).
pub(crate) fn windowed(params: &SearchParams, last_id: &str) -> SearchParams {
    let above = Filter::gt("hs_object_id", last_id);
    let mut out = params.clone();
    out.sorts = vec![Sort::asc("hs_object_id")];
    if out.filter_groups.is_empty() {
        out.filter_groups.push(FilterGroup::new().and(above));
    } else {
        for group in &mut out.filter_groups {
            group.filters.push(above.clone());
        }
    }
    out
}

/// Ends the stream at the ceiling instead of asking for a page HubSpot refuses, and says
/// the result is incomplete.
fn stop_at_ceiling(page: Page<CrmObject>) -> Page<CrmObject> {
    let past = page
        .next
        .as_deref()
        .and_then(|after| after.parse::<u64>().ok())
        .is_some_and(|after| after >= RESULT_CEILING);
    let total = page.total;
    if past {
        let mut page = page;
        page.next = None;
        return page.with_complete(false);
    }
    match (total, &page.next) {
        (Some(_), None) => page.with_complete(true),
        _ => page,
    }
}
