//! Properties of the records feed's decisions: any webhook batch becomes changes or a
//! typed error, never a panic; any checkpoint of the feed is refused before a request or
//! walked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_core::feed::{ChangeSource as _, FeedCheckpoint};
use atom_hubspot::feed::{Delivery, ObjectFeedParams, feed_name};
use atom_hubspot::webhook::parse_events;
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
        (0i64..4_000_000_000_000).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn event() -> impl Strategy<Value = Value> {
    let subscription = prop_oneof![
        Just("contact.creation".to_owned()),
        Just("deal.deletion".to_owned()),
        Just("company.propertyChange".to_owned()),
        Just("object.creation".to_owned()),
        Just("contact.associationChange".to_owned()),
        ".{0,20}",
    ];
    (subscription, leaf(), leaf(), leaf(), leaf(), leaf(), leaf()).prop_map(
        |(kind, object, occurred, name, value, type_id, from)| {
            json!({"subscriptionType": kind, "objectId": object, "occurredAt": occurred,
                   "propertyName": name, "propertyValue": value, "objectTypeId": type_id,
                   "fromObjectId": from, "eventId": 1})
        },
    )
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(3_000))]

    /// Any batch: changes without checkpoints naming a record, or a `Decode` error.
    #[test]
    fn any_webhook_batch_becomes_changes_or_a_typed_error(
        events in proptest::collection::vec(event(), 0..6),
    ) {
        let body = serde_json::to_vec(&events).unwrap();
        let delivery = Delivery::new(parse_events(&body).unwrap());
        match delivery.into_changes() {
            Ok(changes) => {
                prop_assert!(changes.len() <= events.len());
                for c in changes {
                    prop_assert!(c.checkpoint.is_none());
                    prop_assert!(!c.object_id.is_empty());
                    prop_assert_eq!(&c.object.id, &c.object_id);
                }
            }
            Err(e) => prop_assert_eq!(e.kind(), ErrorKind::Decode),
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    // Each case starts a mock server: 64 cases keep the run to a few seconds.
    #![proptest_config(atom_core::testing::proptest_config(64))]

    /// Any cursor, `seen` list and time in a checkpoint of this feed: a `Config` error
    /// before any request, or a walk that ends; never a panic.
    #[test]
    fn any_checkpoint_is_refused_or_walked(
        cursor in proptest::option::of(prop_oneof!["[0-9]{1,25}", ".{0,12}"]),
        seen in proptest::collection::vec(prop_oneof!["[0-9]{1,8}", ".{0,8}"], 0..5),
        offset_minutes in -100_000i64..100,
    ) {
        runtime().block_on(async {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "results": []})))
                .mount(&server)
                .await;
            let at = Utc::now() + chrono::Duration::minutes(offset_minutes);
            let mut checkpoint = FeedCheckpoint::new(feed_name("deals")).with_at(at).with_seen(seen);
            checkpoint.cursor = cursor;
            let hubspot = common::client(&server.uri());
            let mut feed = hubspot.deals().feed_from(&ObjectFeedParams::new(), &checkpoint);
            let mut items = 0;
            while let Some(item) = feed.next().await {
                match item {
                    Ok(_) => items += 1,
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
                        assert!(server.received_requests().await.unwrap_or_default().is_empty());
                    }
                }
            }
            assert_eq!(items, 0);
        });
    }
}
