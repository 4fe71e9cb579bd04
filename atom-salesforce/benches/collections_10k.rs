//! Writes 10 000 records against a local mock, two ways: through sObject Collections
//! (chunks of 200, four in flight) and as one Bulk API 2.0 ingest job. Prints the requests
//! made and the time taken.
//!
//! Run: `cargo bench -p atom-salesforce --bench collections_10k`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use atom_core::Secret;
use atom_salesforce::bulk::{IngestOperation, PollPolicy};
use atom_salesforce::bulk_csv::CsvTable;
use atom_salesforce::{Account, Client};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const RECORDS: usize = 10_000;
const JOB: &str = "7505f00000EXAMPAA5";

fn echo(req: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
    let n = body["records"].as_array().map_or(0, Vec::len);
    let results: Vec<Value> = (0..n)
        .map(|i| json!({"id": format!("001D0000{i:010}"), "success": true, "errors": []}))
        .collect();
    ResponseTemplate::new(200).set_body_json(results)
}

fn accounts() -> Vec<Account> {
    (0..RECORDS)
        .map(|i| {
            let mut a = Account {
                name: Some(format!("Account {i}, \"bench\"")),
                annual_revenue: Some(atom_salesforce::Decimal::from(i as i64 * 1000)),
                ..Default::default()
            };
            a.set_extra("External_Id__c", format!("ext-{i}"));
            a
        })
        .collect()
}

async fn collections(server: &MockServer, client: &Client) {
    Mock::given(method("POST"))
        .and(path("/services/data/v67.0/composite/sobjects"))
        .respond_with(echo)
        .mount(server)
        .await;
    let records = accounts();
    let started = Instant::now();
    let results = client.collections().create(&records, false).await.unwrap();
    let took = started.elapsed();
    let received = server.received_requests().await.unwrap_or_default();
    let requests = received.len();
    assert_eq!(results.len(), RECORDS);
    assert!(results.iter().all(|r| r.success), "every record written");
    assert_eq!(requests, 50, "{requests} requests");
    for request in &received {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        assert_eq!(body["records"].as_array().map_or(0, Vec::len), 200);
    }
    println!(
        "collections: {RECORDS} records, {requests} requests, {took:?} ({:.0} records/s)",
        RECORDS as f64 / took.as_secs_f64()
    );
}

async fn bulk(server: &MockServer, client: &Client) {
    let job = |state: &str| json!({"id": JOB, "object": "Account", "operation": "insert", "state": state});
    Mock::given(method("POST"))
        .and(path("/services/data/v67.0/jobs/ingest"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("Open")))
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path_regex("/jobs/ingest/.*/batches$"))
        .respond_with(ResponseTemplate::new(201))
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path_regex("/jobs/ingest/[A-Za-z0-9]+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("UploadComplete")))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/jobs/ingest/[A-Za-z0-9]+$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("JobComplete")))
        .mount(server)
        .await;
    let records = accounts();
    let started = Instant::now();
    let table = CsvTable::from_records(&records).unwrap();
    let bulk = client.bulk();
    let closed = bulk
        .ingest("Account", IngestOperation::Insert, None, &table)
        .await
        .unwrap();
    let policy = PollPolicy::default().initial(Duration::from_millis(1));
    bulk.wait_ingest(&closed.id, &policy).await.unwrap();
    let took = started.elapsed();
    let requests = server.received_requests().await.unwrap_or_default();
    let csv_bytes = requests
        .iter()
        .filter(|r| r.method.as_str() == "PUT")
        .map(|r| r.body.len())
        .sum::<usize>();
    println!(
        "bulk 2.0:    {RECORDS} records, {} requests (one job, {csv_bytes} CSV bytes), {took:?}",
        requests.len()
    );
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .access_token(Secret::new("bench"))
        .build()
        .unwrap()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = MockServer::start().await;
        collections(&server, &client(&server)).await;
        let server = MockServer::start().await;
        bulk(&server, &client(&server)).await;
    });
}
