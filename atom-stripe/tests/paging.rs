//! Auto-paging: `starting_after` / `has_more` and search `next_page`, with filters and
//! `expand` carried to every page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_stripe::models::{Customer, HasId};
use atom_stripe::*;
use common::{client, list_page, search_page, with_id};
use futures::TryStreamExt as _;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn customers(ids: &[&str]) -> Vec<serde_json::Value> {
    ids.iter().map(|id| with_id("customer", id)).collect()
}

/// Mounts one page of `/v1/customers` that must carry the filters of the first page.
async fn customer_page(server: &MockServer, after: Option<&str>, ids: &[&str], more: bool) {
    let mut mock = Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .and(query_param("limit", "2"))
        .and(query_param("email", "jenny@example.com"))
        .and(query_param("expand[]", "data.default_source"))
        .and(query_param("created[gte]", "1700000000"));
    mock = match after {
        Some(a) => mock.and(query_param("starting_after", a)),
        None => mock.and(query_param_is_missing("starting_after")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(list_page(
        "/v1/customers",
        customers(ids),
        more,
    )))
    .expect(1)
    .mount(server)
    .await;
}

fn customer_filters() -> CustomerListParams {
    CustomerListParams {
        page: ListParams::new()
            .limit(2)
            .expand("data.default_source")
            .created(RangeQuery {
                gte: Some(1_700_000_000),
                ..Default::default()
            }),
        email: Some("jenny@example.com".into()),
    }
}

#[tokio::test]
async fn lists_walk_every_page_with_filters_and_expand_kept() {
    let server = MockServer::start().await;
    customer_page(&server, None, &["cus_a", "cus_b"], true).await;
    customer_page(&server, Some("cus_b"), &["cus_c", "cus_d"], true).await;
    customer_page(&server, Some("cus_d"), &["cus_e"], false).await;
    let stripe = client(&server);
    let all: Vec<Customer> = stripe
        .customers()
        .list(&customer_filters())
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(HasId::id).collect();
    assert_eq!(ids, ["cus_a", "cus_b", "cus_c", "cus_d", "cus_e"]);
}

#[tokio::test]
async fn starting_after_in_the_parameters_is_the_first_cursor() {
    let server = MockServer::start().await;
    customer_page(&server, Some("cus_b"), &["cus_c", "cus_d"], true).await;
    customer_page(&server, Some("cus_d"), &[], false).await;
    let stripe = client(&server);
    let mut params = customer_filters();
    params.page.starting_after = Some("cus_b".into());
    let all: Vec<Customer> = stripe
        .customers()
        .list(&params)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
}

#[tokio::test]
async fn has_more_with_an_empty_page_ends_instead_of_looping() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/charges"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/charges",
            vec![],
            true,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server)
        .charges()
        .list(&ChargeListParams::default())
        .try_collect()
        .await
        .unwrap();
    assert!(all.is_empty());
}

#[tokio::test]
async fn search_follows_next_page_with_the_query_kept() {
    let server = MockServer::start().await;
    let q = SearchQuery::all().eq("status", "succeeded").build();
    let pages = [
        (None, vec!["pi_1", "pi_2"], Some("page_2")),
        (Some("page_2"), vec!["pi_3", "pi_4"], Some("page_3")),
        (Some("page_3"), vec!["pi_5"], None),
    ];
    for (page, ids, next) in pages {
        let items = ids.iter().map(|id| with_id("payment_intent", id)).collect();
        let mut mock = Mock::given(method("GET"))
            .and(path("/v1/payment_intents/search"))
            .and(query_param("query", q.as_str()))
            .and(query_param("limit", "2"))
            .and(query_param("expand[]", "data.customer"));
        mock = match page {
            Some(p) => mock.and(query_param("page", p)),
            None => mock.and(query_param_is_missing("page")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(search_page(
            "/v1/payment_intents/search",
            items,
            next,
        )))
        .expect(1)
        .mount(&server)
        .await;
    }
    let params = SearchParams {
        query: q.clone(),
        limit: Some(2),
        expand: vec!["data.customer".into()],
    };
    let found: Vec<_> = client(&server)
        .payment_intents()
        .search(&params)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = found.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["pi_1", "pi_2", "pi_3", "pi_4", "pi_5"]);
}

