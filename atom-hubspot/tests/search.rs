//! Search: the exact body, paging to the end, the 10 000-result ceiling, the walk past it,
//! and searches beyond HubSpot's limits refused before any request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_hubspot::search::{Filter, FilterGroup, SearchParams, Sort};
use common::{body, client, record, requests};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[tokio::test]
async fn the_body_carries_groups_sorts_properties_query_and_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/deals/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "results": []})))
        .mount(&server)
        .await;
    let params = SearchParams::new()
        .group(
            FilterGroup::new()
                .and(Filter::eq("dealstage", "closedwon"))
                .and(Filter::between(
                    "closedate",
                    "1704067200000",
                    "1711929599999",
                )),
        )
        .group(FilterGroup::new().and(Filter::is_in("pipeline", ["default", "enterprise"])))
        .group(FilterGroup::new().and(Filter::not_has_property("hs_lost_reason")))
        .sort(Sort::desc("amount"))
        .properties(["dealname", "amount"])
        .query("acme")
        .limit(200);
    let found: Vec<_> = client(&server.uri())
        .deals()
        .search(&params)
        .try_collect()
        .await
        .unwrap();
    assert!(found.is_empty());
    assert_eq!(
        body(&requests(&server).await[0]),
        json!({
            "filterGroups": [
                {"filters": [
                    {"propertyName": "dealstage", "operator": "EQ", "value": "closedwon"},
                    {"propertyName": "closedate", "operator": "BETWEEN", "value": "1704067200000", "highValue": "1711929599999"}
                ]},
                {"filters": [{"propertyName": "pipeline", "operator": "IN", "values": ["default", "enterprise"]}]},
                {"filters": [{"propertyName": "hs_lost_reason", "operator": "NOT_HAS_PROPERTY"}]}
            ],
            "sorts": [{"propertyName": "amount", "direction": "DESCENDING"}],
            "properties": ["dealname", "amount"],
            "query": "acme",
            "limit": 200,
            "after": "0"
        })
    );
}

#[tokio::test]
async fn a_hostile_value_stays_a_json_string() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "results": []})))
        .mount(&server)
        .await;
    let evil =
        r#"x"}],"filterGroups":[{"filters":[{"propertyName":"email","operator":"HAS_PROPERTY"#;
    let _: Vec<_> = client(&server.uri())
        .contacts()
        .search(&SearchParams::new().filter(Filter::eq("email", evil)))
        .try_collect()
        .await
        .unwrap();
    let sent = body(&requests(&server).await[0]);
    assert_eq!(sent["filterGroups"].as_array().unwrap().len(), 1);
    assert_eq!(sent["filterGroups"][0]["filters"][0]["value"], evil);
}

/// Serves `total` records in pages of `limit`, following the body's `after`.
struct Pages {
    total: usize,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let after: usize = body["after"].as_str().unwrap().parse().unwrap();
        let limit = body["limit"].as_u64().unwrap() as usize;
        let end = (after + limit).min(self.total);
        let results: Vec<Value> = (after..end)
            .map(|i| record(&(i + 1).to_string(), json!({})))
            .collect();
        let mut answer = json!({"total": self.total, "results": results});
        if end < self.total {
            answer["paging"] = json!({"next": {"after": end.to_string()}});
        }
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

#[tokio::test]
async fn search_pages_to_the_end_through_the_body_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(Pages { total: 450 })
        .expect(3)
        .mount(&server)
        .await;
    let mut stream = client(&server.uri())
        .contacts()
        .search(&SearchParams::new().limit(200));
    let mut n = 0;
    while let Some(item) = stream.next().await {
        item.unwrap();
        n += 1;
    }
    assert_eq!(n, 450);
    assert_eq!(stream.total(), Some(450));
    assert_eq!(stream.complete(), Some(true));
    let afters: Vec<Value> = requests(&server)
        .await
        .iter()
        .map(|r| body(r)["after"].clone())
        .collect();
    assert_eq!(afters, [json!("0"), json!("200"), json!("400")]);
}

#[tokio::test]
async fn search_stops_at_the_ceiling_and_says_the_result_is_incomplete() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(Pages { total: 10_450 })
        .mount(&server)
        .await;
    let mut stream = client(&server.uri())
        .contacts()
        .search(&SearchParams::new().limit(200));
    let mut n = 0;
    while let Some(item) = stream.next().await {
        item.unwrap();
        n += 1;
    }
    assert_eq!(n, 10_000);
    assert_eq!(stream.total(), Some(10_450));
    assert_eq!(stream.complete(), Some(false));
    // 50 pages, and never the refused page after 10 000.
    assert_eq!(requests(&server).await.len(), 50);
}

/// Serves records 1..=total sorted by id, above the `hs_object_id GT` filter when present,
/// refusing any `after` past 10 000 like HubSpot.
struct IdWindow {
    total: u64,
}

