//! Client-side cost of one typed `list issues` call (a 100-issue page), for instruction
//! counting, `N` times: `atom` (atom-github, every field kept), `reqwest` (plain reqwest +
//! serde_json into the same models) or `floor` (plain reqwest + serde_json into a minimal
//! struct of four fields, what an expert writes by hand when only those are needed),
//! against a server in a child process so that a profiler on this process counts only the
//! client's work.
//!
//! Wall-clock figures on a shared 2-core machine vary by ±30 % between runs; callgrind's
//! counts repeat within 0.1 %. Per-call cost without the fixed start-up:
//!
//! ```text
//! cargo build --release -p atom-github --example list_cost
//! for mode in floor reqwest atom; do for n in 10 60; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/list_cost $mode $n 2>&1 | grep Collected
//! done; done
//! ```
//!
//! and (I(60) - I(10)) / 50 for each mode.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use atom_core::retry::RetryPolicy;
use atom_github::models::Issue;
use futures::TryStreamExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "../benches/support/issue_page.rs"]
mod issue_page;
use issue_page::page;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("atom");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if mode == "serve" {
        rt.block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .and(path("/repos/octocat/Hello-World/issues"))
                .respond_with(ResponseTemplate::new(200).set_body_raw(page(), "application/json"))
                .mount(&server)
                .await;
            println!("{}", server.uri());
            std::future::pending::<()>().await;
        });
        return;
    }
    let calls: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(500);

    let mut server = Command::new(std::env::current_exe().unwrap())
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut base = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut base)
        .unwrap();
    let base = base.trim().to_owned();

    let started = Instant::now();
    rt.block_on(async {
        if mode == "floor" {
            #[derive(serde::Deserialize)]
            #[allow(dead_code)]
            struct MinimalIssue {
                id: u64,
                number: u64,
                title: String,
                state: String,
            }
            let http = atom_core::reqwest::Client::new();
            let url = format!("{base}/repos/octocat/Hello-World/issues?per_page=100");
            for _ in 0..calls {
                let body = http
                    .get(&url)
                    .header("authorization", "Bearer bench-token")
                    .header("accept", "application/vnd.github+json")
                    .header("user-agent", "bench")
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let all: Vec<MinimalIssue> = serde_json::from_slice(&body).unwrap();
                assert_eq!(all.len(), 100);
            }
        } else if mode == "reqwest" {
            let http = atom_core::reqwest::Client::new();
            let url = format!("{base}/repos/octocat/Hello-World/issues?per_page=100");
            for _ in 0..calls {
                let body = http
                    .get(&url)
                    .header("authorization", "Bearer bench-token")
                    .header("accept", "application/vnd.github+json")
                    .header("user-agent", "bench")
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                let all: Vec<Issue> = serde_json::from_slice(&body).unwrap();
                assert_eq!(all.len(), 100);
            }
        } else {
            let client = atom_github::Client::builder()
                .base_url(&base)
                .token("bench-token")
                .retry_policy(RetryPolicy::default())
                .build()
                .unwrap();
            for _ in 0..calls {
                let all: Vec<Issue> = client
                    .issues("octocat", "Hello-World")
                    .list(&Default::default())
                    .try_collect()
                    .await
                    .unwrap();
                assert_eq!(all.len(), 100);
            }
        }
    });
    let elapsed = started.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    println!(
        "{mode}: {calls} calls, {:.1} µs per call (wall)",
        elapsed.as_secs_f64() * 1e6 / calls.max(1) as f64
    );
}
