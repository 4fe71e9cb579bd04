//! Files against a real HTTP server: the multipart bytes of a `ContentVersion` upload
//! (parsed back part by part), multi-MB uploads streamed from a reader, retries that reopen
//! the file, `ContentDocumentLink`s, streamed blob downloads, mapped errors, and input
//! refused before anything is sent. Requests are counted, never timed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use atom_core::{ErrorKind, Secret};
use atom_salesforce::Client;
use atom_salesforce::files::{
    FileUpload, MAX_CONTENT_VERSION_BYTES, NewLink, NewVersion, ShareType, SharingOption,
    Visibility,
};
use common::{client, data, fast_retry, fixture, fixture_json};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request as Received, ResponseTemplate};

const VERSION_ID: &str = "068D00000000pgOIAQ";
const DOCUMENT_ID: &str = "069D00000000so2IAA";
const ACCOUNT_ID: &str = "001D000000IqhSLIAZ";
const USER_ID: &str = "005D0000001GiU7IAK";
const LINK_ID: &str = "06AD0000000Lnk1MAC";
const ATTACHMENT_ID: &str = "00PD000000Abc12MAB";

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_string(fixture("content_version_create_response.json"))
}

async fn mount_upload(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(data("/sobjects/ContentVersion")))
        .respond_with(response)
        .mount(server)
        .await;
}

/// One part of a multipart body: its header lines and its content.
#[derive(Debug)]
struct Part {
    headers: Vec<String>,
    content: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// Splits a received `multipart/form-data` body by the boundary its `Content-Type` names
/// (RFC 2046: each delimiter is `CRLF--boundary`, the first without the CRLF, the last
/// followed by `--`).
fn parse_multipart(request: &Received) -> (String, Vec<Part>) {
    let content_type = request.headers["content-type"].to_str().unwrap().to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type")
        .to_owned();
    let body = &request.body;
    let open = format!("--{boundary}\r\n");
    assert!(
        body.starts_with(open.as_bytes()),
        "the body opens with the delimiter"
    );
    let delimiter = format!("\r\n--{boundary}");
    let mut parts = Vec::new();
    let mut at = open.len();
    loop {
        let end = find(body, delimiter.as_bytes(), at).expect("a closing delimiter");
        let part = &body[at..end];
        let split = find(part, b"\r\n\r\n", 0).expect("headers end");
        let headers = String::from_utf8(part[..split].to_vec())
            .unwrap()
            .split("\r\n")
            .map(str::to_owned)
            .collect();
        parts.push(Part {
            headers,
            content: part[split + 4..].to_vec(),
        });
        let after = end + delimiter.len();
        if body[after..] == *b"--\r\n" {
            break;
        }
        assert_eq!(&body[after..after + 2], b"\r\n");
        at = after + 2;
    }
    (boundary, parts)
}

#[tokio::test]
async fn an_upload_sends_the_documented_multipart_body_byte_for_byte() {
    let server = MockServer::start().await;
    mount_upload(&server, created()).await;
    let sf = client(&server);
    let file = b"%PDF-1.4 binary \r\n--not-a-boundary\r\n\x00\xff".to_vec();
    let version = NewVersion::new("Q1 Sales Brochure", "Q1 Sales Brochure.pdf")
        .link_to(ACCOUNT_ID)
        .reason_for_change("Marketing materials updated")
        .description("Marketing brochure for Q1 2011")
        .sharing_option(SharingOption::Allowed)
        .field("Region__c", "EMEA")
        .unwrap();
    let upload = FileUpload::from_bytes(file.clone()).content_type("application/pdf");

    let id = sf.files().upload(&version, upload).await.unwrap();
    assert_eq!(
        id,
        fixture_json("content_version_create_response.json")["id"]
    );

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(
        request.headers["content-length"].to_str().unwrap(),
        request.body.len().to_string()
    );
    let (boundary, parts) = parse_multipart(request);
    assert_eq!(parts.len(), 2);
    assert_eq!(
        parts[0].headers,
        [
            "Content-Disposition: form-data; name=\"entity_content\"",
            "Content-Type: application/json"
        ]
    );
    let fields: Value = serde_json::from_slice(&parts[0].content).unwrap();
    assert_eq!(
        fields,
        json!({
            "Title": "Q1 Sales Brochure",
            "PathOnClient": "Q1 Sales Brochure.pdf",
            "FirstPublishLocationId": ACCOUNT_ID,
            "ReasonForChange": "Marketing materials updated",
            "Description": "Marketing brochure for Q1 2011",
            "SharingOption": "A",
            "Region__c": "EMEA"
        })
    );
    assert_eq!(
        parts[1].headers,
        [
            "Content-Disposition: form-data; name=\"VersionData\"; filename=\"Q1 Sales Brochure.pdf\"",
            "Content-Type: application/pdf"
        ]
    );
    assert_eq!(parts[1].content, file);

    // And the whole body, byte for byte.
    let mut expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"entity_content\"\r\n\
         Content-Type: application/json\r\n\r\n"
    )
    .into_bytes();
    expected.extend_from_slice(&parts[0].content);
    expected.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"VersionData\"; \
             filename=\"Q1 Sales Brochure.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    expected.extend_from_slice(&file);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert!(request.body == expected);
}

