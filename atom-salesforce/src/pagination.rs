//! Salesforce's page scheme: a query answers with `done` and, until the last page,
//! `nextRecordsUrl` (`/services/data/v62.0/query/01gD…-2000`). That path is the cursor the
//! core [`Paginator`] hands back to fetch the next page.

use std::sync::Arc;

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
pub(crate) fn is_data_path(url: &str) -> bool {
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

/// How a query stream treats child-relationship subquery results that Salesforce cut
/// short (`done: false` with their own `nextRecordsUrl`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ChildPages {
    /// Follow every truncated child list before the parent record is handed out, so each
    /// child list arrives whole (`done: true`, no `nextRecordsUrl`). The default: a record
    /// never arrives with children silently missing.
    #[default]
    Follow,
    /// Hand records out as Salesforce sent them; a truncated child list keeps `done: false`
    /// and its `nextRecordsUrl`, and [`Client::children`] walks the rest when wanted.
    Leave,
}

/// Whether `cursor` names the first page of a query rather than a locator: the bare
/// resource (`/services/data/v67.0/query` or `…/queryAll`), as this crate stores it in a
/// checkpoint so the checkpoint carries the scope.
fn first_page_scope(cursor: &str) -> Option<Scope> {
    let rest = cursor.strip_prefix("/services/data/")?;
    let (version, resource) = rest.split_once('/')?;
    if !version.starts_with('v') || resource.contains('/') {
        return None;
    }
    match resource {
        "query" => Some(Scope::Live),
        "queryAll" => Some(Scope::All),
        _ => None,
    }
}

/// The scope a locator path names: `/queryAll/` is `queryAll`; `/query/` is whatever
/// the caller asked for (Salesforce's own `nextRecordsUrl` of a `queryAll` says `query`).
fn locator_scope(cursor: &str, asked: Scope) -> Scope {
    if cursor.contains("/queryAll/") {
        Scope::All
    } else {
        asked
    }
}

/// The cursor stored for a `queryAll` page: Salesforce's `nextRecordsUrl` says
/// `/query/{locator}` even for `queryAll`, and `/queryAll/{locator}` (also documented)
/// says the scope, so a checkpoint resumed through any query method stays on `queryAll`.
fn scoped_next(next: String, scope: Scope) -> String {
    if scope == Scope::All
        && let Some((head, locator)) = next.split_once("/query/")
        && head
            .strip_prefix("/services/data/")
            .is_some_and(|version| version.starts_with('v') && !version.contains('/'))
    {
        return format!("{head}/queryAll/{locator}");
    }
    next
}

fn resource(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::Live => ("/query", "query"),
        Scope::All => ("/queryAll", "queryAll"),
    }
}

/// The request for one page and the scope that page belongs to.
fn page_request(
    client: &Client,
    soql: &str,
    asked: Scope,
    cursor: &str,
) -> Result<(Request, Scope)> {
    if let Some(scope) = first_page_scope(cursor) {
        return Ok((first_request(client, soql, scope), scope));
    }
    // A checkpoint is caller data: it is held to the same rule as a nextRecordsUrl.
    if !is_data_path(cursor) {
        return Err(Error::config(
            SERVICE,
            "the checkpoint's cursor is not a query path on the data API",
        ));
    }
    let scope = locator_scope(cursor, asked);
    Ok((next_request(cursor, scope), scope))
}

/// The request for the first page of `soql` (the records feed builds its own rounds).
pub(crate) fn first_request(client: &Client, soql: &str, scope: Scope) -> Request {
    let (path, op) = resource(scope);
    Request::get(client.data_path(path))
        .query("q", soql)
        .operation(op)
        .path_template(format!("/services/data/vXX.X{path}"))
}

/// The request for a later page: `next` is a `nextRecordsUrl` checked by [`next_cursor`].
pub(crate) fn next_request(next: &str, scope: Scope) -> Request {
    let (path, op) = resource(scope);
    Request::get(next)
        .operation(op)
        .path_template(format!("/services/data/vXX.X{path}/{{locator}}"))
}

/// A stream of every record of `soql`, page after page, keeping `totalSize` as the
/// paginator's [`Paginator::total`]. The checkpoint's cursor is never empty: the first
/// page is named by its resource (`…/query` or `…/queryAll`), later pages by their
/// locator, so the scope travels with the checkpoint.
pub(crate) fn query_stream<T>(
    client: &Client,
    soql: &str,
    scope: Scope,
    children: ChildPages,
    from: Checkpoint,
) -> Paginator<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let mut from = from;
    if from.cursor.is_none() {
        from.cursor = Some(client.data_path(resource(scope).0));
    }
    let client = client.clone();
    let soql: Arc<str> = Arc::from(soql);
    Paginator::new(from, move |cursor: Option<String>| {
        let client = client.clone();
        let soql = soql.clone();
        Box::pin(async move {
            let cursor = match cursor {
                Some(cursor) => cursor,
                None => client.data_path(resource(scope).0),
            };
            let (request, page_scope) = page_request(&client, &soql, scope, &cursor)?;
            let response = client.send(request).await?;
            let page: QueryResult<T> =
                crate::subquery::decode_page(&client, &response, children).await?;
            let next = next_cursor(&page)?.map(|next| scoped_next(next, page_scope));
            Ok(Page::new(page.records, next).with_total(page.total_size))
        })
    })
    .service(SERVICE)
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

    #[test]
    fn scope_in_cursors() {
        assert_eq!(
            first_page_scope("/services/data/v67.0/queryAll"),
            Some(Scope::All)
        );
        assert_eq!(
            first_page_scope("/services/data/v67.0/query"),
            Some(Scope::Live)
        );
        assert_eq!(first_page_scope("/services/data/v67.0/query/01g-2"), None);
        assert_eq!(first_page_scope("/services/oauth2/query"), None);
        assert_eq!(
            scoped_next("/services/data/v62.0/query/01gD-2".into(), Scope::All),
            "/services/data/v62.0/queryAll/01gD-2"
        );
        assert_eq!(
            scoped_next("/services/data/v62.0/query/01gD-2".into(), Scope::Live),
            "/services/data/v62.0/query/01gD-2"
        );
        assert_eq!(
            locator_scope("/services/data/v62.0/queryAll/01gD-2", Scope::Live),
            Scope::All
        );
    }

    proptest::proptest! {
        #![proptest_config(atom_core::testing::proptest_config(2_000))]
        /// Cursor decisions never panic, and a rewritten data path stays a data path.
        #[test]
        fn cursor_rules_hold(tail in "[a-zA-Z0-9/._~%-]{0,40}", all in proptest::bool::ANY) {
            let cursor = format!("/services/data/{tail}");
            let scope = if all { Scope::All } else { Scope::Live };
            let _ = first_page_scope(&cursor);
            let _ = locator_scope(&cursor, scope);
            let next = scoped_next(cursor.clone(), scope);
            if is_data_path(&cursor) {
                proptest::prop_assert!(is_data_path(&next) || next.len() > MAX_NEXT_URL);
            }
        }
    }
}
