//! HubSpot's paging: `paging.next.after`, a cursor sent back as `after` (a query parameter
//! for lists, a body field for search), plugged into the core [`Paginator`].

use atom_core::{ApiResponse, Checkpoint, Error, Page, Paginator, Request, Result};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::SERVICE;
use crate::client::Client;

/// The largest page of object lists.
pub const MAX_LIST_LIMIT: u32 = 100;

#[derive(Deserialize)]
struct Next {
    #[serde(default)]
    after: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    next: Option<Next>,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Collection<T> {
    #[serde(default = "Vec::new")]
    results: Vec<T>,
    #[serde(default)]
    paging: Option<Paging>,
    // A count is not worth failing a page for: a negative or odd `total` is ignored.
    #[serde(default)]
    total: Option<serde_json::Value>,
}

/// The items and next cursor of a `{"results", "paging": {"next": {"after"}}, "total"}` page.
pub(crate) fn collection<T: DeserializeOwned>(response: &ApiResponse) -> Result<Page<T>> {
    let body: Collection<T> = response.json()?;
    let next = match body.paging.and_then(|p| p.next).and_then(|n| n.after) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) if s.is_empty() => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            return Err(Error::decode(SERVICE, "paging.next.after is not a cursor"));
        }
    };
    let page = Page::new(body.results, next);
    Ok(
        match body.total.as_ref().and_then(serde_json::Value::as_u64) {
            Some(total) => page.with_total(total),
            None => page,
        },
    )
}

/// A list whose cursor is the `after` query parameter.
pub(crate) fn list<T>(client: &Client, first: Result<Request>, from: Checkpoint) -> Paginator<T>
where
    T: DeserializeOwned + Send + 'static,
{
    walk(client, first, from, |first, after| {
        first.clone().query("after", after)
    })
}

/// A stream over pages from `from`: `first`, then `next(&first, cursor)` per cursor.
pub(crate) fn walk<T>(
    client: &Client,
    first: Result<Request>,
    from: Checkpoint,
    next: impl Fn(&Request, &str) -> Request + Send + Sync + 'static,
) -> Paginator<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let first = match first {
        Ok(first) => first,
        Err(error) => return Paginator::failed(error).service(SERVICE),
    };
    let client = client.clone();
    Paginator::walk(
        SERVICE,
        from,
        first,
        move |request| {
            let client = client.clone();
            Box::pin(async move { client.send(request).await })
        },
        next,
        collection::<T>,
    )
}
