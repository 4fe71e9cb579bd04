//! CSV for Bulk API 2.0 in every dialect a job accepts ([`CsvFormat`]): tables written for
//! upload, and rows read one at a time ([`CsvDecoder`]) so that quotes, delimiters and line
//! breaks inside values round-trip unchanged and a result of any size is read in bounded
//! memory.

mod decode;
mod format;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use atom_core::{Error, Result};
use serde::Serialize;
use serde::ser::SerializeMap as _;
use serde_json::Value;

use crate::SERVICE;
use crate::models::SObject;
use crate::sobjects::write_body;
use crate::validate::field_path;

pub use decode::{CsvDecoder, DEFAULT_MAX_ROW_BYTES};
pub use format::{ColumnDelimiter, CsvFormat, LineEnding};

/// Bulk API 2.0's marker for "set this field to null".
pub const NULL_MARKER: &str = "#N/A";

/// A CSV table: a header of field names and rows of text.
///
/// ```
/// use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvFormat, CsvTable, LineEnding};
/// let mut t = CsvTable::new(["Name", "Description"])?;
/// t.push_row(["Acme \"East\"", "line one\nline two, with comma"])?;
/// let bytes = t.to_csv()?;
/// assert_eq!(CsvTable::parse(&bytes)?, t);
/// let pipes = CsvFormat::new(ColumnDelimiter::Pipe, LineEnding::Crlf);
/// assert_eq!(CsvTable::parse_with(&t.to_csv_with(pipes)?, pipes)?, t);
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvTable {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// One row of a result, by column name (`sf__Id`, `sf__Created`, `sf__Error`, and the
/// uploaded or queried columns).
///
/// Cheap to hold by the million: the column names are shared by every row of a result and
/// the values sit in one buffer.
///
/// ```
/// use atom_salesforce::bulk_csv::CsvTable;
/// let table = CsvTable::parse(b"sf__Id,sf__Created,Name\n001D000000JliSTIAZ,true,Acme\n")?;
/// let row = &table.records()[0];
/// assert_eq!((row.id(), row.created(), row.get("Name")), (Some("001D000000JliSTIAZ"), Some(true), Some("Acme")));
/// assert_eq!(row.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["sf__Id", "sf__Created", "Name"]);
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CsvRecord {
    headers: Arc<[String]>,
    text: Box<str>,
    /// Where each value ends in `text`; as many as `headers`.
    ends: Box<[u32]>,
}

impl CsvRecord {
    /// A record from a header and its values' text; `ends` hold char boundaries of `text`.
    pub(crate) fn from_parts(headers: Arc<[String]>, text: Box<str>, ends: Box<[u32]>) -> Self {
        Self {
            headers,
            text,
            ends,
        }
    }

    /// A record from names and values (as many of each).
    fn from_row(headers: Arc<[String]>, row: &[String]) -> Self {
        let mut text = String::with_capacity(row.iter().map(String::len).sum());
        let mut ends = Vec::with_capacity(row.len());
        for value in row {
            text.push_str(value);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Self::from_parts(headers, text.into(), ends.into())
    }

    /// The column names, shared with every other record of the same result.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Value number `index`.
    pub fn value(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index.checked_sub(1) {
            Some(before) => *self.ends.get(before)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// A column (the first of that name).
    pub fn get(&self, column: &str) -> Option<&str> {
        let index = self.headers.iter().position(|h| h == column)?;
        self.value(index)
    }

    /// The values in column order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.value(i).unwrap_or_default())
    }

    /// `(column, value)` pairs in column order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(String::as_str).zip(self.values())
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// No columns.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The record as a map by column (what `CsvRecord.0` was before rows shared their
    /// header); a repeated column keeps its last value.
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
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

impl fmt::Debug for CsvRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A JSON object by column, in column order.
impl Serialize for CsvRecord {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Appends `value` as one CSV field: quoted when it holds the delimiter, a quote or a line
/// break (or when it is the only, empty, field of a row, which would read as a blank line).
pub(crate) fn write_field(out: &mut Vec<u8>, value: &str, delimiter: u8, alone: bool) {
    let bytes = value.as_bytes();
    let quote = (alone && bytes.is_empty())
        || bytes
            .iter()
            .any(|&b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if !quote {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(b'"');
    for part in bytes.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Appends one row in `format`.
pub(crate) fn write_row<S: AsRef<str>>(out: &mut Vec<u8>, row: &[S], format: CsvFormat) {
    let delimiter = format.delimiter.byte();
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        write_field(out, value.as_ref(), delimiter, row.len() == 1);
    }
    out.extend_from_slice(format.line_ending.bytes());
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
        self.to_csv_with(CsvFormat::default())
    }

    /// The CSV bytes in a job's dialect.
    pub fn to_csv_with(&self, format: CsvFormat) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        write_row(&mut out, &self.headers, format);
        for row in &self.rows {
            write_row(&mut out, row, format);
        }
        Ok(out)
    }

    /// Parses comma-separated CSV with a header row.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        Self::parse_with(bytes, CsvFormat::default())
    }

    /// Parses CSV with a header row in a job's dialect (rows may end in `\n` or `\r\n`
    /// either way).
    pub fn parse_with(bytes: &[u8], format: CsvFormat) -> Result<Self> {
        let mut decoder = CsvDecoder::new(format.delimiter).max_row_bytes(usize::MAX);
        let mut rows = Vec::new();
        let mut pos = 0;
        while let Some(record) = decoder.decode(bytes, &mut pos)? {
            rows.push(record.values().map(str::to_owned).collect());
        }
        if let Some(record) = decoder.finish()? {
            rows.push(record.values().map(str::to_owned).collect());
        }
        // An empty body is an empty table (a result file with nothing in it).
        let headers = decoder.headers().map(|h| h.to_vec()).unwrap_or_default();
        Ok(Self { headers, rows })
    }

    /// The rows as records keyed by column (sharing one header).
    pub fn records(&self) -> Vec<CsvRecord> {
        let headers: Arc<[String]> = self.headers.clone().into();
        self.rows
            .iter()
            .map(|row| CsvRecord::from_row(headers.clone(), row))
            .collect()
    }
}
