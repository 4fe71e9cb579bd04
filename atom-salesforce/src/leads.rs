//! Lead conversion through the SOAP API's `convertLead()` call (REST has no equivalent),
//! sent with the same OAuth session as every REST call.
//!
//! ```no_run
//! # async fn demo(client: atom_salesforce::Client) -> atom_core::Result<()> {
//! use atom_salesforce::leads::LeadConvert;
//! let mut convert = LeadConvert::new("00Q5g00000AbCdEEAV", "Closed - Converted");
//! convert.opportunity_name = Some("Acme - 500 widgets".into());
//! let results = client.leads().convert(&[convert]).await?;
//! println!("{:?}", results.first().and_then(|r| r.opportunity_id.as_deref()));
//! # Ok(()) }
//! ```

use atom_core::{Body, Error, Request, Result};
use serde::{Deserialize, Serialize};

pub use crate::lead_record::ConvertRecord;
use crate::models::SaveError;
use crate::soap::{self, Element, escape};
use crate::validate::record_id;
use crate::{Client, SERVICE};

/// Most leads in one `convertLead()` call.
pub const MAX_PER_CALL: usize = 100;

/// One lead to convert (`LeadConvert`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadConvert {
    /// The lead.
    pub lead_id: String,
    /// A converted lead status of the org (`Closed - Converted`).
    pub converted_status: String,
    /// Merge into this account instead of creating one.
    pub account_id: Option<String>,
    /// Merge into this contact instead of creating one.
    pub contact_id: Option<String>,
    /// Owner of the new records.
    pub owner_id: Option<String>,
    /// Name of the new opportunity (default: the company).
    pub opportunity_name: Option<String>,
    /// Create no opportunity.
    pub do_not_create_opportunity: bool,
    /// Overwrite the contact's lead source with the lead's.
    pub overwrite_lead_source: bool,
    /// Email the new owner.
    pub send_notification_email: bool,
    /// Relate the lead to this existing opportunity instead of creating one (not with
    /// `opportunity_name` or `do_not_create_opportunity`, which Salesforce refuses).
    #[serde(default)]
    pub opportunity_id: Option<String>,
    /// Skip the duplicate rules for the new or merged account (sent only when `true`).
    #[serde(default)]
    pub bypass_account_dedupe_check: bool,
    /// Skip the duplicate rules for the new or merged contact (sent only when `true`).
    #[serde(default)]
    pub bypass_contact_dedupe_check: bool,
    /// Field values of the account to create (a record type, say); not with `account_id`.
    #[serde(default)]
    pub account_record: Option<ConvertRecord>,
    /// Field values of the contact to create; not with `contact_id`.
    #[serde(default)]
    pub contact_record: Option<ConvertRecord>,
    /// Field values of the opportunity to create; not with `opportunity_id` or
    /// `do_not_create_opportunity`.
    #[serde(default)]
    pub opportunity_record: Option<ConvertRecord>,
}

impl LeadConvert {
    /// Converts `lead_id` with status `converted_status`, creating account, contact and
    /// opportunity.
    pub fn new(lead_id: &str, converted_status: &str) -> Self {
        Self {
            lead_id: lead_id.to_owned(),
            converted_status: converted_status.to_owned(),
            account_id: None,
            contact_id: None,
            owner_id: None,
            opportunity_name: None,
            do_not_create_opportunity: false,
            overwrite_lead_source: false,
            send_notification_email: false,
            opportunity_id: None,
            bypass_account_dedupe_check: false,
            bypass_contact_dedupe_check: false,
            account_record: None,
            contact_record: None,
            opportunity_record: None,
        }
    }

    fn validate(&self) -> Result<()> {
        record_id(&self.lead_id)?;
        for id in [
            &self.account_id,
            &self.contact_id,
            &self.owner_id,
            &self.opportunity_id,
        ]
        .into_iter()
        .flatten()
        {
            record_id(id)?;
        }
        if self.converted_status.trim().is_empty() {
            return Err(Error::config(SERVICE, "converted_status is required"));
        }
        // Both are documented errors of convertLead(); refusing them here saves the call.
        if self.opportunity_id.is_some() && self.opportunity_name.is_some() {
            return Err(Error::config(
                SERVICE,
                "opportunity_id and opportunity_name are mutually exclusive",
            ));
        }
        if self.opportunity_id.is_some() && self.do_not_create_opportunity {
            return Err(Error::config(
                SERVICE,
                "opportunity_id must be empty when do_not_create_opportunity is set",
            ));
        }
        // A record to create next to the id of one to merge into is contradictory.
        let records = [
            (
                "accountRecord",
                &self.account_record,
                self.account_id.is_some(),
            ),
            (
                "contactRecord",
                &self.contact_record,
                self.contact_id.is_some(),
            ),
            (
                "opportunityRecord",
                &self.opportunity_record,
                self.opportunity_id.is_some() || self.do_not_create_opportunity,
            ),
        ];
        for (element, record, merges) in records {
            let Some(record) = record else { continue };
            if merges {
                return Err(Error::config(
                    SERVICE,
                    format!(
                        "{element} describes a record to create; it cannot go with the id of \
                         an existing one (or, for the opportunity, do_not_create_opportunity)"
                    ),
                ));
            }
            record.validate(element)?;
        }
        Ok(())
    }

