//! Client-side cost of one call, for instruction counting: `ApiClient` (auth, limiter and
//! retry policy on) or plain `reqwest` + `serde_json`, fetching and decoding the same
//! 100-item page `N` times from a server that runs in a child process, so that a profiler
//! attached to this process counts only the client's work.
//!
//! Wall-clock figures on a shared 2-core machine vary by ±30 % from run to run; instruction
//! counts from callgrind repeat within 0.1 %. Per-call cost without the fixed start-up:
//!
//! ```text
//! cargo build --release -p atom-core --example request_cost
//! for mode in reqwest atom; do for n in 200 2200; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/request_cost $mode $n 2>&1 | grep Collected
//! done; done
//! ```
//!
//! and (I(2200) - I(200)) / 2000 for each mode.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use atom_core::{
    ApiClient, Credentials, GenericProvider, RateLimitConfig, Request, RetryPolicy, Secret,
};

#[path = "../benches/support/local_server.rs"]
mod local_server;

use local_server::PageBody;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("atom");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if mode == "serve" {
        rt.block_on(async {
            let body = Arc::new(local_server::page_json(100, 0, None));
            let base = local_server::start(Arc::new(move |_| body.to_vec())).await;
            println!("{base}");
            std::future::pending::<()>().await;
        });
        return;
    }
    let calls: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1000);

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
        match mode {
            "reqwest" => {
                let plain = reqwest::Client::new();
                let url = format!("{base}/v1/items?limit=100");
                for _ in 0..calls {
                    let bytes = plain
                        .get(&url)
                        .bearer_auth("bench-token")
                        .send()
                        .await
                        .unwrap()
                        .bytes()
                        .await
                        .unwrap();
                    let page: PageBody = serde_json::from_slice(&bytes).unwrap();
                    assert_eq!(page.items.len(), 100);
                }
            }
            _ => {
                let client = ApiClient::builder(GenericProvider("bench"), &base)
                    .unwrap()
                    .credentials(Credentials::bearer(Secret::new("bench-token")))
                    .rate_limits(RateLimitConfig::new(1_000_000, Duration::from_secs(1), 64))
                    .retry_policy(RetryPolicy::default())
                    .http_client(
                        reqwest::Client::builder()
                            .redirect(reqwest::redirect::Policy::none())
                            .build()
                            .unwrap_or_default(),
                    )
                    .build()
                    .unwrap();
                for _ in 0..calls {
                    let page: PageBody = client
                        .send(
                            Request::get("/v1/items")
                                .query("limit", "100")
                                .operation("items.list"),
                        )
                        .await
                        .unwrap()
                        .json()
                        .unwrap();
                    assert_eq!(page.items.len(), 100);
                }
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
