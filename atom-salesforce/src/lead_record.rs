//! The records a lead conversion creates, given field by field (the partner WSDL's
//! `accountRecord`, `contactRecord` and `opportunityRecord`).

use atom_core::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::SERVICE;
use crate::soap::escape;
use crate::validate::identifier;

/// The sObject namespace of the partner WSDL: a record's `type`, `fieldsToNull` and fields.
const SOBJECT_NS: &str = "urn:sobject.partner.soap.sforce.com";

/// Field values for a record that `convertLead()` creates: a record type, an owner-visible
/// name, custom fields. Values are sent as text, as the partner WSDL types them; Salesforce
/// converts them by the field's type.
///
/// ```
/// use atom_salesforce::leads::{ConvertRecord, LeadConvert};
/// let mut convert = LeadConvert::new("00Q5g00000AbCdEEAV", "Closed - Converted");
/// convert.opportunity_record = Some(
///     ConvertRecord::new()
///         .field("RecordTypeId", "0125g000000AbCdAAE")
///         .field("StageName", "Prospecting")
///         .null("Description"),
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertRecord {
    /// Fields and their values, sent in this order.
    pub fields: Vec<(String, String)>,
    /// Fields to set empty (`fieldsToNull`).
    pub fields_to_null: Vec<String>,
}

impl ConvertRecord {
    /// A record with no field set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a field (API name) to a value.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Sets a field empty.
    pub fn null(mut self, name: impl Into<String>) -> Self {
        self.fields_to_null.push(name.into());
        self
    }

    /// Every name must be an API name (it becomes an element name) and none may be `Id`:
    /// these records are created, and the WSDL places `Id` apart from the fields.
    pub(crate) fn validate(&self, element: &str) -> Result<()> {
        let names = self
            .fields
            .iter()
            .map(|(name, _)| name)
            .chain(&self.fields_to_null);
        for name in names {
            identifier(name)?;
            if name.eq_ignore_ascii_case("Id") {
                return Err(Error::config(
                    SERVICE,
                    format!("{element} describes a record to create: it takes no Id"),
                ));
            }
        }
        Ok(())
    }

    /// `<urn:{element}>` with the sObject's `type`, `fieldsToNull` and fields, in the
    /// WSDL's order; values escaped.
    pub(crate) fn write_xml(&self, out: &mut String, element: &str, object: &str) {
        out.push_str(&format!(
            "<urn:{element} xmlns:sobj=\"{SOBJECT_NS}\"><sobj:type>{object}</sobj:type>"
        ));
        for name in &self.fields_to_null {
            out.push_str(&format!("<sobj:fieldsToNull>{name}</sobj:fieldsToNull>"));
        }
        for (name, value) in &self.fields {
            out.push_str(&format!("<sobj:{name}>{}</sobj:{name}>", escape(value)));
        }
        out.push_str(&format!("</urn:{element}>"));
    }
}
