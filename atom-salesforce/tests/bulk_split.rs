//! An ingest larger than one upload: split into several jobs at row boundaries, the header
//! repeated in each upload, the jobs closed only once every upload went through, results
//! merged in the table's order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atom_core::ErrorKind;
use atom_salesforce::bulk::{IngestOperation, IngestOptions, PollPolicy, csv_parts};
use atom_salesforce::bulk_csv::{ColumnDelimiter, CsvFormat, CsvTable, LineEnding};
use common::{client, data, id};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Hands out job ids `750…1`, `750…2`, … and checks the job's dialect.
struct NewJobs(AtomicUsize);

impl Respond for NewJobs {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({"id": id("750", n), "state": "Open"}))
    }
}

/// The job id in `/jobs/ingest/{id}…`.
fn job_of(request: &Request) -> String {
    let path = request.url.path();
    let rest = path.split("/jobs/ingest/").nth(1).unwrap_or("");
    rest.split('/').next().unwrap_or("").to_owned()
}

fn format() -> CsvFormat {
    CsvFormat::new(ColumnDelimiter::Semicolon, LineEnding::Crlf)
}

/// Ten rows of 15 bytes each (`Acme 00;"a;b"\r\n`) under an 18-byte header.
fn table() -> CsvTable {
    let mut table = CsvTable::new(["Name", "Description"]).unwrap();
    for i in 0..10 {
        table
            .push_row([format!("Acme {i:02}"), "a;b".to_owned()])
            .unwrap();
    }
    table
}

const HEADER: &str = "Name;Description\r\n";

fn row(i: usize) -> String {
    format!("Acme {i:02};\"a;b\"\r\n")
}

