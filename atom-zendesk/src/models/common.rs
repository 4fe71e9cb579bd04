//! Pieces shared by several resources.

use serde::{Deserialize, Serialize};
use serde_json::Value;

atom_core::model! {
    /// How a record was created (`via`): the channel and its source.
    pub struct Via {
        /// `web`, `email`, `api`, `mobile`, ...
        @skip_if(Option::is_none)
        pub channel: Option<String>,
        /// Where it came from and went to.
        @skip_if(Option::is_none)
        pub source: Option<Value>,
    }
}

/// A custom field's value, typed by what Zendesk sent (text, numeric and decimal fields
/// arrive as strings; checkboxes as booleans; multi-selects as lists).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum FieldValue {
    /// A checkbox.
    Bool(bool),
    /// A number (Zendesk usually sends numbers as text; this is for those it does not).
    Number(serde_json::Number),
    /// Text, a drop-down's tag, a date (`2024-01-31`), a number as text.
    Text(String),
    /// A multi-select's tags.
    Multi(Vec<String>),
    /// Anything else, as sent.
    Other(Value),
}

impl FieldValue {
    /// The value as text, when it is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl From<&str> for FieldValue {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for FieldValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<bool> for FieldValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<Vec<String>> for FieldValue {
    fn from(tags: Vec<String>) -> Self {
        Self::Multi(tags)
    }
}

/// One custom field of a ticket, user or organization: its id and value (`None`: empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomField {
    /// The field's id (see `client.ticket_fields()`).
    pub id: u64,
    /// The value.
    #[serde(default)]
    pub value: Option<FieldValue>,
}

impl CustomField {
    /// A field set to a value.
    pub fn new(id: u64, value: impl Into<FieldValue>) -> Self {
        Self {
            id,
            value: Some(value.into()),
        }
    }

    /// A field emptied.
    pub fn clear(id: u64) -> Self {
        Self { id, value: None }
    }

    /// A field set by its title, from `client.ticket_fields().ids_by_title()`; an unknown
    /// title is a `Config` error (nothing is sent with a guessed id).
    ///
    /// ```
    /// use atom_zendesk::models::CustomField;
    /// let ids = std::collections::HashMap::from([("Order number".to_owned(), 27642u64)]);
    /// assert_eq!(CustomField::by_title(&ids, "Order number", "A-1").unwrap().id, 27642);
    /// assert!(CustomField::by_title(&ids, "Nope", "x").is_err());
    /// ```
    pub fn by_title(
        ids: &std::collections::HashMap<String, u64>,
        title: &str,
        value: impl Into<FieldValue>,
    ) -> atom_core::Result<Self> {
        let id = ids.get(title).copied().ok_or_else(|| {
            atom_core::Error::config(
                crate::error::SERVICE,
                format!("no ticket field titled {title:?}"),
            )
        })?;
        Ok(Self::new(id, value))
    }
}

/// A list or map field that Zendesk sends as `null` on some records: empty then.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}
