//! The records feed against hostile answers and input: a page repeated forever, bodies
//! that are not JSON, damaged records, checkpoints of other feeds or damaged ones, a huge
//! `seen` list, and (property) any checkpoint cursor.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod feed_org;

use atom_core::ErrorKind;
use atom_core::feed::{Change, FeedCheckpoint};
use atom_salesforce::Record;
use atom_salesforce::feed::{RecordFeedParams, feed_name};
use chrono::{Duration, Utc};
use common::{client, id};
use feed_org::{base, minute, org_server, populated, sf_time};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A server that names the same next page forever.
struct Stuck;

impl Respond for Stuck {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path().ends_with("/deleted/") {
            let end = minute(Utc::now() - Duration::minutes(2));
            return ResponseTemplate::new(200).set_body_json(json!({
                "deletedRecords": [], "latestDateCovered": sf_time(end),
            }));
        }
        let t = base() + Duration::seconds(5);
        ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 3000, "done": false,
            "nextRecordsUrl": "/services/data/v67.0/query/01gD0000002HU6KIAW-2000",
            "records": [{"attributes": {"type": "Account"}, "Id": id("001", 1),
                "SystemModstamp": sf_time(t), "CreatedDate": sf_time(t)}],
        }))
    }
}

#[tokio::test]
async fn a_page_repeated_forever_ends_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Stuck)
        .mount(&server)
        .await;
    let sf = client(&server);
    let results: Vec<_> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new(), base())
        .collect()
        .await;
    let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind(), ErrorKind::Decode);
    let requests = server.received_requests().await.unwrap().len();
    assert!(requests <= 4, "{requests} requests");
}

#[tokio::test]
async fn a_page_that_is_not_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("/deleted/$"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deletedRecords": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/query$"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string("{\"totalSize\": 1, \"done\": tr"),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let results: Vec<_> = sf
        .sobject("Account")
        .feed(&RecordFeedParams::new(), base())
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap_err().kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn damaged_records_in_answers_are_decode_errors() {
    let t = sf_time(base() + Duration::seconds(5));
    let good = json!({"attributes": {"type": "Account"}, "Id": id("001", 1), "SystemModstamp": t});
    let cases = [
        (json!([{"id": "../../x", "deletedDate": t}]), good.clone()),
        (json!([{"id": id("001", 2)}]), good.clone()),
        (
            json!([]),
            json!({"attributes": {"type": "Account"}, "Id": id("001", 1)}),
        ),
        (
            json!([]),
            json!({"attributes": {"type": "Account"}, "SystemModstamp": t}),
        ),
        (
            json!([]),
            json!({"Id": id("001", 1), "SystemModstamp": "yesterday"}),
        ),
        (
            json!([]),
            json!({"Id": "001' OR Id != '", "SystemModstamp": t}),
        ),
    ];
    for (deleted, record) in cases {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path_regex("/deleted/$"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"deletedRecords": deleted})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex("/query$"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"totalSize": 1, "done": true, "records": [record]})),
            )
            .mount(&server)
            .await;
        let results: Vec<_> = client(&server)
            .sobject("Account")
            .feed(&RecordFeedParams::new(), base())
            .collect()
            .await;
        assert_eq!(results.len(), 1, "{deleted} {record}");
        assert_eq!(results[0].as_ref().unwrap_err().kind(), ErrorKind::Decode);
    }
}

