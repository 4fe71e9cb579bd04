//! Reading 100 000 invoices through query paging: requests, peak RSS and client CPU per
//! invoice, atom-quickbooks vs plain reqwest + serde decoding the same pages into the same
//! models.
//!
//! `cargo bench -p atom-quickbooks --bench query_100k`
//!
//! Three processes, so that each figure is one client's own: a local HTTP server (raw
//! TCP, keep-alive) answering `STARTPOSITION n MAXRESULTS 1000` queries with 1000 invoices
//! from Intuit's recorded invoice, then one client process per variant, each reporting
//! its request count, CPU time (user + system, /proc/self/stat) and peak RSS (VmHWM).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use atom_quickbooks::{Client, Invoice, Query};
use futures::StreamExt as _;

const TOTAL: u64 = 100_000;
const PAGE: u64 = 1000;
const INVOICE: &str = include_str!("../tests/fixtures/invoice.json");

fn page_items() -> String {
    let doc: serde_json::Value = serde_json::from_str(INVOICE).unwrap();
    let template = doc["Invoice"].clone();
    let items: Vec<String> = (0..PAGE)
        .map(|i| {
            let mut v = template.clone();
            v["Id"] = serde_json::Value::from(format!("{}", 1000 + i));
            serde_json::to_string(&v).unwrap()
        })
        .collect();
    items.join(",")
}

fn serve() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    std::io::stdout().flush().unwrap();
    let items = Arc::new(page_items());
    let count = Arc::new(AtomicU64::new(0));
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let items = items.clone();
        let count = count.clone();
        std::thread::spawn(move || connection(stream, &items, &count));
    }
}

/// Serves queries; `GET /count` answers (and resets) how many queries were served.
fn connection(stream: TcpStream, items: &str, count: &AtomicU64) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let target = request_line.split(' ').nth(1).unwrap_or("/");
        let url = url::Url::parse(&format!("http://x{target}")).unwrap();
        let query = url
            .query_pairs()
            .find(|(k, _)| k == "query")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let start: u64 = query
            .split("STARTPOSITION ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let body = if url.path() == "/count" {
            count.swap(0, Ordering::SeqCst).to_string()
        } else if start > TOTAL {
            count.fetch_add(1, Ordering::SeqCst);
            r#"{"QueryResponse":{},"time":"2026-11-29T09:00:00.000-08:00"}"#.to_owned()
        } else {
            count.fetch_add(1, Ordering::SeqCst);
            format!(
                r#"{{"QueryResponse":{{"Invoice":[{items}],"startPosition":{start},"maxResults":{PAGE}}},"time":"2026-11-29T09:00:00.000-08:00"}}"#
            )
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nintuit_tid: bench\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

/// CPU seconds (user + system) of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|s| s.parse().ok()).unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0);
    ticks / 100.0
}

/// Peak resident set size of this process, in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[derive(serde::Deserialize)]
struct PlainPage {
    #[serde(rename = "QueryResponse")]
    query_response: PlainRows,
}

#[derive(serde::Deserialize)]
struct PlainRows {
    #[serde(default, rename = "Invoice")]
    invoice: Vec<Invoice>,
}

async fn client_atom(port: u16) -> u64 {
    let qb = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .realm_id("9130347596843992")
        .access_token("bench-token")
        .rate_limits(atom_core::RateLimitConfig::unlimited())
        .build()
        .unwrap();
    let mut stream = qb.invoices().query(Query::of::<Invoice>());
    let mut n = 0u64;
    let mut cents = 0i128;
    while let Some(invoice) = stream.next().await {
        let invoice = invoice.unwrap();
        cents += invoice
            .total_amt
            .and_then(|d| d.to_parts())
            .map_or(0, |(m, _)| m);
        n += 1;
    }
    std::hint::black_box(cents);
    n
}

async fn client_plain(port: u16) -> u64 {
    let http = reqwest::Client::new();
    let mut n = 0u64;
    let mut start = 1u64;
    let mut cents = 0i128;
    loop {
        let query = format!("SELECT * FROM Invoice STARTPOSITION {start} MAXRESULTS {PAGE}");
        let response = http
            .get(format!(
                "http://127.0.0.1:{port}/v3/company/9130347596843992/query"
            ))
            .query(&[("query", query.as_str()), ("minorversion", "75")])
            .bearer_auth("bench-token")
            .header("accept", "application/json")
            .send()
            .await
            .unwrap();
        let bytes = response.bytes().await.unwrap();
        let page: PlainPage = serde_json::from_slice(&bytes).unwrap();
        let got = page.query_response.invoice.len() as u64;
        for invoice in page.query_response.invoice {
            cents += invoice
                .total_amt
                .and_then(|d| d.to_parts())
                .map_or(0, |(m, _)| m);
        }
        n += got;
        start += got;
        if got < PAGE {
            break;
        }
    }
    std::hint::black_box(cents);
    n
}

fn run_client(mode: &str, port: u16) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    let n = runtime.block_on(async {
        match mode {
            "atom" => client_atom(port).await,
            _ => client_plain(port).await,
        }
    });
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!("{n} {cpu:.3} {wall:.3} {:.1}", peak_rss_mb());
}

/// Asks the server how many queries it served since the last ask.
fn served(port: &str) -> String {
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream
        .write_all(b"GET /count HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n")
        .unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .rsplit("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .find_map(|a| a.strip_prefix(name))
            .map(str::to_owned)
    };
    if args.iter().any(|a| a == "--serve") {
        return serve();
    }
    if let (Some(mode), Some(port)) = (arg("--client="), arg("--port=")) {
        return run_client(&mode, port.parse().unwrap());
    }
    // `cargo test --benches` runs this with `--test`-like flags: keep that quick.
    if args.iter().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut server = Command::new(&exe)
        .arg("--serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let port = port.trim().to_owned();
    println!(
        "reading {TOTAL} invoices, {PAGE} per page, from a local server (one process per client)"
    );
    println!(
        "{:<34} {:>8} {:>9} {:>14} {:>9} {:>12}",
        "client", "requests", "invoices", "CPU/invoice", "wall s", "peak RSS MB"
    );
    for (label, mode) in [
        ("atom-quickbooks query paging", "atom"),
        ("plain reqwest + serde (same models)", "plain"),
    ] {
        let out = Command::new(&exe)
            .arg(format!("--client={mode}"))
            .arg(format!("--port={port}"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let f: Vec<&str> = text.split_whitespace().collect();
        let (n, cpu, wall, rss) = (f[0], f[1].parse::<f64>().unwrap(), f[2], f[3]);
        let req = served(&port);
        let per = cpu / n.parse::<f64>().unwrap() * 1e6;
        println!(
            "{label:<34} {req:>8} {n:>9} {:>11.2} µs {wall:>9} {rss:>12}",
            per
        );
    }
    let _ = server.kill();
    let _ = server.wait();
}
