//! Child-relationship subqueries cut short by Salesforce (`done: false` with their own
//! `nextRecordsUrl`), and the query scope carried by checkpoints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{Checkpoint, ErrorKind};
use atom_salesforce::models::QueryResult;
use atom_salesforce::soql::Soql;
use atom_salesforce::{ChildPages, Contact, QueryParams, Record};
use common::{client, data, fixture};
use futures::TryStreamExt as _;
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SOQL: &str = "SELECT Name, (SELECT LastName FROM Contacts) FROM Account";
const CHILD_PAGE: &str = "/services/data/v67.0/query/01gR0000000KDmtIAG-2";

#[derive(Debug, Deserialize)]
struct AccountWithContacts {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Contacts")]
    contacts: Option<QueryResult<Contact>>,
}

/// The parent page (two accounts, the first with 2 of its 3 contacts) and the child
/// list's next page, each expected `parent` and `child` times.
async fn mount_subquery(server: &MockServer, parent: u64, child: u64) {
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param("q", SOQL))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_subquery_truncated_response.json")),
        )
        .expect(parent)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(CHILD_PAGE))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_subquery_more_response.json")),
        )
        .expect(child)
        .mount(server)
        .await;
}

fn last_names(list: &QueryResult<Contact>) -> Vec<&str> {
    list.records
        .iter()
        .filter_map(|c| c.last_name.as_deref())
        .collect()
}

#[tokio::test]
async fn a_truncated_child_list_is_followed_before_the_parent_is_handed_out() {
    let server = MockServer::start().await;
    mount_subquery(&server, 1, 1).await;
    let sf = client(&server);
    let accounts: Vec<AccountWithContacts> = sf
        .query(&Soql::from_static(SOQL))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(accounts.len(), 2);
    let contacts = accounts[0].contacts.as_ref().unwrap();
    assert_eq!(last_names(contacts), ["Doe", "Smith", "Roe"]);
    assert!(contacts.is_complete());
    assert_eq!(contacts.next_records_url, None);
    assert_eq!(contacts.total_size, 3);
    assert_eq!(accounts[1].name, "Acme Corp (East)");
    assert!(accounts[1].contacts.is_none());
}

#[tokio::test]
async fn generic_records_get_every_child_too() {
    let server = MockServer::start().await;
    mount_subquery(&server, 1, 1).await;
    let sf = client(&server);
    let accounts: Vec<Record> = sf
        .query(&Soql::from_static(SOQL))
        .try_collect()
        .await
        .unwrap();
    let contacts = accounts[0].get("Contacts").unwrap();
    assert_eq!(contacts["records"].as_array().unwrap().len(), 3);
    assert_eq!(contacts["done"], json!(true));
    assert!(contacts.get("nextRecordsUrl").is_none());
    let typed = accounts[0].children("Contacts").unwrap();
    assert!(typed.is_complete());
    assert_eq!(typed.records[2].get_str("LastName"), Some("Roe"));
    assert!(
        accounts[1].children("Contacts").is_none(),
        "null: no contacts"
    );
}

#[tokio::test]
async fn leave_hands_records_out_as_sent_and_children_walks_the_rest() {
    let server = MockServer::start().await;
    mount_subquery(&server, 1, 1).await;
    let sf = client(&server);
    let params = QueryParams {
        children: ChildPages::Leave,
        ..QueryParams::default()
    };
    let mut accounts: Vec<AccountWithContacts> = sf
        .query_with(&Soql::from_static(SOQL), &params, Checkpoint::default())
        .try_collect()
        .await
        .unwrap();
    let contacts = accounts.remove(0).contacts.unwrap();
    assert!(
        !contacts.is_complete(),
        "the caller can see the list is short"
    );
    assert_eq!(last_names(&contacts), ["Doe", "Smith"]);
    let mut rest = sf.children(contacts);
    let all: Vec<Contact> = (&mut rest).try_collect().await.unwrap();
    let names: Vec<_> = all.iter().filter_map(|c| c.last_name.as_deref()).collect();
    assert_eq!(names, ["Doe", "Smith", "Roe"]);
    assert_eq!(rest.total(), Some(3));
}

#[tokio::test]
async fn a_child_url_off_the_data_api_is_refused_without_a_request() {
    let server = MockServer::start().await;
    let mut body: serde_json::Value =
        serde_json::from_str(&fixture("query_subquery_truncated_response.json")).unwrap();
    body["records"][0]["Contacts"]["nextRecordsUrl"] = json!("/services/data/%2e%2e/oauth2/token");
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let err = sf
        .query::<Record>(&Soql::from_static(SOQL))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.service()),
        (ErrorKind::Decode, "salesforce")
    );
}

#[tokio::test]
async fn a_child_list_that_repeats_its_url_ends_with_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_subquery_truncated_response.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CHILD_PAGE))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 3, "done": false, "nextRecordsUrl": CHILD_PAGE, "records": []
        })))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let err = sf
        .query::<Record>(&Soql::from_static(SOQL))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

