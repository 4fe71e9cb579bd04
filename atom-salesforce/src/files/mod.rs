//! Salesforce Files: upload a file as a `ContentVersion` (a multipart body streamed from
//! any reader, up to 2 GB), share it with `ContentDocumentLink`s, and download blob fields
//! (`ContentVersion.VersionData`, `Attachment.Body`, any other) chunk by chunk.
//!
//! A file is three objects: the `ContentDocument` (created by Salesforce with the first
//! version), its `ContentVersion`s (each holding the bytes) and the `ContentDocumentLink`s
//! that share it with records, users, groups or libraries.
//!
//! ```no_run
//! # async fn demo(
//! #     client: atom_salesforce::Client,
//! #     file: tokio::io::Empty,
//! #     out: &mut tokio::io::Sink,
//! # ) -> atom_core::Result<()> {
//! use atom_salesforce::files::{FileUpload, NewLink, NewVersion, ShareType, Visibility};
//! use futures::TryStreamExt as _;
//! let files = client.files();
//!
//! // Upload a file (any tokio AsyncRead: an open tokio::fs::File, a socket) linked to an
//! // account at once, with its exact length.
//! let length = 1_048_576;
//! let version = NewVersion::new("Q1 report", "report.pdf").link_to("001D000000IqhSLIAZ");
//! let upload = FileUpload::from_reader(file, length).content_type("application/pdf");
//! let version_id = files.upload(&version, upload).await?;
//! let document_id = files.content_document_id(&version_id).await?;
//!
//! // Share it with a user as well, and list where it is shared.
//! let link = NewLink::new(&document_id, "005D0000001GiU7IAK")
//!     .share_type(ShareType::Collaborator)
//!     .visibility(Visibility::AllUsers);
//! files.link(&link).await?;
//! let links: Vec<_> = files.links_of_document(&document_id)?.try_collect().await?;
//!
//! // Download it into any AsyncWrite, chunk by chunk.
//! let written = files.download_version(&version_id).await?.copy_to(out).await?;
//! # let _ = (links, written); Ok(()) }
//! ```
//!
//! Limits checked before anything is sent: at most [`MAX_CONTENT_VERSION_BYTES`] per file
//! ("Insert or Update Blob Data", REST API Developer Guide); the declared length must be
//! the reader's exact length (the request carries it as `Content-Length`, so a reader that
//! ends early or runs long fails the upload instead of storing a different file).

mod download;
mod links;
mod multipart;
mod version;

use atom_core::http_util::path_segment;
use atom_core::{Body, Error, ErrorKind, Request, Result, StreamBody};
use serde::Deserialize;

pub use download::FileDownload;
pub use links::{ContentDocumentLink, NewLink, ShareType, Visibility};
pub use multipart::FileUpload;
pub use version::{NewVersion, SharingOption, SharingPrivacy};

use crate::models::SaveResult;
use crate::validate::{identifier, record_id};
use crate::{Client, SERVICE};

/// The largest file one `ContentVersion` upload takes: 2 GB (read as 2 GiB,
/// 2 147 483 648 bytes), the limit of "Insert or Update Blob Data" for the sObject Basic
/// Information and sObject Rows resources. Other objects with a blob field (`Attachment`,
/// `Document`) take 500 MB there.
pub const MAX_CONTENT_VERSION_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Files, their sharing links and blob downloads. Get it with [`Client::files`].
#[derive(Debug, Clone)]
pub struct Files {
    client: Client,
}

impl Client {
    /// Files (`ContentVersion` uploads, `ContentDocumentLink`s, blob downloads).
    pub fn files(&self) -> Files {
        Files {
            client: self.clone(),
        }
    }
}

/// The `ContentDocumentId` of a version.
#[derive(Deserialize)]
struct VersionDocument {
    #[serde(rename = "ContentDocumentId", default)]
    content_document_id: Option<String>,
}

impl Files {
    /// Uploads a file as a new `ContentVersion` (`POST /sobjects/ContentVersion`, a
    /// `multipart/form-data` body: the fields as the JSON part `entity_content`, the bytes
    /// as the part `VersionData`) and returns the new version's id.
    ///
    /// Without [`NewVersion::new_version_of`] Salesforce creates a new `ContentDocument`
    /// ([`Files::content_document_id`] finds it); with it, the file becomes that document's
    /// latest version. Refused before sending, as `Config` errors: a file over
    /// [`MAX_CONTENT_VERSION_BYTES`], an id or field name that is not one, an empty
    /// `PathOnClient`, a content type that cannot be a header. A reader whose length is
    /// not the declared one breaks the upload off (a `Network` error). A one-time reader
    /// ([`FileUpload::from_reader`]) is not sent again after a failed attempt; bytes and
    /// [`FileUpload::reopenable`] sources are.
    ///
    /// A streamed file (a reader, or [`FileUpload::reopenable`]) is timed by its progress:
    /// the attempt fails only when Salesforce takes no byte for the request's timeout (the
    /// client's, 30 s unless set, or [`FileUpload::timeout`]) or does not answer that long
    /// after the last one, so a 2 GB file needs no special limits. A file from bytes is
    /// sent as one in-memory body, which the timeout and the client's retry deadline (60 s
    /// by default) cap whole. A `Timeout` error says which limit to raise.
    pub async fn upload(&self, version: &NewVersion, file: FileUpload) -> Result<String> {
        let json = version.to_json()?;
        let timeout = file.timeout_value();
        let file_bytes = file.length();
        let (content_type, body) = multipart::encode(&json, &version.path_on_client, file)?;
        let body = match body {
            multipart::Encoded::Bytes(bytes) => Body::Raw {
                content_type: content_type.into(),
                bytes: bytes.into(),
            },
            multipart::Encoded::Once { length, body } => {
                Body::Stream(StreamBody::from_stream(content_type, Some(length), body))
            }
            multipart::Encoded::Replayable { length, make } => {
                Body::Stream(StreamBody::replayable(content_type, Some(length), make))
            }
        };
        let mut request = Request::post(self.client.data_path("/sobjects/ContentVersion"))
            .operation("files.upload")
            .path_template("/services/data/vXX.X/sobjects/ContentVersion")
            .body(body);
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let response = self.client.send(request).await.map_err(|e| {
            if e.kind() == ErrorKind::Timeout {
                // The usual cause is a large file under the default limits: say which.
                let hint = format!(
                    "{} (uploading {file_bytes} bytes: allow more with FileUpload::timeout \
                     and, for a file from bytes, a client retry policy whose deadline is \
                     long enough)",
                    e.message()
                );
                e.with_message(hint)
            } else {
                e
            }
        })?;
        let saved: SaveResult = response.json()?;
        created_id(saved, "ContentVersion")
    }

