//! Property definitions and property groups.

use serde::Serialize;

atom_core::model! {
    /// One option of an enumeration property.
    pub struct PropertyOption {
        /// Its label.
        pub label: String,
        /// Its stored value.
        pub value: String,
        /// Its place.
        @rename("displayOrder")
        @skip_if(Option::is_none)
        pub display_order: Option<i64>,
        /// Whether it is hidden in forms.
        @default(Default::default())
        pub hidden: bool,
    }
}

impl PropertyOption {
    /// An option.
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
            display_order: None,
            hidden: false,
            extra: atom_core::RawFields::default(),
        }
    }
}

atom_core::model! {
    /// A property definition (`GET /crm/v3/properties/{objectType}`).
    pub struct Property {
        /// The internal name (`email`).
        pub name: String,
        /// The label people see.
        @default(Default::default())
        pub label: String,
        /// The data type (`string`, `number`, `date`, `datetime`, `enumeration`, `bool`).
        @rename("type")
        @default(Default::default())
        pub kind: String,
        /// The form field (`text`, `select`, `checkbox`, `date`).
        @rename("fieldType")
        @default(Default::default())
        pub field_type: String,
        /// The group.
        @rename("groupName")
        @default(Default::default())
        pub group_name: String,
        /// Its description.
        @default(Default::default())
        pub description: String,
        /// Options of an enumeration.
        pub options: Vec<PropertyOption>,
        /// Whether a value is unique across records (usable as `idProperty`).
        @rename("hasUniqueValue")
        @default(Default::default())
        pub has_unique_value: bool,
        /// Whether HubSpot defined it.
        @rename("hubspotDefined")
        @default(Default::default())
        pub hubspot_defined: bool,
        /// Whether its value is computed.
        @default(Default::default())
        pub calculated: bool,
        /// Whether it is archived.
        @default(Default::default())
        pub archived: bool,
    }
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

atom_core::model! {
    /// A property group.
    pub struct PropertyGroup {
        /// The internal name.
        pub name: String,
        /// The label.
        @default(Default::default())
        pub label: String,
        /// Its place.
        @rename("displayOrder")
        @default(Default::default())
        pub display_order: i64,
        /// Whether it is archived.
        @default(Default::default())
        pub archived: bool,
    }
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
