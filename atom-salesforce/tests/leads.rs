//! convertLead with an existing opportunity and the duplicate-rule bypasses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::leads::LeadConvert;
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
