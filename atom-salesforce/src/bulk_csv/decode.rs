//! A CSV reader fed with chunks as they arrive: rows come out one at a time, so memory is
//! bounded by the longest row, not by the page or file.

use std::sync::Arc;

use atom_core::{Error, Result};

use super::CsvRecord;
use crate::SERVICE;

/// The largest row (header included) [`CsvDecoder`] accepts unless told otherwise: 32 MiB.
/// Salesforce caps a record at 400 000 characters (up to 1.6 MB of UTF-8), so a longer
/// row means a broken or hostile body, not data.
pub const DEFAULT_MAX_ROW_BYTES: usize = 32 * 1024 * 1024;

/// What each field costs besides its bytes (its end offset), counted against the cap so
/// that a row of a million empty fields is bounded too.
const FIELD_COST: usize = std::mem::size_of::<u32>();

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing of the current row read yet.
    RowStart,
    /// At the start of a field after a delimiter.
    FieldStart,
    /// Inside a field without quotes.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: an escaped quote or the field's end.
    QuoteInQuoted,
}

/// A push parser for one CSV body with a header row (RFC 4180 quoting: fields in `"…"` may
/// hold delimiters, line breaks and `""` for a quote). Feed it chunks with
/// [`decode`](Self::decode) and end the body with [`finish`](Self::finish).
///
/// Rows end at `\n`, `\r\n` or a lone `\r` outside quotes, whichever line ending the job
/// chose; blank lines are skipped; a UTF-8 byte-order mark at the start is dropped. A row
/// longer than the cap, a row with another number of fields than the header, text after a
/// closing quote, invalid UTF-8, or a body that ends inside quotes is a `Decode` error.
///
/// ```
/// use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvDecoder};
/// let mut decoder = CsvDecoder::new(ColumnDelimiter::Comma);
/// let mut rows = Vec::new();
/// for chunk in [&b"Id,Na"[..], b"me\n1,\"a, \"\"b", b"\"\"\"\n2,c"] {
///     let mut pos = 0;
///     while let Some(row) = decoder.decode(chunk, &mut pos)? {
///         rows.push(row);
///     }
/// }
/// rows.extend(decoder.finish()?);
/// let names: Vec<_> = rows.iter().filter_map(|r| r.get("Name")).collect();
/// assert_eq!(names, ["a, \"b\"", "c"]);
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CsvDecoder {
    delimiter: u8,
    max_row_bytes: usize,
    state: State,
    /// A row just ended on `\r`: a `\n` right after it belongs to the same line ending.
    skip_lf: bool,
    /// How many bytes of a leading byte-order mark have been matched (`None`: past it).
    bom: Option<usize>,
    row: Vec<u8>,
    ends: Vec<u32>,
    headers: Option<Arc<[String]>>,
    /// A header from an earlier body, reused when this body's header is the same.
    shared: Option<Arc<[String]>>,
    rows: u64,
}

impl CsvDecoder {
    /// A decoder for one body with this delimiter.
    pub fn new(delimiter: super::ColumnDelimiter) -> Self {
        Self {
            delimiter: delimiter.byte(),
            max_row_bytes: DEFAULT_MAX_ROW_BYTES,
            state: State::RowStart,
            skip_lf: false,
            bom: Some(0),
            row: Vec::new(),
            ends: Vec::new(),
            headers: None,
            shared: None,
            rows: 0,
        }
    }

    /// Sets the longest row accepted, in bytes (default [`DEFAULT_MAX_ROW_BYTES`]; at most
    /// 4 GiB).
    pub fn max_row_bytes(mut self, bytes: usize) -> Self {
        self.max_row_bytes = bytes.min(u32::MAX as usize);
        self
    }

    /// Reuses a header already read (the same columns on every page), so that records of
    /// several bodies share one allocation; the body's own header row is still read and
    /// replaces it when it differs.
    pub(crate) fn share_headers(&mut self, headers: Option<Arc<[String]>>) {
        self.shared = headers;
    }

