//! Walks 100 000 records (1 000 pages of 100) from a local server through `Paginator` and
//! reports the peak resident memory of the whole process, which stays bounded by about two
//! pages whatever the total.
//!
//! Run: `cargo run --release -p atom-core --example paging_memory`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use atom_core::{ApiClient, Checkpoint, GenericProvider, Page, Paginator, Request};
use futures::StreamExt as _;
use serde::Deserialize;

#[path = "../benches/support/local_server.rs"]
mod local_server;

const PAGES: usize = 1_000;
const PER_PAGE: usize = 100;

#[derive(Deserialize)]
struct Record {
    id: String,
    amount: i64,
}

#[derive(Deserialize)]
struct PageBody {
    items: Vec<Record>,
    next: Option<String>,
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let base = local_server::start(Arc::new(|target: &str| {
        let page: usize = target
            .split("cursor=")
            .nth(1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let next = (page + 1 < PAGES).then(|| (page + 1).to_string());
        local_server::page_json(PER_PAGE, page * PER_PAGE, next)
    }))
    .await;
    let client = ApiClient::builder(GenericProvider("bench"), &base)
        .unwrap()
        .build()
        .unwrap();
    let started = Instant::now();
    let mut stream = Paginator::new(Checkpoint::default(), move |cursor| {
        let client = client.clone();
        Box::pin(async move {
            let body: PageBody = client
                .send(Request::get("/v1/items").query_opt("cursor", cursor))
                .await?
                .json()?;
            Ok(Page::new(body.items, body.next))
        })
    });
    let (mut count, mut total, mut last_id) = (0usize, 0i64, String::new());
    while let Some(record) = stream.next().await {
        let record = record.expect("page failed");
        count += 1;
        total += record.amount;
        last_id = record.id;
    }
    let elapsed = started.elapsed();
    assert_eq!(count, PAGES * PER_PAGE);
    println!("records: {count} (last {last_id}, sum {total})");
    println!(
        "time: {:.2} s ({:.0} records/s)",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64()
    );
    match peak_rss_kib() {
        Some(kib) => println!("peak RSS of the process: {:.1} MB", kib as f64 / 1024.0),
        None => println!("peak RSS: not available on this platform"),
    }
}
