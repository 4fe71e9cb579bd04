//! Bulk API 2.0 query results read as a stream: exact requests, every dialect, page counts,
//! and hostile bodies (unterminated quotes, huge rows, locator loops, bodies cut short).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../examples/bulk_stream/server.rs"]
mod csv_server;

use atom_core::{Checkpoint, ErrorKind, Secret};
use atom_salesforce::Client;
use atom_salesforce::bulk::{IngestOperation, ResultsOptions};
use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvFormat, CsvRecord, LineEnding};
use atom_salesforce::soql::Soql;
use common::{client, data};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::{body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const JOB: &str = "7505f00000EXAMPAA5";

fn results_path() -> String {
    data(&format!("/jobs/query/{JOB}/results"))
}

fn page(body: &str, locator: &str, records: Option<u64>) -> ResponseTemplate {
    let mut t = ResponseTemplate::new(200)
        .set_body_raw(body.as_bytes().to_vec(), "text/csv")
        .insert_header("sforce-locator", locator);
    if let Some(n) = records {
        t = t.insert_header("sforce-numberofrecords", n.to_string().as_str());
    }
    t
}

fn names(rows: &[CsvRecord]) -> Vec<&str> {
    rows.iter().filter_map(|r| r.get("Name")).collect()
}

#[tokio::test]
async fn every_page_is_read_with_exact_requests_and_counts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("maxRecords", "2"))
        .and(query_param_is_missing("locator"))
        .respond_with(page("Id,Name\n1,A\n2,\"B, \"\"b\"\"\"\n", "L1", Some(2)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("maxRecords", "2"))
        .and(query_param("locator", "L1"))
        .respond_with(page("Id,Name\n3,\"C\nline two\"\n4,D\n", "L2", Some(2)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("maxRecords", "2"))
        .and(query_param("locator", "L2"))
        .respond_with(page("Id,Name\n5,E\n", "null", Some(1)))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let mut results = sf.bulk().query_results(JOB, Some(2));
    assert_eq!(results.total(), None);
    let first = results.next().await.unwrap().unwrap();
    assert_eq!(first.get("Name"), Some("A"));
    assert_eq!(results.page_records(), Some(2));
    assert_eq!(
        results.checkpoint(),
        Checkpoint {
            cursor: None,
            skip: 1
        }
    );
    let mut rows = vec![first];
    while let Some(row) = results.try_next().await.unwrap() {
        rows.push(row);
    }
    assert_eq!(names(&rows), ["A", "B, \"b\"", "C\nline two", "D", "E"]);
    assert_eq!((results.pages(), results.total()), (3, Some(5)));
    assert_eq!(results.page_records(), Some(1));
    // Rows of every page share one header allocation.
    assert!(std::ptr::eq(
        rows[0].headers().as_ptr(),
        rows[4].headers().as_ptr()
    ));
    let requests = server.received_requests().await.unwrap();
    let queries: Vec<_> = requests
        .iter()
        .map(|r| {
            (
                r.method.as_str().to_owned(),
                r.url.query().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        queries,
        [
            ("GET".to_owned(), "maxRecords=2".to_owned()),
            ("GET".to_owned(), "maxRecords=2&locator=L1".to_owned()),
            ("GET".to_owned(), "maxRecords=2&locator=L2".to_owned()),
        ]
    );
}

#[tokio::test]
async fn a_resumed_stream_skips_what_was_handed_out_and_knows_no_total() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("locator", "L1"))
        .respond_with(page("Id,Name\n3,C\n4,D\n", "null", Some(2)))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let from = Checkpoint {
        cursor: Some("L1".into()),
        skip: 1,
    };
    let mut results = sf.bulk().query_results_from(JOB, None, from.clone());
    assert_eq!(results.checkpoint(), from);
    let rows: Vec<_> = (&mut results).try_collect().await.unwrap();
    assert_eq!(names(&rows), ["D"]);
    assert_eq!(
        results.checkpoint(),
        Checkpoint {
            cursor: Some("L1".into()),
            skip: 2
        }
    );
    // Pages before the checkpoint were not read: the whole count is unknown.
    assert_eq!(results.total(), None);
}

#[tokio::test]
async fn jobs_are_created_and_read_in_every_dialect() {
    let server = MockServer::start().await;
    let sf = client(&server);
    for delimiter in ColumnDelimiter::ALL {
        for line_ending in LineEnding::ALL {
            server.reset().await;
            let format = CsvFormat::new(delimiter, line_ending);
            let (d, le) = (delimiter.as_str(), line_ending.as_str());
            Mock::given(method("POST"))
                .and(path(data("/jobs/query")))
                .and(body_json(json!({"operation": "query", "query": "SELECT Id, Name FROM Account",
                    "contentType": "CSV", "columnDelimiter": d, "lineEnding": le})))
                .respond_with(ResponseTemplate::new(200).set_body_json(
                    json!({"id": JOB, "state": "UploadComplete", "columnDelimiter": d, "lineEnding": le}),
                ))
                .expect(1)
                .mount(&server)
                .await;
            Mock::given(method("POST"))
                .and(path(data("/jobs/ingest")))
                .and(body_json(
                    json!({"object": "Account", "operation": "update",
                    "contentType": "CSV", "columnDelimiter": d, "lineEnding": le}),
                ))
                .respond_with(
                    ResponseTemplate::new(200).set_body_json(json!({"id": JOB, "state": "Open"})),
                )
                .expect(1)
                .mount(&server)
                .await;
            let sep = char::from(delimiter.byte());
            let eol = std::str::from_utf8(line_ending.bytes()).unwrap();
            let body = format!(
                "Id{sep}Name{eol}1{sep}\"a{sep}b\"{eol}2{sep}\"x{eol}y\"\"z\"{eol}3{sep}plain{eol}"
            );
            Mock::given(method("GET"))
                .and(path(results_path()))
                .respond_with(page(&body, "null", Some(3)))
                .expect(1)
                .mount(&server)
                .await;
            let bulk = sf.bulk();
            let job = bulk
                .create_query_with(
                    &Soql::from_static("SELECT Id, Name FROM Account"),
                    false,
                    format,
                )
                .await
                .unwrap();
            assert_eq!(job.format().unwrap(), format);
            bulk.create_ingest_with("Account", IngestOperation::Update, None, format)
                .await
                .unwrap();
            let options = ResultsOptions::new().format(job.format().unwrap());
            let rows: Vec<_> = bulk
                .query_results_with(JOB, &options, Checkpoint::default())
                .try_collect()
                .await
                .unwrap();
            let want = [
                format!("a{sep}b"),
                format!("x{eol}y\"z"),
                "plain".to_owned(),
            ];
            assert_eq!(names(&rows), want, "{d} {le}");
            server.verify().await;
        }
    }
}

/// Collects a stream into its rows and the error that ended it.
async fn drain(
    mut results: atom_salesforce::bulk::QueryResults,
) -> (Vec<CsvRecord>, atom_core::Error) {
    let mut rows = Vec::new();
    loop {
        match results.next().await {
            Some(Ok(row)) => rows.push(row),
            Some(Err(error)) => {
                assert!(
                    results.next().await.is_none(),
                    "the stream ends after an error"
                );
                return (rows, error);
            }
            None => panic!(
                "the stream ended without an error after {} rows",
                rows.len()
            ),
        }
    }
}

#[tokio::test]
async fn an_unterminated_quote_at_the_end_of_the_body_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .respond_with(page("Id,Name\n1,A\n2,\"never closed\n", "null", None))
        .mount(&server)
        .await;
    let (rows, err) = drain(client(&server).bulk().query_results(JOB, None)).await;
    assert_eq!(names(&rows), ["A"]);
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("quoted field"), "{err}");
}