async fn mount_jobs(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(data("/jobs/ingest")))
        .and(body_json(
            json!({"object": "Account", "operation": "insert", "contentType": "CSV",
            "columnDelimiter": "SEMICOLON", "lineEnding": "CRLF"}),
        ))
        .respond_with(NewJobs(AtomicUsize::new(0)))
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path_regex("/jobs/ingest/[A-Za-z0-9]+$"))
        .respond_with(|request: &Request| {
            let state: Value = serde_json::from_slice(&request.body).unwrap();
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": job_of(request), "state": state["state"]}))
        })
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_table_over_the_limit_becomes_several_jobs_merged_in_order() {
    let server = MockServer::start().await;
    mount_jobs(&server).await;
    Mock::given(method("PUT"))
        .and(path_regex("/jobs/ingest/[A-Za-z0-9]+/batches$"))
        .respond_with(ResponseTemplate::new(201))
        .expect(4)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/jobs/ingest/[A-Za-z0-9]+$"))
        .respond_with(|request: &Request| {
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": job_of(request), "state": "JobComplete"}))
        })
        .mount(&server)
        .await;
    // Each job's results name its rows; job 2 refuses its middle row.
    let rows_of = |job: usize| -> Vec<usize> {
        let first = (job - 1) * 3;
        (first..(first + 3).min(10)).collect()
    };
    Mock::given(method("GET"))
        .and(path_regex("/successfulResults$"))
        .respond_with(move |request: &Request| {
            let job: usize = job_of(request)[3..15].parse().unwrap();
            let mut body = "sf__Id;sf__Created;Name;Description\r\n".to_owned();
            for i in rows_of(job).into_iter().filter(|&i| i != 4) {
                body += &format!("{};true;Acme {i:02};\"a;b\"\r\n", id("001", i));
            }
            ResponseTemplate::new(200).set_body_raw(body, "text/csv")
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/failedResults$"))
        .respond_with(|request: &Request| {
            let mut body = "sf__Id;sf__Error;Name;Description\r\n".to_owned();
            if job_of(request) == id("750", 2) {
                body += ";DUPLICATE_VALUE:dup;Acme 04;\"a;b\"\r\n";
            }
            ResponseTemplate::new(200).set_body_raw(body, "text/csv")
        })
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex("/unprocessedrecords$"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("Name;Description\r\n", "text/csv"))
        .mount(&server)
        .await;

    let limit = HEADER.len() + 3 * row(0).len();
    assert_eq!(limit, 63);
    let options = IngestOptions::new()
        .format(format())
        .max_upload_bytes(limit);
    let bulk = client(&server).bulk();
    let split = bulk
        .ingest_split("Account", IngestOperation::Insert, None, &table(), &options)
        .await
        .unwrap();
    let ids: Vec<String> = (1..=4).map(|n| id("750", n)).collect();
    assert_eq!(split.job_ids(), ids);
    let ranges: Vec<_> = split.parts.iter().map(|p| p.rows.clone()).collect();
    assert_eq!(ranges, [0..3, 3..6, 6..9, 9..10]);
    assert!(
        split
            .parts
            .iter()
            .all(|p| p.job.state.as_str() == "UploadComplete")
    );

    // Every job was created and uploaded before the first was closed.
    let requests = server.received_requests().await.unwrap();
    let calls: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, job_of(r)))
        .collect();
    let mut want = Vec::new();
    for job in &ids {
        want.push("POST ".to_owned());
        want.push(format!("PUT {job}"));
    }
    for job in &ids {
        want.push(format!("PATCH {job}"));
    }
    assert_eq!(calls, want);
    // Each upload: the header, then its rows, within the limit.
    let uploads: Vec<String> = requests
        .iter()
        .filter(|r| r.method.as_str() == "PUT")
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    for (upload, range) in uploads.iter().zip(&ranges) {
        let want = HEADER.to_owned() + &range.clone().map(row).collect::<String>();
        assert_eq!(upload, &want);
        assert!(upload.len() <= limit);
    }
    assert_eq!(
        uploads.iter().map(String::len).collect::<Vec<_>>(),
        [63, 63, 63, 33]
    );
    for patch in requests.iter().filter(|r| r.method.as_str() == "PATCH") {
        let body: Value = serde_json::from_slice(&patch.body).unwrap();
        assert_eq!(body, json!({"state": "UploadComplete"}));
    }

    let policy = PollPolicy::default().initial(Duration::from_millis(1));
    let done = bulk.wait_split(&split, &policy).await.unwrap();
    assert!(done.parts.iter().all(|p| p.job.state.is_terminal()));
    let merged = bulk.split_results(&done).await.unwrap();
    let ok: Vec<_> = merged
        .successful
        .iter()
        .filter_map(|r| r.get("Name"))
        .collect();
    let want: Vec<String> = (0..10)
        .filter(|&i| i != 4)
        .map(|i| format!("Acme {i:02}"))
        .collect();
    assert_eq!(ok, want);
    assert_eq!(merged.successful[0].id(), Some(id("001", 0).as_str()));
    assert_eq!(merged.successful[0].get("Description"), Some("a;b"));
    assert_eq!(merged.failed.len(), 1);
    assert_eq!(merged.failed[0].error(), Some("DUPLICATE_VALUE:dup"));
    assert!(merged.unprocessed.is_empty());
}