    /// The `<leadConverts>` element, fields in the partner WSDL's order, values escaped.
    fn to_xml(&self) -> String {
        let mut x = String::from("<urn:leadConverts>");
        if let Some(v) = &self.account_id {
            el(&mut x, "accountId", v);
        }
        if let Some(record) = &self.account_record {
            record.write_xml(&mut x, "accountRecord", "Account");
        }
        if self.bypass_account_dedupe_check {
            el(&mut x, "bypassAccountDedupeCheck", "true");
        }
        if self.bypass_contact_dedupe_check {
            el(&mut x, "bypassContactDedupeCheck", "true");
        }
        if let Some(v) = &self.contact_id {
            el(&mut x, "contactId", v);
        }
        if let Some(record) = &self.contact_record {
            record.write_xml(&mut x, "contactRecord", "Contact");
        }
        el(&mut x, "convertedStatus", &self.converted_status);
        el(
            &mut x,
            "doNotCreateOpportunity",
            &self.do_not_create_opportunity.to_string(),
        );
        el(&mut x, "leadId", &self.lead_id);
        if let Some(v) = &self.opportunity_id {
            el(&mut x, "opportunityId", v);
        }
        if let Some(v) = &self.opportunity_name {
            el(&mut x, "opportunityName", v);
        }
        if let Some(record) = &self.opportunity_record {
            record.write_xml(&mut x, "opportunityRecord", "Opportunity");
        }
        el(
            &mut x,
            "overwriteLeadSource",
            &self.overwrite_lead_source.to_string(),
        );
        if let Some(v) = &self.owner_id {
            el(&mut x, "ownerId", v);
        }
        el(
            &mut x,
            "sendNotificationEmail",
            &self.send_notification_email.to_string(),
        );
        x.push_str("</urn:leadConverts>");
        x
    }
}

/// One `<urn:{name}>` element with its value escaped.
fn el(x: &mut String, name: &str, value: &str) {
    x.push_str(&format!("<urn:{name}>{}</urn:{name}>", escape(value)));
}

/// One `LeadConvertResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LeadConvertResult {
    /// The lead.
    pub lead_id: Option<String>,
    /// The account created or merged into.
    pub account_id: Option<String>,
    /// The contact created or merged into.
    pub contact_id: Option<String>,
    /// The opportunity created, if any.
    pub opportunity_id: Option<String>,
    /// Whether the conversion worked.
    pub success: bool,
    /// What went wrong.
    pub errors: Vec<SaveError>,
}

fn result_from(el: &Element) -> LeadConvertResult {
    LeadConvertResult {
        lead_id: el.text_of("leadId"),
        account_id: el.text_of("accountId"),
        contact_id: el.text_of("contactId"),
        opportunity_id: el.text_of("opportunityId"),
        success: el.text_of("success").as_deref() == Some("true"),
        errors: el
            .children_named("errors")
            .map(|e| SaveError {
                status_code: e.text_of("statusCode"),
                message: e.text_of("message").unwrap_or_default(),
                fields: e
                    .children_named("fields")
                    .map(|f| f.text.trim().to_owned())
                    .collect(),
            })
            .collect(),
    }
}

/// Parses a `convertLeadResponse`.
pub fn parse_convert_response(body: &[u8]) -> Result<Vec<LeadConvertResult>> {
    let root = soap::parse(body)
        .map_err(|e| Error::decode(SERVICE, format!("convertLead response {}", e.describe())))?;
    let response = root
        .find("convertLeadResponse")
        .ok_or_else(|| Error::decode(SERVICE, "no convertLeadResponse in the SOAP body"))?;
    Ok(response.children_named("result").map(result_from).collect())
}

/// Lead operations; from [`Client::leads`].
#[derive(Debug, Clone)]
pub struct Leads {
    client: Client,
}

impl Client {
    /// Lead conversion.
    pub fn leads(&self) -> Leads {
        Leads {
            client: self.clone(),
        }
    }
}

/// The session id of an authorization: the bearer token it carries.
fn session_of(auth: &atom_core::Authorization) -> Result<String> {
    auth.headers
        .iter()
        .find(|(name, _)| name == http::header::AUTHORIZATION)
        .and_then(|(_, v)| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
        .ok_or_else(|| Error::config(SERVICE, "the SOAP API needs an OAuth access token"))
}

impl Leads {
    /// Converts up to [`MAX_PER_CALL`] leads; results in input order. An expired session
    /// (`INVALID_SESSION_ID` fault) refreshes the token once and resends.
    pub async fn convert(&self, converts: &[LeadConvert]) -> Result<Vec<LeadConvertResult>> {
        if converts.is_empty() || converts.len() > MAX_PER_CALL {
            return Err(Error::config(
                SERVICE,
                format!("convertLead takes 1 to {MAX_PER_CALL} leads"),
            ));
        }
        for c in converts {
            c.validate()?;
        }
        let items: String = converts.iter().map(LeadConvert::to_xml).collect();
        let mut refreshed = false;
        loop {
            let auth = self.client.auth.authorize().await?;
            let session = session_of(&auth)?;
            let xml = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:urn=\"urn:partner.soap.sforce.com\">\
<soapenv:Header><urn:SessionHeader><urn:sessionId>{}</urn:sessionId></urn:SessionHeader></soapenv:Header>\
<soapenv:Body><urn:convertLead>{items}</urn:convertLead></soapenv:Body></soapenv:Envelope>",
                escape(&session)
            );
            let request = Request::post(format!("/services/Soap/u/{}", self.client.version))
                .operation("leads.convert")
                .path_template("/services/Soap/u/{version}")
                // The partner WSDL binds every operation with soapAction="".
                .header("SOAPAction", "\"\"")
                .body(Body::Raw {
                    content_type: "text/xml; charset=UTF-8".into(),
                    bytes: xml.into_bytes().into(),
                });
            match self.client.send(request).await {
                Ok(response) => return parse_convert_response(&response.body),
                Err(e)
                    if !refreshed
                        && e.provider_code() == Some("INVALID_SESSION_ID")
                        && self.client.auth.unauthorized(&auth).await? =>
                {
                    refreshed = true;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