    /// The `ContentDocumentId` of a version
    /// (`GET /sobjects/ContentVersion/{id}?fields=ContentDocumentId`): the id to link,
    /// list links of, or add versions to.
    pub async fn content_document_id(&self, version_id: &str) -> Result<String> {
        let id = record_id(version_id)?;
        let request = Request::get(
            self.client
                .data_path(&format!("/sobjects/ContentVersion/{id}")),
        )
        .query("fields", "ContentDocumentId")
        .operation("files.content_document_id")
        .path_template("/services/data/vXX.X/sobjects/ContentVersion/{id}");
        let found: VersionDocument = self.client.send(request).await?.json()?;
        let document = found.content_document_id.ok_or_else(|| {
            Error::decode(
                SERVICE,
                "the ContentVersion came back without ContentDocumentId",
            )
        })?;
        record_id(&document)
            .map(str::to_owned)
            .map_err(|e| Error::decode(SERVICE, e.message().to_owned()))
    }

    /// Deletes a file with every version and link (`DELETE /sobjects/ContentDocument/{id}`;
    /// it goes to the recycle bin).
    pub async fn delete_document(&self, document_id: &str) -> Result<()> {
        let id = record_id(document_id)?;
        let request = Request::delete(
            self.client
                .data_path(&format!("/sobjects/ContentDocument/{id}")),
        )
        .operation("files.delete_document")
        .path_template("/services/data/vXX.X/sobjects/ContentDocument/{id}");
        self.client.send(request).await.map(|_| ())
    }

    /// A version's bytes (`GET /sobjects/ContentVersion/{id}/VersionData`), handed on
    /// chunk by chunk.
    pub async fn download_version(&self, version_id: &str) -> Result<FileDownload> {
        self.download_blob("ContentVersion", version_id, "VersionData")
            .await
    }

    /// An attachment's bytes (`GET /sobjects/Attachment/{id}/Body`), chunk by chunk.
    pub async fn download_attachment(&self, attachment_id: &str) -> Result<FileDownload> {
        self.download_blob("Attachment", attachment_id, "Body")
            .await
    }

    /// Any blob field of any record (`GET /sobjects/{object}/{id}/{field}`: `Document.Body`,
    /// `Note.Body`, …), chunk by chunk. The object and field are checked as API names and
    /// the id as an id before anything is sent. An error answer (`404`: no such record) is
    /// mapped like any other call's; the body of a successful one is never buffered whole.
    pub async fn download_blob(&self, object: &str, id: &str, field: &str) -> Result<FileDownload> {
        let object = path_segment(SERVICE, identifier(object)?)?;
        let id = record_id(id)?;
        let field = path_segment(SERVICE, identifier(field)?)?;
        let request = Request::get(
            self.client
                .data_path(&format!("/sobjects/{object}/{id}/{field}")),
        )
        .operation("files.download")
        .path_template("/services/data/vXX.X/sobjects/{object}/{id}/{field}");
        let response = self.client.send_streaming(request).await?;
        Ok(FileDownload::new(response))
    }
}

/// The id of a record a create made, or the error Salesforce reported in its answer.
fn created_id(saved: SaveResult, object: &str) -> Result<String> {
    if !saved.success {
        let first = saved.errors.first();
        let reason = first.map_or("no reason given", |e| e.message.as_str());
        let mut err = Error::new(
            ErrorKind::InvalidRequest,
            SERVICE,
            format!("creating the {object} failed: {reason}"),
        );
        if let Some(code) = first.and_then(|e| e.status_code.clone()) {
            err = err.with_provider_code(code);
        }
        return Err(err);
    }
    let id = saved.id.ok_or_else(|| {
        Error::decode(SERVICE, format!("the new {object} came back without an id"))
    })?;
    record_id(&id)
        .map(str::to_owned)
        .map_err(|e| Error::decode(SERVICE, e.message().to_owned()))
}
