//! CSV for Bulk API 2.0, written and read with the `csv` crate so that quotes, commas and
//! newlines inside values round-trip unchanged.

use std::collections::BTreeMap;

use atom_core::{Error, Result};
use serde::Serialize;
use serde_json::Value;

use crate::SERVICE;
use crate::models::SObject;
use crate::sobjects::write_body;
use crate::validate::field_path;

/// Bulk API 2.0's marker for "set this field to null".
pub const NULL_MARKER: &str = "#N/A";

/// A CSV table: a header of field names and rows of text.
///
/// ```
/// use atom_salesforce::bulk_csv::CsvTable;
/// let mut t = CsvTable::new(["Name", "Description"])?;
/// t.push_row(["Acme \"East\"", "line one\nline two, with comma"])?;
/// let bytes = t.to_csv()?;
/// assert_eq!(CsvTable::parse(&bytes)?, t);
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvTable {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// One row of a result file, by column name (`sf__Id`, `sf__Created`, `sf__Error`, and the
/// uploaded columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvRecord(pub BTreeMap<String, String>);

impl CsvRecord {
    /// A column.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.0.get(column).map(String::as_str)
    }
    /// `sf__Id`.
    pub fn id(&self) -> Option<&str> {
        self.get("sf__Id").filter(|s| !s.is_empty())
    }
    /// `sf__Created`.
    pub fn created(&self) -> Option<bool> {
        self.get("sf__Created").map(|s| s == "true")
    }
    /// `sf__Error`.
    pub fn error(&self) -> Option<&str> {
        self.get("sf__Error").filter(|s| !s.is_empty())
    }
}

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::decode(SERVICE, format!("CSV: {e}"))
}

impl CsvTable {
    /// A table with these columns (field names or `Relationship.ExternalId__c` paths).
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Result<Self> {
        let headers: Vec<String> = headers.into_iter().map(Into::into).collect();
        if headers.is_empty() {
            return Err(Error::config(
                SERVICE,
                "a CSV table needs at least one column",
            ));
        }
        for h in &headers {
            field_path(h)?;
        }
        Ok(Self {
            headers,
            rows: Vec::new(),
        })
    }

    /// Adds a row (as many values as columns).
    pub fn push_row<S: Into<String>>(&mut self, row: impl IntoIterator<Item = S>) -> Result<()> {
        let row: Vec<String> = row.into_iter().map(Into::into).collect();
        if row.len() != self.headers.len() {
            return Err(Error::config(
                SERVICE,
                format!(
                    "row has {} values for {} columns",
                    row.len(),
                    self.headers.len()
                ),
            ));
        }
        self.rows.push(row);
        Ok(())
    }

    /// A table from records: the columns are every field set on any record (in first-seen
    /// order), a field a record leaves out is empty, a JSON `null` is [`NULL_MARKER`].
    pub fn from_records<T: SObject>(records: &[T]) -> Result<Self> {
        let bodies = records.iter().map(write_body).collect::<Result<Vec<_>>>()?;
        let mut headers: Vec<String> = Vec::new();
        for body in &bodies {
            for key in body.keys() {
                if !headers.contains(key) {
                    headers.push(key.clone());
                }
            }
        }
        let mut table = Self::new(headers)?;
        for body in bodies {
            let row = table
                .headers
                .iter()
                .map(|h| match body.get(h) {
                    None => Ok(String::new()),
                    Some(Value::Null) => Ok(NULL_MARKER.to_owned()),
                    Some(Value::String(s)) => Ok(s.clone()),
                    Some(Value::Bool(b)) => Ok(b.to_string()),
                    Some(Value::Number(n)) => Ok(n.to_string()),
                    Some(_) => Err(Error::config(
                        SERVICE,
                        format!("field {h} holds a nested value; CSV takes scalars only"),
                    )),
                })
                .collect::<Result<Vec<_>>>()?;
            table.rows.push(row);
        }
        Ok(table)
    }

    /// The columns.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The rows.
    pub fn rows(&self) -> &[Vec<String>] {
        &self.rows
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The CSV bytes (comma, LF line endings, quotes where needed).
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer.write_record(&self.headers).map_err(csv_error)?;
        for row in &self.rows {
            writer.write_record(row).map_err(csv_error)?;
        }
        writer.into_inner().map_err(csv_error)
    }

    /// Parses CSV with a header row.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let rows = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_owned).collect::<Vec<_>>()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(csv_error)?;
        Ok(Self { headers, rows })
    }

    /// The rows as records keyed by column.
    pub fn records(&self) -> Vec<CsvRecord> {
        self.rows
            .iter()
            .map(|row| {
                CsvRecord(
                    self.headers
                        .iter()
                        .cloned()
                        .zip(row.iter().cloned())
                        .collect(),
                )
            })
            .collect()
    }
}
