//! Hostile caller input and hostile answers: every case is a typed error before any request
//! (the mock server counts zero requests), never a panic, a stack overflow or a leaked secret.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use atom_core::ErrorKind;
use atom_stripe::form::{self, MAX_DEPTH};
use atom_stripe::*;
use common::{client, fixture};
use serde::Serialize;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// 5 000 nested objects: far beyond any stack the encoder could recurse through.
fn deep_value(levels: usize) -> Value {
    // Built by moving, not with `json!` (which re-serialises its operands, recursively).
    let mut v = Value::String("leaf".into());
    for _ in 0..levels {
        v = Value::Object(serde_json::Map::from_iter([("a".to_owned(), v)]));
    }
    v
}

fn object(key: &str, value: Value) -> Value {
    Value::Object(serde_json::Map::from_iter([(key.to_owned(), value)]))
}

/// A value whose drop would recurse 5 000 levels (serde_json's and Box's drop glue, not the
/// encoder): the tests leak it instead of dropping it on a small test-thread stack.
fn leak<T>(value: T) {
    std::mem::forget(value);
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn assert_config(err: &atom_core::Error, needle: &str) {
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    assert!(err.message().contains(needle), "{needle:?} not in {err}");
}

#[tokio::test]
async fn a_5000_level_value_in_extra_is_a_config_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let stripe = client(&server);
    let params = CustomerCreateParams {
        extra: BTreeMap::from([("shipping".to_owned(), deep_value(5_000))]),
        ..Default::default()
    };
    let err = stripe.customers().create(&params).await.unwrap_err();
    assert_config(&err, &format!("deeper than {MAX_DEPTH} levels"));
    // Through the raw-value path of an update as well.
    let update = CustomerUpdateParams {
        extra: BTreeMap::from([("shipping".to_owned(), deep_value(5_000))]),
        ..Default::default()
    };
    let err = stripe
        .customers()
        .update("cus_1", &update)
        .await
        .unwrap_err();
    assert_config(&err, "deeper than");
    assert_eq!(requests(&server).await, 0);
    leak(params);
    leak(update);
}

#[derive(Serialize)]
struct Deep {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    child: Option<Box<Deep>>,
}

#[derive(Serialize)]
struct Wrapper(Option<Box<Wrapper>>);

#[test]
fn nested_structs_maps_and_newtypes_stop_at_the_depth_limit() {
    // A struct chain.
    let mut deep = Deep {
        name: "leaf",
        child: None,
    };
    for _ in 0..5_000 {
        deep = Deep {
            name: "n",
            child: Some(Box::new(deep)),
        };
    }
    let err = form::encode(&deep).unwrap_err();
    assert!(err.to_string().contains("deeper than"), "{err}");
    assert!(
        err.to_string().contains("\"child[child][child]"),
        "shows the key: {err}"
    );
    // A newtype/Option chain adds no brackets but still recurses.
    let mut wrapped = Wrapper(None);
    for _ in 0..5_000 {
        wrapped = Wrapper(Some(Box::new(wrapped)));
    }
    let root = BTreeMap::from([("w", wrapped)]);
    assert!(
        form::encode(&root)
            .unwrap_err()
            .to_string()
            .contains("deeper than")
    );
    leak(deep);
    leak(root);
    // A map chain, through serde_json.
    let value = object("root", deep_value(5_000));
    assert!(
        form::encode(&value)
            .unwrap_err()
            .to_string()
            .contains("deeper than")
    );
    leak(value);
    // Just inside the limit is fine: a value at 16 map levels encodes.
    let fine = object("root", deep_value(15));
    let pairs = form::to_pairs(&fine).unwrap();
    assert_eq!(pairs.len(), 1);
    assert!(pairs[0].0.starts_with("root[a][a]"));
}

