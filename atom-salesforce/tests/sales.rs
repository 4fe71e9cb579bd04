//! Lead conversion over SOAP, opportunity stage advance, analytics queries and outbound
//! messages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use atom_core::{
    ErrorKind, MemoryTokenStore, Secret, TokenKey, TokenManager, TokenSet, TokenStore,
};
use atom_salesforce::Client;
use atom_salesforce::analytics::DateRange;
use atom_salesforce::leads::LeadConvert;
use atom_salesforce::webhook::{self, Notification, OutboundMessages};
use chrono::NaiveDate;
use common::{client, data, fast_retry, fixture_json};
use serde_json::json;
use wiremock::matchers::{body_json, body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LEAD: &str = "00Q5g00000AbCdEEAV";
const LEAD2: &str = "00Q5g00000AbCdFEAV";

const CONVERT_OK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><convertLeadResponse><result><accountId>0015g00000AbCdEAAV</accountId><contactId>0035g00000AbCdEAAV</contactId><leadId>00Q5g00000AbCdEEAV</leadId><opportunityId>0065g00000AbCdEAAV</opportunityId><success>true</success></result><result><accountId xsi:nil="true"/><contactId xsi:nil="true"/><errors><fields>Status</fields><message>invalid convertedStatus: Bogus &amp; Co</message><statusCode>INVALID_STATUS</statusCode></errors><leadId>00Q5g00000AbCdFEAV</leadId><opportunityId xsi:nil="true"/><success>false</success></result></convertLeadResponse></soapenv:Body></soapenv:Envelope>"#;

const FAULT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;

#[tokio::test]
async fn convert_lead_sends_escaped_soap_and_parses_results() {
    let server = MockServer::start().await;
    let mut first = LeadConvert::new(LEAD, "Closed - Converted");
    first.opportunity_name = Some("Acme <Big> & Co".into());
    let second = LeadConvert::new(LEAD2, "Bogus");
    let expected = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:urn=\"urn:partner.soap.sforce.com\"><soapenv:Header><urn:SessionHeader><urn:sessionId>00Dx0000000BV7z!static</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:convertLead>\
<urn:leadConverts><urn:convertedStatus>Closed - Converted</urn:convertedStatus><urn:doNotCreateOpportunity>false</urn:doNotCreateOpportunity><urn:leadId>{LEAD}</urn:leadId><urn:opportunityName>Acme &lt;Big&gt; &amp; Co</urn:opportunityName><urn:overwriteLeadSource>false</urn:overwriteLeadSource><urn:sendNotificationEmail>false</urn:sendNotificationEmail></urn:leadConverts>\
<urn:leadConverts><urn:convertedStatus>Bogus</urn:convertedStatus><urn:doNotCreateOpportunity>false</urn:doNotCreateOpportunity><urn:leadId>{LEAD2}</urn:leadId><urn:overwriteLeadSource>false</urn:overwriteLeadSource><urn:sendNotificationEmail>false</urn:sendNotificationEmail></urn:leadConverts>\
</urn:convertLead></soapenv:Body></soapenv:Envelope>"
    );
    Mock::given(method("POST"))
        .and(path("/services/Soap/u/67.0"))
        .and(header("soapaction", "\"\""))
        .and(header("content-type", "text/xml; charset=UTF-8"))
        .and(wiremock::matchers::body_string(expected))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CONVERT_OK, "text/xml"))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let results = sf.leads().convert(&[first, second]).await.unwrap();
    assert_eq!(results.len(), 2);
    assert!(results[0].success);
    assert_eq!(
        results[0].opportunity_id.as_deref(),
        Some("0065g00000AbCdEAAV")
    );
    assert_eq!(results[0].account_id.as_deref(), Some("0015g00000AbCdEAAV"));
    assert!(!results[1].success);
    assert_eq!(results[1].account_id, None);
    assert_eq!(
        results[1].errors[0].status_code.as_deref(),
        Some("INVALID_STATUS")
    );
    assert_eq!(
        results[1].errors[0].message,
        "invalid convertedStatus: Bogus & Co"
    );
    assert_eq!(results[1].errors[0].fields, vec!["Status".to_string()]);

    let bad = LeadConvert::new("00Q</urn:leadId>", "x");
    assert_eq!(
        sf.leads().convert(&[bad]).await.unwrap_err().kind(),
        ErrorKind::Config
    );
}