#[tokio::test]
async fn a_row_over_the_cap_is_a_decode_error() {
    let server = MockServer::start().await;
    let huge = "x".repeat(10_000);
    Mock::given(method("GET"))
        .and(path(results_path()))
        .respond_with(page(
            &format!("Id,Name\n1,A\n2,\"{huge}\"\n3,C\n"),
            "null",
            None,
        ))
        .mount(&server)
        .await;
    let options = ResultsOptions::new().max_row_bytes(1024);
    let results = client(&server)
        .bulk()
        .query_results_with(JOB, &options, Checkpoint::default());
    let (rows, err) = drain(results).await;
    assert_eq!(names(&rows), ["A"]);
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("longer than the limit of 1024"),
        "{err}"
    );
}

#[tokio::test]
async fn a_locator_loop_is_an_error_not_an_endless_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param_is_missing("locator"))
        .respond_with(page("Id,Name\n1,A\n", "L1", Some(1)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .and(query_param("locator", "L1"))
        .respond_with(page("Id,Name\n2,B\n", "L1", Some(1)))
        .mount(&server)
        .await;
    let (rows, err) = drain(client(&server).bulk().query_results(JOB, None)).await;
    assert_eq!(names(&rows), ["A", "B"]);
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("repeated a result locator"),
        "{err}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // A server that names a new locator every time stops at the page cap.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .respond_with(move |request: &wiremock::Request| {
            let n = request.url.query_pairs().count();
            page("Id,Name\n1,A\n", &format!("L{n}-{}", request.url), Some(1))
        })
        .mount(&server)
        .await;
    let options = ResultsOptions::new().max_pages(3);
    let results = client(&server)
        .bulk()
        .query_results_with(JOB, &options, Checkpoint::default());
    let (rows, err) = drain(results).await;
    assert_eq!((rows.len(), err.kind()), (3, ErrorKind::Decode));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_page_with_fewer_rows_than_it_announced_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .respond_with(page("Id,Name\n1,A\n2,B\n", "null", Some(3)))
        .mount(&server)
        .await;
    let (rows, err) = drain(client(&server).bulk().query_results(JOB, None)).await;
    assert_eq!(names(&rows), ["A", "B"]);
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string().contains("Sforce-NumberOfRecords: 3"),
        "{err}"
    );
}

