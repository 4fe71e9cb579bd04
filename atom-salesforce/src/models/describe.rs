//! Describe results: global (every object) and one object's fields and picklists.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// `GET /sobjects`: the org's objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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

/// A field's data type; a type this crate does not know is kept in `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// Record id.
    Id,
    /// Text.
    String,
    /// Long text.
    Textarea,
    /// Yes/no.
    Boolean,
    /// Integer.
    Int,
    /// Floating number.
    Double,
    /// Money.
    Currency,
    /// Percent.
    Percent,
    /// Date.
    Date,
    /// Date and time.
    Datetime,
    /// Single-select picklist.
    Picklist,
    /// Multi-select picklist (values joined by `;`).
    Multipicklist,
    /// Lookup or master-detail.
    Reference,
    /// Email.
    Email,
    /// Phone.
    Phone,
    /// URL.
    Url,
    /// Any other type (`address`, `location`, `base64`, …).
    Other(String),
}

impl FieldType {
    fn as_str(&self) -> &str {
        match self {
            Self::Id => "id",
            Self::String => "string",
            Self::Textarea => "textarea",
            Self::Boolean => "boolean",
            Self::Int => "int",
            Self::Double => "double",
            Self::Currency => "currency",
            Self::Percent => "percent",
            Self::Date => "date",
            Self::Datetime => "datetime",
            Self::Picklist => "picklist",
            Self::Multipicklist => "multipicklist",
            Self::Reference => "reference",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Url => "url",
            Self::Other(s) => s,
        }
    }
}

impl From<&str> for FieldType {
    fn from(s: &str) -> Self {
        match s {
            "id" => Self::Id,
            "string" => Self::String,
            "textarea" => Self::Textarea,
            "boolean" => Self::Boolean,
            "int" => Self::Int,
            "double" => Self::Double,
            "currency" => Self::Currency,
            "percent" => Self::Percent,
            "date" => Self::Date,
            "datetime" => Self::Datetime,
            "picklist" => Self::Picklist,
            "multipicklist" => Self::Multipicklist,
            "reference" => Self::Reference,
            "email" => Self::Email,
            "phone" => Self::Phone,
            "url" => Self::Url,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl Serialize for FieldType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FieldType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::from(s.as_str()))
    }
}
