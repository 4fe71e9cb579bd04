//! `ApiClient` (auth, limiter and retry policy on) against plain `reqwest` + `serde_json`,
//! fetching and decoding the same 100-item JSON page from a local server.
//!
//! Run: `cargo bench -p atom-core --bench request_path`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use atom_core::{
    ApiClient, Credentials, GenericProvider, RateLimitConfig, Request, RetryPolicy, Secret,
};
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/local_server.rs"]
mod local_server;

use local_server::PageBody;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let body = Arc::new(local_server::page_json(100, 0, None));
    let base = rt.block_on(local_server::start(Arc::new(move |_| body.to_vec())));

    let plain = reqwest::Client::new();
    let url = format!("{base}/v1/items?limit=100");
    let client = ApiClient::builder(GenericProvider("bench"), &base)
        .unwrap()
        .credentials(Credentials::bearer(Secret::new("bench-token")))
        // A generous bucket: the limiter is on the path, but never the bottleneck.
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

    let mut group = c.benchmark_group("page_of_100");
    group.bench_function("reqwest+serde_json", |b| {
        b.iter(|| {
            rt.block_on(async {
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
            })
        })
    });
    group.bench_function("atom ApiClient", |b| {
        b.iter(|| {
            rt.block_on(async {
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
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
