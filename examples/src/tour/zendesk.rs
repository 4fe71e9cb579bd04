//! The Zendesk leg: atom-zendesk against a local mock loaded with Zendesk's official
//! examples: an idempotent ticket create (retried once), a private comment, a search, a
//! satisfaction summary, Help Center articles for the ticket, and a verified webhook.

use std::time::Duration;

use atom_core::{Connector as _, Envelope, RateLimitConfig, RetryPolicy, Secret};
use atom_zendesk::Client;
use atom_zendesk::models::TicketStatus;
use atom_zendesk::search::{SearchQuery, SearchType};
use atom_zendesk::tickets::{CommentParams, Requester, TicketCreateParams};
use atom_zendesk::webhook::{Webhook, WebhookEvent, signed_headers};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{LegResult, ensure, section, show, step};

const EXAMPLES: &str = include_str!("../../../atom-zendesk/tests/fixtures/examples.json");

fn example(all: &Value, name: &str) -> Value {
    all.get(name).cloned().unwrap_or(Value::Null)
}

fn answer(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

/// Runs the Zendesk leg.
pub async fn run() -> LegResult {
    section(
        "atom-zendesk: tickets, search, satisfaction, Help Center, webhooks (local mock with Zendesk's examples)",
    );
    let all: Value = serde_json::from_str(EXAMPLES)?;
    let server = MockServer::start().await;
    let key = "payment-failed-pi_3MtwBwLkdIwHu7ix28a3tqPa";

    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(
            answer(200, &example(&all, "UserResponseExample"))
                .insert_header("ratelimit-remaining", "399"),
        )
        .mount(&server)
        .await;
    // The first create attempt times out at the gateway; the retry carries the same key.
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .and(header("idempotency-key", key))
        .respond_with(
            answer(201, &example(&all, "TicketResponseExample"))
                .insert_header("x-idempotency-lookup", "miss"),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/tickets/35436"))
        .and(body_partial_json(
            json!({"ticket": {"comment": {"public": false}}}),
        ))
        .respond_with(answer(200, &example(&all, "TicketUpdateResponseExample")))
        .mount(&server)
        .await;
    let mut search = example(&all, "SearchResponseExample");
    search["next_page"] = Value::Null;
    search["count"] = json!(1);
    search["results"] = json!([{"id": 35436, "result_type": "ticket", "subject": "Help, my printer is on fire!", "status": "open", "tags": ["printer"]}]);
    Mock::given(method("GET"))
        .and(path("/api/v2/search"))
        .respond_with(answer(200, &search))
        .mount(&server)
        .await;
    let mut ratings = example(&all, "SatisfactionRatingsResponseExample");
    if let Some(list) = ratings["satisfaction_ratings"].as_array_mut() {
        list.push(json!({"id": 3, "score": "bad", "ticket_id": 210}));
        list.push(json!({"id": 4, "score": "offered", "ticket_id": 211}));
    }
    ratings["meta"] = json!({"has_more": false, "after_cursor": null});
    Mock::given(method("GET"))
        .and(path("/api/v2/satisfaction_ratings"))
        .respond_with(answer(200, &ratings))
        .mount(&server)
        .await;
    // Help Center (not in the Support description): an article shaped like Zendesk's docs.
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/articles/search"))
        .and(query_param("locale", "en-us"))
        .respond_with(answer(200, &json!({"results": [{"id": 360001, "title": "What to do when your printer catches fire", "html_url": "https://acme.zendesk.com/hc/en-us/articles/360001", "locale": "en-us", "label_names": ["printer"], "snippet": "Unplug the <em>printer</em>..."}], "count": 1, "next_page": null})))
        .mount(&server)
        .await;

    let zendesk = Client::builder()
        .base_url(server.uri())
        .api_token("agent@acme.com", Secret::new("tour-api-token"))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .rate_limits(RateLimitConfig::new(400, Duration::from_secs(60), 20))
        .build()?;

    let health = zendesk.health().await;
    step("health: GET /api/v2/users/me");
    show(&Envelope::from_result(
        "zendesk",
        health.map(|h| h.rate_limit.and_then(|r| r.remaining)),
    ));

    let created = zendesk
        .tickets()
        .create(&TicketCreateParams {
            subject: Some("Payment failed".into()),
            comment: Some(CommentParams::public("Your card payment was declined.")),
            requester: Some(Requester::new("jane@example.com", "Jane")),
            external_id: Some("pi_3MtwBwLkdIwHu7ix28a3tqPa".into()),
            tags: vec!["billing".into()],
            idempotency_key: Some(key.into()),
            ..Default::default()
        })
        .await?;
    let posts = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .filter_map(|r| {
            r.headers
                .get("idempotency-key")
                .map(|v| v.as_bytes().to_vec())
        })
        .collect::<Vec<_>>();
    step(&format!(
        "created ticket {} after a 503 and one retry; both attempts sent Idempotency-Key {key} (lookup: {:?})",
        created.ticket.id, created.idempotency_lookup
    ));
    ensure(
        posts.len() == 2 && posts.iter().all(|k| k == key.as_bytes()),
        "the retry carried the same idempotency key",
    )?;

    let noted = zendesk
        .tickets()
        .comment(
            created.ticket.id,
            CommentParams::private("Retry scheduled by the billing system."),
        )
        .await?;
    step("added a private comment (an internal note)");
    show(&Envelope::from_result(
        "zendesk",
        Ok::<_, atom_core::Error>(
            json!({"ticket": noted.ticket.id, "audit_events": noted.audit.map(|a| a.events.len())}),
        ),
    ));

    let query = SearchQuery::new()
        .kind(SearchType::Ticket)
        .status_below(TicketStatus::Solved)
        .phrase("printer on fire");
    let found: Vec<_> = zendesk
        .search()
        .search(&query, &Default::default())
        .try_collect()
        .await?;
    step(&format!(
        "searched `{}`: {} result(s)",
        query.build()?,
        found.len()
    ));
    ensure(found.len() == 1, "one search result")?;

    let end = chrono::Utc::now();
    let summary = zendesk
        .satisfaction_ratings()
        .summary(end - chrono::Duration::days(30), end)
        .await?;
    step(&format!(
        "satisfaction over 30 days: {} good, {} bad, {} offered, score {:?}%",
        summary.good,
        summary.bad,
        summary.offered,
        summary.score_percent().map(|s| s.round())
    ));
    ensure(
        summary.good == 2 && summary.bad == 1 && summary.offered == 4,
        "summary counted",
    )?;

    let articles = zendesk
        .help_center("en-us")
        .articles_for_ticket(&created.ticket, 3)
        .await?;
    step("Help Center articles that may answer the ticket (by its subject and tags):");
    for a in &articles {
        println!("    {} {}", a.id, a.title.as_deref().unwrap_or_default());
    }
    ensure(!articles.is_empty(), "an article found")?;

    let secret = Secret::new("tour-webhook-secret");
    let body = br#"{"type":"zen:event-type:ticket.status_changed","id":"e-1","subject":"zen:ticket:35436","time":"2025-01-08T10:12:07Z","account_id":1,"detail":{"id":"35436","status":"SOLVED"},"event":{"current":"SOLVED","previous":"OPEN"}}"#;
    let headers = signed_headers(&secret, chrono::Utc::now(), body);
    let event = Webhook::new([Secret::new("old-secret"), secret]).verify(&headers, body);
    step("verified a ticket webhook (X-Zendesk-Webhook-Signature, two secrets during rotation)");
    let ticket = match &event {
        Ok(WebhookEvent::Ticket(e)) => e.ticket_id(),
        _ => None,
    };
    ensure(ticket == Some(35436), "webhook verified")?;
    let tampered = Webhook::new([Secret::new("tour-webhook-secret")]).verify(&headers, b"{}");
    step("the same signature on another body is refused");
    ensure(
        tampered.is_err_and(|e| e.kind() == atom_core::ErrorKind::WebhookSignature),
        "tampered webhook refused",
    )
}
