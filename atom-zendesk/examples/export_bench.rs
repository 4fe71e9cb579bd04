//! Exporting 100 000 tickets through the incremental cursor stream: client CPU per ticket
//! and peak RSS, `atom-zendesk` against plain reqwest + serde_json decoding the same pages
//! into the same `Ticket` model.
//!
//! ```text
//! cargo run --release -p atom-zendesk --example export_bench [TICKETS]
//! ```
//!
//! The parent process starts a local HTTP server in a child process (pages of 1 000
//! tickets made from Zendesk's official export example, chained by `after_cursor`, the last
//! with `end_of_stream: true`), then runs each client in its own child process, so that
//! each one's CPU time (`/proc/self/stat` utime + stime) and peak RSS (`/proc/self/status`
//! `VmHWM`) are its own and not the server's. Linux only (it reads `/proc`).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Instant;

use atom_core::{RateLimitConfig, Secret};
use atom_zendesk::incremental::ExportStart;
use atom_zendesk::models::Ticket;
use atom_zendesk::{Client, INCREMENTAL_CLASS};
use futures::TryStreamExt as _;
use serde_json::{Value, json};

const PAGE: u64 = 1_000;

const TICKET: &str = r#"{"assignee_id":235323,"collaborator_ids":[35334,234],"created_at":"2009-07-20T22:55:29Z","custom_fields":[{"id":27642,"value":"745"},{"id":27648,"value":"yes"}],"description":"The fire is very colorful.","due_at":null,"external_id":"ahg35h3jh","follower_ids":[35334,234],"from_messaging_channel":false,"generated_timestamp":1304553600,"group_id":98738,"has_incidents":false,"id":35436,"organization_id":509974,"priority":"high","problem_id":9873764,"raw_subject":"{{dc.printer_on_fire}}","recipient":"support@company.com","requester_id":20978392,"satisfaction_rating":{"comment":"Great support!","id":1234,"score":"good"},"sharing_agreement_ids":[84432],"status":"open","subject":"Help, my printer is on fire!","submitter_id":76872,"tags":["enterprise","other_tag"],"type":"incident","updated_at":"2011-05-05T10:38:52Z","url":"https://company.zendesk.com/api/v2/tickets/35436","via":{"channel":"web"}}"#;

fn page_body(page: u64, pages: u64) -> Vec<u8> {
    let template: Value = serde_json::from_str(TICKET).unwrap();
    let tickets: Vec<Value> = (0..PAGE)
        .map(|i| {
            let mut t = template.clone();
            t["id"] = json!(page * PAGE + i + 1);
            t
        })
        .collect();
    serde_json::to_vec(&json!({
        "tickets": tickets,
        "after_cursor": format!("c{}", page + 1),
        "after_url": format!("https://acme.zendesk.com/api/v2/incremental/tickets/cursor?cursor=c{}", page + 1),
        "before_cursor": null,
        "before_url": null,
        "end_of_stream": page + 1 == pages,
    }))
    .unwrap()
}

/// A keep-alive HTTP/1.1 server of the export pages (one thread per connection).
fn serve(pages: u64) {
    let bodies: Vec<Vec<u8>> = (0..pages).map(|p| page_body(p, pages)).collect();
    let bodies = std::sync::Arc::new(bodies);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    std::io::stdout().flush().unwrap();
    for stream in listener.incoming() {
        let bodies = bodies.clone();
        std::thread::spawn(move || connection(stream.unwrap(), &bodies));
    }
}

fn connection(stream: TcpStream, bodies: &[Vec<u8>]) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
            if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut skip = vec![0; length];
        let _ = reader.read_exact(&mut skip);
        let page = target
            .split("cursor=c")
            .nth(1)
            .and_then(|n| n.split('&').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let body = &bodies[page.min(bodies.len() - 1)];
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(body).is_err() {
            return;
        }
    }
}

/// This process's CPU time in seconds (utime + stime, clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// Peak resident set size in MiB (`VmHWM`).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024.0
}

#[derive(serde::Deserialize)]
struct ExportBody {
    tickets: Vec<Ticket>,
    after_cursor: Option<String>,
    end_of_stream: bool,
}

async fn run_atom(uri: &str) -> (u64, u64) {
    let client = Client::builder()
        .base_url(uri)
        .api_token("agent@example.com", Secret::new("bench-token"))
        .rate_limits(RateLimitConfig::unlimited())
        .class_limits(INCREMENTAL_CLASS, RateLimitConfig::unlimited())
        .build()
        .unwrap();
    let mut stream = client.incremental().tickets(&ExportStart::Time(0));
    let (mut n, mut sum) = (0u64, 0u64);
    while let Some(ticket) = stream.try_next().await.unwrap() {
        n += 1;
        sum = sum.wrapping_add(ticket.id);
    }
    (n, sum)
}

async fn run_reqwest(uri: &str) -> (u64, u64) {
    let http = reqwest::Client::new();
    let (mut n, mut sum) = (0u64, 0u64);
    let mut url = format!("{uri}/api/v2/incremental/tickets/cursor?start_time=0");
    loop {
        let bytes = http
            .get(&url)
            .basic_auth("agent@example.com/token", Some("bench-token"))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: ExportBody = serde_json::from_slice(&bytes).unwrap();
        for ticket in &page.tickets {
            n += 1;
            sum = sum.wrapping_add(ticket.id);
        }
        match (page.end_of_stream, page.after_cursor) {
            (false, Some(cursor)) => {
                url = format!("{uri}/api/v2/incremental/tickets/cursor?cursor={cursor}");
            }
            _ => break,
        }
    }
    (n, sum)
}

fn client_mode(mode: &str, uri: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let cpu0 = cpu_seconds();
    let started = Instant::now();
    let (n, sum) = runtime.block_on(async {
        match mode {
            "atom" => run_atom(uri).await,
            _ => run_reqwest(uri).await,
        }
    });
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    #[allow(clippy::cast_precision_loss)]
    let per_ticket_us = cpu * 1e6 / n as f64;
    println!(
        "{mode:>8}: {n} tickets (id sum {sum}), client CPU {cpu:.2} s = {per_ticket_us:.2} µs/ticket, wall {wall:.2} s, peak RSS {:.1} MiB",
        peak_rss_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => return serve(args[2].parse().unwrap()),
        Some(mode @ ("atom" | "reqwest")) => return client_mode(mode, &args[2]),
        _ => {}
    }
    let tickets: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let pages = tickets.div_ceil(PAGE).max(1);
    let me = std::env::current_exe().unwrap();
    let mut server = Command::new(&me)
        .args(["serve", &pages.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut port = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut port)
        .unwrap();
    let uri = format!("http://127.0.0.1:{}", port.trim());
    println!(
        "export of {} tickets in {pages} pages of {PAGE} (about {} KiB a page), one run each:",
        pages * PAGE,
        page_body(0, pages).len() / 1024
    );
    for mode in ["reqwest", "atom"] {
        let status = Command::new(&me).args([mode, &uri]).status().unwrap();
        assert!(status.success(), "{mode} run failed");
    }
    let _ = server.kill();
    let _ = server.wait();
}
