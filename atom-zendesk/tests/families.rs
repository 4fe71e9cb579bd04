//! Users, organizations, satisfaction, Help Center, ticket fields: the exact request of each
//! call and decoding of the official examples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_zendesk::help_center::{ArticleCreateParams, ArticleUpdateParams};
use atom_zendesk::models::{Role, SatisfactionScore, Ticket};
use atom_zendesk::organizations::{OrganizationParams, OrganizationSearch};
use atom_zendesk::satisfaction::{SatisfactionListParams, SatisfactionSummary, ScoreFilter};
use atom_zendesk::users::{UserCreateParams, UserListParams, UserSearch, UserUpdateParams};
use chrono::{TimeZone, Utc};
use common::{client, example, json, query, requests};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn user_calls_send_their_requests() {
    let server = MockServer::start().await;
    let user = example("UserResponseExample");
    Mock::given(method("POST"))
        .and(path("/api/v2/users/create_or_update"))
        .and(body_json(json!({"user": {"name": "Jane", "email": "jane@example.com", "external_id": "crm-7", "role": "end-user"}})))
        .respond_with(json(201, &example("UserCreateResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/users/35436"))
        .and(body_json(
            json!({"user": {"phone": "+15551234", "suspended": true}}),
        ))
        .respond_with(json(200, &user))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v2/users/35436"))
        .respond_with(json(200, &user))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users"))
        .and(query_param("role", "agent"))
        .and(query_param("page[size]", "100"))
        .respond_with(json(200, &example("UsersResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/search"))
        .and(query_param("external_id", "crm-7"))
        .respond_with(json(200, &example("SearchUsersResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/35436/identities"))
        .respond_with(json(200, &example("UserIdentitiesResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/users/35436/identities"))
        .and(body_json(
            json!({"identity": {"type": "email", "value": "jane.doe@example.com"}}),
        ))
        .respond_with(json(201, &example("UserIdentityCreateResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/organization_memberships"))
        .and(body_json(
            json!({"organization_membership": {"user_id": 35436, "organization_id": 9}}),
        ))
        .respond_with(json(
            201,
            &example("OrganizationMembershipCreateResponseExample"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/35436/organization_memberships"))
        .respond_with(json(
            200,
            &example("OrganizationMembershipsResponseExample"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let u = client(&server.uri()).users();
    let upserted = u
        .create_or_update(&UserCreateParams {
            name: "Jane".into(),
            email: Some("jane@example.com".into()),
            external_id: Some("crm-7".into()),
            role: Some(Role::EndUser),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(upserted.id > 0);
    u.update(
        35436,
        &UserUpdateParams {
            phone: Some("+15551234".into()),
            suspended: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    u.delete(35436).await.unwrap();
    let agents: Vec<_> = u
        .list(&UserListParams {
            role: Some(Role::Agent),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(agents.len(), 2);
    let found: Vec<_> = u
        .search(&UserSearch::ExternalId("crm-7".into()))
        .try_collect()
        .await
        .unwrap();
    assert!(!found.is_empty());
    let ids: Vec<_> = u.identities(35436).try_collect().await.unwrap();
    let added = u
        .add_identity(35436, "email", "jane.doe@example.com")
        .await
        .unwrap();
    assert!(added.id > 0);
    assert!(!ids.is_empty());
    let m = u.add_to_organization(35436, 9).await.unwrap();
    assert!(m.id > 0);
    let ms: Vec<_> = u
        .organization_memberships(35436)
        .try_collect()
        .await
        .unwrap();
    assert!(!ms.is_empty());
    // create_or_update is safe to repeat: it went out with an idempotency key.
    let sent = requests(&server).await;
    assert!(sent[0].headers.contains_key("idempotency-key"));
}

#[tokio::test]
async fn organization_calls_send_their_requests() {
    let server = MockServer::start().await;
    let org = example("OrganizationResponseExample");
    Mock::given(method("POST"))
        .and(path("/api/v2/organizations/create_or_update"))
        .and(body_json(
            json!({"organization": {"name": "Acme", "external_id": "crm-acme", "tags": ["vip"]}}),
        ))
        .respond_with(json(200, &org))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/organizations/4112492"))
        .and(body_json(
            json!({"organization": {"notes": "renewal in May"}}),
        ))
        .respond_with(json(200, &org))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/organizations/search"))
        .and(query_param("name", "Acme"))
        .respond_with(json(200, &example("OrganizationsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/organizations"))
        .respond_with(json(200, &example("OrganizationsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    let o = client(&server.uri()).organizations();
    o.create_or_update(&OrganizationParams {
        name: Some("Acme".into()),
        external_id: Some("crm-acme".into()),
        tags: Some(vec!["vip".into()]),
        ..Default::default()
    })
    .await
    .unwrap();
    o.update(
        4112492,
        &OrganizationParams {
            notes: Some("renewal in May".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let found: Vec<_> = o
        .search(&OrganizationSearch::Name("Acme".into()))
        .try_collect()
        .await
        .unwrap();
    assert!(!found.is_empty());
    let all: Vec<_> = o.list().try_collect().await.unwrap();
    assert_eq!(all.len(), found.len());
}

fn ratings_page(scores: &[(u64, &str)], next: Option<&str>) -> Value {
    let ratings: Vec<Value> = scores
        .iter()
        .map(|(id, score)| json!({"id": id, "score": score, "ticket_id": 1}))
        .collect();
    json!({"satisfaction_ratings": ratings, "meta": {"has_more": next.is_some(), "after_cursor": next}})
}

#[tokio::test]
async fn the_satisfaction_summary_counts_every_rating_of_the_period() {
    let server = MockServer::start().await;
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0).unwrap();
    Mock::given(method("GET"))
        .and(path("/api/v2/satisfaction_ratings"))
        .and(query_param("start_time", "1704067200"))
        .and(query_param("end_time", "1706745600"))
        .and(wiremock::matchers::query_param_is_missing("page[after]"))
        .respond_with(json(
            200,
            &ratings_page(&[(1, "good"), (2, "bad"), (3, "good")], Some("n1")),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/satisfaction_ratings"))
        .and(query_param("page[after]", "n1"))
        .respond_with(json(
            200,
            &ratings_page(&[(4, "offered"), (5, "unoffered"), (6, "good")], None),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let s = client(&server.uri())
        .satisfaction_ratings()
        .summary(start, end)
        .await
        .unwrap();
    assert_eq!(
        (s.good, s.bad, s.offered_unanswered, s.unoffered, s.offered),
        (3, 1, 1, 1, 5)
    );
    assert_eq!(s.score_percent(), Some(75.0));
    assert_eq!(s.response_rate_percent(), Some(80.0));
    assert_eq!(SatisfactionSummary::default().score_percent(), None);
}

#[tokio::test]
async fn ratings_list_filters_by_score_and_get_decodes_both_shapes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/satisfaction_ratings"))
        .and(query_param("score", "bad_with_comment"))
        .respond_with(json(200, &example("SatisfactionRatingsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/satisfaction_ratings/35436"))
        .respond_with(json(200, &example("SatisfactionRatingResponseExample")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/satisfaction_ratings/7"))
        .respond_with(json(
            200,
            &json!({"satisfaction_rating": {"id": 7, "score": "bad", "reason": "Too slow"}}),
        ))
        .mount(&server)
        .await;
    let r = client(&server.uri()).satisfaction_ratings();
    let list: Vec<_> = r
        .list(&SatisfactionListParams {
            score: Some(ScoreFilter::BadWithComment),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        r.get(35436).await.unwrap().score,
        Some(SatisfactionScore::Good)
    );
    assert_eq!(r.get(7).await.unwrap().reason.as_deref(), Some("Too slow"));
}

fn article(id: u64, title: &str) -> Value {
    json!({"id": id, "title": title, "locale": "en-us", "section_id": 5, "label_names": ["printer"], "html_url": format!("https://acme.zendesk.com/hc/en-us/articles/{id}"), "draft": false})
}

#[tokio::test]
async fn help_center_calls_send_their_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/en-us/categories"))
        .respond_with(json(200, &json!({"categories": [{"id": 1, "name": "General", "locale": "en-us"}], "meta": {"has_more": false}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/en-us/categories/1/sections"))
        .respond_with(json(200, &json!({"sections": [{"id": 5, "category_id": 1, "name": "Printers"}], "meta": {"has_more": false}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/en-us/sections/5/articles"))
        .respond_with(json(
            200,
            &json!({"articles": [article(10, "Fire")], "meta": {"has_more": false}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/help_center/en-us/sections/5/articles"))
        .and(body_json(json!({"article": {"locale": "en-us", "title": "Fire", "body": "<p>Unplug it.</p>", "permission_group_id": 3, "user_segment_id": null, "label_names": ["printer"]}})))
        .respond_with(json(201, &json!({"article": article(11, "Fire")})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/help_center/en-us/articles/11"))
        .and(body_json(json!({"article": {"promoted": true}})))
        .respond_with(json(200, &json!({"article": article(11, "Fire")})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/api/v2/help_center/articles/11/translations/en-us"))
        .and(body_json(json!({"translation": {"title": "Fire!"}})))
        .respond_with(json(
            200,
            &json!({"translation": {"id": 1, "title": "Fire!"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/en-us/articles/11"))
        .respond_with(json(200, &json!({"article": article(11, "Fire")})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/help_center/articles/11/labels"))
        .and(body_json(json!({"label": {"name": "hardware"}})))
        .respond_with(json(201, &json!({"label": {"id": 2, "name": "hardware"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/articles/labels"))
        .respond_with(json(
            200,
            &json!({"labels": [{"id": 2, "name": "hardware"}], "next_page": null}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let hc = c.help_center("en-us");
    assert_eq!(
        hc.categories().try_collect::<Vec<_>>().await.unwrap().len(),
        1
    );
    assert_eq!(
        hc.sections(Some(1))
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        hc.articles(Some(5))
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    hc.create_article(
        5,
        &ArticleCreateParams {
            title: "Fire".into(),
            body: Some("<p>Unplug it.</p>".into()),
            permission_group_id: 3,
            label_names: vec!["printer".into()],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    hc.update_article(
        11,
        &ArticleUpdateParams {
            promoted: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    hc.update_translation(11, Some("Fire!"), None)
        .await
        .unwrap();
    assert_eq!(
        hc.get_article(11).await.unwrap().label_names,
        vec!["printer"]
    );
    assert_eq!(hc.add_label(11, "hardware").await.unwrap().id, 2);
    assert_eq!(hc.labels().try_collect::<Vec<_>>().await.unwrap().len(), 1);
}

#[tokio::test]
async fn articles_for_a_ticket_search_by_subject_words_and_tags_then_words_alone() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/articles/search"))
        .and(query_param("label_names", "printer,vip"))
        .respond_with(json(
            200,
            &json!({"results": [], "count": 0, "next_page": null}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/help_center/articles/search"))
        .and(wiremock::matchers::query_param_is_missing("label_names"))
        .respond_with(json(200, &json!({"results": [article(1, "a"), article(2, "b"), article(3, "c")], "count": 3, "next_page": null})))
        .expect(1)
        .mount(&server)
        .await;
    let ticket: Ticket = serde_json::from_value(json!({"id": 1, "subject": "Help, my printer is on fire! type:user \"x\"", "tags": ["printer", "vip"]})).unwrap();
    let found = client(&server.uri())
        .help_center("en-us")
        .articles_for_ticket(&ticket, 2)
        .await
        .unwrap();
    assert_eq!(found.iter().map(|a| a.id).collect::<Vec<_>>(), vec![1, 2]);
    let sent = requests(&server).await;
    // Only the subject's words reach the query: no syntax from the ticket.
    assert_eq!(
        query(&sent[0], "query").as_deref(),
        Some("Help my printer is on fire type user")
    );
    assert_eq!(query(&sent[0], "locale").as_deref(), Some("en-us"));
}

#[tokio::test]
async fn ticket_fields_by_title_and_custom_statuses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/ticket_fields"))
        .respond_with(json(200, &example("TicketFieldsResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/custom_statuses"))
        .respond_with(json(200, &example("CustomStatusesResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let ids = c.ticket_fields().ids_by_title().await.unwrap();
    let fields = example("TicketFieldsResponseExample");
    let first = &fields["ticket_fields"][0];
    assert_eq!(
        ids.get(first["title"].as_str().unwrap()),
        first["id"].as_u64().as_ref()
    );
    let statuses: Vec<_> = c.custom_statuses().list().try_collect().await.unwrap();
    assert!(!statuses.is_empty());
    assert!(statuses.iter().all(|s| s.status_category.is_some()));
}

#[tokio::test]
async fn a_connector_request_goes_through_the_same_path() {
    use atom_core::Connector as _;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/macros"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"macros":[]}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let info = c.info();
    assert_eq!(info.service, "zendesk");
    let response = c
        .request(atom_core::Request::get("/api/v2/macros"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    let sent = requests(&server).await;
    assert!(sent[0].headers.contains_key("authorization"));
}

#[tokio::test]
async fn many_users_come_in_one_show_many_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/show_many"))
        .and(query_param("ids", "345678,901234"))
        .respond_with(json(200, &example("UsersResponseExample")))
        .expect(1)
        .mount(&server)
        .await;
    let users = client(&server.uri())
        .users()
        .get_many(&[345678, 901234])
        .await
        .unwrap();
    assert!(!users.is_empty());
    let none = client(&server.uri())
        .users()
        .get_many(&[])
        .await
        .unwrap_err();
    assert_eq!(none.kind(), atom_core::ErrorKind::Config);
    let too_many: Vec<u64> = (1..=101).collect();
    let refused = client(&server.uri())
        .users()
        .get_many(&too_many)
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), atom_core::ErrorKind::Config);
    assert_eq!(
        requests(&server).await.len(),
        1,
        "refused batches send nothing"
    );
}
