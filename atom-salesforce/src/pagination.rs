//! Salesforce's page scheme: a query answers with `done` and, until the last page,
//! `nextRecordsUrl` (`/services/data/v62.0/query/01gD…-2000`). That path is the cursor the
//! core [`Paginator`] hands back to fetch the next page.

use atom_core::{Checkpoint, Error, Page, Paginator, Request, Result};
use serde::de::DeserializeOwned;

use crate::models::QueryResult;
use crate::{Client, SERVICE};

/// Whether the query also returns deleted and archived records (`queryAll`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Live,
    All,
}

/// Longest `nextRecordsUrl` followed; real ones are about 60 characters.
const MAX_NEXT_URL: usize = 2048;

/// Whether a `nextRecordsUrl` is a plain path under `/services/data/`: unreserved
/// characters and `/` only, and no `.` or `..` segment. Percent signs and backslashes are
/// refused because URL parsing turns `%2e%2e` and `\` into `..` and `/`, which would walk
/// out of the data API (to `/services/oauth2/…`) with the session attached.
fn is_data_path(url: &str) -> bool {
    url.len() <= MAX_NEXT_URL
        && url.starts_with("/services/data/")
        && url
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'-' | b'_' | b'~'))
        && url
            .split('/')
            .all(|segment| segment != "." && segment != "..")
}

/// The next page's cursor of a query page: `None` once `done`.
///
/// A `nextRecordsUrl` must be a plain path on the data API (`/services/data/…`, letters,
/// digits, `/ . - _ ~`, no `.` or `..` segment); anything else is refused rather than
/// followed.
pub fn next_cursor<T>(page: &QueryResult<T>) -> Result<Option<String>> {
    if page.done {
        return Ok(None);
    }
    match &page.next_records_url {
        Some(url) if is_data_path(url) => Ok(Some(url.clone())),
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

impl Scope {
    fn resource(self) -> (&'static str, &'static str) {
        match self {
            Scope::Live => ("/query", "query"),
            Scope::All => ("/queryAll", "queryAll"),
        }
    }
}

/// The request for the first page of `soql`.
pub(crate) fn first_request(client: &Client, soql: &str, scope: Scope) -> Request {
    let (resource, op) = scope.resource();
    Request::get(client.data_path(resource))
        .query("q", soql)
        .operation(op)
        .path_template(format!("/services/data/vXX.X{resource}"))
}

/// The request for a later page: `next` is a `nextRecordsUrl` checked by [`next_cursor`].
pub(crate) fn next_request(next: &str, scope: Scope) -> Request {
    let (resource, op) = scope.resource();
    Request::get(next)
        .operation(op)
        .path_template(format!("/services/data/vXX.X{resource}/{{locator}}"))
}

/// A stream of every record of `soql`, page after page, keeping `totalSize` as the
/// paginator's [`Paginator::total`].
pub(crate) fn query_stream<T>(
    client: &Client,
    soql: &str,
    scope: Scope,
    from: Checkpoint,
) -> Paginator<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let first = first_request(client, soql, scope);
    Paginator::walk(
        SERVICE,
        from,
        first,
        client.sender(),
        move |_, next| next_request(next, scope),
        |response| {
            let page: QueryResult<T> = response.json()?;
            let next = next_cursor(&page)?;
            Ok(Page::new(page.records, next).with_total(page.total_size))
        },
    )
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
        for hostile in [
            "/services/data/../../oauth2/token",
            "/services/data/%2e%2e/%2e%2e/oauth2/token",
            "/services/data/.%2E/x",
            "/services/data/..\\..\\oauth2",
            "/services/data/v67.0/query/x?next=1",
            "/services/data/v67.0/query/x#frag",
            "/services/data/v67.0/./query",
        ] {
            assert_eq!(ok(page(false, Some(hostile))), None, "{hostile}");
        }
    }
}
