//! Composite and Composite Graph: Salesforce's limits checked before sending, the documented
//! reference forms, upsert and collections subrequests, per-subrequest headers and
//! `collateSubrequests`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::Record;
use atom_salesforce::composite::{
    CompositeGraph, CompositeRequest, MAX_GRAPH_NODE_TYPES, MAX_GRAPHS, MAX_QUERY_OR_COLLECTIONS,
};
use atom_salesforce::soql::Soql;
use common::{client, fixture_json};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn data(rest: &str) -> String {
    format!("/services/data/v67.0{rest}")
}

fn contact(last_name: &str) -> Record {
    serde_json::from_value(json!({"attributes": {"type": "Contact"}, "LastName": last_name}))
        .unwrap()
}

#[tokio::test]
async fn upsert_collections_headers_and_collate_are_sent_as_documented() {
    let server = MockServer::start().await;
    let expected = json!({
        "allOrNone": false,
        "collateSubrequests": false,
        "compositeRequest": [
            {"method": "PATCH", "url": "/services/data/v67.0/sobjects/Account/Ext_Id__c/A-1%2F2",
             "referenceId": "upsertAccount", "body": {"Name": "Upserted"}},
            {"method": "POST", "url": "/services/data/v67.0/composite/sobjects",
             "referenceId": "newContacts",
             "body": {"allOrNone": false, "records": [
                 {"attributes": {"type": "Contact"}, "LastName": "Ng"},
                 {"attributes": {"type": "Contact"}, "LastName": ""}
             ]}},
            {"method": "GET", "url": "/services/data/v67.0/queryAll?q=SELECT+Id+FROM+Account",
             "referenceId": "refAccounts"},
            {"method": "GET", "url": "/services/data/v67.0/sobjects/Account/@{refAccounts.records[0].Id}",
             "referenceId": "readIfChanged",
             "httpHeaders": {"If-Modified-Since": "Tue, 31 May 2016 18:13:44 GMT"}},
            {"method": "DELETE",
             "url": "/services/data/v67.0/composite/sobjects?ids=001D000000JliSTIAZ,001D000000JliST&allOrNone=true",
             "referenceId": "cleanup"}
        ]
    });
    Mock::given(method("POST"))
        .and(path(data("/composite")))
        .and(body_json(expected))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(fixture_json("composite_upsert_collections_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let request = CompositeRequest::new(false)
        .collate_subrequests(false)
        .upsert(
            "upsertAccount",
            "Account",
            "Ext_Id__c",
            "A-1/2",
            &json!({"Name": "Upserted", "Ext_Id__c": "A-1/2"}),
        )
        .unwrap()
        .collections_create("newContacts", &[contact("Ng"), contact("")], false)
        .unwrap()
        .query_all("refAccounts", &Soql::from_static("SELECT Id FROM Account"))
        .unwrap()
        .get("readIfChanged", "Account", "@{refAccounts.records[0].Id}")
        .unwrap()
        .header("If-Modified-Since", "Tue, 31 May 2016 18:13:44 GMT")
        .unwrap()
        .collections_delete("cleanup", &["001D000000JliSTIAZ", "001D000000JliST"], true)
        .unwrap();
    let response = client(&server).composite().send(&request).await.unwrap();
    assert_eq!(response.composite_response.len(), 4);
    assert_eq!(
        response.get("upsertAccount").unwrap().body["created"],
        false
    );
    let read = response.get("readIfChanged").unwrap();
    assert_eq!(read.http_status_code, 304);
    assert!(read.http_headers.contains_key("ETag"));
    assert!(!response.all_succeeded());
}

#[test]
fn a_sixth_query_or_collections_subrequest_is_refused() {
    let soql = Soql::from_static("SELECT Id FROM Account");
    let mut request = CompositeRequest::new(false);
    for i in 0..MAX_QUERY_OR_COLLECTIONS - 1 {
        request = request.query(&format!("q{i}"), &soql).unwrap();
    }
    request = request
        .collections_create("c", &[contact("Ng")], false)
        .unwrap();
    // Plain record subrequests still fit.
    request = request.create("a", "Account", &json!({})).unwrap();
    for extra in [
        request.clone().query("q9", &soql),
        request.clone().query_all("q9", &soql),
        request
            .clone()
            .collections_create("c9", &[contact("Ng")], false),
        request
            .clone()
            .collections_delete("c9", &["001D000000JliSTIAZ"], false),
    ] {
        let err = extra.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains("at most 5"), "{err}");
    }
}

#[test]
fn headers_and_collections_are_checked() {
    let r = CompositeRequest::new(false);
    // No subrequest to attach a header to.
    assert!(r.clone().header("If-Match", "x").is_err());
    let one = r.clone().create("a", "Account", &json!({})).unwrap();
    assert!(one.clone().header("Bad Name", "x").is_err());
    assert!(one.clone().header("If-Match", "x\r\nEvil: 1").is_err());
    assert!(one.clone().header("Authorization", "Bearer x").is_err());
    assert!(one.header("Sforce-Auto-Assign", "FALSE").is_ok());
    // Collections: 1 to 200 records, valid ids.
    assert!(
        r.clone()
            .collections_create::<Record>("c", &[], false)
            .is_err()
    );
    let many = vec![contact("Ng"); 201];
    assert!(r.clone().collections_create("c", &many, false).is_err());
    assert!(r.clone().collections_delete("c", &["../x"], false).is_err());
    // References: the documented forms only.
    assert!(r.clone().get("x", "Account", "@{q.records[0].Id}").is_ok());
    assert!(r.clone().get("x", "Account", "@{q.records[0.Id}").is_err());
    assert!(
        r.clone()
            .get("x", "Account", "@{q.records[-1].Id}")
            .is_err()
    );
    assert!(r.get("x", "Account", "@{q}").is_err());
}

#[tokio::test]
async fn graphs_take_numeric_ids_and_only_record_nodes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/composite/graph")))
        .and(body_json(json!({"graphs": [
            {"graphId": "1", "compositeRequest": [
                {"method": "POST", "url": "/services/data/v67.0/sobjects/Account", "referenceId": "acct", "body": {"Name": "Acme"}},
                {"method": "PATCH", "url": "/services/data/v67.0/sobjects/Contact/Ext__c/C%201", "referenceId": "ct", "body": {"AccountId": "@{acct.id}"}}
            ]}
        ]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"graphs": [
            {"graphId": "1", "isSuccessful": true, "graphResponse": {"compositeResponse": [
                {"body": {"id": "001D000000JliSUIAZ", "success": true, "errors": []}, "httpHeaders": {}, "httpStatusCode": 201, "referenceId": "acct"},
                {"body": {"id": "003D000000JliSUIAZ", "success": true, "errors": [], "created": true}, "httpHeaders": {}, "httpStatusCode": 201, "referenceId": "ct"}
            ]}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let nodes = CompositeRequest::graph_nodes()
        .create("acct", "Account", &json!({"Name": "Acme"}))
        .unwrap()
        .upsert(
            "ct",
            "Contact",
            "Ext__c",
            "C 1",
            &json!({"AccountId": "@{acct.id}"}),
        )
        .unwrap();
    let graphs = CompositeGraph::new().graph("1", nodes.clone()).unwrap();
    let result = client(&server)
        .composite()
        .send_graphs(&graphs)
        .await
        .unwrap();
    assert!(result.graphs[0].is_successful);

    // Queries and collections are not graph nodes.
    let soql = Soql::from_static("SELECT Id FROM Account");
    assert!(nodes.clone().query("q", &soql).is_err());
    assert!(
        nodes
            .clone()
            .collections_create("c", &[contact("Ng")], false)
            .is_err()
    );
    // Graph ids: Salesforce's rules.
    for bad in ["", ".1", "a.b", &"x".repeat(40)] {
        assert!(
            CompositeGraph::new().graph(bad, nodes.clone()).is_err(),
            "{bad:?}"
        );
    }
    // A plain request or a collating one is not a graph; nor is a graph a plain request.
    let plain = CompositeRequest::new(true)
        .create("a", "Account", &json!({}))
        .unwrap();
    assert!(CompositeGraph::new().graph("1", plain).is_err());
    let collating = nodes.clone().collate_subrequests(true);
    assert!(CompositeGraph::new().graph("1", collating).is_err());
    assert!(client(&server).composite().send(&nodes).await.is_err());
}

#[test]
fn graph_payload_limits_hold_across_graphs() {
    let node = |n: usize| {
        let mut g = CompositeRequest::graph_nodes();
        for i in 0..n {
            g = g.create(&format!("r{i}"), "Account", &json!({})).unwrap();
        }
        g
    };
    // 500 nodes in all: 2 graphs of 250 fit, a third node does not.
    let full = CompositeGraph::new()
        .graph("1", node(250))
        .unwrap()
        .graph("2", node(250))
        .unwrap();
    assert!(full.clone().graph("3", node(1)).is_err());
    // 75 graphs.
    let mut many = CompositeGraph::new();
    for i in 0..MAX_GRAPHS {
        many = many.graph(&i.to_string(), node(1)).unwrap();
    }
    assert!(many.graph("last", node(1)).is_err());
    // 15 node types (method, object), counted across graphs.
    let mut typed = CompositeGraph::new();
    for i in 0..MAX_GRAPH_NODE_TYPES {
        let g = CompositeRequest::graph_nodes()
            .create("r", &format!("Obj{i}__c"), &json!({}))
            .unwrap();
        typed = typed.graph(&format!("g{i}"), g).unwrap();
    }
    // Same type again is fine; a 16th type is not.
    let same = CompositeRequest::graph_nodes()
        .create("r", "obj0__c", &json!({}))
        .unwrap();
    let typed = typed.graph("same", same).unwrap();
    let new_method = CompositeRequest::graph_nodes()
        .update("r", "Obj0__c", "001D000000JliSTIAZ", &json!({}))
        .unwrap();
    let err = typed.graph("new", new_method).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("node types"), "{err}");
}

proptest::proptest! {
    #![proptest_config(atom_core::testing::proptest_config(2_000))]
    /// Never panics on any input; every documented form (`@{ref.field}`,
    /// `@{ref.records[n].Field}`) is accepted as written; graph ids never panic.
    #[test]
    fn references_never_panic_and_documented_forms_pass(
        text in "\\PC{0,40}",
        reference in "[A-Za-z][A-Za-z0-9]{0,10}",
        field in "[A-Za-z][A-Za-z0-9]{0,10}",
        index in 0u32..100_000,
    ) {
        let _ = atom_salesforce::composite::reference_or_id(&text);
        let _ = CompositeGraph::new().graph(&text, CompositeRequest::graph_nodes()
            .create("a", "Account", &json!({})).unwrap());
        let indexed = format!("@{{{reference}.records[{index}].{field}}}");
        proptest::prop_assert_eq!(
            atom_salesforce::composite::reference_or_id(&indexed).unwrap(), indexed);
        let plain = format!("@{{{reference}.{field}}}");
        proptest::prop_assert!(atom_salesforce::composite::reference_or_id(&plain).is_ok());
    }
}
