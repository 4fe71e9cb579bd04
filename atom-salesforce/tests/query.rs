//! SOQL/SOSL: exact statements sent, injection attempts, paging to the end, aggregates,
//! search, and the error mapping.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::soql::{Filter, Query, Soql};
use atom_salesforce::sosl::Search;
use atom_salesforce::{Account, Record};
use common::{client, data, fixture};
use futures::TryStreamExt as _;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn query_follows_next_records_url_to_the_end() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param("q", "SELECT Text_Label FROM Whizbang__c"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_paginated_first_page_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v26.0/query/01gD"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_paginated_last_page_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let soql = Query::select(["Text_Label"])
        .from("Whizbang__c")
        .build()
        .unwrap();
    let records: Vec<Record> = sf.query(&soql).try_collect().await.unwrap();
    let labels: Vec<_> = records
        .iter()
        .filter_map(|r| r.get_str("Text_Label"))
        .collect();
    assert_eq!(labels, vec!["First Page", "Last Page"]);
}

#[tokio::test]
async fn many_pages_and_query_all() {
    let server = MockServer::start().await;
    for page in 0..5 {
        let next = (page < 4).then(|| format!("/services/data/v62.0/query/01gD-{}", page + 1));
        let body = json!({
            "totalSize": 10, "done": page == 4, "nextRecordsUrl": next,
            "records": [{"Id": format!("001D0000000000{page}AAA"), "Name": format!("A{page}")},
                        {"Id": format!("001D0000000000{page}AAB"), "Name": format!("B{page}")}]
        });
        // Salesforce's nextRecordsUrl of a queryAll says /query/; the stream follows the
        // documented /queryAll/{locator} form so its checkpoints name the scope.
        let p = if page == 0 {
            data("/queryAll")
        } else {
            format!("/services/data/v62.0/queryAll/01gD-{page}")
        };
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let sf = client(&server);
    let soql = Soql::from_static("SELECT Id, Name FROM Account");
    let mut stream = sf.query_all::<Account>(&soql);
    assert_eq!(stream.total(), None, "nothing read yet");
    let accounts: Vec<Account> = (&mut stream).try_collect().await.unwrap();
    assert_eq!(accounts.len(), 10);
    assert_eq!(accounts[9].name.as_deref(), Some("B4"));
    // Salesforce's totalSize is kept as the stream's total.
    assert_eq!(stream.total(), Some(10));
}

#[tokio::test]
async fn query_all_resumes_from_its_checkpoint_with_the_total() {
    let server = MockServer::start().await;
    // Page 3 by a checkpoint saved before the scope was kept in the cursor (/query/),
    // page 4 by the /queryAll/ form the stream now stores.
    for page in 3..5 {
        let next = (page < 4).then(|| format!("/services/data/v62.0/query/01gD-{}", page + 1));
        let resource = if page == 3 { "query" } else { "queryAll" };
        Mock::given(method("GET"))
            .and(path(format!("/services/data/v62.0/{resource}/01gD-{page}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "totalSize": 10, "done": page == 4, "nextRecordsUrl": next,
                "records": [{"Name": format!("A{page}")}, {"Name": format!("B{page}")}]
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let sf = client(&server);
    let soql = Soql::from_static("SELECT Name FROM Account");
    let from = atom_core::Checkpoint {
        cursor: Some("/services/data/v62.0/query/01gD-3".into()),
        skip: 1,
    };
    let mut stream = sf.query_all_from::<Account>(&soql, from);
    let names: Vec<String> = (&mut stream)
        .map_ok(|a| a.name.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, vec!["B3", "A4", "B4"]);
    assert_eq!(stream.total(), Some(10));
}

#[tokio::test]
async fn a_repeated_next_records_url_ends_the_stream_with_a_salesforce_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 4, "done": false, "nextRecordsUrl": "/services/data/v62.0/query/01gD-1",
            "records": [{"Id": "x"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v62.0/query/01gD-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 4, "done": false, "nextRecordsUrl": "/services/data/v62.0/query/01gD-1",
            "records": [{"Id": "y"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let err = sf
        .query::<Record>(&Soql::from_static("SELECT Id FROM Account"))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.service()),
        (ErrorKind::Decode, "salesforce")
    );
}

#[tokio::test]
async fn a_next_records_url_off_the_data_api_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalSize": 2, "done": false, "nextRecordsUrl": "/../../evil", "records": [{"Id": "x"}]
        })))
        .mount(&server)
        .await;
    let sf = client(&server);
    let result: Result<Vec<Record>, _> = sf
        .query(&Soql::from_static("SELECT Id FROM Account"))
        .try_collect()
        .await;
    let err = result.unwrap_err();
    assert_eq!(
        (err.kind(), err.service()),
        (ErrorKind::Decode, "salesforce")
    );
}

#[tokio::test]
async fn hostile_values_cannot_change_the_statement() {
    let server = MockServer::start().await;
    let expected = "SELECT Id FROM Contact WHERE (LastName = 'x\\' OR Name != \\'' \
                    AND Email LIKE '%\\\\\\%\\_\\n%' AND Title = 'a\\\\\\' OR \\'1\\'=\\'1')";
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param("q", expected))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("query_empty_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let soql = Query::select(["Id"])
        .from("Contact")
        .filter(Filter::eq("LastName", "x' OR Name != '"))
        .filter(Filter::contains("Email", "\\%_\n"))
        .filter(Filter::eq("Title", "a\\' OR '1'='1"))
        .build()
        .unwrap();
    assert_eq!(soql.as_str(), expected);
    let rows: Vec<Record> = sf.query(&soql).try_collect().await.unwrap();
    assert!(rows.is_empty());
    // Names are never escaped, only accepted or refused.
    for bad in [
        "Name FROM Account --",
        "Id,(SELECT Id FROM Contacts)",
        "Name'",
        "",
    ] {
        assert!(
            Query::select([bad]).from("Account").build().is_err(),
            "{bad}"
        );
        assert!(
            Query::select(["Id"])
                .from("Account")
                .filter(Filter::eq(bad, 1))
                .build()
                .is_err()
        );
    }
    assert!(
        Query::select(["Id"])
            .from("Account WHERE Id != null")
            .build()
            .is_err()
    );
}

#[tokio::test]
async fn aggregate_rows_keep_exact_numbers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param(
            "q",
            "SELECT CampaignId, SUM(Amount) FROM Opportunity GROUP BY CampaignId",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_aggregate_success_response.json")),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let soql = Query::select(["CampaignId"])
        .aggregate(atom_salesforce::soql::Aggregate::Sum, "Amount", None)
        .from("Opportunity")
        .group_by("CampaignId")
        .build()
        .unwrap();
    let rows = sf.aggregate(&soql).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].str("CampaignId"), Some("701E0000000JuFHIA0"));
    assert_eq!(rows[0].decimal("expr0").unwrap().as_str(), "300");
    assert_eq!(rows[2].str("CampaignId"), None);
    assert!(!rows[0].values.contains_key("attributes"));
}

