//! Streams a large Bulk API 2.0 query result (1 GiB by default, in 4 pages) from a local
//! server that makes the CSV on the fly, and reports rows, bytes, wall time and the
//! process's peak RSS; then reads the same pages whole with plain reqwest `.bytes()` (the
//! least any reader that buffers a page holds) and reports that peak too.
//!
//! ```text
//! cargo run --release -p atom-salesforce --example bulk_stream            # 1024 MiB, 4 pages
//! cargo run --release -p atom-salesforce --example bulk_stream -- 64 2    # 64 MiB, 2 pages
//! ```
//!
//! Peak RSS is `VmHWM` from `/proc/self/status`, reset between the two runs through
//! `/proc/self/clear_refs` (Linux only; elsewhere the figures print as unknown).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod server;

use std::time::{Duration, Instant};

use atom_core::Secret;
use atom_salesforce::Client;
use futures::TryStreamExt as _;

const JOB: &str = "7505f00000EXAMPAA5";

/// A line of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "unknown".to_owned(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

/// Starts a new peak: `VmHWM` becomes the current RSS.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let total_mib: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1024);
    let pages: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(4).max(1);
    let plan = server::Plan::new(total_mib * 1024 * 1024 / pages, pages);
    let base = server::spawn(plan)?;
    let client = Client::builder()
        .base_url(&base)
        .access_token(Secret::new("bench"))
        .timeout(Duration::from_secs(60))
        .build()?;

    reset_peak();
    let rss_before = status_kib("VmRSS:");
    let started = Instant::now();
    let mut rows = client.bulk().query_results(JOB, None);
    let mut count: u64 = 0;
    let mut value_bytes: u64 = 0;
    while let Some(row) = rows.try_next().await? {
        count += 1;
        value_bytes += row.get("Description").map_or(0, str::len) as u64;
    }
    let took = started.elapsed();
    let peak = status_kib("VmHWM:");
    assert_eq!(count, plan.rows(), "rows");
    assert_eq!(rows.bytes_read(), plan.bytes(), "bytes");
    assert_eq!(
        rows.total(),
        Some(plan.rows()),
        "Sforce-NumberOfRecords total"
    );
    println!(
        "streamed: {count} rows, {} bytes in {} pages, {took:.2?} ({:.0} MiB/s); RSS before {}, peak {}",
        rows.bytes_read(),
        rows.pages(),
        rows.bytes_read() as f64 / 1024.0 / 1024.0 / took.as_secs_f64(),
        mib(rss_before),
        mib(peak),
    );
    assert!(value_bytes > 0);

    reset_peak();
    let rss_before = status_kib("VmRSS:");
    let http = atom_core::reqwest::Client::new();
    let started = Instant::now();
    let mut lines: u64 = 0;
    let mut bytes: u64 = 0;
    let path = format!(
        "{base}/services/data/v{}/jobs/query/{JOB}/results",
        atom_salesforce::DEFAULT_API_VERSION
    );
    for page in 0..plan.pages {
        let url = if page == 0 {
            path.clone()
        } else {
            format!("{path}?locator=page{page}")
        };
        let body = http.get(url).send().await?.bytes().await?;
        bytes += body.len() as u64;
        lines += body.iter().filter(|&&b| b == b'\n').count() as u64;
    }
    let took = started.elapsed();
    println!(
        "whole pages (reqwest .bytes(), lines counted only): {lines} lines, {bytes} bytes, {took:.2?}; RSS before {}, peak {}",
        mib(rss_before),
        mib(status_kib("VmHWM:")),
    );
    Ok(())
}
