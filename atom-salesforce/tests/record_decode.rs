//! The generic `Record`'s own decoding (one pass, fields kept as text until read): it must
//! give exactly what the derived `serde(flatten)` decoding into a `serde_json::Map` gave.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use atom_salesforce::models::{Fields, QueryResult};
use atom_salesforce::{Account, Record};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const ACCOUNT: &str = r#"{
    "attributes": {"type": "Account", "url": "/services/data/v67.0/sobjects/Account/001D000000IqhSLIAZ"},
    "Id": "001D000000IqhSLIAZ",
    "Name": "Acme \"Widgets\" \u00e9 \n",
    "Website": null,
    "AnnualRevenue": 1250000.5,
    "NumberOfEmployees": 120,
    "IsDeleted": false,
    "Owner": {"attributes": {"type": "User", "url": "/services/data/v67.0/sobjects/User/005D"}, "Name": "Jane Doe"},
    "Contacts": {"totalSize": 2, "done": true, "records": [
        {"attributes": {"type": "Contact"}, "Id": "003D000000000001", "LastName": "Doe"},
        {"attributes": {"type": "Contact"}, "Id": "003D000000000002", "LastName": "Roe", "Tags": [1, [2, {"x": null}]]}
    ]}
}"#;

/// What the derived decoding kept in `fields`: every key but `attributes` and `Id`.
fn expected_fields(json: &str) -> Map<String, Value> {
    let mut map: Map<String, Value> = serde_json::from_str(json).unwrap();
    map.remove("attributes");
    map.remove("Id");
    map
}

#[test]
fn a_record_decodes_every_field_as_a_map_would() {
    let record: Record = serde_json::from_str(ACCOUNT).unwrap();
    let attributes = record.attributes.as_ref().unwrap();
    assert_eq!(attributes.sobject_type, "Account");
    assert_eq!(record.id.as_deref(), Some("001D000000IqhSLIAZ"));
    assert_eq!(record.get_str("Name"), Some("Acme \"Widgets\" é \n"));
    assert_eq!(record.get("Website"), Some(&Value::Null));
    assert_eq!(record.get("AnnualRevenue"), Some(&json!(1250000.5)));
    assert_eq!(record.get("NumberOfEmployees"), Some(&json!(120)));
    assert_eq!(record.get("Owner").unwrap()["Name"], "Jane Doe");
    assert!(record.get("Id").is_none() && record.get("attributes").is_none());
    assert!(record.get("Missing").is_none());
    assert_eq!(record.fields.to_map(), expected_fields(ACCOUNT));
    assert_eq!(record.fields.len(), 7);

    // Child relationship lists decode into records of their own.
    let contacts = record.children("Contacts").unwrap();
    assert!(contacts.is_complete());
    assert_eq!(contacts.records[1].get_str("LastName"), Some("Roe"));
    assert_eq!(contacts.records[1].id.as_deref(), Some("003D000000000002"));
    assert_eq!(
        contacts.records[1].get("Tags"),
        Some(&json!([1, [2, {"x": null}]]))
    );
}

