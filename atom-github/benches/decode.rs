//! Decoding a 100-issue `GET /repos/{owner}/{repo}/issues` page, and the whole typed call
//! against a local server.
//!
//! Run: `cargo bench -p atom-github --bench decode -- --warm-up-time 1 --measurement-time 3`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use atom_core::retry::RetryPolicy;
use atom_github::models::Issue;
use criterion::{Criterion, criterion_group, criterion_main};
use futures::TryStreamExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[path = "support/issue_page.rs"]
mod issue_page;
use issue_page::page;

fn decode(c: &mut Criterion) {
    let bytes = page();
    let mut group = c.benchmark_group("decode_100_issues");
    group.throughput(criterion::Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed_models", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Vec<Issue>>(black_box(&bytes)).unwrap()))
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).unwrap())
        })
    });
    group.finish();
}

fn whole_call(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let bytes = page();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/repos/octocat/Hello-World/issues"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(bytes.clone(), "application/json"),
            )
            .mount(&server)
            .await;
        server
    });
    let client = atom_github::Client::builder()
        .base_url(server.uri())
        .token("bench-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let http = atom_core::reqwest::Client::new();
    let url = format!(
        "{}/repos/octocat/Hello-World/issues?per_page=100",
        server.uri()
    );

    let mut group = c.benchmark_group("list_issues_call");
    group.bench_function("atom_github_typed", |b| {
        b.iter(|| {
            rt.block_on(async {
                let all: Vec<Issue> = client
                    .issues("octocat", "Hello-World")
                    .list(&Default::default())
                    .try_collect()
                    .await
                    .unwrap();
                black_box(all)
            })
        })
    });
    group.bench_function("reqwest_serde_json_typed", |b| {
        b.iter(|| {
            rt.block_on(async {
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
                black_box(serde_json::from_slice::<Vec<Issue>>(&body).unwrap())
            })
        })
    });
    group.finish();
}

criterion_group!(benches, decode, whole_call);
criterion_main!(benches);
