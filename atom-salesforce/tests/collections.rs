//! sObject Collections chunking and order, and Composite with references.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::composite::CompositeRequest;
use atom_salesforce::{Contact, Record};
use common::{client, data, id};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Answers a collections create with one result per record, id derived from its LastName.
fn echo_results(req: &Request) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    let results: Vec<Value> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n: usize = r["LastName"].as_str().unwrap().trim_start_matches('L').parse().unwrap();
            if n == 7 {
                json!({"success": false, "errors": [{"statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Email]", "fields": ["Email"]}]})
            } else {
                json!({"id": id("003", n), "success": true, "errors": []})
            }
        })
        .collect();
    // The first chunk answers last: results must still come back in input order.
    let first_chunk = body["records"][0]["LastName"] == "L0";
    ResponseTemplate::new(200)
        .set_body_json(results)
        .set_delay(std::time::Duration::from_millis(if first_chunk {
            150
        } else {
            0
        }))
}

#[tokio::test]
async fn create_450_records_in_three_requests_results_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/composite/sobjects")))
        .respond_with(echo_results)
        .expect(3)
        .mount(&server)
        .await;
    let sf = client(&server);
    let contacts: Vec<Contact> = (0..450)
        .map(|i| Contact {
            last_name: Some(format!("L{i}")),
            ..Default::default()
        })
        .collect();
    let results = sf.collections().create(&contacts, false).await.unwrap();
    assert_eq!(results.len(), 450);
    for (i, r) in results.iter().enumerate() {
        if i == 7 {
            assert!(!r.success);
            assert_eq!(
                r.errors[0].status_code.as_deref(),
                Some("REQUIRED_FIELD_MISSING")
            );
        } else {
            assert_eq!(
                r.id.as_deref(),
                Some(id("003", i).as_str()),
                "result {i} in order"
            );
        }
    }
    let requests = server.received_requests().await.unwrap();
    let mut sizes: Vec<usize> = requests
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["allOrNone"], json!(false));
            assert_eq!(body["records"][0]["attributes"], json!({"type": "Contact"}));
            body["records"].as_array().unwrap().len()
        })
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, vec![50, 200, 200]);
}

