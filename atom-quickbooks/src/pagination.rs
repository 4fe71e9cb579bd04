//! Query paging: `STARTPOSITION` / `MAXRESULTS`, up to 1000 rows a page, to the end.
//!
//! The cursor is the 1-based start row of the page being read, so a
//! [`Checkpoint`](atom_core::Checkpoint) resumes a walk at the page it stopped in. A page
//! shorter than the page size is the last one. A full page whose answer does not say where
//! it started is a `Decode` error rather than a guess.

use atom_core::{Checkpoint, Error, Page, Paginator, Request};
use http::Method;

use crate::client::{Client, RequestOptions};
use crate::models::Entity;
use crate::query::Query;
use crate::{SERVICE, envelope};

fn page_request(client: &Client, query: &Query, start: u64) -> Request {
    match query.page_text(start, query.rows_per_page()) {
        Ok(text) => client
            .request(Method::GET, "query", "query", "/v3/company/{realmId}/query")
            .query("query", text),
        // Unreachable after `Query::validate` in `query_pages`: a request whose build failed
        // (an invalid header name) is refused by the core before anything is sent.
        Err(_) => Request::get("/").operation("query").header("\n", ""),
    }
}

/// Pages through every row of `query`, from `from` (the default checkpoint: the query's
/// first row).
pub(crate) fn query_pages<T: Entity>(
    client: &Client,
    query: Query,
    from: Checkpoint,
) -> Paginator<T> {
    if let Err(e) = query.validate() {
        return Paginator::failed(e);
    }
    if query.entity() != T::NAME {
        return Paginator::failed(Error::config(
            SERVICE,
            format!(
                "a query of {} cannot be read as {}",
                query.entity(),
                T::NAME
            ),
        ));
    }
    let page_size = u64::from(query.rows_per_page());
    let first = page_request(client, &query, query.first_row());
    let sender = client.clone();
    let next_client = client.clone();
    Paginator::walk(
        SERVICE,
        from,
        first,
        move |request| {
            let client = sender.clone();
            Box::pin(async move { client.send_raw(request, &RequestOptions::default()).await })
        },
        move |_, cursor| {
            let start = cursor.parse::<u64>().unwrap_or(1).max(1);
            page_request(&next_client, &query, start)
        },
        move |response| {
            let page = envelope::query_page::<T>(response)?;
            let n = page.items.len() as u64;
            let next = if n >= page_size && n > 0 {
                let start = page.start_position.ok_or_else(|| {
                    Error::decode(SERVICE, "a full query page did not say where it started")
                })?;
                Some(start.saturating_add(n).to_string())
            } else {
                None
            };
            Ok(Page::new(page.items, next))
        },
    )
}
