//! Properties of the repository events feed's parsers and decisions: an event of any type
//! and payload becomes a change without a panic; any `X-Poll-Interval` is read or ignored,
//! never more than an hour; any checkpoint is refused with a typed error or walked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use atom_core::ErrorKind;
use atom_core::feed::FeedCheckpoint;
use atom_github::events_feed::{EVENTS_FEED, EventFeedParams, PollInterval};
use atom_github::models::RepoEvent;
use chrono::Utc;
use futures::StreamExt as _;
use proptest::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn payload() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("action".to_owned()),
                    Just("issue".to_owned()),
                    Just("number".to_owned()),
                    Just("pull_request".to_owned()),
                    Just("ref".to_owned()),
                    Just("ref_type".to_owned()),
                    Just("release".to_owned()),
                    Just("id".to_owned()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(2_000))]

    /// Any type and payload: a change naming some object, or a decode error for a missing
    /// time; never a panic.
    #[test]
    fn any_event_becomes_a_change_without_panic(
        event_type in prop_oneof![
            Just("IssuesEvent".to_owned()), Just("PushEvent".to_owned()),
            Just("CreateEvent".to_owned()), Just("DeleteEvent".to_owned()),
            Just("PullRequestEvent".to_owned()), Just("ReleaseEvent".to_owned()),
            Just("IssueCommentEvent".to_owned()), ".{0,16}",
        ],
        payload in payload(),
        with_time in any::<bool>(),
    ) {
        let event = json!({
            "id": "1", "type": event_type, "payload": payload,
            "repo": {"id": 1, "name": "o/r"},
            "created_at": if with_time { json!("2026-01-01T00:00:00Z") } else { Value::Null },
        });
        let event: RepoEvent = serde_json::from_value(event).unwrap();
        match event.into_change() {
            Ok(change) => prop_assert!(!change.object_id.is_empty()),
            Err(e) => {
                prop_assert!(!with_time);
                prop_assert_eq!(e.kind(), ErrorKind::Decode);
            }
        }
    }
}

proptest! {
    // Each case starts a mock server: 48 cases keep the run to a few seconds.
    #![proptest_config(atom_core::testing::proptest_config(48))]

    /// Any `X-Poll-Interval` value: a number of seconds is reported (at most an hour),
    /// anything else is ignored; the walk itself is unaffected.
    #[test]
    fn any_poll_interval_header_is_read_or_ignored(
        header in prop_oneof!["[0-9]{1,22}", "[ -~]{0,12}"],
    ) {
        runtime().block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))
                    .insert_header("x-poll-interval", header.as_str()))
                .mount(&server)
                .await;
            let poll = PollInterval::default();
            let params = EventFeedParams::new().poll_interval(poll.clone());
            let mut feed = common::client(&server.uri()).repo_events("o", "r").feed(&params, Utc::now());
            assert!(feed.next().await.is_none());
            let expected = header.trim().parse::<u64>().ok().map(|s| Duration::from_secs(s.min(3_600)));
            assert_eq!(poll.get(), expected);
        });
    }

    /// Any cursor and time in a checkpoint of this feed: refused with a typed error before
    /// any request, or walked; never a panic.
    #[test]
    fn any_checkpoint_is_refused_or_walked(
        cursor in proptest::option::of(".{0,24}"),
        offset_days in -200i64..10,
    ) {
        runtime().block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
                .mount(&server)
                .await;
            let at = Utc::now() + chrono::Duration::days(offset_days);
            let mut checkpoint = FeedCheckpoint::new(EVENTS_FEED).with_at(at);
            checkpoint.cursor = cursor;
            let github = common::client(&server.uri());
            let mut feed = github.repo_events("o", "r").feed_from(&EventFeedParams::new(), &checkpoint);
            match feed.next().await {
                None | Some(Ok(_)) => {}
                Some(Err(e)) => {
                    assert!(matches!(e.kind(), ErrorKind::Config | ErrorKind::FeedGap), "{e}");
                    // Refusals come before any request; a gap after reading comes from a
                    // cursor the (empty) timeline does not hold.
                    let sent = server.received_requests().await.unwrap_or_default().len();
                    assert!(sent == 0 || e.kind() == ErrorKind::FeedGap);
                }
            }
        });
    }
}