#[tokio::test]
async fn update_upsert_delete_bodies() {
    let server = MockServer::start().await;
    let a = id("001", 1);
    let b = id("001", 2);
    Mock::given(method("PATCH"))
        .and(path(data("/composite/sobjects")))
        .and(body_json(json!({
            "allOrNone": true,
            "records": [
                {"attributes": {"type": "Account"}, "id": a, "Name": "One"},
                {"attributes": {"type": "Account"}, "id": b, "Name": "Two"}
            ]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": a, "success": true, "errors": []}, {"id": b, "success": true, "errors": []}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(data("/composite/sobjects/Account/Ext__c")))
        .and(body_json(json!({
            "allOrNone": false,
            "records": [{"attributes": {"type": "Account"}, "Ext__c": "E-1", "Name": "One"}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": a, "success": true, "errors": [], "created": true}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(data("/composite/sobjects")))
        .and(query_param("ids", format!("{a},{b}")))
        .and(query_param("allOrNone", "false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": a, "success": true, "errors": []},
            {"id": b, "success": false, "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted", "fields": []}]}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let mut records = Vec::new();
    for (rid, name) in [(&a, "One"), (&b, "Two")] {
        let mut r = Record {
            attributes: Some(atom_salesforce::models::Attributes {
                sobject_type: "Account".into(),
                ..Default::default()
            }),
            id: Some(rid.clone()),
            ..Default::default()
        };
        r.set("Name", name);
        records.push(r);
    }
    let updated = sf.collections().update(&records, true).await.unwrap();
    assert!(updated.iter().all(|r| r.success));

    let mut ext = Record {
        attributes: records[0].attributes.clone(),
        ..Default::default()
    };
    ext.set("Ext__c", "E-1").set("Name", "One");
    let upserted = sf
        .collections()
        .upsert("Account", "Ext__c", &[ext.clone()], false)
        .await
        .unwrap();
    assert_eq!(upserted[0].created, Some(true));

    let deleted = sf
        .collections()
        .delete(&[a.as_str(), b.as_str()], false)
        .await
        .unwrap();
    assert_eq!(
        deleted[1].errors[0].status_code.as_deref(),
        Some("ENTITY_IS_DELETED")
    );

    // Refused before any request.
    let mut missing = ext.clone();
    missing.fields.remove("Ext__c");
    assert!(
        sf.collections()
            .upsert("Account", "Ext__c", &[missing], false)
            .await
            .is_err()
    );
    let err = sf
        .collections()
        .delete(&["bad id"], false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let no_type = Record::default();
    assert!(sf.collections().create(&[no_type], false).await.is_err());
}

#[tokio::test]
async fn composite_with_references() {
    let server = MockServer::start().await;
    let expected = json!({
        "allOrNone": true,
        "compositeRequest": [
            {"method": "POST", "url": "/services/data/v67.0/sobjects/Account",
             "referenceId": "newAccount", "body": {"Name": "Acme"}},
            {"method": "POST", "url": "/services/data/v67.0/sobjects/Contact",
             "referenceId": "newContact", "body": {"LastName": "Ng", "AccountId": "@{newAccount.id}"}},
            {"method": "GET", "url": "/services/data/v67.0/sobjects/Account/@{newAccount.id}",
             "referenceId": "readBack"},
            {"method": "GET", "url": "/services/data/v67.0/query?q=SELECT+Id+FROM+Account+LIMIT+1",
             "referenceId": "q"}
        ]
    });
    Mock::given(method("POST"))
        .and(path(data("/composite")))
        .and(body_json(expected))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"compositeResponse": [
            {"body": {"id": "001D000000JliSTIAZ", "success": true, "errors": []}, "httpHeaders": {"Location": "/services/data/v67.0/sobjects/Account/001D000000JliSTIAZ"}, "httpStatusCode": 201, "referenceId": "newAccount"},
            {"body": [{"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back since another operation in the same transaction failed."}], "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "newContact"},
            {"body": {}, "httpHeaders": {}, "httpStatusCode": 200, "referenceId": "readBack"},
            {"body": {}, "httpHeaders": {}, "httpStatusCode": 200, "referenceId": "q"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let request = CompositeRequest::new(true)
        .create("newAccount", "Account", &json!({"Name": "Acme"}))
        .unwrap()
        .create(
            "newContact",
            "Contact",
            &json!({"LastName": "Ng", "AccountId": "@{newAccount.id}"}),
        )
        .unwrap()
        .get("readBack", "Account", "@{newAccount.id}")
        .unwrap()
        .query(
            "q",
            &atom_salesforce::soql::Soql::from_static("SELECT Id FROM Account LIMIT 1"),
        )
        .unwrap();
    let response = sf.composite().send(&request).await.unwrap();
    assert!(!response.all_succeeded());
    assert_eq!(
        response.get("newAccount").map(|r| r.http_status_code),
        Some(201)
    );
    // Bad references and ids are refused.
    let r = CompositeRequest::new(false);
    assert!(r.clone().get("x", "Account", "@{bad ref.id}").is_err());
    assert!(r.clone().get("x", "Account", "../../x").is_err());
    assert!(r.clone().create("bad ref", "Account", &json!({})).is_err());
    assert!(
        r.create("a", "Account", &json!({}))
            .unwrap()
            .create("a", "Account", &json!({}))
            .is_err()
    );
}

#[tokio::test]
async fn composite_graph_sends_each_graph_and_reports_rollback() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/composite/graph")))
        .and(body_json(json!({"graphs": [
            {"graphId": "order1", "compositeRequest": [
                {"method": "POST", "url": "/services/data/v67.0/sobjects/Account", "referenceId": "acct", "body": {"Name": "Acme"}},
                {"method": "POST", "url": "/services/data/v67.0/sobjects/Contact", "referenceId": "ct", "body": {"LastName": "Ng", "AccountId": "@{acct.id}"}}
            ]},
            {"graphId": "order2", "compositeRequest": [
                {"method": "PATCH", "url": "/services/data/v67.0/sobjects/Account/001D000000JliSTIAZ", "referenceId": "upd", "body": {"Name": "Renamed"}}
            ]}
        ]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"graphs": [
            {"graphId": "order1", "isSuccessful": true, "graphResponse": {"compositeResponse": [
                {"body": {"id": "001D000000JliSUIAZ", "success": true, "errors": []}, "httpHeaders": {}, "httpStatusCode": 201, "referenceId": "acct"},
                {"body": {"id": "003D000000JliSUIAZ", "success": true, "errors": []}, "httpHeaders": {}, "httpStatusCode": 201, "referenceId": "ct"}
            ]}},
            {"graphId": "order2", "isSuccessful": false, "graphResponse": {"compositeResponse": [
                {"body": [{"errorCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}], "httpHeaders": {}, "httpStatusCode": 404, "referenceId": "upd"}
            ]}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let one = CompositeRequest::graph_nodes()
        .create("acct", "Account", &json!({"Name": "Acme"}))
        .unwrap()
        .create(
            "ct",
            "Contact",
            &json!({"LastName": "Ng", "AccountId": "@{acct.id}"}),
        )
        .unwrap();
    let two = CompositeRequest::graph_nodes()
        .update(
            "upd",
            "Account",
            "001D000000JliSTIAZ",
            &json!({"Name": "Renamed"}),
        )
        .unwrap();
    let graphs = atom_salesforce::composite::CompositeGraph::new()
        .graph("order1", one.clone())
        .unwrap()
        .graph("order2", two)
        .unwrap();
    let result = sf.composite().send_graphs(&graphs).await.unwrap();
    assert!(result.graphs[0].is_successful);
    assert!(!result.graphs[1].is_successful);
    assert_eq!(
        result.graphs[1]
            .graph_response
            .get("upd")
            .map(|r| r.http_status_code),
        Some(404)
    );
    assert!(
        atom_salesforce::composite::CompositeGraph::new()
            .graph("order1", one.clone())
            .unwrap()
            .graph("order1", one)
            .is_err()
    );
    // A plain composite request stops at 25 subrequests; a graph takes more.
    let mut plain = CompositeRequest::new(false);
    let mut graph = CompositeRequest::graph_nodes();
    for i in 0..25 {
        plain = plain
            .create(&format!("r{i}"), "Account", &json!({}))
            .unwrap();
        graph = graph
            .create(&format!("r{i}"), "Account", &json!({}))
            .unwrap();
    }
    assert!(plain.create("r25", "Account", &json!({})).is_err());
    assert!(graph.create("r25", "Account", &json!({})).is_ok());
}

#[tokio::test]
async fn get_by_ids_in_chunks_keeps_order_and_gaps() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/composite/sobjects/Account")))
        .and(query_param("fields", "Id,Name"))
        .respond_with(|req: &Request| {
            let ids = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "ids")
                .map(|(_, v)| v.to_string())
                .unwrap();
            let records: Vec<Value> = ids
                .split(',')
                .map(|id| {
                    if id == common::id("001", 5) {
                        Value::Null
                    } else {
                        json!({"attributes": {"type": "Account"}, "Id": id, "Name": format!("N{id}")})
                    }
                })
                .collect();
            ResponseTemplate::new(200).set_body_json(records)
        })
        .expect(3)
        .mount(&server)
        .await;
    let sf = client(&server);
    let ids: Vec<String> = (0..450).map(|i| id("001", i)).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let found: Vec<Option<atom_salesforce::Account>> = sf
        .collections()
        .get("Account", &refs, &["Id", "Name"])
        .await
        .unwrap();
    assert_eq!(found.len(), 450);
    assert!(found[5].is_none());
    for (i, account) in found.iter().enumerate().filter(|(i, _)| *i != 5) {
        assert_eq!(
            account.as_ref().and_then(|a| a.id.clone()),
            Some(id("001", i))
        );
    }
    let none: Result<Vec<Option<Record>>, _> = sf.collections().get("Account", &refs, &[]).await;
    assert!(none.is_err());
}

#[tokio::test]
async fn a_failed_request_keeps_the_results_other_requests_committed() {
    let server = MockServer::start().await;
    // The second chunk (records 200 to 399) fails as a whole; a create is not resent.
    Mock::given(method("POST"))
        .and(path(data("/composite/sobjects")))
        .and(wiremock::matchers::body_string_contains(
            r#""LastName":"L200""#,
        ))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            json!([{"message": "An unexpected error occurred.", "errorCode": "UNKNOWN_EXCEPTION"}]),
        ))
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(data("/composite/sobjects")))
        .respond_with(echo_results)
        .expect(2)
        .mount(&server)
        .await;
    let contacts: Vec<Contact> = (0..450)
        .map(|i| Contact {
            last_name: Some(format!("L{i}")),
            ..Default::default()
        })
        .collect();
    let results = client(&server)
        .collections()
        .create(&contacts, true)
        .await
        .unwrap();
    assert_eq!(results.len(), 450);
    for (i, r) in results.iter().enumerate() {
        if (200..400).contains(&i) {
            assert!(!r.success && r.id.is_none(), "record {i}");
            assert_eq!(
                r.errors[0].status_code.as_deref(),
                Some("UNKNOWN_EXCEPTION")
            );
        } else if i != 7 {
            assert_eq!(
                r.id.as_deref(),
                Some(id("003", i).as_str()),
                "record {i} kept"
            );
        }
    }

    // Nothing got through: the error itself.
    let none = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            json!([{"message": "An unexpected error occurred.", "errorCode": "UNKNOWN_EXCEPTION"}]),
        ))
        .mount(&none)
        .await;
    let err = client(&none)
        .collections()
        .create(&contacts[..10], true)
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("UNKNOWN_EXCEPTION"));
}
