//! Describe results: global (every object) and one object's fields and picklists.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `GET /sobjects`: the org's objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DescribeGlobal {
    /// Text encoding (`UTF-8`).
    #[serde(default)]
    pub encoding: Option<String>,
    /// Most records per batch call (200).
    #[serde(default)]
    pub max_batch_size: Option<u32>,
    /// The objects.
    #[serde(default)]
    pub sobjects: Vec<SObjectSummary>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One object in [`DescribeGlobal`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SObjectSummary {
    /// API name.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Custom object.
    #[serde(default)]
    pub custom: bool,
    /// Id prefix (`001`).
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// Queryable.
    #[serde(default)]
    pub queryable: bool,
    /// Createable.
    #[serde(default)]
    pub createable: bool,
    /// Updateable.
    #[serde(default)]
    pub updateable: bool,
    /// Deletable.
    #[serde(default)]
    pub deletable: bool,
    /// Every other field (`urls`, `searchable`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /sobjects/{name}/describe`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SObjectDescribe {
    /// API name.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Custom object.
    #[serde(default)]
    pub custom: bool,
    /// Id prefix.
    #[serde(default)]
    pub key_prefix: Option<String>,
    /// The fields.
    #[serde(default)]
    pub fields: Vec<FieldDescribe>,
    /// Record types.
    #[serde(default)]
    pub record_type_infos: Vec<RecordTypeInfo>,
    /// Child relationships.
    #[serde(default)]
    pub child_relationships: Vec<ChildRelationship>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SObjectDescribe {
    /// A field by API name.
    pub fn field(&self, name: &str) -> Option<&FieldDescribe> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The id of the record type with this developer name (or, on API versions that send no
    /// developer name, this name). The name is checked as an API name first.
    pub fn record_type_id(&self, developer_name: &str) -> atom_core::Result<Option<&str>> {
        crate::validate::identifier(developer_name)?;
        Ok(self
            .record_type_infos
            .iter()
            .find(|r| r.developer_name.as_deref().unwrap_or(&r.name) == developer_name)
            .and_then(|r| r.record_type_id.as_deref()))
    }
}

/// One field of [`SObjectDescribe`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldDescribe {
    /// API name.
    pub name: String,
    /// Label.
    #[serde(default)]
    pub label: Option<String>,
    /// Data type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Length for text.
    #[serde(default)]
    pub length: Option<u32>,
    /// Precision for numbers.
    #[serde(default)]
    pub precision: Option<u32>,
    /// Scale for numbers.
    #[serde(default)]
    pub scale: Option<u32>,
    /// Can be null.
    #[serde(default)]
    pub nillable: bool,
    /// Createable.
    #[serde(default)]
    pub createable: bool,
    /// Updateable.
    #[serde(default)]
    pub updateable: bool,
    /// Custom field.
    #[serde(default)]
    pub custom: bool,
    /// An external id (usable for upsert).
    #[serde(default)]
    pub external_id: bool,
    /// Picklist values.
    #[serde(default)]
    pub picklist_values: Vec<PicklistValue>,
    /// Objects a reference points to.
    #[serde(default)]
    pub reference_to: Vec<String>,
    /// Relationship name for references.
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FieldDescribe {
    /// Whether `value` is an active value of this picklist.
    pub fn allows(&self, value: &str) -> bool {
        self.picklist_values
            .iter()
            .any(|p| p.active && p.value == value)
    }
}

/// One picklist entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PicklistValue {
    /// The API value.
    pub value: String,
    /// The label.
    #[serde(default)]
    pub label: Option<String>,
    /// Active (inactive values are refused on write).
    #[serde(default = "yes")]
    pub active: bool,
    /// The default.
    #[serde(default)]
    pub default_value: bool,
    /// Every other field (`validFor`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn yes() -> bool {
    true
}

/// One record type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RecordTypeInfo {
    /// Label name.
    pub name: String,
    /// Id.
    #[serde(default)]
    pub record_type_id: Option<String>,
    /// Developer name (newer API versions).
    #[serde(default)]
    pub developer_name: Option<String>,
    /// Available to the user.
    #[serde(default)]
    pub available: bool,
    /// The user's default.
    #[serde(default)]
    pub default_record_type_mapping: bool,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One child relationship.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChildRelationship {
    /// The child object.
    pub child_s_object: String,
    /// The child's field that points here.
    pub field: String,
    /// The relationship name, when queryable.
    #[serde(default)]
    pub relationship_name: Option<String>,
    /// Deleting the parent deletes the child.
    #[serde(default)]
    pub cascade_delete: bool,
    /// Every other field.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

atom_core::string_enum! {
    /// A field's data type; a type this crate does not know (`address`, `location`,
    /// `base64`, …) is kept in `Other`.
    #[non_exhaustive]
    pub enum FieldType {
        /// Record id.
        Id = "id",
        /// Text.
        String = "string",
        /// Long text.
        Textarea = "textarea",
        /// Yes/no.
        Boolean = "boolean",
        /// Integer.
        Int = "int",
        /// Floating number.
        Double = "double",
        /// Money.
        Currency = "currency",
        /// Percent.
        Percent = "percent",
        /// Date.
        Date = "date",
        /// Date and time.
        Datetime = "datetime",
        /// Single-select picklist.
        Picklist = "picklist",
        /// Multi-select picklist (values joined by `;`).
        Multipicklist = "multipicklist",
        /// Lookup or master-detail.
        Reference = "reference",
        /// Email.
        Email = "email",
        /// Phone.
        Phone = "phone",
        /// URL.
        Url = "url",
    }
}