#[tokio::test]
async fn a_new_version_of_a_document_names_it_and_a_hostile_file_name_stays_in_its_parameter() {
    let server = MockServer::start().await;
    mount_upload(&server, created()).await;
    let sf = client(&server);
    let name = "evil\"; name=\"Title\r\n\r\nx.pdf";
    let version = NewVersion::new("v2", name).new_version_of(DOCUMENT_ID);
    sf.files()
        .upload(&version, FileUpload::from_bytes(b"v2".to_vec()))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let (_, parts) = parse_multipart(&received[0]);
    assert_eq!(parts.len(), 2, "the name did not open a third part");
    let fields: Value = serde_json::from_slice(&parts[0].content).unwrap();
    assert_eq!(fields["ContentDocumentId"], DOCUMENT_ID);
    assert_eq!(
        fields["PathOnClient"], name,
        "the JSON keeps the name exactly"
    );
    assert_eq!(
        parts[1].headers[0],
        "Content-Disposition: form-data; name=\"VersionData\"; \
         filename=\"evil%22; name=%22Title%0D%0A%0D%0Ax.pdf\""
    );
    assert_eq!(
        parts[1].headers[1],
        "Content-Type: application/octet-stream"
    );
    assert_eq!(parts[1].content, b"v2");
}

#[tokio::test]
async fn a_multi_megabyte_file_streams_from_a_reader_and_every_byte_arrives() {
    let server = MockServer::start().await;
    mount_upload(&server, created()).await;
    let sf = client(&server);
    let file = pattern(5 * 1024 * 1024 + 17);
    let reader = std::io::Cursor::new(file.clone());
    let upload = FileUpload::from_reader(reader, file.len() as u64);
    let version = NewVersion::new("Big", "big.bin");

    let id = sf.files().upload(&version, upload).await.unwrap();
    assert_eq!(id, VERSION_ID);

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    let length: usize = request.headers["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(length, request.body.len());
    assert!(request.headers.get("transfer-encoding").is_none());
    let (_, parts) = parse_multipart(request);
    assert_eq!(parts[1].content.len(), file.len());
    assert!(parts[1].content == file);
}

#[tokio::test]
async fn a_reopenable_file_is_reopened_for_a_retry_and_a_one_time_reader_is_not_resent() {
    let server = MockServer::start().await;
    let locked =
        ResponseTemplate::new(400).set_body_string(fixture("unable_to_lock_row_response.json"));
    Mock::given(method("POST"))
        .and(path(data("/sobjects/ContentVersion")))
        .respond_with(locked)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    mount_upload(&server, created()).await;
    let sf = client(&server);
    let file = pattern(200 * 1024);
    let opened = Arc::new(AtomicUsize::new(0));
    let (counter, source) = (opened.clone(), file.clone());
    let upload = FileUpload::reopenable(file.len() as u64, move || {
        counter.fetch_add(1, Ordering::SeqCst);
        Some(std::io::Cursor::new(source.clone()))
    });
    let id = sf
        .files()
        .upload(&NewVersion::new("Retry", "retry.bin"), upload)
        .await
        .unwrap();
    assert_eq!(id, VERSION_ID);
    assert_eq!(opened.load(Ordering::SeqCst), 2);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for request in &received {
        let (_, parts) = parse_multipart(request);
        assert!(parts[1].content == file);
    }

    // A one-time reader meets the same lock: the lock error, and one request only.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/sobjects/ContentVersion")))
        .respond_with(
            ResponseTemplate::new(400).set_body_string(fixture("unable_to_lock_row_response.json")),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let upload = FileUpload::from_reader(std::io::Cursor::new(file.clone()), file.len() as u64);
    let err = sf
        .files()
        .upload(&NewVersion::new("Once", "once.bin"), upload)
        .await
        .unwrap_err();
    assert_eq!(err.provider_code(), Some("UNABLE_TO_LOCK_ROW"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_reader_shorter_or_longer_than_its_declared_length_fails_the_upload() {
    let server = MockServer::start().await;
    mount_upload(&server, created()).await;
    let sf = client(&server);
    let upload = FileUpload::from_reader(std::io::Cursor::new(pattern(1000)), 1001);
    let err = sf
        .files()
        .upload(&NewVersion::new("Short", "short.bin"), upload)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network, "{err}");
    assert!(
        err.message()
            .contains("the file ended after 1000 of its declared 1001 bytes"),
        "{err}"
    );
    // A reader holding more than declared is cut off too, not silently truncated.
    let upload = FileUpload::from_reader(std::io::Cursor::new(pattern(1002)), 1001);
    let err = sf
        .files()
        .upload(&NewVersion::new("Long", "long.bin"), upload)
        .await
        .unwrap_err();
    assert!(
        err.message()
            .contains("the file holds more than its declared 1001 bytes"),
        "{err}"
    );
    // Nothing was stored: the server never saw a complete request.
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_rejected_upload_is_invalid_request_with_salesforces_error_code() {
    let server = MockServer::start().await;
    mount_upload(
        &server,
        ResponseTemplate::new(400).set_body_string(fixture("content_version_error_response.json")),
    )
    .await;
    let sf = client(&server);
    let version = NewVersion::new("Q1", "q1.pdf").link_to(USER_ID);
    let err = sf
        .files()
        .upload(&version, FileUpload::from_bytes(b"x".to_vec()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.provider_code(), Some("MALFORMED_ID"));
    assert!(err.message().contains("First Publish Location ID"), "{err}");
}

#[tokio::test]
async fn input_that_cannot_be_sent_is_refused_with_no_request() {
    let server = MockServer::start().await;
    mount_upload(&server, created()).await;
    let sf = client(&server);
    let files = sf.files();

    // Over the 2 GB limit: refused from the declared length, the reader never read.
    let too_big = FileUpload::from_reader(&b""[..], MAX_CONTENT_VERSION_BYTES + 1);
    let err = files
        .upload(&NewVersion::new("Huge", "huge.bin"), too_big)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("2147483649"), "{err}");

    let refused = [
        files
            .upload(
                &NewVersion::new("x", "x.bin").link_to("001D000000IqhSL/../x"),
                FileUpload::from_bytes(b"x".to_vec()),
            )
            .await
            .unwrap_err(),
        files
            .upload(
                &NewVersion::new("x", ""),
                FileUpload::from_bytes(b"x".to_vec()),
            )
            .await
            .unwrap_err(),
        files
            .upload(
                &NewVersion::new("x", "x.bin"),
                FileUpload::from_bytes(b"x".to_vec()).content_type("text/plain\r\nX-Evil: 1"),
            )
            .await
            .unwrap_err(),
        NewVersion::new("x", "x.bin")
            .field("VersionData", "AAAA")
            .unwrap_err(),
        NewVersion::new("x", "x.bin")
            .field("Name FROM Account --", 1)
            .unwrap_err(),
        files.download_version("068D0/../../x").await.unwrap_err(),
        files
            .download_blob("Attachment/../User", ATTACHMENT_ID, "Body")
            .await
            .unwrap_err(),
        files
            .download_blob("Attachment", ATTACHMENT_ID, "Body?x=1")
            .await
            .unwrap_err(),
        files.content_document_id("a/b").await.unwrap_err(),
        files.unlink("06A/x").await.unwrap_err(),
        files.delete_document("..").await.unwrap_err(),
        files
            .link(&NewLink::new(DOCUMENT_ID, "001D000000IqhSL/x"))
            .await
            .unwrap_err(),
        files.links_of_record("001D000000IqhSL'").unwrap_err(),
        files.links_of_document("").unwrap_err(),
    ];
    for err in refused {
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A client whose buffered calls refuse more than 1 MiB: a download past it proves the
/// body was never buffered whole.
fn small_buffer_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .access_token(Secret::new("00Dx0000000BV7z!static"))
        .retry_policy(fast_retry())
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_version_of_several_megabytes_downloads_in_chunks_equal_to_the_served_bytes() {
    let server = MockServer::start().await;
    let served = pattern(4 * 1024 * 1024 + 3);
    Mock::given(method("GET"))
        .and(path(data(&format!(
            "/sobjects/ContentVersion/{VERSION_ID}/VersionData"
        ))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(served.clone(), "application/pdf"))
        .mount(&server)
        .await;
    let sf = small_buffer_client(&server);

    let mut download = sf.files().download_version(VERSION_ID).await.unwrap();
    assert_eq!(download.content_type(), Some("application/pdf"));
    assert_eq!(download.content_length(), Some(served.len() as u64));
    let mut received = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = download.chunk().await.unwrap() {
        chunks += 1;
        received.extend_from_slice(&chunk);
    }
    assert!(chunks > 1, "the body came in {chunks} chunk(s)");
    assert_eq!(download.received(), served.len() as u64);
    assert!(received == served);

    // The same through copy_to into any AsyncWrite.
    let mut sink: Vec<u8> = Vec::new();
    let written = sf
        .files()
        .download_version(VERSION_ID)
        .await
        .unwrap()
        .copy_to(&mut sink)
        .await
        .unwrap();
    assert_eq!(written, served.len() as u64);
    assert!(sink == served);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_attachment_body_and_any_blob_field_stream_from_their_paths() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data(&format!(
            "/sobjects/Attachment/{ATTACHMENT_ID}/Body"
        ))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(pattern(70_000), "image/png"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data(&format!("/sobjects/Document/{ACCOUNT_ID}/Body"))))
        .respond_with(ResponseTemplate::new(200).set_body_raw(b"doc".to_vec(), "text/plain"))
        .mount(&server)
        .await;
    let sf = client(&server);
    let download = sf.files().download_attachment(ATTACHMENT_ID).await.unwrap();
    assert_eq!(download.content_type(), Some("image/png"));
    let chunks: Vec<_> = download
        .into_response()
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let bytes: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
    assert!(bytes == pattern(70_000));

    let mut out = Vec::new();
    let n = sf
        .files()
        .download_blob("Document", ACCOUNT_ID, "Body")
        .await
        .unwrap()
        .copy_to(&mut out)
        .await
        .unwrap();
    assert_eq!((n, out.as_slice()), (3, &b"doc"[..]));
}

#[tokio::test]
async fn a_missing_file_is_not_found_before_any_body_is_handed_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_string(fixture("not_found_response.json")),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let err = sf.files().download_version(VERSION_ID).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.provider_code(), Some("NOT_FOUND"));
    let err = sf
        .files()
        .download_attachment(ATTACHMENT_ID)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn the_document_of_a_version_is_read_by_its_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data(&format!(
            "/sobjects/ContentVersion/{VERSION_ID}"
        ))))
        .and(query_param("fields", "ContentDocumentId"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("content_version_document_id_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let document = sf.files().content_document_id(VERSION_ID).await.unwrap();
    assert_eq!(document, DOCUMENT_ID);
}

#[tokio::test]
async fn a_link_is_created_with_typed_share_type_and_visibility_and_deleted_by_id() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(data("/sobjects/ContentDocumentLink")))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_string(fixture("content_document_link_create_response.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(data(&format!(
            "/sobjects/ContentDocumentLink/{LINK_ID}"
        ))))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let link = NewLink::new(DOCUMENT_ID, USER_ID)
        .share_type(ShareType::Collaborator)
        .visibility(Visibility::AllUsers);
    let id = sf.files().link(&link).await.unwrap();
    assert_eq!(id, LINK_ID);
    sf.files().unlink(&id).await.unwrap();

    let received = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        body,
        json!({
            "ContentDocumentId": DOCUMENT_ID,
            "LinkedEntityId": USER_ID,
            "ShareType": "C",
            "Visibility": "AllUsers"
        })
    );
    // Without a choice, a viewer link and Salesforce's default visibility.
    let plain = serde_json::to_value(NewLink::new(DOCUMENT_ID, USER_ID)).unwrap();
    assert_eq!(plain["ShareType"], "V");
    assert!(plain.get("Visibility").is_none());
}

#[tokio::test]
async fn links_are_listed_by_document_or_by_record_with_the_required_filter() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("content_document_link_query_response.json")),
        )
        .mount(&server)
        .await;
    let sf = client(&server);
    let links: Vec<_> = sf
        .files()
        .links_of_document(DOCUMENT_ID)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].linked_entity_id.as_deref(), Some(ACCOUNT_ID));
    assert_eq!(links[0].share_type, Some(ShareType::Inferred));
    assert_eq!(links[0].visibility, Some(Visibility::AllUsers));
    assert_eq!(links[1].share_type, Some(ShareType::Viewer));
    assert_eq!(links[1].visibility, Some(Visibility::InternalUsers));
    assert_eq!(
        links[1].extra["SystemModstamp"],
        "2024-01-31T08:00:00.000+0000"
    );

    let _: Vec<_> = sf
        .files()
        .links_of_record(ACCOUNT_ID)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let q = |i: usize| {
        received[i]
            .url
            .query_pairs()
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    assert_eq!(
        q(0),
        format!(
            "SELECT Id, ContentDocumentId, LinkedEntityId, ShareType, Visibility, \
             SystemModstamp FROM ContentDocumentLink WHERE ContentDocumentId = '{DOCUMENT_ID}'"
        )
    );
    assert!(q(1).ends_with(&format!("WHERE LinkedEntityId = '{ACCOUNT_ID}'")));
}