    /// The header row, once read.
    pub fn headers(&self) -> Option<&Arc<[String]>> {
        self.headers.as_ref()
    }

    /// Data rows handed out so far (the header not counted).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Reads `input` from `*pos` on, up to the end of the next complete data row, which it
    /// returns; `None` when the input is used up (feed the next chunk).
    pub fn decode(&mut self, input: &[u8], pos: &mut usize) -> Result<Option<CsvRecord>> {
        while let Some(rest) = input.get(*pos..).filter(|r| !r.is_empty()) {
            if let Some(matched) = self.bom {
                let byte = rest.first().copied().unwrap_or_default();
                if BOM.get(matched) == Some(&byte) {
                    *pos += 1;
                    self.bom = (matched + 1 < BOM.len()).then_some(matched + 1);
                    continue;
                }
                // Not a byte-order mark after all: what was taken for one is data.
                self.bom = None;
                for b in BOM.iter().take(matched) {
                    if let Some(record) = self.byte(*b)? {
                        return Ok(Some(record));
                    }
                }
                continue;
            }
            match self.state {
                State::Quoted => match rest.iter().position(|&b| b == b'"') {
                    Some(i) => {
                        self.push(rest.get(..i).unwrap_or_default())?;
                        *pos += i + 1;
                        self.state = State::QuoteInQuoted;
                    }
                    None => {
                        self.push(rest)?;
                        *pos = input.len();
                    }
                },
                State::Unquoted => {
                    let d = self.delimiter;
                    match rest
                        .iter()
                        .position(|&b| b == d || b == b'\r' || b == b'\n')
                    {
                        Some(i) => {
                            self.push(rest.get(..i).unwrap_or_default())?;
                            *pos += i;
                            let b = rest.get(i).copied().unwrap_or_default();
                            *pos += 1;
                            if let Some(record) = self.byte(b)? {
                                return Ok(Some(record));
                            }
                        }
                        None => {
                            self.push(rest)?;
                            *pos = input.len();
                        }
                    }
                }
                _ => {
                    let b = rest.first().copied().unwrap_or_default();
                    *pos += 1;
                    if let Some(record) = self.byte(b)? {
                        return Ok(Some(record));
                    }
                }
            }
        }
        Ok(None)
    }

    /// Ends the body: the last row if it had no line ending; a `Decode` error when the body
    /// stops inside a quoted field.
    pub fn finish(&mut self) -> Result<Option<CsvRecord>> {
        if let Some(matched) = self.bom.take() {
            for b in BOM.iter().take(matched) {
                if let Some(record) = self.byte(*b)? {
                    return Ok(Some(record));
                }
            }
        }
        match self.state {
            State::RowStart => Ok(None),
            State::Quoted => Err(Error::decode(
                SERVICE,
                format!(
                    "CSV: the body ends inside a quoted field (row {})",
                    self.line()
                ),
            )),
            State::FieldStart | State::Unquoted | State::QuoteInQuoted => self.end_row(),
        }
    }

