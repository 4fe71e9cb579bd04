//! The CSV dialects a Bulk API 2.0 job accepts: its `columnDelimiter` and `lineEnding`.

use atom_core::{Error, Result};
use serde_json::{Map, Value};

use crate::SERVICE;

/// A job's `columnDelimiter`: every value Salesforce documents for ingest and query jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ColumnDelimiter {
    /// `` ` `` (`BACKQUOTE`).
    Backquote,
    /// `^` (`CARET`).
    Caret,
    /// `,` (`COMMA`, Salesforce's default).
    #[default]
    Comma,
    /// `|` (`PIPE`).
    Pipe,
    /// `;` (`SEMICOLON`).
    Semicolon,
    /// A tab (`TAB`).
    Tab,
}

impl ColumnDelimiter {
    /// Every documented delimiter.
    pub const ALL: [ColumnDelimiter; 6] = [
        Self::Backquote,
        Self::Caret,
        Self::Comma,
        Self::Pipe,
        Self::Semicolon,
        Self::Tab,
    ];

    /// The name in a job's JSON (`COMMA`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Backquote => "BACKQUOTE",
            Self::Caret => "CARET",
            Self::Comma => "COMMA",
            Self::Pipe => "PIPE",
            Self::Semicolon => "SEMICOLON",
            Self::Tab => "TAB",
        }
    }

    /// The byte that separates columns.
    pub fn byte(self) -> u8 {
        match self {
            Self::Backquote => b'`',
            Self::Caret => b'^',
            Self::Comma => b',',
            Self::Pipe => b'|',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
        }
    }

    /// The delimiter a job names (`"PIPE"`); an unknown name is a `Decode` error, since rows
    /// split on a guessed delimiter would be wrong without any sign of it.
    ///
    /// ```
    /// use atom_salesforce::bulk_csv::ColumnDelimiter;
    /// assert_eq!(ColumnDelimiter::from_name("TAB")?, ColumnDelimiter::Tab);
    /// assert!(ColumnDelimiter::from_name("SPACE").is_err());
    /// # Ok::<(), atom_core::Error>(())
    /// ```
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == name)
            .ok_or_else(|| Error::decode(SERVICE, format!("unknown columnDelimiter {name:?}")))
    }
}

/// A job's `lineEnding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum LineEnding {
    /// `\n` (`LF`, Salesforce's default).
    #[default]
    Lf,
    /// `\r\n` (`CRLF`).
    Crlf,
}

impl LineEnding {
    /// Both documented line endings.
    pub const ALL: [LineEnding; 2] = [Self::Lf, Self::Crlf];

    /// The name in a job's JSON (`LF`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lf => "LF",
            Self::Crlf => "CRLF",
        }
    }

    /// The bytes that end a row.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Self::Lf => b"\n",
            Self::Crlf => b"\r\n",
        }
    }

    /// The line ending a job names (`"CRLF"`); an unknown name is a `Decode` error.
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == name)
            .ok_or_else(|| Error::decode(SERVICE, format!("unknown lineEnding {name:?}")))
    }
}

/// The CSV dialect of a job: sent as `columnDelimiter` and `lineEnding` when the job is
/// created, used to write uploads and to read results.
///
/// ```
/// use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvFormat, LineEnding};
/// let format = CsvFormat::new(ColumnDelimiter::Pipe, LineEnding::Crlf);
/// assert_eq!((format.delimiter.as_str(), format.line_ending.as_str()), ("PIPE", "CRLF"));
/// assert_eq!(CsvFormat::default(), CsvFormat::new(ColumnDelimiter::Comma, LineEnding::Lf));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct CsvFormat {
    /// Between columns.
    pub delimiter: ColumnDelimiter,
    /// After each row.
    pub line_ending: LineEnding,
}

impl CsvFormat {
    /// A dialect.
    pub fn new(delimiter: ColumnDelimiter, line_ending: LineEnding) -> Self {
        Self {
            delimiter,
            line_ending,
        }
    }

    /// The dialect a job reports (`columnDelimiter`, `lineEnding` in its JSON); a missing
    /// field is Salesforce's default (`COMMA`, `LF`), an unknown one a `Decode` error.
    pub fn from_job_fields(fields: &Map<String, Value>) -> Result<Self> {
        let delimiter = match fields.get("columnDelimiter") {
            Some(Value::String(name)) => ColumnDelimiter::from_name(name)?,
            Some(Value::Null) | None => ColumnDelimiter::default(),
            Some(other) => {
                return Err(Error::decode(
                    SERVICE,
                    format!("columnDelimiter is not text: {other}"),
                ));
            }
        };
        let line_ending = match fields.get("lineEnding") {
            Some(Value::String(name)) => LineEnding::from_name(name)?,
            Some(Value::Null) | None => LineEnding::default(),
            Some(other) => {
                return Err(Error::decode(
                    SERVICE,
                    format!("lineEnding is not text: {other}"),
                ));
            }
        };
        Ok(Self::new(delimiter, line_ending))
    }
}