#[tokio::test]
async fn search_escapes_the_term_and_decodes_both_shapes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/search")))
        .and(query_param(
            "q",
            "FIND {O\\'Brien\\} RETURNING User\\(Id\\) \\{x} IN ALL FIELDS RETURNING Contact(Id)",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("search_success_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/search")))
        .and(query_param("q", "FIND {\"acme co\"} IN NAME FIELDS"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"searchRecords": [{"attributes": {"type": "Account"}, "Id": "001D000000JliSTIAZ"}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/search")))
        .and(query_param("q", "FIND {zz} IN ALL FIELDS"))
        .respond_with(
            ResponseTemplate::new(400).set_body_string(fixture("search_error_response.json")),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let sosl = Search::find("O'Brien} RETURNING User(Id) {x")
        .returning("Contact", ["Id"])
        .build()
        .unwrap();
    let found = sf.search(&sosl).await.unwrap();
    assert_eq!(
        found
            .iter()
            .filter_map(|r| r.id.as_deref())
            .collect::<Vec<_>>(),
        ["foo", "bar"]
    );
    let phrase = Search::find("acme co")
        .phrase()
        .scope(atom_salesforce::sosl::SearchScope::Name)
        .build()
        .unwrap();
    assert_eq!(sf.search(&phrase).await.unwrap().len(), 1);
    let err = sf
        .search(&Search::find("zz").build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.provider_code(), err.status()),
        (
            ErrorKind::InvalidRequest,
            Some("MALFORMED_SEARCH"),
            Some(400)
        )
    );
    assert!(
        Search::find("x")
            .returning("Contact; DROP", ["Id"])
            .build()
            .is_err()
    );
}

async fn error_for(status: u16, body: &str, content_type: &str) -> atom_core::Error {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), content_type),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let out: Result<Vec<Record>, _> = sf
        .query(&Soql::from_static("SELECT Id FROM Account"))
        .try_collect()
        .await;
    out.unwrap_err()
}