/// A raw HTTP server: answers each connection with `head` and `parts`, waiting for a
/// signal before each part after the first.
async fn raw_server(
    head: String,
    parts: Vec<&'static str>,
    mut go: tokio::sync::mpsc::Receiver<()>,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let _ = socket.read(&mut buf).await;
        socket.write_all(head.as_bytes()).await.unwrap();
        for (i, part) in parts.into_iter().enumerate() {
            if i > 0 && go.recv().await.is_none() {
                return;
            }
            socket.write_all(part.as_bytes()).await.unwrap();
            socket.flush().await.unwrap();
        }
        // Closing here cuts the body short when fewer bytes went than announced.
    });
    base
}

fn raw_client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .access_token(Secret::new("00Dx0000000BV7z!static"))
        .retry_policy(common::fast_retry())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_body_cut_short_is_a_network_error_and_the_checkpoint_says_where_it_stopped() {
    let (go, wait) = tokio::sync::mpsc::channel(4);
    let parts = vec!["Id,Name\n1,A\n2,B\n3,"];
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: 500\r\nsforce-locator: null\r\n\r\n".to_owned();
    let base = raw_server(head, parts, wait).await;
    drop(go);
    let mut results = raw_client(&base).bulk().query_results(JOB, None);
    let mut rows = Vec::new();
    let err = loop {
        match results.next().await.unwrap() {
            Ok(row) => rows.push(row),
            Err(err) => break err,
        }
    };
    assert_eq!(names(&rows), ["A", "B"]);
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert_eq!(
        results.checkpoint(),
        Checkpoint {
            cursor: None,
            skip: 2
        }
    );
}

#[tokio::test]
async fn rows_come_out_before_the_rest_of_the_page_is_sent() {
    let (go, wait) = tokio::sync::mpsc::channel(4);
    let parts = vec!["Id,Name\n1,A\n2,\"B", " continued\"\n3,C\n"];
    let body_len: usize = parts.iter().map(|p| p.len()).sum();
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {body_len}\r\nsforce-locator: null\r\nsforce-numberofrecords: 3\r\n\r\n"
    );
    let base = raw_server(head, parts, wait).await;
    let mut results = raw_client(&base).bulk().query_results(JOB, None);
    // The server holds back the rest of the page until the first row has been handed out:
    // a reader that waited for the whole page would never get here.
    let first = tokio::time::timeout(std::time::Duration::from_secs(30), results.next())
        .await
        .expect("the first row arrives while the page is still being sent")
        .unwrap()
        .unwrap();
    assert_eq!(first.get("Name"), Some("A"));
    go.send(()).await.unwrap();
    let rest: Vec<_> = results.try_collect().await.unwrap();
    assert_eq!(names(&rest), ["B continued", "C"]);
}

#[tokio::test]
async fn a_few_mib_from_the_benchmark_server_stream_with_exact_counts() {
    let plan = csv_server::Plan::new(1 << 20, 3);
    let base = csv_server::spawn(plan).unwrap();
    let mut results = raw_client(&base).bulk().query_results(JOB, None);
    let mut count = 0u64;
    while let Some(row) = results.try_next().await.unwrap() {
        if count == 7 {
            assert_eq!(row.get("Id"), Some("001000000000000007"));
            assert_eq!(row.get("Name"), Some("Account 0000000007"));
            assert_eq!(
                row.get("Description"),
                Some("a \"quoted\", comma-holding description")
            );
        }
        count += 1;
    }
    assert_eq!(count, plan.rows());
    assert_eq!(results.bytes_read(), plan.bytes());
    assert_eq!(results.total(), Some(plan.rows()));
    assert_eq!(results.pages(), 3);
}

#[tokio::test]
async fn ingest_result_files_are_read_in_the_jobs_dialect() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data(&format!("/jobs/ingest/{JOB}/failedResults"))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "\"sf__Id\"\t\"sf__Error\"\tName\r\n\t\"REQUIRED_FIELD_MISSING:Name\t--\"\t\r\n",
            "text/csv",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let format = CsvFormat::new(ColumnDelimiter::Tab, LineEnding::Crlf);
    let failed = client(&server)
        .bulk()
        .result_records(JOB, atom_salesforce::bulk::ResultFile::Failed, format)
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].error(), Some("REQUIRED_FIELD_MISSING:Name\t--"));
    assert_eq!(failed[0].id(), None);
    assert_eq!(failed[0].get("Name"), Some(""));
}

#[tokio::test]
async fn a_refused_results_request_is_mapped_as_any_other_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(results_path()))
        .respond_with(ResponseTemplate::new(412).set_body_json(json!([{
            "errorCode": "JOB_NOT_COMPLETE",
            "message": "can only download query results of successfully completed bulk job"
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let (rows, err) = drain(client(&server).bulk().query_results(JOB, None)).await;
    assert!(rows.is_empty());
    assert_eq!(
        (err.status(), err.provider_code(), err.service()),
        (Some(412), Some("JOB_NOT_COMPLETE"), "salesforce")
    );
}

#[test]
fn the_stream_can_move_between_tasks() {
    fn send<T: Send + Unpin + 'static>() {}
    send::<atom_salesforce::bulk::QueryResults>();
}
