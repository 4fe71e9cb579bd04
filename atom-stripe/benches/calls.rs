//! 1000 calls (500 customer creates, 500 `list(limit=10)`) against a local server answering
//! like Stripe: atom-stripe against plain reqwest sending the same form body and decoding
//! into the same models.
//!
//! `cargo bench -p atom-stripe --bench calls -- --warm-up-time 1 --measurement-time 3`
//!
//! Besides criterion's wall time, it prints the client thread's CPU time per call (from
//! `/proc/thread-self/schedstat`, Linux), which leaves out the server's work.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use atom_core::RateLimitConfig;
use atom_core::reqwest;
use atom_stripe::models::{Customer, List};
use atom_stripe::{Client, CustomerCreateParams, CustomerListParams, ListParams};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::{StreamExt as _, TryStreamExt as _};

const CALLS: usize = 1000;

#[path = "support/server.rs"]
mod server;
use server::serve;

fn create_params() -> CustomerCreateParams {
    CustomerCreateParams {
        email: Some("jenny.rosen@example.com".into()),
        name: Some("Jenny Rosen".into()),
        metadata: [("order_id".to_owned(), "6735".to_owned())].into(),
        ..Default::default()
    }
}

async fn atom_calls(stripe: &Client) {
    let params = create_params();
    let list = CustomerListParams {
        page: ListParams::new().limit(10),
        ..Default::default()
    };
    for i in 0..CALLS {
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

async fn reqwest_calls(http: &reqwest::Client, base: &str) {
    let auth = "Bearer sk_test_bench";
    for i in 0..CALLS {
        if i % 2 == 0 {
            let body = "email=jenny.rosen%40example.com&name=Jenny+Rosen&metadata[order_id]=6735";
            let c: Customer = http
                .post(format!("{base}/v1/customers"))
                .header("authorization", auth)
                .header("stripe-version", atom_stripe::DEFAULT_API_VERSION)
                .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(!c.id.is_empty());
        } else {
            let page: List<Customer> = http
                .get(format!("{base}/v1/customers?limit=10"))
                .header("authorization", auth)
                .header("stripe-version", atom_stripe::DEFAULT_API_VERSION)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(page.data.len(), 10);
        }
    }
}

/// CPU time of the calling thread, in nanoseconds.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn bench(c: &mut Criterion) {
    let base = serve();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let stripe = Client::builder()
        .secret_key("sk_test_bench")
        .base_url(base.clone())
        .rate_limits(RateLimitConfig::unlimited())
        .build()
        .unwrap();
    let http = reqwest::Client::builder().build().unwrap();

    // CPU per call, client thread only, 3 rounds each after a warm-up round.
    rt.block_on(atom_calls(&stripe));
    rt.block_on(reqwest_calls(&http, &base));
    let cpu = |name: &str, f: &mut dyn FnMut()| {
        let mut best = u64::MAX;
        for _ in 0..3 {
            let (Some(a), _, Some(b)) = (thread_cpu_ns(), f(), thread_cpu_ns()) else {
                return None;
            };
            best = best.min(b - a);
        }
        let per_call = best as f64 / CALLS as f64 / 1000.0;
        println!("{name}: {per_call:.1} µs CPU per call (client thread, best of 3 × {CALLS})");
        Some(per_call)
    };
    let a = cpu("atom-stripe", &mut || rt.block_on(atom_calls(&stripe)));
    let r = cpu("plain reqwest", &mut || {
        rt.block_on(reqwest_calls(&http, &base))
    });
    if let (Some(a), Some(r)) = (a, r) {
        println!("ratio atom-stripe / reqwest: {:.2}x", a / r);
    }

    let mut group = c.benchmark_group("1000 calls (500 creates, 500 list(limit=10))");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("atom-stripe", |b| {
        b.iter(|| rt.block_on(atom_calls(&stripe)))
    });
    group.bench_function("plain reqwest", |b| {
        b.iter(|| rt.block_on(reqwest_calls(&http, &base)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
