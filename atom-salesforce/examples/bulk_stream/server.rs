//! A local stand-in for Salesforce's query results endpoint that makes its CSV on the fly
//! (nothing written to disk, nothing held in memory): `pages` pages of about `page_bytes`
//! each, linked by `Sforce-Locator`, each with `Sforce-NumberOfRecords`. Every row has the
//! same length, with a quoted field holding a comma and an escaped quote, so the counts are
//! known before a byte is sent. Shared by the `bulk_stream` example and a test.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};

/// The header row.
pub const HEADER: &str = "Id,Name,Description\n";

/// Row `n` (always [`row_len`] bytes).
pub fn row(n: u64) -> String {
    format!("001{n:015},\"Account {n:010}\",\"a \"\"quoted\"\", comma-holding description\"\n")
}

/// The length of every row.
pub fn row_len() -> u64 {
    row(0).len() as u64
}

/// What the server sends in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Pages.
    pub pages: u64,
    /// Rows on each page.
    pub rows_per_page: u64,
}

impl Plan {
    /// Pages of at most `page_bytes` each.
    pub fn new(page_bytes: u64, pages: u64) -> Self {
        let rows_per_page = page_bytes.saturating_sub(HEADER.len() as u64) / row_len();
        Self {
            pages: pages.max(1),
            rows_per_page: rows_per_page.max(1),
        }
    }

    /// Rows over every page.
    pub fn rows(&self) -> u64 {
        self.pages * self.rows_per_page
    }

    /// Body bytes of one page.
    pub fn page_bytes(&self) -> u64 {
        HEADER.len() as u64 + self.rows_per_page * row_len()
    }

    /// Body bytes over every page.
    pub fn bytes(&self) -> u64 {
        self.pages * self.page_bytes()
    }
}

/// Starts the server on a free local port, one thread per connection; returns its base URL.
pub fn spawn(plan: Plan) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = serve(stream, plan);
            });
        }
    });
    Ok(base)
}

fn serve(stream: TcpStream, plan: Plan) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    // `…/results?locator=page3&maxRecords=…`: the page number is in the locator.
    let page: u64 = request_line
        .split(['?', '&', ' '])
        .find_map(|part| part.strip_prefix("locator=page"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let next = if page + 1 < plan.pages {
        format!("page{}", page + 1)
    } else {
        "null".to_owned()
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stream);
    write!(
        out,
        "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {}\r\nsforce-locator: {next}\r\nsforce-numberofrecords: {}\r\nconnection: close\r\n\r\n",
        plan.page_bytes(),
        plan.rows_per_page
    )?;
    out.write_all(HEADER.as_bytes())?;
    let first = page * plan.rows_per_page;
    for n in first..first + plan.rows_per_page {
        out.write_all(row(n).as_bytes())?;
    }
    out.flush()
}