#[tokio::test]
async fn a_table_that_fits_is_one_job() {
    let server = MockServer::start().await;
    mount_jobs(&server).await;
    Mock::given(method("PUT"))
        .and(path_regex("/batches$"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let options = IngestOptions::new().format(format());
    let split = client(&server)
        .bulk()
        .ingest_split("Account", IngestOperation::Insert, None, &table(), &options)
        .await
        .unwrap();
    assert_eq!(split.parts.len(), 1);
    assert_eq!(
        (split.parts[0].rows.clone(), split.parts[0].bytes),
        (0..10, 168)
    );
}

#[tokio::test]
async fn a_failed_upload_aborts_every_job_made_and_starts_none() {
    let server = MockServer::start().await;
    mount_jobs(&server).await;
    Mock::given(method("PUT"))
        .and(path(data(&format!(
            "/jobs/ingest/{}/batches",
            id("750", 2)
        ))))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(
                json!([{"errorCode": "INVALIDJOBSTATE", "message": "Job is not open"}]),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path_regex("/batches$"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let options = IngestOptions::new().format(format()).max_upload_bytes(63);
    let err = client(&server)
        .bulk()
        .ingest_split("Account", IngestOperation::Insert, None, &table(), &options)
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("INVALIDJOBSTATE"), "{err}");
    let requests = server.received_requests().await.unwrap();
    let patches: Vec<(String, Value)> = requests
        .iter()
        .filter(|r| r.method.as_str() == "PATCH")
        .map(|r| (job_of(r), serde_json::from_slice(&r.body).unwrap()))
        .collect();
    assert_eq!(
        patches,
        [
            (id("750", 1), json!({"state": "Aborted"})),
            (id("750", 2), json!({"state": "Aborted"})),
        ]
    );
    // No third job was made.
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .count(),
        2
    );
}

#[tokio::test]
async fn a_row_larger_than_an_upload_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let options = IngestOptions::new().format(format()).max_upload_bytes(30);
    let err = client(&server)
        .bulk()
        .ingest_split("Account", IngestOperation::Insert, None, &table(), &options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("row 0 alone"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
    // The pure splitter agrees: the first part is the error.
    let first = csv_parts(&table(), format(), 30).next().unwrap();
    assert!(first.is_err());
}

#[tokio::test]
async fn streamed_rows_are_split_the_same_way_and_a_stream_error_aborts_the_jobs() {
    let server = MockServer::start().await;
    mount_jobs(&server).await;
    Mock::given(method("PUT"))
        .and(path_regex("/batches$"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let headers = ["Name".to_owned(), "Description".to_owned()];
    let options = IngestOptions::new().format(format()).max_upload_bytes(63);
    let bulk = client(&server).bulk();
    let rows = futures::stream::iter(
        (0..10).map(|i| Ok::<_, atom_core::Error>([format!("Acme {i:02}"), "a;b".to_owned()])),
    );
    let split = bulk
        .ingest_rows(
            "Account",
            IngestOperation::Insert,
            None,
            &headers,
            rows,
            &options,
        )
        .await
        .unwrap();
    let ranges: Vec<_> = split.parts.iter().map(|p| p.rows.clone()).collect();
    assert_eq!(ranges, [0..3, 3..6, 6..9, 9..10]);
    let uploads: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "PUT")
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect();
    let table_uploads: Vec<String> = csv_parts(&table(), format(), 63)
        .map(|p| String::from_utf8(p.unwrap().1).unwrap())
        .collect();
    assert_eq!(uploads, table_uploads);

    // The stream fails after four rows: the one job made (rows 0..3) is aborted, none closed.
    server.reset().await;
    mount_jobs(&server).await;
    Mock::given(method("PUT"))
        .and(path_regex("/batches$"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let rows = futures::stream::iter((0..10).map(|i| {
        if i == 4 {
            Err(atom_core::Error::new(
                ErrorKind::Network,
                "source",
                "the file broke",
            ))
        } else {
            Ok(vec![format!("Acme {i:02}"), "a;b".to_owned()])
        }
    }));
    let err = bulk
        .ingest_rows(
            "Account",
            IngestOperation::Insert,
            None,
            &headers,
            rows,
            &options,
        )
        .await
        .unwrap_err();
    assert_eq!(err.message(), "the file broke");
    let calls: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r.method,
                job_of(r),
                String::from_utf8_lossy(&r.body).contains("Aborted")
            )
        })
        .collect();
    let job = id("750", 1);
    assert_eq!(
        calls,
        [
            "POST  false".to_owned(),
            format!("PUT {job} false"),
            format!("PATCH {job} true"),
        ]
    );

    // A row of the wrong width is refused before anything is sent.
    server.reset().await;
    let rows = futures::stream::iter([Ok(vec!["only one".to_owned()])]);
    let err = bulk
        .ingest_rows(
            "Account",
            IngestOperation::Insert,
            None,
            &headers,
            rows,
            &options,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(server.received_requests().await.unwrap().is_empty());
}
