//! Tickets: the exact request of each call, idempotent create, decoding of the official
//! examples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_zendesk::models::{CustomField, Priority, TicketStatus};
use atom_zendesk::tickets::{
    CommentParams, IdempotencyLookup, Requester, TicketCreateParams, TicketListParams,
    TicketMergeParams, TicketUpdateParams,
};
use common::{client, example, json, query, requests};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn create_params() -> TicketCreateParams {
    TicketCreateParams {
        subject: Some("Payment failed".into()),
        comment: Some(CommentParams::public("Your card was declined.")),
        requester: Some(Requester::new("jane@example.com", "Jane")),
        tags: vec!["billing".into()],
        custom_fields: vec![CustomField::new(27642, "745")],
        external_id: Some("pi_123".into()),
        priority: Some(Priority::High),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_sends_the_ticket_with_basic_token_auth_and_an_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .and(header("idempotency-key", "payment-failed-pi_123"))
        // base64("agent@example.com/token:zd-test-token")
        .and(header(
            "authorization",
            "Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46emQtdGVzdC10b2tlbg==",
        ))
        .and(body_json(json!({"ticket": {
            "subject": "Payment failed",
            "comment": {"body": "Your card was declined.", "public": true},
            "requester": {"name": "Jane", "email": "jane@example.com"},
            "tags": ["billing"],
            "custom_fields": [{"id": 27642, "value": "745"}],
            "external_id": "pi_123",
            "priority": "high"
        }})))
        .respond_with(
            json(201, &example("TicketResponseExample"))
                .insert_header("x-idempotency-lookup", "miss"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let params = TicketCreateParams {
        idempotency_key: Some("payment-failed-pi_123".into()),
        ..create_params()
    };
    let created = client(&server.uri())
        .tickets()
        .create(&params)
        .await
        .unwrap();
    assert_eq!(created.ticket.id, 35436);
    assert_eq!(created.idempotency_lookup, Some(IdempotencyLookup::Miss));
    assert_eq!(created.idempotency_key, "payment-failed-pi_123");
}

#[tokio::test]
async fn a_retried_create_carries_the_same_generated_key_and_reports_the_hit() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .and(header_exists("idempotency-key"))
        .respond_with(
            json(201, &example("TicketResponseExample"))
                .insert_header("x-idempotency-lookup", "hit"),
        )
        .mount(&server)
        .await;
    let created = client(&server.uri())
        .tickets()
        .create(&create_params())
        .await
        .unwrap();
    assert_eq!(created.idempotency_lookup, Some(IdempotencyLookup::Hit));
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2, "one retry");
    let keys: Vec<_> = sent
        .iter()
        .map(|r| {
            r.headers
                .get("idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(keys[0], keys[1], "the same key on the retry");
    assert_eq!(keys[0], created.idempotency_key);
    assert!(uuid_like(&keys[0]));
}

fn uuid_like(key: &str) -> bool {
    key.len() == 36 && key.chars().filter(|&c| c == '-').count() == 4
}

#[tokio::test]
async fn update_sends_status_tags_fields_and_a_private_comment() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35436"))
        .and(body_json(json!({"ticket": {
            "comment": {"body": "Called the bank.", "public": false},
            "status": "pending",
            "assignee_id": 7,
            "group_id": 9,
            "additional_tags": ["called"],
            "remove_tags": ["new"],
            "custom_fields": [{"id": 27648, "value": null}]
        }})))
        .respond_with(json(200, &example("TicketUpdateResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    let updated = client(&server.uri())
        .tickets()
        .update(
            35436,
            &TicketUpdateParams {
                comment: Some(CommentParams::private("Called the bank.")),
                status: Some(TicketStatus::Pending),
                assignee_id: Some(7),
                group_id: Some(9),
                additional_tags: vec!["called".into()],
                remove_tags: vec!["new".into()],
                custom_fields: vec![CustomField::clear(27648)],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.ticket.status, Some(TicketStatus::Open));
    assert_eq!(updated.audit.unwrap().events.len(), 4);
}

#[tokio::test]
async fn get_get_many_delete_and_merge_send_their_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/35436"))
        .respond_with(json(200, &example("TicketResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/show_many"))
        .respond_with(json(200, &example("TicketsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/tickets/35436"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets/1/merge"))
        .and(body_json(
            json!({"ids": [2, 3], "target_comment": "merged"}),
        ))
        .respond_with(json(200, &example("JobStatusResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    let tickets = client(&server.uri()).tickets();
    let ticket = tickets.get(35436).await.unwrap();
    assert_eq!(
        ticket.subject.as_deref(),
        Some("Help, my printer is on fire!")
    );
    let many = tickets.get_many(&[35436, 20057623]).await.unwrap();
    assert!(!many.is_empty());
    tickets.delete(35436).await.unwrap();
    let job = tickets
        .merge(
            1,
            &TicketMergeParams {
                ids: vec![2, 3],
                target_comment: Some("merged".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(job.results.len(), 2);
    let sent = requests(&server).await;
    assert_eq!(query(&sent[1], "ids").as_deref(), Some("35436,20057623"));
}

#[tokio::test]
async fn list_walks_cursor_pages_with_page_size_and_after() {
    let server = MockServer::start().await;
    let mut first = example("TicketsResponseExample");
    first["meta"] = json!({"has_more": true, "after_cursor": "c2", "before_cursor": null});
    first["links"] = json!({"next": "https://acme.zendesk.com/api/v2/tickets?page%5Bafter%5D=c2"});
    let mut second = example("TicketsResponseExample");
    second["meta"] = json!({"has_more": false, "after_cursor": null});
    Mock::given(method("GET"))
        .and(path("/api/v2/organizations/509974/tickets"))
        .and(wiremock::matchers::query_param_is_missing("page[after]"))
        .respond_with(json(200, &first))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/organizations/509974/tickets"))
        .and(wiremock::matchers::query_param("page[after]", "c2"))
        .respond_with(json(200, &second))
        .expect(1)
        .mount(&server)
        .await;
    let params = TicketListParams {
        sort: Some("-updated_at".into()),
        page_size: Some(50),
        ..Default::default()
    };
    let all: Vec<_> = client(&server.uri())
        .tickets()
        .list_by_organization(509974, &params)
        .try_collect()
        .await
        .unwrap();
    let per_page = example("TicketsResponseExample")["tickets"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(all.len(), per_page * 2);
    let sent = requests(&server).await;
    assert_eq!(query(&sent[0], "page[size]").as_deref(), Some("50"));
    assert_eq!(query(&sent[0], "sort").as_deref(), Some("-updated_at"));
    assert_eq!(query(&sent[1], "sort").as_deref(), Some("-updated_at"));
}

#[tokio::test]
async fn comments_and_requester_lists_hit_their_paths() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets/7/comments"))
        .respond_with(json(200, &example("TicketCommentsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/8/tickets/requested"))
        .respond_with(json(200, &example("TicketsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let comments: Vec<_> = c.tickets().comments(7).try_collect().await.unwrap();
    assert!(!comments.is_empty());
    let requested: Vec<_> = c
        .tickets()
        .list_by_requester(8, &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert!(!requested.is_empty());
}

#[test]
fn unknown_fields_are_kept_and_custom_fields_typed() {
    let body = example("TicketResponseExample");
    let ticket: atom_zendesk::models::Ticket =
        serde_json::from_value(body["ticket"].clone()).unwrap();
    assert!(ticket.extra.contains_key("from_messaging_channel") || !ticket.extra.is_empty());
    assert_eq!(
        ticket.custom_field(27642).and_then(|v| v.as_text()),
        Some("745")
    );
    let back: Value = serde_json::to_value(&ticket).unwrap();
    for key in body["ticket"].as_object().unwrap().keys() {
        assert!(back.get(key).is_some(), "{key} kept");
    }
}

#[tokio::test]
async fn a_list_resumes_from_its_checkpoint_without_repeating_items() {
    let server = MockServer::start().await;
    let page = |ids: &[u64], next: Option<&str>| {
        let tickets: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        json!({"tickets": tickets, "meta": {"has_more": next.is_some(), "after_cursor": next}})
    };
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets"))
        .and(wiremock::matchers::query_param_is_missing("page[after]"))
        .respond_with(json(200, &page(&[1, 2, 3], Some("a"))))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets"))
        .and(wiremock::matchers::query_param("page[after]", "a"))
        .respond_with(json(200, &page(&[4, 5], None)))
        .mount(&server)
        .await;
    let tickets = client(&server.uri()).tickets();
    let mut stream = tickets.list(&TicketListParams::default());
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(stream.try_next().await.unwrap().unwrap().id);
    }
    let saved = stream.checkpoint();
    drop(stream);
    let rest: Vec<_> = tickets
        .list_from(&TicketListParams::default(), saved)
        .try_collect()
        .await
        .unwrap();
    seen.extend(rest.iter().map(|t| t.id));
    assert_eq!(seen, vec![1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn a_batch_with_an_empty_change_sends_nothing() {
    let server = MockServer::start().await;
    let updates = [
        atom_zendesk::tickets::TicketBatchUpdate::new(
            1,
            TicketUpdateParams {
                status: Some(TicketStatus::Open),
                ..Default::default()
            },
        ),
        atom_zendesk::tickets::TicketBatchUpdate::new(2, TicketUpdateParams::default()),
    ];
    let err = client(&server.uri())
        .tickets()
        .update_many(&updates)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::Config);
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn the_same_change_to_many_tickets_and_a_lookup_by_external_id() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/update_many"))
        .and(wiremock::matchers::query_param("ids", "1,2,3"))
        .and(body_json(
            json!({"ticket": {"status": "solved", "additional_tags": ["bulk"]}}),
        ))
        .respond_with(json(200, &example("JobStatusResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/tickets"))
        .and(wiremock::matchers::query_param("external_id", "pi_123"))
        .respond_with(json(200, &example("TicketsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    let t = client(&server.uri()).tickets();
    let job = t
        .update_many_ids(
            &[1, 2, 3],
            &TicketUpdateParams {
                status: Some(TicketStatus::Solved),
                additional_tags: vec!["bulk".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(job.results.len(), 2);
    let found: Vec<_> = t
        .list(&TicketListParams {
            external_id: Some("pi_123".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert!(!found.is_empty());
}
