//! Salesforce's page scheme: a query answers with `done` and, until the last page,
//! `nextRecordsUrl` (`/services/data/v62.0/query/01gD…-2000`). That path is the cursor the
//! core [`Paginator`] hands back to fetch the next page.

use atom_core::{Checkpoint, Error, Page, Paginator, Request, Result};
use futures::FutureExt as _;
use serde::de::DeserializeOwned;

use crate::models::QueryResult;
use crate::{Client, SERVICE};

/// Whether the query also returns deleted and archived records (`queryAll`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Live,
    All,
}

/// The next page's cursor of a query page: `None` once `done`.
///
/// A `nextRecordsUrl` must be a path on the data API; anything else is refused rather than
/// followed.
pub fn next_cursor<T>(page: &QueryResult<T>) -> Result<Option<String>> {
    if page.done {
        return Ok(None);
    }
    match &page.next_records_url {
        Some(url) if url.starts_with("/services/data/") && !url.contains("..") => {
            Ok(Some(url.clone()))
        }
        Some(_) => Err(Error::decode(
            SERVICE,
            "nextRecordsUrl is not a data API path; refusing to follow it",
        )),
        None => Err(Error::decode(
            SERVICE,
            "query page is not done but has no nextRecordsUrl",
        )),
    }
}

/// A stream of every record of `soql`, page after page.
pub(crate) fn query_stream<T>(
    client: &Client,
    soql: String,
    scope: Scope,
    from: Checkpoint,
) -> Paginator<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let client = client.clone();
    Paginator::new(from, move |cursor: Option<String>| {
        let client = client.clone();
        let soql = soql.clone();
        async move {
            let (resource, op) = match scope {
                Scope::Live => ("/query", "query"),
                Scope::All => ("/queryAll", "queryAll"),
            };
            let request = match cursor {
                None => Request::get(client.data_path(resource))
                    .query("q", soql)
                    .operation(op)
                    .path_template(format!("/services/data/vXX.X{resource}")),
                Some(next) => Request::get(next)
                    .operation(op)
                    .path_template(format!("/services/data/vXX.X{resource}/{{locator}}")),
            };
            let page: QueryResult<T> = client.send(request).await?.json()?;
            let next = next_cursor(&page)?;
            Ok(Page {
                items: page.records,
                next,
            })
        }
        .boxed()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(done: bool, next: Option<&str>) -> QueryResult<()> {
        QueryResult {
            total_size: 1,
            done,
            next_records_url: next.map(str::to_owned),
            records: vec![],
        }
    }

    #[test]
    fn cursors() {
        let ok = |p: QueryResult<()>| next_cursor(&p).ok();
        assert_eq!(
            ok(page(true, Some("/services/data/v67.0/query/01g-2000"))),
            Some(None)
        );
        assert_eq!(
            ok(page(false, Some("/services/data/v67.0/query/01g-2000"))),
            Some(Some("/services/data/v67.0/query/01g-2000".to_owned()))
        );
        assert_eq!(ok(page(false, None)), None);
        assert_eq!(
            ok(page(false, Some("https://evil.example/services/data/x"))),
            None
        );
        assert_eq!(
            ok(page(false, Some("/services/data/../../oauth2/token"))),
            None
        );
    }
}
