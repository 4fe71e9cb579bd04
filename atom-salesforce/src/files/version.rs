//! The fields of a new `ContentVersion`: the JSON part of an upload.

use atom_core::{Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::SERVICE;
use crate::validate::{identifier, record_id, truncate};

atom_core::string_enum! {
    /// `ContentVersion.SharingOption`: whether the file may be shared further.
    #[non_exhaustive]
    pub enum SharingOption {
        /// `A`: sharing allowed.
        Allowed = "A",
        /// `R`: sharing restricted ("freeze sharing").
        Restricted = "R",
    }
}

atom_core::string_enum! {
    /// `ContentVersion.SharingPrivacy`: who sees the file on the records it is linked to.
    #[non_exhaustive]
    pub enum SharingPrivacy {
        /// `N`: visible to everyone with access to the record.
        None = "N",
        /// `P`: private on records (the owner only).
        PrivateOnRecords = "P",
    }
}

/// Fields Salesforce sets itself or that the multipart body carries: refused in
/// [`NewVersion::field`] so a caller's extra field never doubles a typed one.
const RESERVED: &[&str] = &[
    "Title",
    "PathOnClient",
    "FirstPublishLocationId",
    "ContentDocumentId",
    "ReasonForChange",
    "Description",
    "SharingOption",
    "SharingPrivacy",
    "VersionData",
    "Id",
];

/// The fields of a new `ContentVersion` (the JSON part `entity_content` of an upload).
///
/// ```
/// use atom_salesforce::files::{NewVersion, SharingOption};
/// let v = NewVersion::new("Q1 brochure", "Q1 Brochure.pdf")
///     .link_to("001D000000IqhSLIAZ")
///     .description("Marketing brochure for Q1")
///     .sharing_option(SharingOption::Allowed)
///     .field("Region__c", "EMEA")?;
/// assert_eq!(v.path_on_client, "Q1 Brochure.pdf");
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct NewVersion {
    /// `Title`: the file's name as shown.
    #[serde(rename = "Title")]
    pub title: String,
    /// `PathOnClient`: the file name with its extension; Salesforce derives `FileType`
    /// from it. Also the `filename` of the binary part.
    #[serde(rename = "PathOnClient")]
    pub path_on_client: String,
    /// `FirstPublishLocationId`: a record, user, group or library the new file is linked
    /// to as it is created.
    #[serde(
        rename = "FirstPublishLocationId",
        skip_serializing_if = "Option::is_none"
    )]
    pub first_publish_location_id: Option<String>,
    /// `ContentDocumentId`: the document this is a new version of (none: a new document).
    #[serde(rename = "ContentDocumentId", skip_serializing_if = "Option::is_none")]
    pub content_document_id: Option<String>,
    /// `ReasonForChange`: why a new version was uploaded.
    #[serde(rename = "ReasonForChange", skip_serializing_if = "Option::is_none")]
    pub reason_for_change: Option<String>,
    /// `Description`.
    #[serde(rename = "Description", skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `SharingOption`.
    #[serde(rename = "SharingOption", skip_serializing_if = "Option::is_none")]
    pub sharing_option: Option<SharingOption>,
    /// `SharingPrivacy`.
    #[serde(rename = "SharingPrivacy", skip_serializing_if = "Option::is_none")]
    pub sharing_privacy: Option<SharingPrivacy>,
    /// Any other field (custom fields, `Origin`, `NetworkId`), by API name.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl NewVersion {
    /// A new file with its title and file name (`PathOnClient`, extension included).
    pub fn new(title: impl Into<String>, path_on_client: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            path_on_client: path_on_client.into(),
            first_publish_location_id: None,
            content_document_id: None,
            reason_for_change: None,
            description: None,
            sharing_option: None,
            sharing_privacy: None,
            fields: Map::new(),
        }
    }

    /// Links the new file to a record, user, group or library as it is created
    /// (`FirstPublishLocationId`).
    pub fn link_to(mut self, record_id: impl Into<String>) -> Self {
        self.first_publish_location_id = Some(record_id.into());
        self
    }

    /// Makes the upload a new version of an existing document (`ContentDocumentId`).
    pub fn new_version_of(mut self, document_id: impl Into<String>) -> Self {
        self.content_document_id = Some(document_id.into());
        self
    }

    /// Why a new version was uploaded (`ReasonForChange`).
    pub fn reason_for_change(mut self, reason: impl Into<String>) -> Self {
        self.reason_for_change = Some(reason.into());
        self
    }

    /// `Description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// `SharingOption`.
    pub fn sharing_option(mut self, option: SharingOption) -> Self {
        self.sharing_option = Some(option);
        self
    }

    /// `SharingPrivacy`.
    pub fn sharing_privacy(mut self, privacy: SharingPrivacy) -> Self {
        self.sharing_privacy = Some(privacy);
        self
    }

    /// Sets another field by API name. A name that is not an API name, or one of the
    /// fields this type sets itself (`Title`, `VersionData`, …), is refused.
    pub fn field(mut self, name: &str, value: impl Into<Value>) -> Result<Self> {
        identifier(name)?;
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(Error::config(
                SERVICE,
                format!("{name} is set through NewVersion's own methods"),
            ));
        }
        self.fields.insert(name.to_owned(), value.into());
        Ok(self)
    }

    /// The JSON part, once every id, name and the file name are checked.
    pub(crate) fn to_json(&self) -> Result<Vec<u8>> {
        if self.path_on_client.trim().is_empty() {
            return Err(Error::config(
                SERVICE,
                "PathOnClient (the file name) must not be empty",
            ));
        }
        for id in [&self.first_publish_location_id, &self.content_document_id]
            .into_iter()
            .flatten()
        {
            record_id(id)?;
        }
        for name in self.fields.keys() {
            identifier(name)?;
            if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                return Err(Error::config(
                    SERVICE,
                    format!(
                        "{:?} is set through NewVersion's own fields",
                        truncate(name)
                    ),
                ));
            }
        }
        serde_json::to_vec(self)
            .map_err(|e| Error::config(SERVICE, format!("the version is not serialisable: {e}")))
    }
}
