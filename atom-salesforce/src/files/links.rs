//! `ContentDocumentLink`: where a file is shared (records, users, groups, libraries).

use atom_core::{Paginator, Request, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Files, created_id};
use crate::soql::Soql;
use crate::validate::record_id;

atom_core::string_enum! {
    /// `ContentDocumentLink.ShareType`: the permission the link grants.
    #[non_exhaustive]
    pub enum ShareType {
        /// `V`: viewer; can see and download the file.
        Viewer = "V",
        /// `C`: collaborator; can also edit it and upload new versions.
        Collaborator = "C",
        /// `I`: inferred; the permission follows the linked record's sharing.
        Inferred = "I",
    }
}

atom_core::string_enum! {
    /// `ContentDocumentLink.Visibility`: which users with access to the linked entity see
    /// the file.
    #[non_exhaustive]
    pub enum Visibility {
        /// `AllUsers`: everyone with access, external (community) users included.
        AllUsers = "AllUsers",
        /// `InternalUsers`: internal users only.
        InternalUsers = "InternalUsers",
        /// `SharedUsers`: the users the feed item was shared with.
        SharedUsers = "SharedUsers",
    }
}

/// The statement of a list call, filtered on `$field` (SOQL text must be `'static`).
macro_rules! links_where {
    ($field:literal) => {
        concat!(
            "SELECT Id, ContentDocumentId, LinkedEntityId, ShareType, Visibility, ",
            "SystemModstamp FROM ContentDocumentLink WHERE ",
            $field,
            " = :id"
        )
    };
}

/// One `ContentDocumentLink` as read from a query. Values Salesforce adds later decode
/// into the enums' `Other` arm; fields not named here are in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContentDocumentLink {
    /// The link's id.
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// The document shared.
    #[serde(rename = "ContentDocumentId", default)]
    pub content_document_id: Option<String>,
    /// What it is shared with: a record, user, group or library.
    #[serde(rename = "LinkedEntityId", default)]
    pub linked_entity_id: Option<String>,
    /// The permission granted.
    #[serde(rename = "ShareType", default)]
    pub share_type: Option<ShareType>,
    /// Who sees it.
    #[serde(rename = "Visibility", default)]
    pub visibility: Option<Visibility>,
    /// Every other field (`attributes`, `SystemModstamp`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A link to create: a document shared with an entity, as a viewer unless set otherwise.
///
/// ```
/// use atom_salesforce::files::{NewLink, ShareType, Visibility};
/// let link = NewLink::new("069D00000000so2IAA", "001D000000IqhSLIAZ")
///     .share_type(ShareType::Inferred)
///     .visibility(Visibility::AllUsers);
/// assert_eq!(link.share_type, ShareType::Inferred);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewLink {
    /// `ContentDocumentId`.
    #[serde(rename = "ContentDocumentId")]
    pub content_document_id: String,
    /// `LinkedEntityId`.
    #[serde(rename = "LinkedEntityId")]
    pub linked_entity_id: String,
    /// `ShareType` (required by Salesforce; default `V`).
    #[serde(rename = "ShareType")]
    pub share_type: ShareType,
    /// `Visibility` (Salesforce's default when unset: by the entity and the user).
    #[serde(rename = "Visibility", skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
}

impl NewLink {
    /// Shares `document_id` with `entity_id` as a viewer.
    pub fn new(document_id: impl Into<String>, entity_id: impl Into<String>) -> Self {
        Self {
            content_document_id: document_id.into(),
            linked_entity_id: entity_id.into(),
            share_type: ShareType::Viewer,
            visibility: None,
        }
    }

    /// The permission granted.
    pub fn share_type(mut self, share_type: ShareType) -> Self {
        self.share_type = share_type;
        self
    }

    /// Who sees the file.
    pub fn visibility(mut self, visibility: Visibility) -> Self {
        self.visibility = Some(visibility);
        self
    }
}

impl Files {
    /// Creates a link (`POST /sobjects/ContentDocumentLink`) and returns its id. Both ids
    /// are checked before anything is sent.
    pub async fn link(&self, link: &NewLink) -> Result<String> {
        record_id(&link.content_document_id)?;
        record_id(&link.linked_entity_id)?;
        let request = Request::post(self.client.data_path("/sobjects/ContentDocumentLink"))
            .operation("files.link")
            .path_template("/services/data/vXX.X/sobjects/ContentDocumentLink")
            .json(link);
        let saved = self.client.send(request).await?.json()?;
        created_id(saved, "ContentDocumentLink")
    }

    /// Deletes a link (`DELETE /sobjects/ContentDocumentLink/{id}`): the file is no longer
    /// shared there. Deleting a document's last link deletes nothing else.
    pub async fn unlink(&self, link_id: &str) -> Result<()> {
        let id = record_id(link_id)?;
        let request = Request::delete(
            self.client
                .data_path(&format!("/sobjects/ContentDocumentLink/{id}")),
        )
        .operation("files.unlink")
        .path_template("/services/data/vXX.X/sobjects/ContentDocumentLink/{id}");
        self.client.send(request).await.map(|_| ())
    }

    /// Every link of a document (where it is shared), as a query stream. Salesforce only
    /// answers `ContentDocumentLink` queries filtered on `ContentDocumentId` or
    /// `LinkedEntityId` (or `Id`), so these two list calls are the ways in.
    pub fn links_of_document(&self, document_id: &str) -> Result<Paginator<ContentDocumentLink>> {
        let soql = Soql::raw(links_where!("ContentDocumentId"))
            .bind("id", record_id(document_id)?)
            .build()?;
        Ok(self.client.query(&soql))
    }

    /// Every file shared with a record, user, group or library, as a query stream of its
    /// links (each names the `ContentDocumentId`).
    pub fn links_of_record(&self, entity_id: &str) -> Result<Paginator<ContentDocumentLink>> {
        let soql = Soql::raw(links_where!("LinkedEntityId"))
            .bind("id", record_id(entity_id)?)
            .build()?;
        Ok(self.client.query(&soql))
    }
}
