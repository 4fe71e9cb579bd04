//! Unknown fields are kept as the text that was sent, whichever way serde_json reads the
//! input: borrowed from a `&str` or `&[u8]`, copied from a reader, or re-encoded from a
//! `Value` (the raw-value request falls back to owned text there).
#![allow(clippy::unwrap_used, clippy::expect_used)]

atom_core::model! {
    /// One known field; everything else is unknown.
    pub struct Thing {
        /// A number.
        pub n: u64,
    }
}

/// `{"n":1,"f0":{"a":[0,true]},"f1":...}`: 40 unknown fields of nested values.
fn body() -> String {
    let mut text = String::from(r#"{"n":1"#);
    for i in 0..40 {
        text.push_str(&format!(r#","f{i}":{{"a":[{i},true,"x\"y"]}}"#));
    }
    text.push('}');
    text
}

#[test]
fn every_reader_keeps_the_same_text() {
    let text = body();
    let from_str: Thing = serde_json::from_str(&text).unwrap();
    let from_slice: Thing = serde_json::from_slice(text.as_bytes()).unwrap();
    let from_reader: Thing = serde_json::from_reader(text.as_bytes()).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let from_value: Thing = serde_json::from_value(value.clone()).unwrap();
    let from_ref_value = <Thing as serde::Deserialize>::deserialize(&value).unwrap();
    assert_eq!(
        from_str.extra.get_raw("f3").map(|v| v.get()),
        Some(r#"{"a":[3,true,"x\"y"]}"#)
    );
    for other in [&from_slice, &from_reader, &from_value, &from_ref_value] {
        assert_eq!(other.extra.len(), 40);
        assert_eq!(other.extra.to_map(), from_str.extra.to_map());
    }
    // Re-encoding gives back what was sent (keys with escapes included).
    let odd = r#"{"n":2,"a\"b":[1, 2],"c\\d":null}"#;
    let thing: Thing = serde_json::from_str(odd).unwrap();
    assert_eq!(
        serde_json::to_string(&thing).unwrap(),
        r#"{"n":2,"a\"b":[1, 2],"c\\d":null}"#
    );
}
