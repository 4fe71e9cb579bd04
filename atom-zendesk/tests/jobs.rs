//! Bulk calls and job statuses polled with backoff; failed items surfaced per item.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atom_core::ErrorKind;
use atom_zendesk::jobs::JobWait;
use atom_zendesk::models::{JobState, JobStatus, TicketStatus};
use atom_zendesk::tickets::{
    CommentParams, TicketBatchUpdate, TicketCreateParams, TicketUpdateParams,
};
use common::{client, example, json, requests};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer};

fn quick(polls: u32) -> JobWait {
    JobWait::new(Duration::from_millis(1), Duration::from_millis(4), polls)
}

fn job(status: &str, results: serde_json::Value) -> serde_json::Value {
    json!({"job_status": {"id": "82de0b044094f0c67893ac9fe64f1a99", "status": status,
        "progress": 2, "total": 2, "message": null, "results": results,
        "url": "https://example.zendesk.com/api/v2/job_statuses/82de0b044094f0c67893ac9fe64f1a99"}})
}

async fn serve_job_sequence(server: &MockServer, bodies: Vec<serde_json::Value>) {
    let n = bodies.len();
    for (i, body) in bodies.into_iter().enumerate() {
        let mock = Mock::given(method("GET"))
            .and(path(
                "/api/v2/job_statuses/82de0b044094f0c67893ac9fe64f1a99",
            ))
            .respond_with(json(200, &body));
        let mock = if i + 1 < n {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(server).await;
    }
}

#[tokio::test]
async fn create_many_posts_the_batch_and_polls_the_job_to_completion() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets/create_many"))
        .and(body_json(json!({"tickets": [
            {"subject": "A", "comment": {"body": "a"}},
            {"subject": "B", "comment": {"body": "b"}}
        ]})))
        .respond_with(json(200, &job("queued", json!(null))))
        .expect(1)
        .mount(&server)
        .await;
    serve_job_sequence(
        &server,
        vec![
            job("queued", json!(null)),
            job("working", json!([])),
            example("JobStatusResponseExample"),
        ],
    )
    .await;
    let tickets: Vec<_> = ["A", "B"]
        .iter()
        .map(|s| TicketCreateParams {
            subject: Some((*s).into()),
            comment: Some(CommentParams {
                body: Some(s.to_lowercase()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let done = client(&server.uri())
        .tickets()
        .create_many_and_wait(&tickets, &quick(10))
        .await
        .unwrap();
    assert_eq!(done.status, Some(JobState::Completed));
    assert_eq!(done.results.len(), 2);
    assert_eq!(done.results[0].id, Some(244));
    // 1 create + 3 polls: the stream of polls stopped at the final state.
    assert_eq!(requests(&server).await.len(), 4);
}

#[tokio::test]
async fn per_item_failures_are_surfaced_each() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/update_many"))
        .and(body_json(json!({"tickets": [
            {"id": 1, "status": "solved"}, {"id": 2, "status": "solved"}
        ]})))
        .respond_with(json(200, &job("queued", json!(null))))
        .expect(1)
        .mount(&server)
        .await;
    serve_job_sequence(
        &server,
        vec![job(
            "completed",
            json!([
                {"id": 1, "index": 0, "action": "update", "status": "Updated", "success": true},
                {"id": 2, "index": 1, "error": "TicketUpdateFailed", "details": "Status: closed prevents ticket update", "success": false}
            ]),
        )],
    )
    .await;
    let updates: Vec<_> = [1, 2]
        .into_iter()
        .map(|id| {
            TicketBatchUpdate::new(
                id,
                TicketUpdateParams {
                    status: Some(TicketStatus::Solved),
                    ..Default::default()
                },
            )
        })
        .collect();
    let err = client(&server.uri())
        .tickets()
        .update_many_and_wait(&updates, &quick(3))
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("JobItemsFailed"));
    assert_eq!(err.details().len(), 1);
    assert_eq!(err.details()[0].code.as_deref(), Some("TicketUpdateFailed"));
    assert!(err.details()[0].message.contains("id 2"));
    let job = err.provider_details::<JobStatus>().unwrap();
    assert_eq!(job.results.len(), 2, "successful items stay reachable");
}

#[tokio::test]
async fn a_failed_job_is_an_error_and_a_job_that_never_ends_times_out() {
    let server = MockServer::start().await;
    serve_job_sequence(&server, vec![json!({"job_status": {"id": "82de0b044094f0c67893ac9fe64f1a99", "status": "failed", "message": "Internal error", "results": "boom"}})]).await;
    let c = client(&server.uri());
    let err = c
        .jobs()
        .wait("82de0b044094f0c67893ac9fe64f1a99", &quick(3))
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("JobFailed"));
    assert!(err.message().contains("Internal error"));

    let server = MockServer::start().await;
    serve_job_sequence(&server, vec![job("working", json!(null))]).await;
    let err = client(&server.uri())
        .jobs()
        .wait("82de0b044094f0c67893ac9fe64f1a99", &quick(4))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert_eq!(requests(&server).await.len(), 4, "exactly max_polls polls");
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let wait = JobWait::new(Duration::from_secs(1), Duration::from_secs(30), 10);
    let delays: Vec<u64> = (0..7).map(|n| wait.delay(n).as_secs()).collect();
    assert_eq!(delays, vec![1, 2, 4, 8, 16, 30, 30]);
    assert_eq!(wait.delay(u32::MAX), Duration::from_secs(30));
}

#[test]
fn the_official_job_examples_decode() {
    for name in ["JobStatusResponseExample", "ShowJobStatusResponseExample"] {
        let job: JobStatus = serde_json::from_value(example(name)["job_status"].clone()).unwrap();
        assert!(job.is_final());
        assert_eq!(job.failures().count(), 0);
    }
}
