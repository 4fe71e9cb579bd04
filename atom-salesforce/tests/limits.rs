//! Per-org pacing: at most 25 calls in flight per org, and orgs do not wait for each other.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use atom_core::{RateLimiter, Secret};
use atom_salesforce::Client;
use atom_salesforce::client::default_limits;
use common::data;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn org_client(server: &MockServer, limiter: &Arc<RateLimiter>, org: &str) -> Client {
    Client::builder()
        .instance_url(server.uri())
        .access_token(Secret::new("t"))
        .shared_limiter(limiter.clone())
        .tenant(org)
        .build()
        .unwrap()
}

#[tokio::test]
async fn twenty_five_in_flight_per_org() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_millis(250)),
        )
        .mount(&server)
        .await;
    let limiter = Arc::new(RateLimiter::new("salesforce", default_limits()));
    let a = org_client(&server, &limiter, "00DA0000000AAAA");
    let b = org_client(&server, &limiter, "00DB0000000BBBB");

    // 25 calls for each of two orgs at once: one round each, in parallel.
    let started = Instant::now();
    let calls = (0..25).flat_map(|_| {
        let (a, b) = (a.clone(), b.clone());
        [
            tokio::spawn(async move { a.limits().get().await }),
            tokio::spawn(async move { b.limits().get().await }),
        ]
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    let two_orgs = started.elapsed();
    assert!(
        two_orgs < Duration::from_millis(480),
        "orgs are limited separately: {two_orgs:?}"
    );

    // 26 calls for one org: the 26th waits for a slot.
    let started = Instant::now();
    let calls = (0..26).map(|_| {
        let a = a.clone();
        tokio::spawn(async move { a.limits().get().await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    let one_org = started.elapsed();
    assert!(
        one_org >= Duration::from_millis(500),
        "26th call waited: {one_org:?}"
    );
}

#[test]
fn the_client_is_a_connector() {
    use atom_core::Connector;
    let client = Client::builder()
        .instance_url("https://acme.my.salesforce.com")
        .access_token(Secret::new("t"))
        .build()
        .unwrap();
    let all: Vec<Box<dyn Connector>> = vec![Box::new(client)];
    assert_eq!(all[0].service(), "salesforce");
    assert_eq!(all[0].info().display_name, "Salesforce");
    assert!(
        Client::builder()
            .instance_url("http://acme.my.salesforce.com")
            .access_token(Secret::new("t"))
            .build()
            .is_err(),
        "plain http off loopback is refused"
    );
    assert!(
        Client::builder()
            .instance_url("https://x.example")
            .build()
            .is_err()
    );
    assert!(
        Client::builder()
            .instance_url("https://x.example")
            .access_token(Secret::new("t"))
            .api_version("latest")
            .build()
            .is_err()
    );
}

#[tokio::test]
async fn the_api_version_is_configurable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/services/data/v62.0/limits"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .instance_url(server.uri())
        .access_token(Secret::new("t"))
        .api_version("v62.0")
        .build()
        .unwrap();
    assert_eq!(client.api_version(), "62.0");
    client.limits().get().await.unwrap();
}
