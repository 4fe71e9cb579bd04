//! The walk of the records feed: the keyset position, the rounds, the requests and the
//! merge of updates and deletions (see the [parent module](super) for the why).

use std::collections::VecDeque;
use std::time::Duration;

use atom_core::feed::{Change, ChangeKind, FeedCheckpoint, FeedGap, FeedPosition};
use atom_core::{Error, Page, Result};
use chrono::{DateTime, DurationRound as _, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{DELETED_RETENTION, MAX_ROUND_DELETIONS, MAX_WINDOW};
use crate::models::datetime;
use crate::models::{QueryResult, SObject};
use crate::pagination::{Scope, first_request, next_cursor, next_request};
use crate::soql::{Filter, Order, Query, Soql};
use crate::validate::record_id;
use crate::{Client, SERVICE};

/// Where, within one instant, the walk stands: the keyset's second half. The derived
/// order is the feed's order at one instant: before everything, updates by Id, deletions
/// by Id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum After {
    Start,
    Updated(String),
    Deleted(String),
}

const UPDATED: &str = "updated:";
const DELETED: &str = "deleted:";

impl After {
    /// The checkpoint cursor: none at a start, `updated:<Id>` or `deleted:<Id>`.
    pub(super) fn from_cursor(cursor: Option<&str>) -> Result<Self> {
        let Some(cursor) = cursor else {
            return Ok(Self::Start);
        };
        let bad = || {
            Error::config(
                SERVICE,
                "the records feed checkpoint has a cursor this feed did not write",
            )
        };
        if let Some(id) = cursor.strip_prefix(UPDATED) {
            Ok(Self::Updated(record_id(id).map_err(|_| bad())?.to_owned()))
        } else if let Some(id) = cursor.strip_prefix(DELETED) {
            Ok(Self::Deleted(record_id(id).map_err(|_| bad())?.to_owned()))
        } else {
            Err(bad())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum QueryState {
    First,
    Next(String),
    Done,
}

/// One window being walked: everything after the position and before `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Round {
    pub(super) end: DateTime<Utc>,
    /// Whether another round follows (the window was cut short, not caught up).
    pub(super) more: bool,
    /// Deletions not handed out yet, in feed order.
    pub(super) deleted: VecDeque<(DateTime<Utc>, String)>,
    pub(super) query: QueryState,
}

/// The paginator's cursor (as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Position {
    pub(super) at: DateTime<Utc>,
    pub(super) after: After,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) round: Option<Round>,
}

pub(super) fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(chrono::Duration::seconds(1)).unwrap_or(t)
}

fn whole_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(t)
}

pub(super) fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

