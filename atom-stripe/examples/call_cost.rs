//! Client-side cost of Stripe calls (half customer creates, half `list(limit=10)`), for
//! instruction counting, `N` calls: `atom` (atom-stripe, full models with every field kept)
//! or `floor` (plain reqwest sending the same form body and idempotency key, decoding into a
//! minimal struct: what an expert writes by hand). The server runs in a child process so
//! that a profiler on this process counts only the client's work.
//!
//! Callgrind's counts repeat within 0.1 % where wall clock on a shared machine varies by
//! ±30 %. Per-call cost without the fixed start-up:
//!
//! ```text
//! cargo build --release -p atom-stripe --example call_cost
//! for mode in floor atom; do for n in 100 1100; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/call_cost $mode $n 2>&1 | grep Collected
//! done; done
//! ```
//!
//! and (I(1100) - I(100)) / 1000 for each mode. Last run: floor 163 980, atom 203 026
//! instructions per call (1.24x; 1.39x before the raw-field buffer was filled straight from
//! the input). Where the rest goes (`--dump-instr=no`, `callgrind_annotate --inclusive=yes`,
//! per call): keeping the ten unknown fields of each customer (55 per call) as text, 13 K;
//! decoding the nine known fields the floor skips (`object`, `currency`, `created`, …);
//! building the form body and query from typed parameters, 5 K; the list paginator and its
//! boxed futures; the credential header built per call, 1.3 K.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use atom_core::{RateLimitConfig, reqwest};
use atom_stripe::models::Customer;
use atom_stripe::{Client, CustomerCreateParams, CustomerListParams, ListParams};
use futures::{StreamExt as _, TryStreamExt as _};

#[path = "../benches/support/server.rs"]
mod server;

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct MinimalCustomer {
    id: String,
    email: Option<String>,
    name: Option<String>,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct MinimalList {
    data: Vec<MinimalCustomer>,
    has_more: bool,
}

async fn floor(http: &reqwest::Client, base: &str, calls: usize) {
    for i in 0..calls {
        if i % 2 == 0 {
            let body = "email=jenny.rosen%40example.com&name=Jenny+Rosen&metadata[order_id]=6735";
            let bytes = http
                .post(format!("{base}/v1/customers"))
                .header("authorization", "Bearer sk_test_bench")
                .header("stripe-version", atom_stripe::DEFAULT_API_VERSION)
                .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let c: MinimalCustomer = serde_json::from_slice(&bytes).unwrap();
            assert!(!c.id.is_empty());
        } else {
            let bytes = http
                .get(format!("{base}/v1/customers?limit=10"))
                .header("authorization", "Bearer sk_test_bench")
                .header("stripe-version", atom_stripe::DEFAULT_API_VERSION)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let page: MinimalList = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(page.data.len(), 10);
        }
    }
}

async fn atom(stripe: &Client, calls: usize) {
    let params = CustomerCreateParams {
        email: Some("jenny.rosen@example.com".into()),
        name: Some("Jenny Rosen".into()),
        metadata: [("order_id".to_owned(), "6735".to_owned())].into(),
        ..Default::default()
    };
    let list = CustomerListParams {
        page: ListParams::new().limit(10),
        ..Default::default()
    };
    for i in 0..calls {
        if i % 2 == 0 {
            let c = stripe.customers().create(&params).await.unwrap();
            assert!(!c.id.is_empty());
        } else {
            let page: Vec<Customer> = stripe
                .customers()
                .list(&list)
                .take(10)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(page.len(), 10);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("atom");
    if mode == "serve" {
        println!("{}", server::serve());
        std::thread::park();
        return;
    }
    let calls: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut base = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut base)
        .unwrap();
    let base = base.trim().to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    if mode == "floor" {
        let http = reqwest::Client::new();
        rt.block_on(floor(&http, &base, calls));
    } else {
        let stripe = Client::builder()
            .secret_key("sk_test_bench")
            .base_url(base)
            .rate_limits(RateLimitConfig::unlimited())
            .build()
            .unwrap();
        rt.block_on(atom(&stripe, calls));
    }
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    println!(
        "{mode}: {calls} calls, {:.1} µs per call (wall)",
        elapsed.as_secs_f64() * 1e6 / calls.max(1) as f64
    );
}
