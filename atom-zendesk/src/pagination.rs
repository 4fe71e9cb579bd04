//! Zendesk's paging schemes, plugged into the core [`Paginator`].
//!
//! * **Cursor** (`page[size]`, `page[after]`): every list this crate offers that supports it.
//!   A page answers `meta.has_more` and `meta.after_cursor` (and `links.next`, the same
//!   cursor as a URL); the stream asks for `page[after]={after_cursor}` on the request it
//!   started with, so a proxy or custom host keeps working and the checkpoint is the cursor
//!   alone. Pages are [`MAX_PAGE_SIZE`] items.
//! * **Offset** (`page`, `per_page`, `next_page`): only where Zendesk offers nothing else
//!   (`/api/v2/search`, `/api/v2/users/search`, Help Center article search). Zendesk limits
//!   its depth: search returns at most [`SEARCH_RESULT_LIMIT`] results (the stream stops
//!   there and says `complete() == Some(false)` when `count` is larger; use the search export
//!   for more), and other offset lists stop at 100 pages (10 000 records).
//! * **Incremental exports**: see [`crate::incremental`].
//!
//! Bodies are read by one visitor that decodes the list's items straight into their type and
//! skips the rest, so a page costs about what decoding its items costs.

use std::fmt;
use std::marker::PhantomData;

use atom_core::{ApiResponse, Checkpoint, Error, Page, Paginator, Request, Result};
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::client::Client;
use crate::error::SERVICE;

/// The largest cursor page Zendesk serves.
pub const MAX_PAGE_SIZE: u32 = 100;
/// The most results `/api/v2/search` returns for one query (its offset pages stop there).
pub const SEARCH_RESULT_LIMIT: u64 = 1_000;
/// The deepest offset page Zendesk serves on lists without cursor paging.
pub const MAX_OFFSET_PAGES: u64 = 100;

/// `meta` of a cursor page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Meta {
    #[serde(default)]
    pub has_more: bool,
    #[serde(default)]
    pub after_cursor: Option<String>,
}

/// One list body, whatever the scheme: the items under their key and the paging fields.
#[derive(Debug)]
pub(crate) struct ListBody<T> {
    pub items: Vec<T>,
    pub meta: Option<Meta>,
    pub next_page: Option<String>,
    pub count: Option<u64>,
    pub after_cursor: Option<String>,
    pub end_of_stream: Option<bool>,
    pub end_time: Option<i64>,
}

struct ListSeed<T> {
    key: &'static str,
    marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for ListSeed<T> {
    type Value = ListBody<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ListSeed<T> {
    type Value = ListBody<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a {:?} list", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut body = ListBody {
            items: Vec::new(),
            meta: None,
            next_page: None,
            count: None,
            after_cursor: None,
            end_of_stream: None,
            end_time: None,
        };
        let mut found = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                k if k == self.key => {
                    body.items = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default();
                    found = true;
                }
                "meta" => body.meta = map.next_value()?,
                "next_page" => body.next_page = map.next_value()?,
                "count" => body.count = map.next_value()?,
                "after_cursor" => body.after_cursor = map.next_value()?,
                "end_of_stream" => body.end_of_stream = map.next_value()?,
                "end_time" => body.end_time = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !found {
            return Err(serde::de::Error::missing_field(self.key));
        }
        Ok(body)
    }
}

/// Decodes a list body whose items are under `key`.
pub(crate) fn list_body<T: DeserializeOwned>(
    response: &ApiResponse,
    key: &'static str,
) -> Result<ListBody<T>> {
    let mut de = serde_json::Deserializer::from_slice(&response.body);
    let seed = ListSeed {
        key,
        marker: PhantomData,
    };
    seed.deserialize(&mut de)
        .and_then(|body| de.end().map(|()| body))
        .map_err(|e| {
            Error::decode(SERVICE, format!("response body did not decode: {e}"))
                .with_cause_text(&e)
                .with_request_id_opt(response.meta.request_id.clone())
        })
}

/// How the next page is found.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scheme {
    /// `meta.has_more` / `meta.after_cursor`, next with `page[after]`.
    Cursor,
    /// `next_page` URL's `page`, next with `page={n}`; at most `max_results` results.
    Offset { max_results: Option<u64> },
}

