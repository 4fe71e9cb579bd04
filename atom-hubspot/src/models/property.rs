//! Property definitions and property groups.

use atom_core::Extra;
use serde::{Deserialize, Serialize};

/// One option of an enumeration property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PropertyOption {
    /// Its label.
    pub label: String,
    /// Its stored value.
    pub value: String,
    /// Its place.
    #[serde(
        rename = "displayOrder",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub display_order: Option<i64>,
    /// Whether it is hidden in forms.
    #[serde(default)]
    pub hidden: bool,
    /// Fields the crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

impl PropertyOption {
    /// An option.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
            display_order: None,
            hidden: false,
            extra: Extra::default(),
        }
    }
}

/// A property definition (`GET /crm/v3/properties/{objectType}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Property {
    /// The internal name (`email`).
    pub name: String,
    /// The label people see.
    #[serde(default)]
    pub label: String,
    /// The data type (`string`, `number`, `date`, `datetime`, `enumeration`, `bool`).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The form field (`text`, `select`, `checkbox`, `date`).
    #[serde(rename = "fieldType", default)]
    pub field_type: String,
    /// The group.
    #[serde(rename = "groupName", default)]
    pub group_name: String,
    /// Its description.
    #[serde(default)]
    pub description: String,
    /// Options of an enumeration.
    #[serde(default)]
    pub options: Vec<PropertyOption>,
    /// Whether a value is unique across records (usable as `idProperty`).
    #[serde(rename = "hasUniqueValue", default)]
    pub has_unique_value: bool,
    /// Whether HubSpot defined it.
    #[serde(rename = "hubspotDefined", default)]
    pub hubspot_defined: bool,
    /// Whether its value is computed.
    #[serde(default)]
    pub calculated: bool,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: bool,
    /// Fields the crate does not name (`modificationMetadata`, `formField`, timestamps).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A property to create (custom field).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PropertyCreateParams {
    /// The internal name (a letter, then `[a-z0-9_]`).
    pub name: String,
    /// The label.
    pub label: String,
    /// The data type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The form field.
    #[serde(rename = "fieldType")]
    pub field_type: String,
    /// The group.
    #[serde(rename = "groupName")]
    pub group_name: String,
    /// A description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Options of an enumeration.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<PropertyOption>,
    /// Whether values must be unique.
    #[serde(rename = "hasUniqueValue", skip_serializing_if = "Option::is_none")]
    pub has_unique_value: Option<bool>,
    /// Whether it shows in forms.
    #[serde(rename = "formField", skip_serializing_if = "Option::is_none")]
    pub form_field: Option<bool>,
}

/// A property group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PropertyGroup {
    /// The internal name.
    pub name: String,
    /// The label.
    #[serde(default)]
    pub label: String,
    /// Its place.
    #[serde(rename = "displayOrder", default)]
    pub display_order: i64,
    /// Whether it is archived.
    #[serde(default)]
    pub archived: bool,
    /// Fields the crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A property group to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PropertyGroupCreateParams {
    /// The internal name.
    pub name: String,
    /// The label.
    pub label: String,
    /// Its place (`-1` puts it last).
    #[serde(rename = "displayOrder", skip_serializing_if = "Option::is_none")]
    pub display_order: Option<i64>,
}