#[tokio::test]
async fn error_bodies_map_to_kinds_with_codes_and_details() {
    let err = error_for(
        400,
        &fixture("query_error_response.json"),
        "application/json",
    )
    .await;
    assert_eq!(
        (err.kind(), err.provider_code(), err.status(), err.message()),
        (
            ErrorKind::InvalidRequest,
            Some("INVALID_FIELD"),
            Some(400),
            "error_message"
        )
    );

    let two = r#"[{"message":"unexpected token: FROM","errorCode":"MALFORMED_QUERY"},
                  {"message":"second","errorCode":"INVALID_FIELD","fields":["Foo__c"]}]"#;
    let err = error_for(400, two, "application/json").await;
    assert_eq!(err.provider_code(), Some("MALFORMED_QUERY"));
    assert_eq!(err.details().len(), 1);
    assert_eq!(err.details()[0].code.as_deref(), Some("INVALID_FIELD"));
    assert_eq!(err.details()[0].fields, vec!["Foo__c".to_string()]);
    // The typed view: every entry of the array, as sent.
    let info = err
        .provider_details::<atom_salesforce::error::SalesforceErrorInfo>()
        .expect("typed details attached");
    let codes: Vec<_> = info
        .errors
        .iter()
        .map(|e| {
            (
                e.error_code.as_deref(),
                e.message.as_deref(),
                e.fields.clone(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            (
                Some("MALFORMED_QUERY"),
                Some("unexpected token: FROM"),
                vec![]
            ),
            (
                Some("INVALID_FIELD"),
                Some("second"),
                vec!["Foo__c".to_owned()]
            ),
        ]
    );

    let dup = r#"[{"message":"duplicate value found: Email__c","errorCode":"DUPLICATE_VALUE","fields":["Email__c"]}]"#;
    let err = error_for(400, dup, "application/json").await;
    assert_eq!(
        (err.kind(), err.provider_code()),
        (ErrorKind::Conflict, Some("DUPLICATE_VALUE"))
    );
    assert_eq!(err.provider_field("fields"), Some(&json!(["Email__c"])));

    let deleted = r#"[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED"}]"#;
    let err = error_for(404, deleted, "application/json").await;
    assert_eq!(
        (err.kind(), err.provider_code()),
        (ErrorKind::NotFound, Some("ENTITY_IS_DELETED"))
    );

    let limit =
        r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#;
    let err = error_for(403, limit, "application/json").await;
    assert_eq!(
        (err.kind(), err.status()),
        (ErrorKind::RateLimited, Some(403))
    );
    assert!(
        !err.is_retryable(),
        "the daily allocation does not come back in seconds"
    );

    let html = "<html><body>Service Unavailable</body></html>";
    let err = error_for(503, html, "text/html").await;
    assert_eq!((err.kind(), err.status()), (ErrorKind::Server, Some(503)));
    assert!(err.message().contains("503"), "{}", err.message());

    let text = "upstream connect error";
    let err = error_for(502, text, "text/plain").await;
    assert!(err.message().contains("upstream connect error"));
}

#[tokio::test]
async fn concurrency_limit_and_server_errors_are_retried() {
    let server = MockServer::start().await;
    let limit = r#"[{"message":"ConcurrentPerOrgLongTxn Limit exceeded","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(403).set_body_string(limit))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(503).set_body_string("[]"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("org_query_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let rows: Vec<Record> = sf
        .query(&Soql::from_static("SELECT Id FROM Organization"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows[0].id.as_deref(), Some("00Dx0000000BV7z"));
}

#[tokio::test]
async fn a_stream_resumes_from_its_checkpoint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_paginated_first_page_response.json")),
        )
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/services/data/v26.0/query/01gD"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("query_paginated_last_page_response.json")),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let soql = Soql::from_static("SELECT Text_Label FROM Whizbang__c");
    let mut stream = sf.query::<Record>(&soql);
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.get_str("Text_Label"), Some("First Page"));
    let checkpoint = stream.checkpoint();
    drop(stream);
    // Saved (it serialises), restored later: the stream goes on after the first record.
    let saved = serde_json::to_string(&checkpoint).unwrap();
    let restored: atom_core::Checkpoint = serde_json::from_str(&saved).unwrap();
    let rest: Vec<Record> = sf.query_from(&soql, restored).try_collect().await.unwrap();
    let labels: Vec<_> = rest
        .iter()
        .filter_map(|r| r.get_str("Text_Label"))
        .collect();
    assert_eq!(labels, vec!["Last Page"]);
}

#[tokio::test]
async fn search_terms_with_and_or_not_stay_terms() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/search")))
        .and(query_param(
            "q",
            "FIND {black \"and\" white \"OR\" \"not\" grey} IN ALL FIELDS",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("search_success_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let sosl = Search::find("black and white OR not grey").build().unwrap();
    assert_eq!(sf.search(&sosl).await.unwrap().len(), 2);
}