/// Adds `page[size]` to a request of a cursor list.
pub(crate) fn cursor_first(request: Request, size: Option<u32>) -> Request {
    request.query(
        "page[size]",
        size.unwrap_or(MAX_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE)
            .to_string(),
    )
}

/// The `page` number a `next_page` URL names.
///
/// ```
/// use atom_zendesk::pagination::offset_page;
/// assert_eq!(offset_page("https://acme.zendesk.com/api/v2/search.json?page=2&query=x").unwrap(), 2);
/// assert!(offset_page("https://acme.zendesk.com/api/v2/search.json?query=x").is_err());
/// ```
pub fn offset_page(next_page: &str) -> Result<u64> {
    let url = url::Url::parse(next_page)
        .map_err(|e| Error::decode(SERVICE, format!("next_page is not a URL: {e}")))?;
    url.query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .filter(|&n| n >= 1)
        .ok_or_else(|| Error::decode(SERVICE, "next_page names no page number"))
}

fn decode_page<T: DeserializeOwned>(
    response: &ApiResponse,
    key: &'static str,
    scheme: Scheme,
    per_page: u64,
) -> Result<Page<T>> {
    let body = list_body::<T>(response, key)?;
    let mut page = match scheme {
        Scheme::Cursor => {
            let meta = body.meta.unwrap_or_default();
            let next = if meta.has_more {
                match meta.after_cursor {
                    Some(cursor) if !cursor.is_empty() => Some(cursor),
                    _ => {
                        return Err(Error::decode(
                            SERVICE,
                            "meta.has_more without meta.after_cursor",
                        ));
                    }
                }
            } else {
                None
            };
            Page::new(body.items, next)
        }
        Scheme::Offset { max_results } => {
            let next = match body.next_page.as_deref() {
                Some(url) => Some(offset_page(url)?),
                None => None,
            };
            let mut complete = true;
            let next = next.filter(|&n| {
                let first_index = (n - 1).saturating_mul(per_page);
                let within_results = max_results.is_none_or(|max| first_index < max);
                let within_depth = max_results.is_some() || n <= MAX_OFFSET_PAGES;
                complete = within_results && within_depth;
                complete
            });
            let mut page = Page::new(body.items, next.map(|n| n.to_string()));
            if !complete {
                page = page.with_complete(false);
            }
            page
        }
    };
    if let Some(count) = body.count {
        page = page.with_total(count);
    }
    Ok(page)
}

/// A stream over every page from `from`: `first` as built, then the next pages by `scheme`.
/// A request that could not be built comes out as the stream's only item.
pub(crate) fn paginate<T>(
    client: &Client,
    first: Result<Request>,
    key: &'static str,
    scheme: Scheme,
    from: Checkpoint,
) -> Paginator<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let first = match first {
        Ok(first) => first,
        Err(error) => return Paginator::failed(error).service(SERVICE),
    };
    let per_page = first
        .query_pairs()
        .iter()
        .find(|(k, _)| k == "per_page")
        .and_then(|(_, v)| v.parse::<u64>().ok())
        .unwrap_or(100);
    let client = client.clone();
    Paginator::walk(
        SERVICE,
        from,
        first,
        move |request| {
            let client = client.clone();
            Box::pin(async move { client.send(request).await })
        },
        move |first, cursor| match scheme {
            Scheme::Cursor => first.clone().query("page[after]", cursor),
            Scheme::Offset { .. } => first.clone().query("page", cursor),
        },
        move |response| decode_page(response, key, scheme, per_page),
    )
}

/// Checks an id that goes into a path (`/`, `.`, `?`, `#`, `@`, `..` are refused: an id
/// that could change the path never reaches a request).
pub(crate) fn id_segment(value: &str) -> Result<String> {
    let ok = !value.is_empty()
        && value.len() <= 128
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(Error::config(
            SERVICE,
            format!(
                "{:?} is not a Zendesk id (letters, digits, '-' and '_')",
                value.chars().take(40).collect::<String>()
            ),
        ));
    }
    atom_core::http_util::path_segment(SERVICE, value)
}