#[test]
fn serialising_gives_the_shape_the_derived_code_gave() {
    let record: Record = serde_json::from_str(ACCOUNT).unwrap();
    // attributes, Id, then the fields in key order; absent ones are left out.
    let text = serde_json::to_string(&record).unwrap();
    assert!(
        text.starts_with(r#"{"attributes":{"type":"Account","url":"#),
        "{text}"
    );
    assert!(text.contains(r#""Id":"001D000000IqhSLIAZ","AnnualRevenue":1250000.5,"#));
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(ACCOUNT).unwrap());
    assert_eq!(serde_json::to_value(&record).unwrap(), back);

    let bare = Record::default();
    assert_eq!(serde_json::to_string(&bare).unwrap(), "{}");
    let again: Record = serde_json::from_str(&text).unwrap();
    assert_eq!(again, record);
}

#[test]
fn attributes_and_id_may_be_absent_or_null_but_not_sent_twice() {
    let r: Record = serde_json::from_str(r#"{"Name":"x"}"#).unwrap();
    assert!(r.attributes.is_none() && r.id.is_none());
    let r: Record = serde_json::from_str(r#"{"attributes":null,"Id":null,"Name":"x"}"#).unwrap();
    assert!(r.attributes.is_none() && r.id.is_none());
    assert_eq!(r.fields.len(), 1);
    let r: Record = serde_json::from_str("{}").unwrap();
    assert!(r.fields.is_empty() && r.get("Name").is_none());

    for twice in [
        r#"{"Id":"a","Id":"b"}"#,
        r#"{"attributes":{"type":"A"},"attributes":{"type":"B"}}"#,
    ] {
        let err = serde_json::from_str::<Record>(twice).unwrap_err();
        assert!(err.to_string().contains("duplicate field"), "{err}");
    }
    // Other keys sent twice keep the later value, as serde_json's map does.
    let r: Record = serde_json::from_str(r#"{"Name":"a","Other":1,"Name":"b"}"#).unwrap();
    assert_eq!(r.get_str("Name"), Some("b"));
    assert_eq!(r.fields.len(), 2);
    assert_eq!(
        r.fields.to_map(),
        expected_fields(r#"{"Name":"b","Other":1}"#)
    );

    // Keys sent with escapes read as their text.
    let r: Record = serde_json::from_str(r#"{"N\u0061me":"x","Q\"uote":1}"#).unwrap();
    assert_eq!(r.get_str("Name"), Some("x"));
    assert_eq!(r.get("Q\"uote"), Some(&json!(1)));
    assert_eq!(r.fields.len(), 2);

    // Wrong types are refused as before.
    assert!(serde_json::from_str::<Record>(r#"{"Id":5}"#).is_err());
    assert!(serde_json::from_str::<Record>(r#"{"attributes":"Account"}"#).is_err());
    assert!(serde_json::from_str::<Record>("[]").is_err());
}

#[test]
fn numbers_are_what_serde_json_values_make_of_them() {
    let json = r#"{"Big":123456789012345678901234567890,"Max":18446744073709551615,
        "Min":-9223372036854775808,"F":1.0,"I":1,"Neg0":-0.0,"Tiny":5e-324,"E":1e300,
        "Exact":0.1,"Money":19999999.99}"#;
    let record: Record = serde_json::from_str(json).unwrap();
    let map = expected_fields(json);
    for (key, value) in &map {
        assert_eq!(record.get(key), Some(value), "{key}");
    }
    assert!(record.get("F").unwrap().is_f64() && record.get("I").unwrap().is_u64());
    assert_eq!(record.fields.to_map(), map);
    // Out of range for an f64: refused, as a `Value` refuses it.
    assert!(serde_json::from_str::<Value>(r#"{"X":1e400}"#).is_err());
    assert!(serde_json::from_str::<Record>(r#"{"X":1e400}"#).is_err());
    // A float serde_json's default parsing reads an ulp off the nearest: the same ulp.
    let odd = r#"{"A":[-4.203595127097464e+222],"B":-4.203595127097464e+222}"#;
    let record: Record = serde_json::from_str(odd).unwrap();
    let map = expected_fields(odd);
    assert_eq!(record.get("A"), map.get("A"));
    assert_eq!(record.get("B"), map.get("B"));
    // Long numbers: refused or kept exactly as a `Value` does.
    for digits in [17, 299, 300, 301, 308, 309, 310, 400] {
        for text in [
            format!(r#"{{"X":{}}}"#, "9".repeat(digits)),
            format!(r#"{{"X":-{}.5}}"#, "9".repeat(digits)),
            format!(r#"{{"X":1{}e-5}}"#, "0".repeat(digits)),
        ] {
            let value = serde_json::from_str::<Map<String, Value>>(&text);
            let record = serde_json::from_str::<Record>(&text);
            assert_eq!(value.is_ok(), record.is_ok(), "{text}");
            if let (Ok(value), Ok(record)) = (value, record) {
                assert_eq!(record.get("X"), value.get("X"), "{text}");
            }
        }
    }
    // A lone surrogate is refused the same way.
    assert!(serde_json::from_str::<Record>(r#"{"X":"\ud800"}"#).is_err());
}

fn nested(depth: usize) -> String {
    format!(r#"{{"X":{}1{}}}"#, "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    assert!(serde_json::from_str::<Record>(&nested(90)).is_ok());
    for depth in [101, 127, 100_000] {
        let err = serde_json::from_str::<Record>(&nested(depth)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("nests deeper") || text.contains("recursion limit"),
            "{text}"
        );
    }

    // A `Value` built in code has no depth limit of its own: the record refuses it.
    let mut deep = json!(1);
    for _ in 0..500 {
        deep = Value::Array(vec![deep]);
    }
    let err = serde_json::from_value::<Record>(json!({ "X": deep })).unwrap_err();
    assert!(err.to_string().contains("nests deeper"), "{err}");
}

#[test]
fn writes_reads_and_debug_work_as_on_the_map() {
    let mut record: Record = serde_json::from_str(ACCOUNT).unwrap();
    let before = format!("{record:?}");
    let map_debug = format!("{:?}", expected_fields(ACCOUNT));
    assert!(before.contains(&map_debug), "{before}");

    assert_eq!(record.get_str("Name"), Some("Acme \"Widgets\" é \n"));
    record.set("Name", "Renamed").set("Tier__c", "Gold");
    record.fields.remove("Website");
    assert_eq!(record.get_str("Name"), Some("Renamed"));
    assert_eq!(record.get_str("Tier__c"), Some("Gold"));
    assert!(record.get("Website").is_none());
    let mut expected = expected_fields(ACCOUNT);
    expected.insert("Name".into(), json!("Renamed"));
    expected.insert("Tier__c".into(), json!("Gold"));
    expected.remove("Website");
    assert_eq!(record.fields.to_map(), expected);
    let names: Vec<&String> = (&record.fields).into_iter().map(|(k, _)| k).collect();
    assert_eq!(names.len(), expected.len());

    let from_map = Record {
        fields: Fields::from(expected.clone()),
        ..Record::default()
    };
    assert_eq!(from_map.fields, record.fields);
    assert_eq!(Map::from(record.fields.clone()), expected);
}

#[test]
fn a_record_decodes_from_a_value_and_through_untagged_buffering() {
    let value: Value = serde_json::from_str(ACCOUNT).unwrap();
    let from_value: Record = serde_json::from_value(value.clone()).unwrap();
    let from_text: Record = serde_json::from_str(ACCOUNT).unwrap();
    assert_eq!(from_value, from_text);

    // serde's `untagged` buffers the input before the record sees it.
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Either {
        Page(QueryResult<Record>),
        Bare(Vec<Record>),
    }
    let page = json!({"totalSize": 1, "done": true, "records": [value]});
    let Either::Page(page) = serde_json::from_value(page).unwrap() else {
        panic!("not a page")
    };
    assert_eq!(page.records[0], from_text);
    let bare = format!("[{ACCOUNT}]");
    let Either::Bare(bare) = serde_json::from_str(&bare).unwrap() else {
        panic!("not a list")
    };
    assert_eq!(bare[0], from_text);
    // A typed model with its own catch-all is unchanged.
    let account: Account = serde_json::from_str(ACCOUNT).unwrap();
    assert_eq!(account.name.as_deref(), from_text.get_str("Name"));
}

/// Any JSON value (small enough to keep cases fast).
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((".{0,6}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// An object's text as sent: keys in any order, maybe repeated, maybe `attributes`/`Id`.
fn any_object() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        4 => "[A-Za-z_]{1,8}",
        1 => ".{0,6}",
        1 => Just("Name".to_owned()),
    ];
    let id = prop::option::of(prop_oneof![
        Just("null".to_owned()),
        "[a-zA-Z0-9]{15}".prop_map(|s| format!("\"{s}\""))
    ]);
    (prop::collection::vec((key, any_value()), 0..12), id).prop_map(|(entries, id)| {
        let mut parts: Vec<String> = entries
            .iter()
            .filter(|(k, _)| k != "Id" && k != "attributes")
            .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), v))
            .collect();
        if let Some(id) = id {
            parts.insert(parts.len() / 2, format!("\"Id\":{id}"));
        }
        format!("{{{}}}", parts.join(","))
    })
}

proptest! {
    #![proptest_config(atom_core::testing::proptest_config(2_000))]

    /// Every object decodes to the fields `serde_json::Map` gives, read one at a time or
    /// as a whole, from text or from a `Value`, and re-encodes to the same value.
    #[test]
    fn records_decode_as_a_map_does(text in any_object()) {
        let record: Record = serde_json::from_str(&text).unwrap();
        let map: Map<String, Value> = serde_json::from_str(&text).unwrap();
        let id = map.get("Id").and_then(Value::as_str).map(str::to_owned);
        prop_assert_eq!(&record.id, &id);
        let fields = expected_fields(&text);
        for (key, value) in &fields {
            prop_assert_eq!(record.get(key), Some(value));
        }
        prop_assert_eq!(record.fields.to_map(), fields.clone());
        prop_assert_eq!(record.fields.len(), fields.len());

        // From a `Value`, as serde_json's own round trip through text gives it (the same
        // but for floats serde_json's default parsing reads back an ulp away).
        let value = Value::Object(map.clone());
        let from_value: Record = serde_json::from_value(value.clone()).unwrap();
        let again: Record = serde_json::from_str(&value.to_string()).unwrap();
        prop_assert_eq!(&from_value, &again);

        let mut whole = fields;
        if let Some(id) = id {
            whole.insert("Id".into(), Value::from(id));
        }
        prop_assert_eq!(serde_json::to_value(&record).unwrap(), Value::Object(whole));
    }

    /// Arbitrary text never panics: it decodes or is an error, as a map would be.
    #[test]
    fn arbitrary_text_never_panics(text in ".{0,64}") {
        let record = serde_json::from_str::<Record>(&text);
        let map = serde_json::from_str::<Map<String, Value>>(&text);
        if record.is_ok() {
            prop_assert!(map.is_ok());
        }
    }
}
