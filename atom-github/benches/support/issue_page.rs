//! The 100-issue page the decode bench and the `list_cost` example both serve.

#![allow(clippy::unwrap_used, dead_code)]

/// The official `issue` example, 100 times with distinct ids and numbers.
pub fn page() -> Vec<u8> {
    let one: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/fixtures/issue.json")).unwrap();
    let items: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            let mut v = one.clone();
            v["id"] = serde_json::json!(1000 + i);
            v["number"] = serde_json::json!(1347 + i);
            v
        })
        .collect();
    serde_json::to_vec(&items).unwrap()
}