#[tokio::test]
async fn convert_lead_refreshes_an_expired_session_and_resends() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/services/Soap/u/67.0"))
        .and(body_string_contains("<urn:sessionId>stale</urn:sessionId>"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(FAULT, "text/xml"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/services/Soap/u/67.0"))
        .and(body_string_contains(
            "<urn:sessionId>refreshed_access_token</urn:sessionId>",
        ))
        .and(header("authorization", "Bearer refreshed_access_token"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CONVERT_OK, "text/xml"))
        .expect(1)
        .mount(&server)
        .await;
    let mut refreshed = fixture_json("refresh_success_response.json");
    refreshed["instance_url"] = json!(server.uri());
    Mock::given(method("POST"))
        .and(path("/services/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(refreshed))
        .expect(1)
        .mount(&server)
        .await;
    let oauth = atom_salesforce::auth::oauth_client(
        &atom_salesforce::auth::LoginHost::MyDomain(server.uri().parse().unwrap()),
        "3MVG9client",
        Some(Secret::new("s")),
        "https://app.example.com/cb",
        &["api"],
    )
    .unwrap();
    let store = Arc::new(MemoryTokenStore::default());
    let key = TokenKey::new("salesforce", "00Dx0000000BV7z");
    let mut token = TokenSet::bearer(Secret::new("stale"));
    token.refresh_token = Some(Secret::new("r1"));
    token
        .extra
        .insert("instance_url".into(), json!(server.uri()));
    store.save(&key, &token, None).await.unwrap();
    let manager = Arc::new(TokenManager::new(key, store, Arc::new(oauth)).service("salesforce"));
    let sf = Client::builder()
        .token_manager(manager)
        .retry_policy(fast_retry())
        .build()
        .unwrap();
    let results = sf
        .leads()
        .convert(&[LeadConvert::new(LEAD, "Closed - Converted")])
        .await
        .unwrap();
    assert!(results[0].success);
}

fn opportunity_describe() -> serde_json::Value {
    let mut d = fixture_json("sobject_describe_success_response.json");
    d["name"] = json!("Opportunity");
    d["fields"].as_array_mut().unwrap().push(json!({
        "name": "StageName", "type": "picklist", "label": "Stage",
        "picklistValues": [
            {"active": true, "defaultValue": false, "label": "Prospecting", "value": "Prospecting"},
            {"active": true, "defaultValue": false, "label": "Negotiation/Review", "value": "Negotiation/Review"},
            {"active": false, "defaultValue": false, "label": "Legacy", "value": "Legacy"}
        ]
    }));
    d
}

#[tokio::test]
async fn stage_advance_checks_the_picklist_first() {
    let server = MockServer::start().await;
    let opp = "0065g00000AbCdEAAV";
    Mock::given(method("GET"))
        .and(path(data("/sobjects/Opportunity/describe")))
        .respond_with(ResponseTemplate::new(200).set_body_json(opportunity_describe()))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(data(&format!("/sobjects/Opportunity/{opp}"))))
        .and(body_json(json!({"StageName": "Negotiation/Review"})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    sf.opportunities()
        .advance_stage(opp, "Negotiation/Review")
        .await
        .unwrap();
    for bad in ["Closed Won!", "Legacy"] {
        let err = sf
            .opportunities()
            .advance_stage(opp, bad)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{bad}");
        assert!(err.message().contains("Prospecting"));
    }
    assert!(
        sf.opportunities()
            .advance_stage("nope", "Prospecting")
            .await
            .is_err()
    );
}

fn range() -> DateRange {
    DateRange::new(
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2025, 3, 31).unwrap(),
    )
    .unwrap()
}

fn rows(rows: serde_json::Value) -> ResponseTemplate {
    let n = rows.as_array().map(Vec::len).unwrap_or(0);
    ResponseTemplate::new(200).set_body_json(json!({"totalSize": n, "done": true, "records": rows}))
}

#[tokio::test]
async fn pipeline_win_rate_and_lead_conversion() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param("q", "SELECT StageName, COUNT(Id) n, SUM(Amount) total, AVG(Amount) average FROM Opportunity WHERE (CloseDate >= 2025-01-01 AND CloseDate <= 2025-03-31) GROUP BY StageName"))
        .respond_with(rows(json!([
            {"attributes": {"type": "AggregateResult"}, "StageName": "Prospecting", "n": 3, "total": 45000.1, "average": 15000.033333333333},
            {"attributes": {"type": "AggregateResult"}, "StageName": "Closed Won", "n": 1, "total": 19999999.99, "average": 19999999.99},
            {"attributes": {"type": "AggregateResult"}, "StageName": "Qualification", "n": 2, "total": null, "average": null}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param("q", "SELECT IsWon, COUNT(Id) n, SUM(Amount) total FROM Opportunity WHERE (IsClosed = true AND (CloseDate >= 2025-01-01 AND CloseDate <= 2025-03-31)) GROUP BY IsWon"))
        .respond_with(rows(json!([
            {"attributes": {"type": "AggregateResult"}, "IsWon": false, "n": 6, "total": 1000},
            {"attributes": {"type": "AggregateResult"}, "IsWon": true, "n": 2, "total": 250000.5}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(data("/query")))
        .and(query_param("q", "SELECT LeadSource, IsConverted, COUNT(Id) n FROM Lead WHERE (CreatedDate >= 2025-01-01T00:00:00Z AND CreatedDate < 2025-04-01T00:00:00Z) GROUP BY LeadSource, IsConverted"))
        .respond_with(rows(json!([
            {"attributes": {"type": "AggregateResult"}, "LeadSource": "Web", "IsConverted": false, "n": 30},
            {"attributes": {"type": "AggregateResult"}, "LeadSource": "Web", "IsConverted": true, "n": 10},
            {"attributes": {"type": "AggregateResult"}, "LeadSource": null, "IsConverted": false, "n": 5}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let sf = client(&server);
    let pipeline = sf.analytics().pipeline_by_stage(&range()).await.unwrap();
    assert_eq!(pipeline.len(), 3);
    assert_eq!(
        (pipeline[0].stage.as_str(), pipeline[0].count),
        ("Prospecting", 3)
    );
    assert_eq!(
        pipeline[0].total_amount.as_ref().unwrap().as_str(),
        "45000.1"
    );
    assert_eq!(
        pipeline[1].total_amount.as_ref().unwrap().as_str(),
        "19999999.99"
    );
    assert_eq!(pipeline[2].total_amount, None);

    let win = sf.analytics().win_rate(&range()).await.unwrap();
    assert_eq!((win.won, win.lost), (2, 6));
    assert_eq!(win.rate, Some(0.25));
    assert_eq!(win.won_amount.unwrap().as_str(), "250000.5");

    let conv = sf
        .analytics()
        .lead_conversion_by_source(&range())
        .await
        .unwrap();
    assert_eq!(conv.len(), 2);
    assert_eq!(conv[0].lead_source.as_deref(), Some("Web"));
    assert_eq!(
        (conv[0].leads, conv[0].converted, conv[0].rate),
        (40, 10, Some(0.25))
    );
    assert_eq!(
        (conv[1].lead_source.as_deref(), conv[1].rate),
        (None, Some(0.0))
    );
    assert!(
        DateRange::new(
            NaiveDate::from_ymd_opt(2025, 2, 1).unwrap(),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
        )
        .is_err()
    );
}

#[test]
fn outbound_messages_are_kept_only_from_allowed_orgs() {
    let mut record = atom_salesforce::Record {
        id: Some("001D000000JliSTIAZ".into()),
        ..Default::default()
    };
    record.set("Name", "Acme <&> \"Co\"");
    let body = webhook::outbound_message(
        "00Dx0000000BV7zEAG",
        "04k5g000000abcdAAA",
        &[Notification {
            id: "04l5g00000AAAAAAAA".into(),
            object: "Account".into(),
            record,
        }],
    );
    let msg = OutboundMessages::new(["00Dx0000000BV7z"])
        .parse(body.as_bytes())
        .unwrap();
    assert_eq!(msg.notifications[0].object, "Account");
    assert_eq!(
        msg.notifications[0].record.id.as_deref(),
        Some("001D000000JliSTIAZ")
    );
    assert_eq!(
        msg.notifications[0].record.get_str("Name"),
        Some("Acme <&> \"Co\"")
    );
    let err = OutboundMessages::new(["00Dx0000000XXXX"])
        .parse(body.as_bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature);
    assert!(
        OutboundMessages::new(["00Dx0000000BV7z"])
            .parse(b"<notxml")
            .is_err()
    );
    assert!(
        OutboundMessages::new(Vec::<String>::new())
            .parse(body.as_bytes())
            .is_err()
    );
    assert!(webhook::ACK_RESPONSE.contains("<Ack>true</Ack>"));
}