#[tokio::test]
async fn metadata_keys_with_brackets_are_refused_before_sending() {
    let server = MockServer::start().await;
    let stripe = client(&server);
    for key in ["a[b]", "a]b", "[", "]", "x][y", "order[0]"] {
        let params = CustomerCreateParams {
            metadata: BTreeMap::from([(key.to_owned(), "v".to_owned())]),
            ..Default::default()
        };
        let err = stripe.customers().create(&params).await.unwrap_err();
        assert_config(&err, "contains '[' or ']'");
        // Updates too (metadata inside Clearable).
        let update = CustomerUpdateParams {
            metadata: Some(form::Clearable::Set(BTreeMap::from([(
                key.to_owned(),
                "v".to_owned(),
            )]))),
            ..Default::default()
        };
        let err = stripe
            .customers()
            .update("cus_1", &update)
            .await
            .unwrap_err();
        assert_config(&err, "contains '[' or ']'");
    }
    // An empty key would read as a list (`metadata[]=v`).
    let params = CustomerCreateParams {
        metadata: BTreeMap::from([(String::new(), "v".to_owned())]),
        ..Default::default()
    };
    assert_config(
        &stripe.customers().create(&params).await.unwrap_err(),
        "empty",
    );
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn any_free_form_map_key_with_brackets_is_refused() {
    let server = MockServer::start().await;
    let stripe = client(&server);
    // A top-level `extra` key, and a key nested in an `extra` object.
    for extra in [
        json!({ "shipping[name]": "x" }),
        json!({ "shipping": { "address]": { "city": "Paris" } } }),
        json!({ "items": [{ "price_data[x": "y" }] }),
    ] {
        let params = RefundCreateParams {
            charge: Some("ch_1".into()),
            extra: serde_json::from_value(extra).unwrap(),
            ..Default::default()
        };
        let err = stripe.refunds().create(&params).await.unwrap_err();
        assert_config(&err, "contains '[' or ']'");
    }
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn metadata_beyond_stripes_limits_is_refused_and_the_limits_themselves_pass() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer")))
        .mount(&server)
        .await;
    let stripe = client(&server);
    let create = |metadata: BTreeMap<String, String>| CustomerCreateParams {
        metadata,
        ..Default::default()
    };
    let long_key = "k".repeat(form::MAX_METADATA_KEY_CHARS + 1);
    let long_value = "é".repeat(form::MAX_METADATA_VALUE_CHARS + 1);
    let many: BTreeMap<String, String> = (0..=form::MAX_METADATA_KEYS)
        .map(|i| (format!("k{i}"), "v".to_owned()))
        .collect();
    let cases = [
        (
            create(BTreeMap::from([(long_key, "v".into())])),
            "longer than 40",
        ),
        (
            create(BTreeMap::from([("k".into(), long_value)])),
            "longer than 500",
        ),
        (create(many), "more than 50 keys"),
    ];
    for (params, needle) in cases {
        let err = stripe.customers().create(&params).await.unwrap_err();
        assert_config(&err, needle);
    }
    // Metadata is flat: a nested object under `metadata` (through `extra`) is refused.
    let nested = CustomerCreateParams {
        extra: BTreeMap::from([("metadata".to_owned(), json!({ "k": { "x": "y" } }))]),
        ..Default::default()
    };
    assert_config(
        &stripe.customers().create(&nested).await.unwrap_err(),
        "not a string",
    );
    assert_eq!(requests(&server).await, 0);

    // Exactly at every limit: sent.
    let at_limit: BTreeMap<String, String> = (0..form::MAX_METADATA_KEYS)
        .map(|i| {
            let key = format!("{i:0>40}");
            (key, "é".repeat(form::MAX_METADATA_VALUE_CHARS))
        })
        .collect();
    stripe.customers().create(&create(at_limit)).await.unwrap();
    assert_eq!(requests(&server).await, 1);
}

#[test]
fn non_finite_numbers_are_refused() {
    #[derive(Serialize)]
    struct P {
        unit_amount_decimal: f64,
    }
    for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = form::encode(&P {
            unit_amount_decimal: v,
        })
        .unwrap_err();
        assert!(err.to_string().contains("NaN or infinite"), "{err}");
    }
    assert_eq!(
        form::encode(&P {
            unit_amount_decimal: 12.5
        })
        .unwrap(),
        "unit_amount_decimal=12.5"
    );
}