#[tokio::test]
async fn hostile_checkpoints_and_parameters_fail_before_any_request() {
    let org = populated(3);
    let (_server, sf) = org_server(&org).await;
    let accounts = sf.sobject("Account");
    let ok = FeedCheckpoint::new(feed_name("Account")).with_at(base());
    let cases = [
        (
            FeedCheckpoint::new("stripe.events").with_at(base()),
            RecordFeedParams::new(),
        ),
        (
            FeedCheckpoint::new(feed_name("Contact")).with_at(base()),
            RecordFeedParams::new(),
        ),
        (
            FeedCheckpoint::new(feed_name("Account")),
            RecordFeedParams::new(),
        ),
        (
            ok.clone().with_at(Utc::now() + Duration::days(2)),
            RecordFeedParams::new(),
        ),
        (
            ok.clone().with_cursor("updated:001' OR Name != '"),
            RecordFeedParams::new(),
        ),
        (ok.clone().with_cursor("evt_123"), RecordFeedParams::new()),
        (
            ok.clone(),
            RecordFeedParams::new().field("Name FROM User --"),
        ),
        (
            ok.clone(),
            RecordFeedParams::new().settle(std::time::Duration::from_secs(3 * 86_400)),
        ),
    ];
    for (checkpoint, params) in cases {
        let mut feed = accounts.feed_from(&params, &checkpoint);
        let err = feed.next().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{checkpoint:?}: {err}");
        assert!(feed.next().await.is_none());
    }
    let mut feed = sf
        .sobject("Account/../User")
        .feed(&RecordFeedParams::new(), base());
    assert_eq!(
        feed.next().await.unwrap().unwrap_err().kind(),
        ErrorKind::Config
    );
    assert_eq!(org.with(|s| s.requests), 0);
    // A huge `seen` list (this feed writes none) costs nothing and changes nothing.
    let seen: Vec<String> = (0..200_000).map(|n| format!("{n:018}")).collect();
    let changes: Vec<Change<Record>> = accounts
        .feed_from(&RecordFeedParams::new(), &ok.with_seen(seen))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(changes.len(), 12);
}

mod properties {
    use atom_core::ErrorKind;
    use atom_core::feed::FeedCheckpoint;
    use atom_core::testing::proptest_config;
    use atom_salesforce::feed::{RecordFeedParams, feed_name};
    use atom_salesforce::validate::{case_safe_id, record_id};
    use futures::StreamExt as _;
    use proptest::prelude::*;

    /// Nothing listens there: a cursor the feed accepted shows as a request error, not as
    /// the Config error of a refused checkpoint. Built once (building loads TLS roots).
    static OFFLINE: std::sync::LazyLock<(tokio::runtime::Runtime, atom_salesforce::Client)> =
        std::sync::LazyLock::new(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let client = atom_salesforce::Client::builder()
                .base_url("http://127.0.0.1:9")
                .access_token(atom_core::Secret::new("00Dx0000000BV7z!static"))
                .retry_policy(atom_core::retry::RetryPolicy::default().max_attempts(1))
                .build()
                .unwrap();
            (runtime, client)
        });

    proptest! {
        // Each case builds a feed and polls it once (no request for a refused cursor):
        // 2 000 cases stay well under a second.
        #![proptest_config(proptest_config(2_000))]

        #[test]
        fn a_checkpoint_cursor_is_understood_or_refused_before_any_request(
            prefix in prop::sample::select(vec!["", "updated:", "deleted:", "Updated:"]),
            rest in prop_oneof![
                "[ -~]{0,24}",
                "[0-9A-Za-z]{15}".prop_map(|id| case_safe_id(&id).unwrap_or(id)),
            ],
            secs in -86_400i64..3_000,
        ) {
            let cursor = format!("{prefix}{rest}");
            let valid = (prefix == "updated:" || prefix == "deleted:") && record_id(&rest).is_ok();
            let at = chrono::Utc::now() - chrono::Duration::hours(1) + chrono::Duration::seconds(secs);
            let checkpoint = FeedCheckpoint::new(feed_name("Account")).with_at(at).with_cursor(cursor);
            let (runtime, client) = &*OFFLINE;
            let first = runtime.block_on(async {
                client.sobject("Account").feed_from(&RecordFeedParams::new(), &checkpoint).next().await
            });
            let kind = first.and_then(|r| r.err()).map(|e| e.kind());
            if valid {
                prop_assert_ne!(kind, Some(ErrorKind::Config));
            } else {
                prop_assert_eq!(kind, Some(ErrorKind::Config));
            }
        }
    }
}