#[tokio::test]
async fn events_by_types_and_created_range_and_payout_reconciliation() {
    let server = MockServer::start().await;
    for (after, ids, more) in [
        (None, vec!["evt_1"], true),
        (Some("evt_1"), vec!["evt_2"], false),
    ] {
        let items = ids.iter().map(|id| with_id("event", id)).collect();
        let mut mock = Mock::given(method("GET"))
            .and(path("/v1/events"))
            .and(query_param("types[]", "payout.paid"))
            .and(query_param("created[gte]", "1700000000"))
            .and(query_param("created[lt]", "1700086400"));
        mock = match after {
            Some(a) => mock.and(query_param("starting_after", a)),
            None => mock.and(query_param_is_missing("starting_after")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/events",
            items,
            more,
        )))
        .expect(1)
        .mount(&server)
        .await;
    }
    Mock::given(method("GET"))
        .and(path("/v1/balance_transactions"))
        .and(query_param("payout", "po_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/balance_transactions",
            vec![with_id("balance_transaction", "txn_1")],
            false,
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/payouts"))
        .and(query_param("status", "paid"))
        .and(query_param("arrival_date[gte]", "1700000000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/payouts",
            vec![with_id("payout", "po_1")],
            false,
        )))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = client(&server);
    let events: Vec<_> = stripe
        .events()
        .list(&EventListParams {
            page: ListParams::new().created(RangeQuery::between(1_700_000_000, 1_700_086_400)),
            types: vec!["payout.paid".into()],
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
    let lines: Vec<_> = stripe
        .balance_transactions()
        .list(&BalanceTransactionListParams {
            payout: Some("po_1".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(lines[0].id, "txn_1");
    let payouts: Vec<_> = stripe
        .payouts()
        .list(&PayoutListParams {
            status: Some(atom_stripe::models::PayoutStatus::Paid),
            arrival_date: Some(RangeQuery {
                gte: Some(1_700_000_000),
                ..Default::default()
            }),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(payouts[0].id, "po_1");
}

#[tokio::test]
async fn every_family_lists() {
    let server = MockServer::start().await;
    let families = [
        ("/v1/payment_intents", "payment_intent"),
        ("/v1/charges", "charge"),
        ("/v1/refunds", "refund"),
        ("/v1/invoices", "invoice"),
        ("/v1/subscriptions", "subscription"),
        ("/v1/products", "product"),
        ("/v1/prices", "price"),
    ];
    for (p, fixture) in families {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(ResponseTemplate::new(200).set_body_json(list_page(
                p,
                vec![with_id(fixture, "x_1")],
                false,
            )))
            .expect(1)
            .mount(&server)
            .await;
    }
    let s = client(&server);
    assert_eq!(
        s.payment_intents()
            .list(&Default::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.charges()
            .list(&Default::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.refunds()
            .list(&Default::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.invoices()
            .list(&Default::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.subscriptions()
            .list(&Default::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.products()
            .list(&Default::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.prices()
            .list(&Default::default())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
}

/// Mounts `/v1/customers` pages a..e (two a page) without expectations, so a stream and its
/// resumption can both read them.
async fn five_customers(server: &MockServer) {
    for (after, ids, more) in [
        (None, vec!["cus_a", "cus_b"], true),
        (Some("cus_b"), vec!["cus_c", "cus_d"], true),
        (Some("cus_d"), vec!["cus_e"], false),
    ] {
        let mut mock = Mock::given(method("GET")).and(path("/v1/customers"));
        mock = match after {
            Some(a) => mock.and(query_param("starting_after", a)),
            None => mock.and(query_param_is_missing("starting_after")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/customers",
            customers(&ids),
            more,
        )))
        .mount(server)
        .await;
    }
}

#[tokio::test]
async fn list_from_resumes_where_a_checkpoint_says() {
    let server = MockServer::start().await;
    five_customers(&server).await;
    let stripe = client(&server);
    let params = CustomerListParams::default();
    let mut stream = stripe.customers().list(&params);
    for _ in 0..3 {
        stream.try_next().await.unwrap();
    }
    // Three read: the second page (after cus_b), one of its items handed out.
    let checkpoint = stream.checkpoint();
    assert_eq!(checkpoint.cursor.as_deref(), Some("cus_b"));
    assert_eq!(checkpoint.skip, 1);
    drop(stream);
    let before = server.received_requests().await.unwrap().len();
    let rest: Vec<Customer> = stripe
        .customers()
        .list_from(&params, checkpoint)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = rest.iter().map(HasId::id).collect();
    assert_eq!(ids, ["cus_d", "cus_e"]);
    let received = server.received_requests().await.unwrap();
    let resumed: Vec<Option<String>> = received[before..]
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "starting_after")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(
        resumed,
        [Some("cus_b".to_owned()), Some("cus_d".to_owned())],
        "the first page was not fetched again"
    );
}

#[tokio::test]
async fn search_from_resumes_and_total_count_is_kept() {
    let server = MockServer::start().await;
    for (page, ids, next) in [
        (None, vec!["cus_1", "cus_2"], Some("page_2")),
        (Some("page_2"), vec!["cus_3"], None),
    ] {
        let mut body = search_page(
            "/v1/customers/search",
            ids.iter().map(|id| with_id("customer", id)).collect(),
            next,
        );
        body["total_count"] = 3.into();
        let mut mock = Mock::given(method("GET"))
            .and(path("/v1/customers/search"))
            .and(query_param("expand[]", "total_count"));
        mock = match page {
            Some(p) => mock.and(query_param("page", p)),
            None => mock.and(query_param_is_missing("page")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let stripe = client(&server);
    let params = SearchParams {
        expand: vec!["total_count".into()],
        ..SearchParams::new("email:'jenny@example.com'")
    };
    let mut stream = stripe.customers().search(&params);
    assert_eq!(stream.total(), None, "nothing read yet");
    stream.try_next().await.unwrap();
    assert_eq!(stream.total(), Some(3));
    let checkpoint = atom_core::Checkpoint {
        cursor: Some("page_2".into()),
        skip: 0,
    };
    let rest: Vec<Customer> = stripe
        .customers()
        .search_from(&params, checkpoint)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = rest.iter().map(HasId::id).collect();
    assert_eq!(ids, ["cus_3"]);
}

#[tokio::test]
async fn errors_the_stream_makes_itself_name_stripe() {
    let server = MockServer::start().await;
    // A server that answers every page with the same last id: a repeated cursor.
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list_page(
            "/v1/customers",
            customers(&["cus_a"]),
            true,
        )))
        .mount(&server)
        .await;
    let err = client(&server)
        .customers()
        .list(&CustomerListParams::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), atom_core::ErrorKind::Decode, "{err}");
    assert_eq!(err.service(), "stripe", "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// Taking one customer and dropping the stream sends no request for page 2, seen from the
/// server: the only other request is one this test sends after the drop, and the server saw
/// exactly those two, in that order. (Whether an early prefetch reaches the wire depends on
/// the connection; atom-core's `a_stream_dropped_after_its_first_item_never_fetches_the_next_page`
/// counts the fetches themselves.)
#[tokio::test]
async fn a_list_dropped_after_its_first_item_sends_no_request_for_page_two() {
    use futures::StreamExt as _;
    let server = MockServer::start().await;
    customer_page(&server, None, &["cus_a", "cus_b"], true).await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/cus_a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(with_id("customer", "cus_a")))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = client(&server);
    let mut stream = stripe.customers().list(&customer_filters());
    let first = stream.next().await.unwrap().unwrap();
    drop(stream);
    stripe.customers().get(first.id()).await.unwrap();
    let seen: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(seen, ["/v1/customers", "/v1/customers/cus_a"]);
}