fn before(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now.checked_sub_signed(chrono_duration(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The oldest position a feed following deletions can resume from, now: 15 days back,
/// less a few minutes, so the window reaching back before the position stays within
/// what `getDeleted` accepts.
pub(super) fn horizon(now: DateTime<Utc>) -> DateTime<Utc> {
    before(now, DELETED_RETENTION) + chrono::Duration::minutes(5)
}

/// A Salesforce date-time field of a record, to the second.
pub(super) fn time_field(record: &Value, field: &str) -> Option<DateTime<Utc>> {
    record
        .get(field)
        .and_then(Value::as_str)
        .and_then(datetime::parse)
        .map(whole_second)
}

/// `Created` when the record was not changed since it was made.
pub(super) fn kind_of(created: Option<DateTime<Utc>>, modstamp: DateTime<Utc>) -> ChangeKind {
    if created == Some(modstamp) {
        ChangeKind::Created
    } else {
        ChangeKind::Updated
    }
}

pub(super) struct Walk {
    pub(super) client: Client,
    pub(super) object: String,
    pub(super) feed: String,
    pub(super) select: Vec<String>,
    pub(super) deletions: bool,
    pub(super) settle: Duration,
    /// Where the feed stands when its last round ends: that round's end, so a feed whose
    /// object does not change for longer than the deletion log keeps still resumes.
    pub(super) position: FeedPosition,
}

impl Walk {
    fn checkpoint(&self, at: DateTime<Utc>, cursor: String) -> FeedCheckpoint {
        FeedCheckpoint::new(self.feed.clone())
            .with_at(at)
            .with_cursor(cursor)
    }

    pub(super) fn gap(&self, at: DateTime<Utc>, horizon: DateTime<Utc>) -> Error {
        FeedGap::new(self.feed.clone(), Some(at), Some(horizon)).into_error(SERVICE)
    }

    /// The query of a round: after the position, before `end`, in keyset order.
    pub(super) fn soql(
        &self,
        at: DateTime<Utc>,
        after: &After,
        end: DateTime<Utc>,
    ) -> Result<Soql> {
        let lower = match after {
            After::Start => Filter::ge("SystemModstamp", at),
            After::Updated(id) => {
                Filter::gt("SystemModstamp", at)
                    .or(Filter::eq("SystemModstamp", at).and(Filter::gt("Id", id.as_str())))
            }
            After::Deleted(_) => Filter::gt("SystemModstamp", at),
        };
        Query::select(&self.select)
            .from(&self.object)
            .filter(lower)
            .filter(Filter::lt("SystemModstamp", end))
            .order_by("SystemModstamp", Order::Asc)
            .order_by("Id", Order::Asc)
            .build()
    }

    /// Starts a round after the position, or `None` when there is nothing to cover yet.
    async fn open_round(&self, at: DateTime<Utc>, after: &After) -> Result<Option<Round>> {
        let now = Utc::now();
        if !self.deletions {
            let end = whole_second(before(now, self.settle));
            return Ok((end > at).then(|| Round {
                end,
                more: false,
                deleted: VecDeque::new(),
                query: QueryState::First,
            }));
        }
        if at < horizon(now) {
            return Err(self.gap(at, horizon(now)));
        }
        let bound = whole_minute(before(now, self.settle));
        let from = whole_minute(at);
        let window_end = from
            .checked_add_signed(chrono_duration(MAX_WINDOW))
            .unwrap_or(bound)
            .min(bound);
        if window_end <= at {
            return Ok(None);
        }
        // One minute back, whether Salesforce counts a deletion at the start's exact minute
        // in or not, and two before the end, since getDeleted wants the start more than a
        // minute before it. Reaching back is harmless: what is at or before the position is
        // dropped below.
        let start =
            (from - chrono::Duration::minutes(1)).min(window_end - chrono::Duration::minutes(2));
        let answer = self
            .client
            .sobject(&self.object)
            .deleted(start, window_end)
            .await?;
        if let Some(earliest) = answer.earliest_date_available
            && earliest > at
        {
            return Err(self.gap(at, earliest));
        }
        let mut end = window_end;
        let mut more = window_end < bound;
        if let Some(covered) = answer.latest_date_covered
            && covered < end
        {
            end = whole_second(covered);
            more = false;
        }
        let position = (at, after.clone());
        let mut deleted = Vec::with_capacity(answer.deleted_records.len().min(4096));
        for record in answer.deleted_records {
            let id = record_id(&record.id)
                .map_err(|_| {
                    Error::decode(SERVICE, "getDeleted named a record id that is not one")
                })?
                .to_owned();
            let time = record.deleted_date.map(whole_second).ok_or_else(|| {
                Error::decode(SERVICE, "getDeleted named a record without deletedDate")
            })?;
            if (time, After::Deleted(id.clone())) > position && time < end {
                deleted.push((time, id));
            }
        }
        deleted.sort();
        deleted.dedup();
        if let (Some((first, _)), Some((cut, _))) =
            (deleted.first(), deleted.get(MAX_ROUND_DELETIONS))
        {
            // Too many to carry between pages: end this round before the second of the
            // first one left out, or, when they all fall in one second, after that second.
            let (first, cut) = (*first, *cut);
            if first < cut {
                deleted.retain(|(t, _)| *t < cut);
                end = cut;
            } else {
                deleted.retain(|(t, _)| *t <= cut);
                end = cut + chrono::Duration::seconds(1);
            }
            more = true;
        }
        if end <= at {
            return Ok(None);
        }
        Ok(Some(Round {
            end,
            more,
            deleted: deleted.into_iter().collect(),
            query: QueryState::First,
        }))
    }

    fn deletion<T: SObject>(&self, time: DateTime<Utc>, id: String) -> Result<Change<T>> {
        let stub = serde_json::json!({
            "attributes": { "type": self.object },
            "Id": id,
            "IsDeleted": true,
        });
        let object: T = serde_json::from_value(stub).map_err(|e| {
            Error::decode(
                SERVICE,
                format!(
                    "a deleted {} does not read as {}: {e}",
                    self.object,
                    std::any::type_name::<T>()
                ),
            )
        })?;
        let checkpoint = self.checkpoint(time, format!("{DELETED}{id}"));
        Ok(
            Change::new(ChangeKind::Deleted, self.object.clone(), id, time, object)
                .with_checkpoint(checkpoint),
        )
    }

    /// The round's next query page. A `nextRecordsUrl` Salesforce no longer keeps (query
    /// locators expire after about 15 minutes unused: `INVALID_QUERY_LOCATOR`) is replaced
    /// by the query again from the position, which the keyset makes exact.
    async fn query_page(&self, position: &Position, round: &Round) -> Result<QueryResult<Value>> {
        let first = || -> Result<atom_core::Request> {
            let soql = self.soql(position.at, &position.after, round.end)?;
            Ok(first_request(&self.client, soql.as_str(), Scope::Live))
        };
        let response = match &round.query {
            QueryState::Next(url) => match self.client.send(next_request(url, Scope::Live)).await {
                Err(e) if e.provider_code() == Some("INVALID_QUERY_LOCATOR") => {
                    self.client.send(first()?).await?
                }
                other => other?,
            },
            _ => self.client.send(first()?).await?,
        };
        response.json()
    }

    /// One step: opens a round if none is running, reads one query page, merges.
    pub(super) async fn fetch<T: SObject>(
        &self,
        cursor: Option<String>,
    ) -> Result<Page<Change<T>>> {
        let mut position: Position = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .ok_or_else(|| Error::decode(SERVICE, "the records feed lost its position"))?;
        let mut round = match position.round.take() {
            Some(round) => round,
            None => match self.open_round(position.at, &position.after).await? {
                Some(round) => round,
                None => return Ok(Page::new(Vec::new(), None)),
            },
        };
        let mut records = Vec::new();
        if round.query != QueryState::Done {
            let page = self.query_page(&position, &round).await?;
            round.query = match next_cursor(&page)? {
                Some(url) => QueryState::Next(url),
                None => QueryState::Done,
            };
            records = page.records;
        }
        let mut changes = Vec::with_capacity(records.len());
        let mut updates = Vec::with_capacity(records.len());
        for record in records {
            // Checked as an id: it becomes the checkpoint's cursor and the next query's key.
            let id = record
                .get("Id")
                .and_then(Value::as_str)
                .and_then(|id| record_id(id).ok())
                .ok_or_else(|| Error::decode(SERVICE, "a feed record has no valid Id"))?
                .to_owned();
            let modstamp = time_field(&record, "SystemModstamp")
                .ok_or_else(|| Error::decode(SERVICE, "a feed record has no SystemModstamp"))?;
            updates.push((modstamp, id, record));
        }
        // Salesforce sorts by the query; a stable sort by time keeps its Id order within a
        // second and protects the merge from a page out of order.
        updates.sort_by_key(|(t, _, _)| *t);
        for (modstamp, id, record) in updates {
            let done_at_instant = match &position.after {
                After::Deleted(_) => true,
                After::Updated(last) => *last == id,
                After::Start => false,
            };
            if modstamp < position.at
                || (modstamp == position.at && done_at_instant)
                || modstamp >= round.end
            {
                continue;
            }
            while let Some((time, _)) = round.deleted.front()
                && *time < modstamp
            {
                if let Some((time, id)) = round.deleted.pop_front() {
                    position.at = time;
                    position.after = After::Deleted(id.clone());
                    changes.push(self.deletion(time, id)?);
                }
            }
            let kind = kind_of(time_field(&record, "CreatedDate"), modstamp);
            let object: T = serde_json::from_value(record).map_err(|e| {
                Error::decode(
                    SERVICE,
                    format!("a {} record does not read: {e}", self.object),
                )
            })?;
            let checkpoint = self.checkpoint(modstamp, format!("{UPDATED}{id}"));
            position.at = modstamp;
            position.after = After::Updated(id.clone());
            changes.push(
                Change::new(kind, self.object.clone(), id, modstamp, object)
                    .with_checkpoint(checkpoint),
            );
        }
        let next = if round.query == QueryState::Done {
            while let Some((time, id)) = round.deleted.pop_front() {
                changes.push(self.deletion(time, id)?);
            }
            if !round.more {
                // Every change before the round's end was handed out: resuming from the end
                // itself is exact.
                self.position
                    .advance(FeedCheckpoint::new(self.feed.clone()).with_at(round.end));
            }
            round.more.then_some(Position {
                at: round.end,
                after: After::Start,
                round: None,
            })
        } else {
            Some(Position {
                round: Some(round),
                ..position
            })
        };
        let next = next
            .map(|p| serde_json::to_string(&p))
            .transpose()
            .map_err(|e| Error::decode(SERVICE, e.to_string()))?;
        Ok(Page::new(changes, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyset_order_within_an_instant() {
        let a = After::Start;
        let u = After::Updated("001".into());
        let d = After::Deleted("000".into());
        assert!(a < u && u < d);
    }

    #[test]
    fn cursors_round_trip_and_refuse_damage() {
        let id = "001D000000JliSTIAZ";
        assert_eq!(
            After::from_cursor(Some(&format!("updated:{id}"))).ok(),
            Some(After::Updated(id.into()))
        );
        assert_eq!(After::from_cursor(None).ok(), Some(After::Start));
        for bad in [
            "",
            "updated:",
            "deleted:x' OR Id != '",
            "evt_1",
            "updated:001D000000JlisTIAZ",
        ] {
            assert!(After::from_cursor(Some(bad)).is_err(), "{bad}");
        }
    }
}