/// A `queryAll` of two pages: the first at `/queryAll?q=`, the second by locator. Each
/// path is expected the given number of times; `/query` (the live scope) never.
async fn mount_query_all(server: &MockServer, first: u64, second_path: &str, second: u64) {
    Mock::given(method("GET"))
        .and(path(data("/queryAll")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 4, "done": false,
            // Salesforce names the locator under /query even for queryAll.
            "nextRecordsUrl": "/services/data/v67.0/query/01gD-2",
            "records": [{"Id": "a", "IsDeleted": true}, {"Id": "b", "IsDeleted": false}]
        })))
        .expect(first)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(second_path.to_owned()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 4, "done": true,
            "records": [{"Id": "c", "IsDeleted": true}, {"Id": "d", "IsDeleted": false}]
        })))
        .expect(second)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(server)
        .await;
}

fn ids(records: &[Record]) -> Vec<&str> {
    records.iter().filter_map(|r| r.id.as_deref()).collect()
}

#[tokio::test]
async fn a_query_all_checkpoint_on_the_first_page_resumes_on_query_all() {
    let server = MockServer::start().await;
    mount_query_all(&server, 2, "/services/data/v67.0/queryAll/01gD-2", 1).await;
    let sf = client(&server);
    let soql = Soql::from_static("SELECT Id, IsDeleted FROM Account");
    let mut stream = sf.query_all::<Record>(&soql);
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("a"));
    let saved = serde_json::to_string(&stream.checkpoint()).unwrap();
    drop(stream);
    // Resumed through the generic `query_from`: the checkpoint's scope wins.
    let checkpoint: Checkpoint = serde_json::from_str(&saved).unwrap();
    let rest: Vec<Record> = sf
        .query_from(&soql, checkpoint)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&rest), ["b", "c", "d"]);
}

#[tokio::test]
async fn a_query_all_checkpoint_on_a_later_page_names_query_all() {
    let server = MockServer::start().await;
    mount_query_all(&server, 1, "/services/data/v67.0/queryAll/01gD-2", 2).await;
    let sf = client(&server);
    let soql = Soql::from_static("SELECT Id, IsDeleted FROM Account");
    let mut stream = sf.query_all::<Record>(&soql);
    for _ in 0..3 {
        stream.try_next().await.unwrap().unwrap();
    }
    let checkpoint = stream.checkpoint();
    assert_eq!(
        checkpoint.cursor.as_deref(),
        Some("/services/data/v67.0/queryAll/01gD-2")
    );
    assert_eq!(stream.total(), Some(4));
    drop(stream);
    let rest: Vec<Record> = sf
        .query_from(&soql, checkpoint)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&rest), ["d"]);
}

#[tokio::test]
async fn a_checkpoint_cursor_off_the_data_api_is_refused() {
    let server = MockServer::start().await;
    let sf = client(&server);
    let from = Checkpoint {
        cursor: Some("/services/oauth2/revoke".into()),
        skip: 0,
    };
    let err = sf
        .query_from::<Record>(&Soql::from_static("SELECT Id FROM Account"), from)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn children_are_completed_on_every_page_of_parents() {
    let server = MockServer::start().await;
    // The recorded page, made the first of two (the parent list is cut short too).
    let mut first: serde_json::Value =
        serde_json::from_str(&fixture("query_subquery_truncated_response.json")).unwrap();
    first["done"] = json!(false);
    first["totalSize"] = json!(3);
    first["nextRecordsUrl"] = json!("/services/data/v67.0/query/01gR0000000KDmsIAG-2");
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/query/01gR0000000KDmsIAG-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 3, "done": true,
            "records": [{"Name": "Acme Corp (North)", "Contacts": {"totalSize": 0, "done": true, "records": []}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CHILD_PAGE))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_subquery_more_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let mut stream = sf.query::<AccountWithContacts>(&Soql::from_static(SOQL));
    let accounts: Vec<AccountWithContacts> = (&mut stream).try_collect().await.unwrap();
    assert_eq!(accounts.len(), 3);
    assert_eq!(
        last_names(accounts[0].contacts.as_ref().unwrap()),
        ["Doe", "Smith", "Roe"]
    );
    assert!(accounts[2].contacts.as_ref().unwrap().is_complete());
    assert_eq!(stream.total(), Some(3));
}

#[tokio::test]
async fn grandchildren_cut_short_under_a_whole_child_list_are_followed() {
    let server = MockServer::start().await;
    // Five-level relationship queries (API 58.0+) nest child lists in child records.
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 1, "done": true,
            "records": [{"Name": "Acme", "Contacts": {"totalSize": 1, "done": true, "records": [
                {"LastName": "Doe", "Cases": {
                    "totalSize": 2, "done": false,
                    "nextRecordsUrl": "/services/data/v67.0/query/01gCases-1",
                    "records": [{"Subject": "one"}]
                }}
            ]}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v67.0/query/01gCases-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 2, "done": true, "records": [{"Subject": "two"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let accounts: Vec<Record> = sf
        .query(&Soql::from_static("SELECT Name FROM Account"))
        .try_collect()
        .await
        .unwrap();
    let contacts = accounts[0].children("Contacts").unwrap();
    let cases = contacts.records[0].children("Cases").unwrap();
    assert!(cases.is_complete());
    let subjects: Vec<_> = cases
        .records
        .iter()
        .filter_map(|c| c.get_str("Subject"))
        .collect();
    assert_eq!(subjects, ["one", "two"]);
}
