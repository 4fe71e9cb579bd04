//! Every fixture decodes; every key of every entity fixture is an element of its XSD type;
//! a model re-encodes what it decoded (unknown fields kept); each model decodes an object
//! holding every element of its XSD type.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::field_reassign_with_default
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use atom_quickbooks::*;
use common::fixture;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::{Value, json};

#[derive(Default, Debug)]
struct XsdType {
    base: Option<String>,
    /// element name → (type name, repeated)
    elements: BTreeMap<String, (String, bool)>,
    attributes: BTreeSet<String>,
}

fn local(s: &str) -> String {
    s.rsplit(':').next().unwrap_or(s).to_owned()
}

/// The complex types of Intuit's XSDs (fixtures/xsd), with their bases.
fn xsd() -> BTreeMap<String, XsdType> {
    let mut types: BTreeMap<String, XsdType> = BTreeMap::new();
    for file in ["Finance.xsd", "IntuitBaseTypes.xsd", "IntuitNamesTypes.xsd"] {
        let path = format!("{}/tests/fixtures/xsd/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut reader = Reader::from_str(&text);
        // Named complex types being read (anonymous ones push None).
        let mut stack: Vec<Option<String>> = Vec::new();
        loop {
            let event = reader.read_event().unwrap();
            let (e, empty) = match &event {
                Event::Start(e) => (e.clone(), false),
                Event::Empty(e) => (e.clone(), true),
                Event::End(e) => {
                    if local(e.name().as_ref()) == "complexType" {
                        stack.pop();
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            let name = local(e.name().as_ref());
            let attr = |k: &str| {
                e.attributes()
                    .flatten()
                    .find(|a| a.key.as_ref() == k)
                    .map(|a| a.value.to_string())
            };
            let current = stack.iter().rev().flatten().next().cloned();
            match name.as_str() {
                "complexType" => {
                    let n = attr("name");
                    if let Some(n) = &n {
                        types.entry(n.clone()).or_default();
                    }
                    if !empty {
                        stack.push(n);
                    }
                }
                "extension" => {
                    if let (Some(c), Some(base)) = (current, attr("base")) {
                        types.entry(c).or_default().base = Some(local(&base));
                    }
                }
                "element" => {
                    if let (Some(c), Some(n)) =
                        (current, attr("name").or(attr("ref").map(|r| local(&r))))
                    {
                        let t = attr("type").map(|t| local(&t)).unwrap_or_default();
                        let many = attr("maxOccurs").as_deref() == Some("unbounded");
                        types.entry(c).or_default().elements.insert(n, (t, many));
                    }
                }
                "attribute" => {
                    if let (Some(c), Some(n)) = (current, attr("name")) {
                        types.entry(c).or_default().attributes.insert(n);
                    }
                }
                _ => {}
            }
        }
    }
    types
}

fn element_type(types: &BTreeMap<String, XsdType>, t: &str, key: &str) -> Option<(String, bool)> {
    let mut current = Some(t.to_owned());
    while let Some(name) = current {
        let ty = types.get(&name)?;
        if let Some(found) = ty.elements.get(key) {
            return Some(found.clone());
        }
        if ty.attributes.contains(key) {
            return Some((String::new(), false));
        }
        current = ty.base.clone();
    }
    None
}

/// Checks every key of `value` (an object of XSD type `t`) and below, returning the paths
/// of keys the XSD does not declare.
fn unknown_keys(
    types: &BTreeMap<String, XsdType>,
    t: &str,
    value: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    if matches!(t, "ReferenceType" | "MemoRef" | "IntuitAnyType" | "") || !types.contains_key(t) {
        return;
    }
    let Value::Object(map) = value else { return };
    for (k, v) in map {
        // `xsi:type` of a derived type (Preferences' custom field definitions) is `type`.
        if k == "type" {
            continue;
        }
        let Some((kt, _)) = element_type(types, t, k) else {
            out.push(format!("{at}.{k}"));
            continue;
        };
        match v {
            Value::Array(items) => items
                .iter()
                .for_each(|i| unknown_keys(types, &kt, i, &format!("{at}.{k}[]"), out)),
            other => unknown_keys(types, &kt, other, &format!("{at}.{k}"), out),
        }
    }
}

/// Numbers compare by value: the API's `50.00` and a re-encoded `50` are the same amount.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn check<T: Entity + std::fmt::Debug>(file: &str, types: &BTreeMap<String, XsdType>) -> T {
    let doc = fixture(file);
    let raw = doc
        .get(T::NAME)
        .unwrap_or_else(|| panic!("{file} has no {}", T::NAME))
        .clone();
    let mut unknown = Vec::new();
    unknown_keys(types, T::NAME, &raw, T::NAME, &mut unknown);
    assert!(
        unknown.is_empty(),
        "{file}: keys not in the XSD: {unknown:?}"
    );
    let model: T = serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
    let back = serde_json::to_value(&model).unwrap();
    assert!(
        same(&raw, &back),
        "{file}: re-encoding changed the object\n{raw}\n{back}"
    );
    model
}

#[test]
fn every_entity_fixture_matches_the_xsd_decodes_and_round_trips() {
    let types = xsd();
    assert!(
        types.contains_key("Invoice") && types.contains_key("Customer"),
        "XSD read"
    );
    let invoice: Invoice = check("invoice", &types);
    assert_eq!(invoice.line.len(), 2);
    assert_eq!(
        invoice.total_amt.as_ref().map(|d| d.as_str().to_owned()),
        Some("50".into())
    );
    assert_eq!(
        invoice.txn_date,
        chrono::NaiveDate::from_ymd_opt(2013, 11, 15)
    );
    assert_eq!(
        invoice.customer_ref.as_ref().map(|r| r.value.as_str()),
        Some("2")
    );
    let first = &invoice.line[0];
    assert_eq!(first.detail_type, Some(LineDetailType::SalesItem));
    let detail = first.sales_item_line_detail.as_ref().unwrap();
    assert_eq!(detail.unit_price.as_ref().unwrap().as_str(), "198.99");
    // The recorded invoice: a 198.99 item line and a 50.00 subtotal line (skipped).
    assert_eq!(lines_total(&invoice.line).unwrap().as_str(), "198.99");
    let customer: Customer = check("customer", &types);
    assert!(customer.display_name.is_some());
    check::<Vendor>("vendor", &types);
    check::<Item>("item", &types);
    check::<Account>("account", &types);
    let payment: Payment = check("payment", &types);
    assert!(payment.total_amt.is_some());
    // A payment applied to an invoice names it in its line's linked transactions.
    let applied: Payment = check("payment_applied", &types);
    let link = &applied.line[0].linked_txn[0];
    assert_eq!(
        (link.txn_id.as_deref(), link.txn_type.as_deref()),
        (Some("68"), Some("Invoice"))
    );
    assert_eq!(
        lines_total(&applied.line)
            .unwrap()
            .cmp_value(applied.total_amt.as_ref().unwrap()),
        Some(std::cmp::Ordering::Equal)
    );
    assert!(
        applied.line[0].extra.contains_key("LineEx"),
        "unknown line fields are kept"
    );
    check::<SalesReceipt>("sales_receipt", &types);
    check::<CreditMemo>("credit_memo", &types);
    check::<Estimate>("estimate", &types);
    let bill: Bill = check("bill", &types);
    assert_eq!(
        bill.line[0].detail_type,
        Some(LineDetailType::AccountBasedExpense)
    );
    check::<BillPayment>("bill_payment", &types);
    check::<Purchase>("purchase", &types);
    check::<Deposit>("deposit", &types);
    let je: JournalEntry = check("journal_entry", &types);
    let debits: Vec<_> = je
        .line
        .iter()
        .filter(|l| {
            l.journal_entry_line_detail
                .as_ref()
                .and_then(|d| d.posting_type.clone())
                == Some(PostingType::Debit)
        })
        .filter_map(|l| l.amount.clone())
        .collect();
    let credits: Vec<_> = je
        .line
        .iter()
        .filter(|l| {
            l.journal_entry_line_detail
                .as_ref()
                .and_then(|d| d.posting_type.clone())
                == Some(PostingType::Credit)
        })
        .filter_map(|l| l.amount.clone())
        .collect();
    let (d, c) = (
        atom_core::Decimal::sum(debits).unwrap(),
        atom_core::Decimal::sum(credits).unwrap(),
    );
    assert_eq!(
        d.cmp_value(&c),
        Some(std::cmp::Ordering::Equal),
        "the journal entry balances exactly"
    );
    check::<TaxCode>("tax_code", &types);
    check::<Term>("term", &types);
    check::<PaymentMethod>("payment_method", &types);
    check::<CompanyInfo>("company_info", &types);
    check::<Preferences>("preferences", &types);
    let voided: Invoice = check("invoice_void", &types);
    let _ = voided;
    let deleted: Invoice = check("invoice_delete", &types);
    assert!(deleted.is_deleted());
}

/// An object holding every element of `t` (with inherited ones), each with a value of its
/// XSD type: typed fields must accept what the XSD allows.
fn every_element(types: &BTreeMap<String, XsdType>, t: &str) -> Value {
    let mut out = serde_json::Map::new();
    let mut current = Some(t.to_owned());
    while let Some(name) = current {
        let Some(ty) = types.get(&name) else { break };
        for (k, (kt, many)) in &ty.elements {
            let v = match kt.as_str() {
                "decimal" => json!(12.5),
                "int" | "integer" | "positiveInteger" | "long" => json!(3),
                "boolean" => json!(true),
                "date" => json!("2026-11-29"),
                "dateTime" => json!("2026-11-29T09:00:00-08:00"),
                "ReferenceType" => json!({"value": "1", "name": "x"}),
                "MemoRef" => json!({"value": "memo"}),
                t if types.contains_key(t) => json!({}),
                _ => json!("text"),
            };
            out.insert(k.clone(), if *many { json!([v]) } else { v });
        }
        current = ty.base.clone();
    }
    Value::Object(out)
}

fn accepts_every_element<T: Entity>(types: &BTreeMap<String, XsdType>) {
    let all = every_element(types, T::NAME);
    if let Err(e) = serde_json::from_value::<T>(all) {
        panic!("{} does not accept its XSD elements: {e}", T::NAME);
    }
}

#[test]
fn every_model_accepts_every_element_of_its_xsd_type() {
    let types = xsd();
    accepts_every_element::<Customer>(&types);
    accepts_every_element::<Vendor>(&types);
    accepts_every_element::<Item>(&types);
    accepts_every_element::<Account>(&types);
    accepts_every_element::<Invoice>(&types);
    accepts_every_element::<Payment>(&types);
    accepts_every_element::<SalesReceipt>(&types);
    accepts_every_element::<CreditMemo>(&types);
    accepts_every_element::<Estimate>(&types);
    accepts_every_element::<Bill>(&types);
    accepts_every_element::<BillPayment>(&types);
    accepts_every_element::<Purchase>(&types);
    accepts_every_element::<Deposit>(&types);
    accepts_every_element::<JournalEntry>(&types);
    accepts_every_element::<TaxCode>(&types);
    accepts_every_element::<Term>(&types);
    accepts_every_element::<PaymentMethod>(&types);
    accepts_every_element::<CompanyInfo>(&types);
    accepts_every_element::<Preferences>(&types);
}

#[test]
fn query_fixtures_decode_as_pages() {
    for (file, name) in [
        ("query_invoices", "Invoice"),
        ("query_accounts", "Account"),
        ("query_payment_methods", "PaymentMethod"),
    ] {
        let doc = fixture(file);
        let rows = doc["QueryResponse"][name].as_array().unwrap().clone();
        assert!(!rows.is_empty(), "{file}");
        match name {
            "Invoice" => drop(serde_json::from_value::<Vec<Invoice>>(Value::Array(rows)).unwrap()),
            "Account" => drop(serde_json::from_value::<Vec<Account>>(Value::Array(rows)).unwrap()),
            _ => drop(serde_json::from_value::<Vec<PaymentMethod>>(Value::Array(rows)).unwrap()),
        }
    }
}