#[tokio::test]
async fn a_link_with_values_this_crate_does_not_know_decodes_into_other() {
    let server = MockServer::start().await;
    let mut page = fixture_json("content_document_link_query_response.json");
    page["records"][0]["ShareType"] = json!("X");
    page["records"][0]["Visibility"] = json!("PartnerUsers");
    page["records"][1]["ShareType"] = Value::Null;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    let sf = client(&server);
    let links: Vec<_> = sf
        .files()
        .links_of_document(DOCUMENT_ID)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(links[0].share_type, Some(ShareType::Other("X".into())));
    assert_eq!(
        links[0].visibility,
        Some(Visibility::Other("PartnerUsers".into()))
    );
    assert_eq!(links[1].share_type, None);
    // Re-encoded exactly as sent.
    assert_eq!(serde_json::to_value(&links[0]).unwrap()["ShareType"], "X");
}

#[test]
fn an_upload_never_shows_its_bytes() {
    let upload = FileUpload::from_bytes(b"secret payroll".to_vec());
    let shown = format!("{upload:?}");
    assert!(!shown.contains("secret"), "{shown}");
    assert_eq!(
        shown,
        "FileUpload(application/octet-stream, 14 bytes, bytes)"
    );
}

/// Accepts connections and never answers (nor reads the body).
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn an_upload_that_runs_out_of_time_says_how_to_give_it_more() {
    let base = silent_server().await;
    let sf = Client::builder()
        .base_url(base)
        .access_token(Secret::new("00Dx0000000BV7z!static"))
        .retry_policy(fast_retry().deadline(None))
        .timeout(std::time::Duration::from_secs(3600))
        .build()
        .unwrap();
    let upload =
        FileUpload::from_bytes(pattern(1000)).timeout(std::time::Duration::from_millis(200));
    let err = sf
        .files()
        .upload(&NewVersion::new("Slow", "slow.bin"), upload)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.message().contains("uploading 1000 bytes"), "{err}");
    assert!(err.message().contains("FileUpload::timeout"), "{err}");
}
