//! Webhook signatures (GitHub's published vector, rotation, tampering) and typed events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{ErrorKind, Secret};
use atom_github::webhook::{self, Webhook, WebhookEvent};
use common::{check_signature as check, fixture};

#[test]
fn githubs_documented_vector() {
    // docs.github.com "Validating webhook deliveries": secret, payload and signature.
    let secret = Secret::new("It's a Secret to Everybody");
    let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assert_eq!(webhook::sign(&secret, b"Hello, World!"), sig);
    assert!(check(&[secret], b"Hello, World!", Some(sig)).is_ok());
}

#[test]
fn signature_cases() {
    let old = Secret::new("old-secret");
    let new = Secret::new("new-secret");
    let body = fixture("webhook-ping.json");
    let good = webhook::sign(&new, body.as_bytes());
    let both = [old.clone(), new.clone()];
    let kind = |secrets: &[Secret], body: &[u8], sig: Option<&str>| {
        check(secrets, body, sig).map_err(|e| e.kind())
    };
    assert_eq!(
        kind(&both, body.as_bytes(), Some(&good)),
        Ok(()),
        "rotation"
    );
    assert_eq!(
        kind(
            &both,
            body.as_bytes(),
            Some(&good.to_uppercase().replace("SHA256=", "sha256="))
        ),
        Ok(())
    );
    let bad = Err(ErrorKind::WebhookSignature);
    assert_eq!(
        kind(std::slice::from_ref(&old), body.as_bytes(), Some(&good)),
        bad
    );
    assert_eq!(
        kind(&both, format!("{body} ").as_bytes(), Some(&good)),
        bad,
        "tampered"
    );
    assert_eq!(kind(&both, body.as_bytes(), None), bad);
    assert_eq!(
        kind(
            &both,
            body.as_bytes(),
            Some(good.trim_start_matches("sha256="))
        ),
        bad
    );
    assert_eq!(
        kind(
            &both,
            body.as_bytes(),
            Some(&good.replace("sha256=", "sha1="))
        ),
        bad
    );
    assert_eq!(kind(&both, body.as_bytes(), Some("sha256=zz")), bad);
    assert_eq!(
        kind(&[], body.as_bytes(), Some(&good)),
        Err(ErrorKind::Config)
    );
}

#[test]
fn typed_events_and_raw_fallback() {
    let secret = Secret::new("s");
    let parse = |event: &str, file: &str| {
        let body = fixture(file);
        let headers = webhook::test_headers(
            &secret,
            event,
            "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            body.as_bytes(),
        );
        Webhook::new([secret.clone()])
            .verify(&headers, body.as_bytes())
            .unwrap()
    };
    let ping = parse("ping", "webhook-ping.json");
    assert_eq!(
        ping.id.as_deref(),
        Some("72d3162e-cc78-11e3-81ab-4c9367dc0958")
    );
    let WebhookEvent::Ping(p) = ping.event else {
        panic!("ping")
    };
    assert_eq!(p.hook_id, Some(12345678));

    let WebhookEvent::Push(push) = parse("push", "webhook-push.json").event else {
        panic!("push")
    };
    assert_eq!(push.git_ref, "refs/heads/main");
    assert_eq!(push.commits[0].modified, vec!["README"]);
    assert_eq!(
        push.repository.extra.get("pushed_at"),
        Some(serde_json::json!(1303831045))
    );

    let WebhookEvent::Issues(issues) = parse("issues", "webhook-issues-labeled.json").event else {
        panic!("issues")
    };
    assert_eq!(issues.action, "labeled");
    assert_eq!(issues.label.map(|l| l.name), Some("bug".to_owned()));

    let WebhookEvent::IssueComment(c) =
        parse("issue_comment", "webhook-issue-comment-created.json").event
    else {
        panic!("comment")
    };
    assert_eq!(c.issue.number, 1347);

    let WebhookEvent::PullRequest(pr) =
        parse("pull_request", "webhook-pull-request-opened.json").event
    else {
        panic!("pr")
    };
    assert_eq!(pr.number, pr.pull_request.number);

    let star = parse("star", "webhook-star-created.json");
    let WebhookEvent::Other { name, payload } = star.event else {
        panic!("raw")
    };
    assert_eq!(name, "star");
    assert_eq!(payload["starred_at"], "2019-05-15T15:20:40Z");
}

#[test]
fn malformed_deliveries_are_typed_errors() {
    let secret = Secret::new("s");
    let body = br#"{"action":"opened"}"#;
    let headers = webhook::test_headers(&secret, "issues", "d", body);
    let err = Webhook::new([secret.clone()])
        .verify(&headers, body)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let mut headers = webhook::test_headers(&secret, "issues", "d", body);
    headers.remove(webhook::EVENT_HEADER);
    let err = Webhook::new([secret]).verify(&headers, body).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
}

#[test]
fn the_webhook_is_the_core_verifier() {
    // Generic code over `WebhookVerifier` gets the same typed delivery.
    fn run<V: atom_core::webhook::WebhookVerifier>(
        v: &V,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> atom_core::Result<V::Event> {
        v.verify(headers, body)
    }
    let secret = Secret::new("s");
    let body = fixture("webhook-ping.json");
    let headers = webhook::test_headers(&secret, "ping", "d-1", body.as_bytes());
    let delivery = run(&Webhook::new([secret]), &headers, body.as_bytes()).unwrap();
    assert_eq!(delivery.event_name, "ping");
    assert!(matches!(delivery.event, WebhookEvent::Ping(_)));
    let other = Webhook::new([Secret::new("other")]);
    assert_eq!(
        run(&other, &headers, body.as_bytes()).unwrap_err().kind(),
        ErrorKind::WebhookSignature
    );
    // The secrets never show in Debug.
    assert!(!format!("{other:?}").contains("other"));
}
