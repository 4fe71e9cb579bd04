//! Hostile XML: deeply nested SOAP error bodies, outbound messages and convertLead answers
//! get typed errors (the reader used to recurse per level and abort the process with a
//! stack overflow), and oversized outbound messages are refused before they are parsed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_salesforce::leads::{LeadConvert, parse_convert_response};
use atom_salesforce::webhook::{self, MAX_BODY_BYTES, Notification, OutboundMessages};
use common::{client, data};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "00Dx0000000BV7zEAG";

/// `levels` elements nested in one another, every one closed: `<a><a>…</a></a>`.
fn nested(levels: usize) -> String {
    let mut xml = String::with_capacity(levels * 7);
    for _ in 0..levels {
        xml.push_str("<a>");
    }
    for _ in 0..levels {
        xml.push_str("</a>");
    }
    xml
}

/// A well-formed outbound message whose one record field holds `levels` nested elements.
fn deep_outbound_message(levels: usize) -> String {
    let envelope = webhook::outbound_message(ORG, "04k5g000000abcdAAA", &[notification()]);
    envelope.replace(
        "<sf:Name>Acme</sf:Name>",
        &format!("<sf:Name>{}</sf:Name>", nested(levels)),
    )
}

fn notification() -> Notification {
    let mut record = atom_salesforce::Record {
        id: Some("001D000000JliSTIAZ".into()),
        ..Default::default()
    };
    record.set("Name", "Acme");
    Notification {
        id: "04l5g00000AAAAAAA5".into(),
        object: "Account".into(),
        record,
    }
}

#[tokio::test]
async fn a_deeply_nested_xml_error_body_is_a_typed_server_error() {
    // 200 000 levels, 1.4 MB: the size the review used to crash the process.
    let body = nested(200_000);
    assert_eq!(body.len(), 1_400_000);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .respond_with(ResponseTemplate::new(500).set_body_raw(body, "text/xml"))
        .mount(&server)
        .await;
    let err = client(&server).limits().get().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.provider_code(), None);
}

#[tokio::test]
async fn a_soap_fault_still_maps_to_its_code() {
    let fault = r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>sf:INSUFFICIENT_ACCESS</faultcode><faultstring>no access &amp; no luck</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(data("/limits")))
        .respond_with(ResponseTemplate::new(500).set_body_raw(fault, "text/xml"))
        .mount(&server)
        .await;
    let err = client(&server).limits().get().await.unwrap_err();
    assert_eq!(err.provider_code(), Some("INSUFFICIENT_ACCESS"));
    assert_eq!(err.message(), "no access & no luck");
}

#[tokio::test]
async fn a_deeply_nested_convert_lead_answer_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/services/Soap/u/{}",
            atom_salesforce::DEFAULT_API_VERSION
        )))
        .respond_with(ResponseTemplate::new(200).set_body_raw(nested(200_000), "text/xml"))
        .expect(1)
        .mount(&server)
        .await;
    let convert = LeadConvert::new("00Q5g00000AbCdEEAV", "Closed - Converted");
    let err = client(&server)
        .leads()
        .convert(&[convert])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.message().contains("deeper than 64"), "{err}");
    // The same body through the public parser.
    let err = parse_convert_response(nested(200_000).as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[test]
fn an_outbound_message_nested_ten_thousand_levels_is_refused() {
    // 10 000 levels, 70 KB, posted by anyone who can reach the endpoint: the org check
    // needs a parsed message, so this is read before anything is verified.
    let bare = nested(10_000);
    assert_eq!(bare.len(), 70_000);
    let err = OutboundMessages::new([ORG])
        .parse(bare.as_bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature);
    assert!(err.message().contains("deeper than 64"), "{err}");
    // Inside an envelope, ahead of the notifications the reader looks for.
    let enveloped = format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>{bare}<notifications><OrganizationId>{ORG}</OrganizationId></notifications></soapenv:Body></soapenv:Envelope>"
    );
    let err = webhook::parse_unchecked(enveloped.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature);
    // And inside a record field.
    let err = OutboundMessages::new([ORG])
        .parse(deep_outbound_message(10_000).as_bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature);
}

#[test]
fn nesting_up_to_the_limit_still_parses() {
    // Envelope > Body > notifications > Notification > sObject > Name is six levels, so the
    // field may hold 58 more and still be within 64.
    let msg = OutboundMessages::new([ORG])
        .parse(deep_outbound_message(58).as_bytes())
        .unwrap();
    assert_eq!(msg.notifications.len(), 1);
    let err = OutboundMessages::new([ORG])
        .parse(deep_outbound_message(59).as_bytes())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature);
}

#[test]
fn an_oversized_outbound_message_is_refused_before_parsing() {
    // A valid message from the right org, only too large: the reader would accept it, so
    // the refusal can only come from the size check that runs first.
    let mut big = notification();
    big.record
        .set("Description", "x".repeat(MAX_BODY_BYTES + 1).as_str());
    let body = webhook::outbound_message(ORG, "04k5g000000abcdAAA", &[big]);
    assert!(body.len() > MAX_BODY_BYTES);
    for result in [
        OutboundMessages::new([ORG]).parse(body.as_bytes()),
        webhook::parse_unchecked(body.as_bytes()),
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::WebhookSignature);
        assert!(err.message().contains("bytes; at most"), "{err}");
    }
    // Exactly at the limit is read (and, here, refused only for not being XML).
    let at_limit = vec![b' '; MAX_BODY_BYTES];
    let err = webhook::parse_unchecked(&at_limit).unwrap_err();
    assert!(!err.message().contains("bytes; at most"), "{err}");
}

#[test]
fn a_normal_outbound_message_still_parses() {
    let body = webhook::outbound_message(ORG, "04k5g000000abcdAAA", &[notification()]);
    let msg = OutboundMessages::new([ORG]).parse(body.as_bytes()).unwrap();
    assert_eq!(msg.organization_id, ORG);
    assert_eq!(msg.notifications[0].object, "Account");
    assert_eq!(msg.notifications[0].record.get_str("Name"), Some("Acme"));
}

#[test]
fn too_many_elements_are_refused() {
    // Flat, not deep: 300 000 empty fields in one record.
    let fields = "<sf:F/>".repeat(300_000);
    let body = webhook::outbound_message(ORG, "04k5g000000abcdAAA", &[notification()])
        .replace("<sf:Name>Acme</sf:Name>", &fields);
    let err = webhook::parse_unchecked(body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WebhookSignature);
    assert!(err.message().contains("more than 250000 elements"), "{err}");
}