impl Respond for IdWindow {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body["sorts"],
            json!([{"propertyName": "hs_object_id", "direction": "ASCENDING"}])
        );
        let after: u64 = body["after"].as_str().unwrap().parse().unwrap();
        if after >= 10_000 {
            return ResponseTemplate::new(400).set_body_json(json!({"status": "error", "category": "VALIDATION_ERROR", "message": "paging past 10000"}));
        }
        let above: u64 = body["filterGroups"][0]["filters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["propertyName"] == "hs_object_id")
            .map(|f| f["value"].as_str().unwrap().parse().unwrap())
            .unwrap_or(0);
        let limit = body["limit"].as_u64().unwrap();
        let first = above + 1 + after;
        let last = (first + limit - 1).min(self.total);
        let results: Vec<Value> = (first..=last)
            .map(|i| record(&i.to_string(), json!({"lifecyclestage": "lead"})))
            .collect();
        let mut answer = json!({"total": self.total - above, "results": results});
        if last < self.total {
            answer["paging"] = json!({"next": {"after": (after + limit).to_string()}});
        }
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

#[tokio::test]
async fn search_all_walks_past_the_ceiling_by_id_window() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(IdWindow { total: 10_500 })
        .mount(&server)
        .await;
    let params = SearchParams::new()
        .filter(Filter::eq("lifecyclestage", "lead"))
        .limit(200);
    let ids: Vec<u64> = client(&server.uri())
        .contacts()
        .search_all(&params)
        .map_ok(|c| c.id.parse::<u64>().unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 10_500);
    assert!(
        ids.windows(2).all(|w| w[0] + 1 == w[1]),
        "no gap, no repeat"
    );
    let all = requests(&server).await;
    assert_eq!(all.len(), 53);
    let last = body(&all[52]);
    assert_eq!(last["after"], "0");
    assert_eq!(
        last["filterGroups"][0]["filters"][1],
        json!({"propertyName": "hs_object_id", "operator": "GT", "value": "10400"})
    );
    assert_eq!(
        last["filterGroups"][0]["filters"][0],
        json!({"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"})
    );
}

#[tokio::test]
async fn search_all_resumes_from_its_checkpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(IdWindow { total: 250 })
        .mount(&server)
        .await;
    let from = atom_core::Checkpoint {
        cursor: Some("200".into()),
        skip: 0,
    };
    let ids: Vec<String> = client(&server.uri())
        .contacts()
        .search_all_from(&SearchParams::new().limit(100), from)
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 50);
    assert_eq!(ids[0], "201");
}

#[tokio::test]
async fn search_is_paced_as_its_own_class() {
    use atom_core::RateLimitConfig;
    use std::time::Duration;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .and(body_partial_json(json!({"limit": 1})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "results": []})))
        .mount(&server)
        .await;
    // One search a minute, no burst: the second search would wait, and with a short
    // max_wait (the portal's) it fails with RateLimited instead of being sent.
    let c = common::builder(&server.uri())
        .rate_limits(RateLimitConfig::unlimited().max_wait(Duration::from_millis(10)))
        .class_limits(
            atom_hubspot::SEARCH_CLASS,
            RateLimitConfig::new(1, Duration::from_secs(60), 5).burst(1),
        )
        .build()
        .unwrap();
    let params = SearchParams::new().limit(1);
    let first: Vec<_> = c.contacts().search(&params).collect().await;
    assert!(first.iter().all(Result::is_ok));
    // (Only the first item: a stream polled again after a transient error retries.)
    let second = c.contacts().search(&params).next().await.unwrap();
    assert_eq!(second.unwrap_err().kind(), ErrorKind::RateLimited);
    assert_eq!(requests(&server).await.len(), 1);
    // Other calls of the portal are not held back by the search class.
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(record("1", json!({}))))
        .mount(&server)
        .await;
    c.contacts().get("1", &Default::default()).await.unwrap();
}

#[tokio::test]
async fn searches_beyond_hubspots_limits_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    let group = |n: usize| {
        (0..n).fold(FilterGroup::new(), |g, i| {
            g.and(Filter::eq(format!("p{i}"), "x"))
        })
    };
    let cases: Vec<(SearchParams, &str)> = vec![
        (
            (0..6).fold(SearchParams::new(), |p, _| p.group(group(1))),
            "at most 5 filter groups",
        ),
        (SearchParams::new().group(group(7)), "at most 6 filters"),
        (
            (0..4).fold(SearchParams::new(), |p, _| p.group(group(5))),
            "at most 18 filters in all",
        ),
        (SearchParams::new().limit(201), "1 to 200"),
        (
            SearchParams::new().query("x".repeat(3001)),
            "3000 characters",
        ),
        (SearchParams::new().group(FilterGroup::new()), "is empty"),
        (
            SearchParams::new().filter(Filter::eq("email,phone", "x")),
            "property name",
        ),
        (
            SearchParams::new().filter(Filter::is_in("email", Vec::<String>::new())),
            "at least one value",
        ),
    ];
    for (params, says) in cases {
        let results: Vec<_> = c.contacts().search(&params).collect().await;
        assert_eq!(results.len(), 1);
        let err = results[0].as_ref().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains(says), "{says:?} not in {err}");
    }
    // search_all needs a free slot in each group for its window filter.
    let full = SearchParams::new().group(group(6));
    let results: Vec<_> = c.contacts().search_all(&full).collect().await;
    assert!(
        results[0]
            .as_ref()
            .unwrap_err()
            .message()
            .contains("at most 6 filters")
    );
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn search_resumes_from_a_checkpoint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(Pages { total: 250 })
        .mount(&server)
        .await;
    let from = atom_core::Checkpoint {
        cursor: Some("200".into()),
        skip: 10,
    };
    let ids: Vec<String> = client(&server.uri())
        .contacts()
        .search_from(&SearchParams::new().limit(100), from)
        .map_ok(|c| c.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 40);
    assert_eq!(ids[0], "211");
    assert_eq!(body(&requests(&server).await[0])["after"], "200");
}
