//! Child-relationship subqueries (`SELECT Name, (SELECT LastName FROM Contacts) FROM
//! Account`): Salesforce nests each record's children as a query result of its own, and
//! when there are many it sends only the first batch with `done: false` and a
//! `nextRecordsUrl` of its own. These functions follow those URLs, so a child list is
//! never silently short.

use std::collections::HashSet;

use atom_core::{ApiResponse, Error, Result};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::models::QueryResult;
use crate::pagination::{ChildPages, next_cursor};
use crate::{Client, SERVICE};

/// Salesforce nests child relationships at most five levels deep; deeper nesting in a
/// response is not Salesforce's and is refused rather than walked.
const MAX_DEPTH: usize = 6;

/// Most child pages followed for one page of parents. A child batch holds up to 2 000
/// records, so this is far beyond any real subquery, yet an end to a server that always
/// names one more page.
pub(crate) const MAX_CHILD_PAGES: usize = 10_000;

/// Decodes one query page; with [`ChildPages::Follow`], every truncated child list in it
/// is completed first.
pub(crate) async fn decode_page<T: DeserializeOwned>(
    client: &Client,
    response: &ApiResponse,
    children: ChildPages,
) -> Result<QueryResult<T>> {
    if children == ChildPages::Leave {
        return response.json();
    }
    // Only a `"done": false` other than the page's own means a child list was cut short:
    // until then the page decodes straight into `T`, as without subqueries. The count is
    // one scan of the bytes; a `"done"` inside a JSON string is escaped (`\"done\"`) and
    // never matches.
    let cut = false_dones(&response.body);
    if cut == 0 {
        return response.json();
    }
    let direct: QueryResult<T> = response.json()?;
    if cut == usize::from(!direct.done) {
        return Ok(direct);
    }
    drop(direct);
    let mut page: QueryResult<Value> = response.json()?;
    let mut budget = MAX_CHILD_PAGES;
    for record in &mut page.records {
        complete_children(client, record, 1, &mut budget).await?;
    }
    let records = std::mem::take(&mut page.records)
        .into_iter()
        .map(|record| {
            serde_json::from_value(record)
                .map_err(|e| Error::decode(SERVICE, format!("a query record did not decode: {e}")))
        })
        .collect::<Result<Vec<T>>>()?;
    Ok(QueryResult {
        total_size: page.total_size,
        done: page.done,
        next_records_url: page.next_records_url,
        records,
    })
}

/// How many `"done"` keys in `body` have the value `false`.
fn false_dones(body: &[u8]) -> usize {
    // A vectorised search for the key: a page is a few MB, and stepping through it byte by
    // byte cost a large share of a typed record's decoding.
    memchr::memmem::find_iter(body, b"\"done\"")
        .filter(|&at| {
            let value = body.get(at + 6..).unwrap_or_default().trim_ascii_start();
            value
                .strip_prefix(b":")
                .is_some_and(|v| v.trim_ascii_start().starts_with(b"false"))
        })
        .count()
}

/// Whether a field value is a nested query result (a child relationship).
fn is_child_list(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.get("done").is_some_and(Value::is_boolean)
            && o.get("records").is_some_and(Value::is_array)
    })
}

/// Completes every truncated child list of `record` (and of its children, down to
/// [`MAX_DEPTH`]): fetches each `nextRecordsUrl` in turn, appends the records, and marks
/// the list `done` without a `nextRecordsUrl`.
fn complete_children<'a>(
    client: &'a Client,
    record: &'a mut Value,
    depth: usize,
    budget: &'a mut usize,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let Some(fields) = record.as_object_mut() else {
            return Ok(());
        };
        for value in fields.values_mut() {
            if !is_child_list(value) {
                continue;
            }
            if depth > MAX_DEPTH {
                return Err(Error::decode(
                    SERVICE,
                    "child relationships nested deeper than Salesforce allows",
                ));
            }
            if value.get("done") == Some(&Value::Bool(true)) {
                // Whole already: only its own children may still be cut short.
                if let Some(Value::Array(records)) = value.get_mut("records") {
                    for child in records {
                        complete_children(client, child, depth + 1, budget).await?;
                    }
                }
                continue;
            }
            let mut list: QueryResult<Value> = serde_json::from_value(value.take())
                .map_err(|e| Error::decode(SERVICE, format!("a child list did not decode: {e}")))?;
            let mut seen = HashSet::new();
            while let Some(url) = next_cursor(&list)? {
                if !seen.insert(url.clone()) {
                    return Err(Error::decode(
                        SERVICE,
                        "a child list repeated its nextRecordsUrl; stopping instead of looping",
                    ));
                }
                *budget = budget.checked_sub(1).ok_or_else(|| {
                    Error::decode(
                        SERVICE,
                        format!("stopped after {MAX_CHILD_PAGES} child pages for one page"),
                    )
                })?;
                let more: QueryResult<Value> = client.send(child_request(&url)).await?.json()?;
                list.records.extend(more.records);
                list.done = more.done;
                list.next_records_url = more.next_records_url;
            }
            for child in &mut list.records {
                complete_children(client, child, depth + 1, budget).await?;
            }
            let mut whole = serde_json::Map::new();
            whole.insert("totalSize".into(), list.total_size.into());
            whole.insert("done".into(), Value::Bool(true));
            // Completed: no `nextRecordsUrl` is left for a caller to follow again.
            whole.insert("records".into(), Value::Array(list.records));
            *value = Value::Object(whole);
        }
        Ok(())
    })
}

