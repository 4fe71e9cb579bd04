//! Bad input is refused before any request: the server counts zero.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::{ErrorKind, Secret};
use atom_zendesk::Client;
use atom_zendesk::help_center::ArticleSearchParams;
use atom_zendesk::jobs::JobWait;
use atom_zendesk::organizations::OrganizationParams;
use atom_zendesk::search::SearchQuery;
use atom_zendesk::tickets::{CommentParams, TicketCreateParams, TicketUpdateParams};
use atom_zendesk::users::{UserCreateParams, UserUpdateParams};
use common::{client, requests};
use futures::TryStreamExt as _;
use wiremock::MockServer;

#[test]
fn subdomains_that_could_change_the_host_are_refused() {
    for bad in [
        "",
        "acme/x",
        "acme.evil.com",
        "acme?x",
        "acme#x",
        "user@evil",
        "..",
        ".",
        "-acme",
        "acme-",
        "ac me",
        "acme:443",
        "ácme",
        &"a".repeat(64),
    ] {
        let err = Client::new(bad, "agent@example.com", Secret::new("t")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{bad:?}");
    }
    let ok = Client::new("acme-support2", "agent@example.com", Secret::new("t")).unwrap();
    assert_eq!(
        ok.api().base_url().as_str(),
        "https://acme-support2.zendesk.com/"
    );
    assert_eq!(ok.subdomain(), Some("acme-support2"));
    let no_host = Client::builder().build().unwrap_err();
    assert_eq!(no_host.kind(), ErrorKind::Config);
}

#[test]
fn a_token_email_that_would_end_the_basic_user_is_refused() {
    for bad in ["", "a:b@example.com", "a\n@example.com"] {
        assert!(
            Client::new("acme", bad, Secret::new("t")).is_err(),
            "{bad:?}"
        );
    }
    assert!(Client::new("acme", "a@example.com", Secret::new("")).is_err());
}

#[tokio::test]
async fn bad_calls_send_nothing() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    let t = c.tickets();
    assert!(t.update(1, &TicketUpdateParams::default()).await.is_err());
    assert!(
        t.update(
            1,
            &TicketUpdateParams {
                safe_update: Some(true),
                ..Default::default()
            }
        )
        .await
        .is_err(),
        "safe_update alone sets nothing"
    );
    assert!(t.comment(1, CommentParams::private("   ")).await.is_err());
    assert!(
        t.create(&TicketCreateParams::default()).await.is_err(),
        "no comment"
    );
    let bad_key = TicketCreateParams {
        comment: Some(CommentParams::public("x")),
        idempotency_key: Some("has space\n".into()),
        ..Default::default()
    };
    assert!(t.create(&bad_key).await.is_err());
    assert!(t.get_many(&[]).await.is_err());
    assert!(t.get_many(&[1; 101]).await.is_err());
    assert!(t.create_many(&[]).await.is_err());
    assert!(t.update_many(&[]).await.is_err());
    for id in ["../x", "a/b", "a?b", "a#b", "a@b", "..", ".", "", "a.b"] {
        let err = c.jobs().get(id).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{id:?}");
        assert!(c.jobs().wait(id, &JobWait::default()).await.is_err());
    }
    assert!(
        c.users()
            .update(1, &UserUpdateParams::default())
            .await
            .is_err()
    );
    assert!(
        c.users()
            .create(&UserCreateParams::default())
            .await
            .is_err()
    );
    let no_match = UserCreateParams {
        name: "Jane".into(),
        ..Default::default()
    };
    assert!(c.users().create_or_update(&no_match).await.is_err());
    assert!(
        c.organizations()
            .update(1, &OrganizationParams::default())
            .await
            .is_err()
    );
    assert!(
        c.organizations()
            .create(&OrganizationParams::default())
            .await
            .is_err()
    );
    assert!(c.search().count(&SearchQuery::new()).await.is_err());
    assert!(
        c.search()
            .count(&SearchQuery::new().field("a b", "x"))
            .await
            .is_err()
    );
    assert!(
        c.search()
            .count(&SearchQuery::new().term("  "))
            .await
            .is_err()
    );
    let err = c
        .search()
        .search(&SearchQuery::new(), &Default::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    for locale in ["../en", "en/us", "en?x", "", "en#"] {
        let hc = c.help_center(locale);
        assert!(hc.get_article(1).await.is_err(), "{locale:?}");
        assert!(hc.articles(None).try_collect::<Vec<_>>().await.is_err());
    }
    let hc = c.help_center("en-us");
    assert!(
        hc.search_articles(&ArticleSearchParams::default())
            .try_collect::<Vec<_>>()
            .await
            .is_err()
    );
    assert!(hc.add_label(1, "a,b").await.is_err());
    assert!(
        c.incremental()
            .tickets(&atom_zendesk::incremental::ExportStart::Time(-1))
            .try_collect::<Vec<_>>()
            .await
            .is_err()
    );
    assert!(
        c.incremental()
            .organizations(&atom_zendesk::incremental::ExportStart::Cursor(
                "abc".into()
            ))
            .try_collect::<Vec<_>>()
            .await
            .is_err()
    );
    assert_eq!(
        requests(&server).await.len(),
        0,
        "nothing reached the server"
    );
}

#[tokio::test]
async fn base_url_overrides_the_host_and_the_limiter_is_keyed_by_subdomain() {
    use atom_core::RateLimitConfig;
    use std::sync::Arc;
    use std::time::Duration;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"user":{"id":1}}"#, "application/json"),
        )
        .mount(&server)
        .await;
    // One call a minute per tenant, never waiting: a second call of the same account is
    // refused by the limiter, a call of another account is not.
    let shared = Arc::new(
        atom_zendesk::Limits::default()
            .primary(
                RateLimitConfig::new(1, Duration::from_secs(60), 5)
                    .burst(1)
                    .max_wait(Duration::ZERO),
            )
            .limiter(),
    );
    let for_account = |sub: &str| {
        Client::builder()
            .subdomain(sub)
            .base_url(server.uri())
            .api_token("agent@example.com", Secret::new("zd-test-token"))
            .shared_limiter(shared.clone())
            .build()
            .unwrap()
    };
    let (acme, globex) = (for_account("acme"), for_account("globex"));
    assert_eq!(acme.subdomain(), Some("acme"));
    acme.users().me().await.unwrap();
    globex.users().me().await.unwrap();
    let again = acme.users().me().await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::RateLimited);
    assert_eq!(
        requests(&server).await.len(),
        2,
        "both accounts reached the proxy host"
    );
    let shown = format!("{acme:?}");
    assert!(!shown.contains("zd-test-token"), "{shown}");
}
