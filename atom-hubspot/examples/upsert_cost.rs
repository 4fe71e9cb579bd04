//! Benchmark: 10 000 contacts upserted through batch calls, with `atom-hubspot` and with
//! plain reqwest + serde_json doing the same batches, against one local mock server.
//!
//! ```sh
//! cargo run --release -p atom-hubspot --example upsert_cost
//! ```
//!
//! It prints, for each side, the requests made and the client's CPU time per record (the
//! main thread's time on CPU from `/proc/thread-self/schedstat`, Linux only; the client runs
//! on a current-thread runtime in that thread, the mock server on its own threads), as the
//! median of five alternating runs, plus wall time. Both sides send 100 calls of 100
//! inputs, at most four in flight, serialise the inputs straight from the same structs
//! (no intermediate JSON tree), and decode every answer into `CrmObject`s in input order;
//! atom-hubspot also validates names and ids, matches answers to inputs by trace id, paces
//! (here: unlimited), and goes through the core request path (auth, retry policy, limits,
//! error mapping).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use atom_core::RateLimitConfig;
use atom_hubspot::{BatchUpsertInput, Client, CrmObject};
use futures::StreamExt as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const RECORDS: usize = 10_000;
const RUNS: usize = 5;

/// Echoes each input as an upserted record with its trace id, like HubSpot's answer.
struct Echo(Arc<AtomicUsize>);

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.fetch_add(1, Ordering::Relaxed);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let results: Vec<Value> = body["inputs"]
            .as_array()
            .map(|inputs| {
                inputs
                    .iter()
                    .enumerate()
                    .map(|(i, input)| {
                        json!({
                            "id": (100_000 + i).to_string(),
                            "properties": input["properties"],
                            "createdAt": "2025-01-01T00:00:00.000Z",
                            "updatedAt": "2025-01-01T00:00:00.000Z",
                            "archived": false,
                            "new": true,
                            "objectWriteTraceId": input["objectWriteTraceId"],
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        ResponseTemplate::new(200).set_body_json(json!({
            "status": "COMPLETE", "results": results,
            "startedAt": "2025-01-01T00:00:00.000Z", "completedAt": "2025-01-01T00:00:00.100Z"
        }))
    }
}

/// The calling thread's time on CPU.
fn thread_cpu() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns: u64 = text
        .split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn inputs() -> Vec<BatchUpsertInput> {
    (0..RECORDS)
        .map(|i| {
            BatchUpsertInput::new(format!("user{i}@example.com"))
                .property("email", format!("user{i}@example.com"))
                .property("firstname", "Ann")
                .property("lastname", format!("Lee {i}"))
                .property("lifecyclestage", "lead")
        })
        .collect()
}

async fn with_atom(uri: &str, inputs: &[BatchUpsertInput]) -> usize {
    let client = Client::builder()
        .base_url(uri)
        .access_token("pat-bench")
        .rate_limits(RateLimitConfig::unlimited())
        .build()
        .unwrap();
    let outcome = client
        .contacts()
        .batch_upsert("email", inputs)
        .await
        .unwrap();
    assert!(outcome.is_complete());
    outcome.items.len()
}

#[derive(Deserialize)]
struct Answer {
    results: Vec<CrmObject>,
}

/// The plain side's input, serialised straight from the data like atom-hubspot's.
#[derive(Serialize)]
struct PlainInput<'a> {
    id: &'a str,
    #[serde(rename = "idProperty")]
    id_property: &'a str,
    properties: &'a BTreeMap<String, String>,
    #[serde(rename = "objectWriteTraceId")]
    trace: String,
}

#[derive(Serialize)]
struct PlainBody<'a> {
    inputs: Vec<PlainInput<'a>>,
}

async fn with_reqwest(uri: &str, inputs: &[BatchUpsertInput]) -> usize {
    let http = atom_core::reqwest::Client::new();
    let url = format!("{uri}/crm/v3/objects/contacts/batch/upsert");
    let calls = inputs.chunks(100).map(|chunk| {
        let inputs: Vec<PlainInput<'_>> = chunk
            .iter()
            .enumerate()
            .map(|(i, input)| PlainInput {
                id: &input.value,
                id_property: "email",
                properties: &input.properties,
                trace: i.to_string(),
            })
            .collect();
        let request = http
            .post(&url)
            .bearer_auth("pat-bench")
            .json(&PlainBody { inputs });
        async move {
            let answer: Answer = request.send().await.unwrap().json().await.unwrap();
            // Back in input order by trace id, as atom-hubspot does.
            let mut by_trace: BTreeMap<usize, CrmObject> = BTreeMap::new();
            for record in answer.results {
                let trace = record
                    .extra
                    .get_raw("objectWriteTraceId")
                    .and_then(|raw| raw.get().trim_matches('"').parse().ok())
                    .unwrap_or(0);
                by_trace.insert(trace, record);
            }
            by_trace.into_values().collect::<Vec<_>>()
        }
    });
    let pages: Vec<Vec<CrmObject>> = futures::stream::iter(calls).buffered(4).collect().await;
    pages.into_iter().map(|p| p.len()).sum()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // The mock server runs on its own runtime and threads; the client on this thread only.
    let server_rt = tokio::runtime::Runtime::new().unwrap();
    let counter = Arc::new(AtomicUsize::new(0));
    let server = server_rt.block_on(async {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(method("POST"))
            .and(path("/crm/v3/objects/contacts/batch/upsert"))
            .respond_with(Echo(counter.clone()))
            .mount(&server)
            .await;
        server
    });
    let uri = server.uri();
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let inputs = inputs();
    let (mut atom_cpu, mut plain_cpu, mut atom_wall, mut plain_wall) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut atom_requests, mut plain_requests) = (0, 0);
    for _ in 0..RUNS {
        for side in ["atom", "plain"] {
            counter.store(0, Ordering::Relaxed);
            let (cpu0, wall0) = (thread_cpu(), Instant::now());
            let n = client_rt.block_on(async {
                match side {
                    "atom" => with_atom(&uri, &inputs).await,
                    _ => with_reqwest(&uri, &inputs).await,
                }
            });
            assert_eq!(n, RECORDS);
            let cpu = (thread_cpu() - cpu0).as_secs_f64() * 1e6 / RECORDS as f64;
            let wall = wall0.elapsed().as_secs_f64() * 1e3;
            let requests = counter.load(Ordering::Relaxed);
            if side == "atom" {
                atom_cpu.push(cpu);
                atom_wall.push(wall);
                atom_requests = requests;
            } else {
                plain_cpu.push(cpu);
                plain_wall.push(wall);
                plain_requests = requests;
            }
        }
    }
    let (a, p) = (median(atom_cpu), median(plain_cpu));
    println!("10 000 contacts upserted in batches of 100 (median of {RUNS} runs each):");
    println!(
        "  atom-hubspot : {atom_requests} requests, client CPU {a:.2} µs/record, wall {:.0} ms",
        median(atom_wall)
    );
    println!(
        "  plain reqwest: {plain_requests} requests, client CPU {p:.2} µs/record, wall {:.0} ms",
        median(plain_wall)
    );
    println!("  CPU ratio atom/plain: {:.2}x", a / p);
    drop(server);
}
