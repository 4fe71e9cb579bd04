//! Results of calls: saves, queries, time windows, limits, versions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Decimal;

/// One error of a save (create, update, delete, collections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SaveError {
    /// The code (`DUPLICATE_VALUE`, `REQUIRED_FIELD_MISSING`).
    #[serde(alias = "errorCode")]
    pub status_code: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: String,
    /// The fields concerned.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// The result of a create, update or delete of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SaveResult {
    /// The record id (absent when a create failed).
    #[serde(default)]
    pub id: Option<String>,
    /// Whether it worked.
    pub success: bool,
    /// What went wrong.
    #[serde(default)]
    pub errors: Vec<SaveError>,
    /// For upserts: whether a record was created (not updated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The result of an upsert by external id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UpsertResult {
    /// The record id (absent when Salesforce answered `204` without a body).
    pub id: Option<String>,
    /// `true` when a new record was created, `false` when one was updated.
    pub created: bool,
}

/// One page of a SOQL query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QueryResult<T> {
    /// Records matching, over all pages.
    pub total_size: u64,
    /// Whether this is the last page.
    pub done: bool,
    /// The next page's path.
    #[serde(default)]
    pub next_records_url: Option<String>,
    /// This page's records.
    pub records: Vec<T>,
}

impl<T> QueryResult<T> {
    /// Whether these are all the records (`done`). A child-relationship list read with
    /// the default [`ChildPages::Follow`](crate::ChildPages::Follow) always is; with
    /// `Leave`, a `false` here means [`Client::children`](crate::Client::children) has more.
    pub fn is_complete(&self) -> bool {
        self.done
    }
}

/// One row of an aggregate query (`GROUP BY`): the grouped fields and the aggregates,
/// named by alias or `expr0`, `expr1`, ….
///
/// ```
/// use atom_salesforce::models::AggregateRow;
/// let row: AggregateRow = serde_json::from_str(
///     r#"{"attributes":{"type":"AggregateResult"},"StageName":"Prospecting","n":3,"total":1500.5}"#,
/// ).unwrap();
/// assert_eq!(row.count("n"), Some(3));
/// assert_eq!(row.decimal("total").map(|d| d.to_string()).as_deref(), Some("1500.5"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AggregateRow {
    /// The values, by field name or alias (`attributes` removed).
    #[serde(flatten)]
    pub values: Map<String, Value>,
}

impl AggregateRow {
    /// A value as text.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(Value::as_str)
    }

    /// A count or other integer.
    pub fn count(&self, name: &str) -> Option<u64> {
        let v = self.values.get(name)?;
        v.as_u64().or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        })
    }

    /// A sum or average, exactly as sent.
    pub fn decimal(&self, name: &str) -> Option<Decimal> {
        let v = self.values.get(name)?;
        if v.is_null() {
            return None;
        }
        serde_json::from_value(v.clone()).ok()
    }

    /// A boolean group value.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.values.get(name).and_then(Value::as_bool)
    }
}

/// `GET /sobjects/{name}/updated`: ids changed in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UpdatedRecords {
    /// The ids.
    pub ids: Vec<String>,
    /// The end of the window Salesforce covered.
    #[serde(with = "super::datetime::option", default)]
    pub latest_date_covered: Option<DateTime<Utc>>,
}

/// One deleted record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeletedRecord {
    /// The id.
    pub id: String,
    /// When it was deleted.
    #[serde(with = "super::datetime::option", default)]
    pub deleted_date: Option<DateTime<Utc>>,
}

/// `GET /sobjects/{name}/deleted`: records deleted in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeletedRecords {
    /// The records.
    pub deleted_records: Vec<DeletedRecord>,
    /// The earliest time deletions are still known for.
    #[serde(with = "super::datetime::option", default)]
    pub earliest_date_available: Option<DateTime<Utc>>,
    /// The end of the window Salesforce covered.
    #[serde(with = "super::datetime::option", default)]
    pub latest_date_covered: Option<DateTime<Utc>>,
}

/// One limit of the `limits` resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Limit {
    /// The maximum.
    pub max: i64,
    /// What is left.
    pub remaining: i64,
    /// Per-app breakdowns and anything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /limits`: every limit by name (`DailyApiRequests`, `DailyBulkV2QueryJobs`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
#[non_exhaustive]
pub struct Limits(pub BTreeMap<String, Limit>);

impl Limits {
    /// One limit.
    pub fn get(&self, name: &str) -> Option<&Limit> {
        self.0.get(name)
    }

    /// The daily API request allocation.
    pub fn daily_api_requests(&self) -> Option<&Limit> {
        self.get("DailyApiRequests")
    }
}

/// An API version the org offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiVersion {
    /// `62.0`.
    pub version: String,
    /// `Winter '25`.
    #[serde(default)]
    pub label: Option<String>,
    /// `/services/data/v62.0`.
    pub url: String,
}