    /// One byte outside the fast paths.
    fn byte(&mut self, b: u8) -> Result<Option<CsvRecord>> {
        let skip_lf = std::mem::take(&mut self.skip_lf);
        let d = self.delimiter;
        match self.state {
            State::RowStart => match b {
                b'\n' if skip_lf => Ok(None),
                // A blank line.
                b'\n' => Ok(None),
                b'\r' => {
                    self.skip_lf = true;
                    Ok(None)
                }
                _ => {
                    self.state = State::FieldStart;
                    self.byte(b)
                }
            },
            State::FieldStart | State::Unquoted => {
                if b == d {
                    self.end_field()?;
                    self.state = State::FieldStart;
                    Ok(None)
                } else if b == b'\n' || b == b'\r' {
                    self.skip_lf = b == b'\r';
                    self.end_row()
                } else if b == b'"' && self.state == State::FieldStart {
                    self.state = State::Quoted;
                    Ok(None)
                } else {
                    // A quote inside an unquoted field is kept as text, as most readers do.
                    self.push(&[b])?;
                    self.state = State::Unquoted;
                    Ok(None)
                }
            }
            State::Quoted => {
                if b == b'"' {
                    self.state = State::QuoteInQuoted;
                } else {
                    self.push(&[b])?;
                }
                Ok(None)
            }
            State::QuoteInQuoted => {
                if b == b'"' {
                    self.push(b"\"")?;
                    self.state = State::Quoted;
                    Ok(None)
                } else if b == d {
                    self.end_field()?;
                    self.state = State::FieldStart;
                    Ok(None)
                } else if b == b'\n' || b == b'\r' {
                    self.skip_lf = b == b'\r';
                    self.end_row()
                } else {
                    Err(Error::decode(
                        SERVICE,
                        format!("CSV: text after a closing quote (row {})", self.line()),
                    ))
                }
            }
        }
    }

    /// The number of the row being read, the header being row 1.
    fn line(&self) -> u64 {
        self.rows + if self.headers.is_some() { 2 } else { 1 }
    }

    fn cost(&self) -> usize {
        self.row
            .len()
            .saturating_add(self.ends.len().saturating_mul(FIELD_COST))
    }

    fn too_long(&self) -> Error {
        Error::decode(
            SERVICE,
            format!(
                "CSV: row {} is longer than the limit of {} bytes",
                self.line(),
                self.max_row_bytes
            ),
        )
    }

    fn push(&mut self, bytes: &[u8]) -> Result<()> {
        if self.cost().saturating_add(bytes.len()) > self.max_row_bytes {
            return Err(self.too_long());
        }
        self.row.extend_from_slice(bytes);
        Ok(())
    }

    fn end_field(&mut self) -> Result<()> {
        if self.cost().saturating_add(FIELD_COST) > self.max_row_bytes {
            return Err(self.too_long());
        }
        let end = u32::try_from(self.row.len()).map_err(|_| self.too_long())?;
        self.ends.push(end);
        Ok(())
    }

    /// Ends the row: the header is kept, a data row is handed out.
    fn end_row(&mut self) -> Result<Option<CsvRecord>> {
        self.end_field()?;
        self.state = State::RowStart;
        // The buffers are kept for the next row; the record gets exact-size copies.
        let result = self.take_row();
        self.row.clear();
        self.ends.clear();
        result
    }

    fn take_row(&mut self) -> Result<Option<CsvRecord>> {
        let ends = &self.ends;
        let line = self.line();
        let text = std::str::from_utf8(&self.row)
            .map_err(|_| Error::decode(SERVICE, format!("CSV: row {line} is not UTF-8")))?;
        if ends.iter().any(|&e| !text.is_char_boundary(e as usize)) {
            return Err(Error::decode(
                SERVICE,
                format!("CSV: a field of row {line} splits a UTF-8 character"),
            ));
        }
        let Some(headers) = &self.headers else {
            let mut names = Vec::with_capacity(ends.len());
            let mut start = 0;
            for &end in ends {
                names.push(text.get(start..end as usize).unwrap_or_default().to_owned());
                start = end as usize;
            }
            let names: Arc<[String]> = match self.shared.take() {
                Some(shared) if *shared == *names => shared,
                _ => names.into(),
            };
            self.headers = Some(names);
            return Ok(None);
        };
        if ends.len() != headers.len() {
            return Err(Error::decode(
                SERVICE,
                format!(
                    "CSV: row {line} has {} fields for {} columns",
                    ends.len(),
                    headers.len()
                ),
            ));
        }
        self.rows += 1;
        Ok(Some(CsvRecord::from_parts(
            headers.clone(),
            text.into(),
            ends.as_slice().into(),
        )))
    }
}
