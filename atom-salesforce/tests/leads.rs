//! convertLead with an existing opportunity and the duplicate-rule bypasses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::leads::{ConvertRecord, LeadConvert};
use common::{client, fixture};
use wiremock::matchers::{body_string, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LEAD: &str = "00Q5g00000AbCdEEAV";
const ACCOUNT: &str = "0015g00000AbCdEAAV";
const OPPORTUNITY: &str = "0065g00000AbCdEAAV";

#[tokio::test]
async fn an_existing_opportunity_and_dedupe_bypasses_go_in_wsdl_order() {
    let server = MockServer::start().await;
    // The partner WSDL's LeadConvert sequence: accountId, bypassAccountDedupeCheck,
    // bypassContactDedupeCheck, contactId, convertedStatus, doNotCreateOpportunity, leadId,
    // opportunityId, opportunityName, overwriteLeadSource, ownerId, sendNotificationEmail.
    let expected = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:urn=\"urn:partner.soap.sforce.com\"><soapenv:Header><urn:SessionHeader><urn:sessionId>00Dx0000000BV7z!static</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:convertLead>\
<urn:leadConverts><urn:accountId>{ACCOUNT}</urn:accountId><urn:bypassAccountDedupeCheck>true</urn:bypassAccountDedupeCheck><urn:bypassContactDedupeCheck>true</urn:bypassContactDedupeCheck><urn:convertedStatus>Closed - Converted</urn:convertedStatus><urn:doNotCreateOpportunity>false</urn:doNotCreateOpportunity><urn:leadId>{LEAD}</urn:leadId><urn:opportunityId>{OPPORTUNITY}</urn:opportunityId><urn:overwriteLeadSource>false</urn:overwriteLeadSource><urn:sendNotificationEmail>false</urn:sendNotificationEmail></urn:leadConverts>\
</urn:convertLead></soapenv:Body></soapenv:Envelope>"
    );
    Mock::given(method("POST"))
        .and(path("/services/Soap/u/67.0"))
        .and(body_string(expected))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("convert_lead_existing_opportunity_response.xml"),
            "text/xml",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut convert = LeadConvert::new(LEAD, "Closed - Converted");
    convert.account_id = Some(ACCOUNT.into());
    convert.opportunity_id = Some(OPPORTUNITY.into());
    convert.bypass_account_dedupe_check = true;
    convert.bypass_contact_dedupe_check = true;
    let results = client(&server).leads().convert(&[convert]).await.unwrap();
    assert!(results[0].success);
    assert_eq!(results[0].opportunity_id.as_deref(), Some(OPPORTUNITY));
}

#[tokio::test]
async fn contradictory_opportunity_arguments_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let sf = client(&server);
    let mut named = LeadConvert::new(LEAD, "Closed - Converted");
    named.opportunity_id = Some(OPPORTUNITY.into());
    named.opportunity_name = Some("Acme".into());
    let mut none = LeadConvert::new(LEAD, "Closed - Converted");
    none.opportunity_id = Some(OPPORTUNITY.into());
    none.do_not_create_opportunity = true;
    let mut bad_id = LeadConvert::new(LEAD, "Closed - Converted");
    bad_id.opportunity_id = Some("006</urn:opportunityId>".into());
    for convert in [named, none, bad_id] {
        let err = sf.leads().convert(&[convert]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
    }
}

#[tokio::test]
async fn records_to_create_go_in_wsdl_order_as_partner_sobjects() {
    let server = MockServer::start().await;
    // accountRecord follows accountId, contactRecord contactId and opportunityRecord
    // opportunityName in the partner WSDL's sequence; an sObject's `type` and
    // `fieldsToNull` come before its fields, all in the sObject namespace.
    let expected = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:urn=\"urn:partner.soap.sforce.com\"><soapenv:Header><urn:SessionHeader><urn:sessionId>00Dx0000000BV7z!static</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:convertLead>\
<urn:leadConverts>\
<urn:accountRecord xmlns:sobj=\"urn:sobject.partner.soap.sforce.com\"><sobj:type>Account</sobj:type><sobj:RecordTypeId>0125g000000AbCdAAE</sobj:RecordTypeId><sobj:Name>Fry &amp; Sons &lt;EU&gt;</sobj:Name></urn:accountRecord>\
<urn:contactRecord xmlns:sobj=\"urn:sobject.partner.soap.sforce.com\"><sobj:type>Contact</sobj:type><sobj:fieldsToNull>Title</sobj:fieldsToNull><sobj:Region__c>EMEA</sobj:Region__c></urn:contactRecord>\
<urn:convertedStatus>Closed - Converted</urn:convertedStatus><urn:doNotCreateOpportunity>false</urn:doNotCreateOpportunity><urn:leadId>{LEAD}</urn:leadId>\
<urn:opportunityRecord xmlns:sobj=\"urn:sobject.partner.soap.sforce.com\"><sobj:type>Opportunity</sobj:type><sobj:StageName>Prospecting</sobj:StageName></urn:opportunityRecord>\
<urn:overwriteLeadSource>false</urn:overwriteLeadSource><urn:sendNotificationEmail>false</urn:sendNotificationEmail></urn:leadConverts>\
</urn:convertLead></soapenv:Body></soapenv:Envelope>"
    );
    Mock::given(method("POST"))
        .and(path("/services/Soap/u/67.0"))
        .and(body_string(expected))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture("convert_lead_existing_opportunity_response.xml"),
            "text/xml",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut convert = LeadConvert::new(LEAD, "Closed - Converted");
    convert.account_record = Some(
        ConvertRecord::new()
            .field("RecordTypeId", "0125g000000AbCdAAE")
            .field("Name", "Fry & Sons <EU>"),
    );
    convert.contact_record = Some(
        ConvertRecord::new()
            .field("Region__c", "EMEA")
            .null("Title"),
    );
    convert.opportunity_record = Some(ConvertRecord::new().field("StageName", "Prospecting"));
    let results = client(&server).leads().convert(&[convert]).await.unwrap();
    assert!(results[0].success);
}

#[tokio::test]
async fn a_record_to_create_with_a_merge_id_or_a_bad_field_name_sends_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let sf = client(&server);
    let record = || ConvertRecord::new().field("Name", "Acme");
    let mut account = LeadConvert::new(LEAD, "Closed - Converted");
    account.account_id = Some(ACCOUNT.into());
    account.account_record = Some(record());
    let mut no_opportunity = LeadConvert::new(LEAD, "Closed - Converted");
    no_opportunity.do_not_create_opportunity = true;
    no_opportunity.opportunity_record = Some(record());
    let mut injected = LeadConvert::new(LEAD, "Closed - Converted");
    injected.contact_record = Some(ConvertRecord::new().field("Name><x", "1"));
    let mut with_id = LeadConvert::new(LEAD, "Closed - Converted");
    with_id.account_record = Some(ConvertRecord::new().field("Id", ACCOUNT));
    for convert in [account, no_opportunity, injected, with_id] {
        let err = sf.leads().convert(&[convert]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err}");
    }
}