fn child_request(url: &str) -> atom_core::Request {
    atom_core::Request::get(url)
        .operation("query.children")
        .path_template("/services/data/vXX.X/query/{locator}")
}

impl Client {
    /// Every record of a child relationship: those its parent carried, then the rest, page
    /// after page, from the list's own `nextRecordsUrl` (for streams read with
    /// [`ChildPages::Leave`]). [`atom_core::Paginator::total`] is the list's `totalSize`.
    /// Its checkpoint is not for resuming (the first page is the records handed in); a
    /// walk that stops is restarted from the parent record.
    ///
    /// ```no_run
    /// # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
    /// use futures::TryStreamExt as _;
    /// use atom_salesforce::{ChildPages, Contact, QueryParams, models::QueryResult, soql::Soql};
    /// #[derive(serde::Deserialize)]
    /// struct AccountWithContacts {
    ///     #[serde(rename = "Contacts")]
    ///     contacts: Option<QueryResult<Contact>>,
    /// }
    /// let soql = Soql::from_static("SELECT Name, (SELECT LastName FROM Contacts) FROM Account");
    /// let params = QueryParams { children: ChildPages::Leave, ..Default::default() };
    /// let mut accounts = client.query_with::<AccountWithContacts>(&soql, &params, Default::default());
    /// while let Some(account) = accounts.try_next().await? {
    ///     if let Some(contacts) = account.contacts.filter(|c| !c.is_complete()) {
    ///         let all: Vec<Contact> = client.children(contacts).try_collect().await?;
    ///         # let _ = all;
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn children<C: DeserializeOwned + Send + 'static>(
        &self,
        list: QueryResult<C>,
    ) -> atom_core::Paginator<C> {
        let next = match next_cursor(&list) {
            Ok(next) => next,
            Err(error) => return atom_core::Paginator::failed(error),
        };
        let total = list.total_size;
        let held = std::sync::Mutex::new(Some(list.records));
        let client = self.clone();
        atom_core::Paginator::new(atom_core::Checkpoint::default(), move |cursor| {
            let client = client.clone();
            // The first "page" is the records the parent carried.
            let first = match cursor {
                None => Some(
                    held.lock()
                        .map(|mut h| h.take().unwrap_or_default())
                        .unwrap_or_default(),
                ),
                Some(_) => None,
            };
            let next = next.clone();
            Box::pin(async move {
                match (first, cursor) {
                    (Some(records), _) => Ok(atom_core::Page::new(records, next).with_total(total)),
                    (None, Some(url)) => {
                        let page: QueryResult<C> =
                            client.send(child_request(&url)).await?.json()?;
                        let next = next_cursor(&page)?;
                        Ok(atom_core::Page::new(page.records, next).with_total(page.total_size))
                    }
                    (None, None) => Ok(atom_core::Page::new(Vec::new(), None)),
                }
            })
        })
        .service(SERVICE)
    }
}

#[cfg(test)]
mod tests {
    use super::false_dones;

    /// The first version: every window compared.
    fn window_scan(body: &[u8]) -> usize {
        const KEY: &[u8] = b"\"done\"";
        let mut n = 0;
        let mut rest = body;
        while let Some(at) = rest.windows(KEY.len()).position(|w| w == KEY) {
            rest = rest.get(at + KEY.len()..).unwrap_or_default();
            let value = rest.trim_ascii_start();
            if let Some(value) = value.strip_prefix(b":")
                && value.trim_ascii_start().starts_with(b"false")
            {
                n += 1;
            }
        }
        n
    }

    #[test]
    fn counts_false_dones_only() {
        assert_eq!(false_dones(br#"{"done":true,"records":[]}"#), 0);
        assert_eq!(false_dones(br#"{"done" : false,"records":[]}"#), 1);
        assert_eq!(
            false_dones(br#"{"done":false,"records":[{"C":{"done":	false},"S":"done","T":"\"done\": false"}]}"#),
            2
        );
        assert_eq!(false_dones(br#""done""#), 0);
    }

    proptest::proptest! {
        #![proptest_config(atom_core::testing::proptest_config(2_000))]
        /// Never panics, and never counts more than there are `"done"` keys.
        #[test]
        fn never_panics(body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let keys = body.windows(6).filter(|w| *w == b"\"done\"").count();
            proptest::prop_assert!(false_dones(&body) <= keys);
        }

        /// Counts what comparing every window counts (the scan it replaced).
        #[test]
        fn counts_as_a_window_scan_does(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::Just(b"\"done\"".to_vec()),
                    proptest::prelude::Just(b":false".to_vec()),
                    proptest::prelude::Just(b" : ".to_vec()),
                    proptest::prelude::Just(b"false".to_vec()),
                    proptest::prelude::Just(b"\"".to_vec()),
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4),
                ],
                0..24,
            )
        ) {
            let body = parts.concat();
            proptest::prop_assert_eq!(false_dones(&body), window_scan(&body));
        }
    }
}
