//! The exact request of each operation family: method, path, query, headers, form bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use atom_core::{Connector as _, ErrorKind, Request};
use atom_stripe::form::Clearable;
use atom_stripe::*;
use common::{KEY, client, fixture};
use futures::TryStreamExt as _;
use serde_json::Value;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn ok(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(fixture(name))
        .insert_header("request-id", "req_test_1")
}

/// A POST with exactly these form bytes, the key, the pinned version and a form content type.
async fn expect_post(server: &MockServer, p: &str, body: &str, answer: &str) {
    Mock::given(method("POST"))
        .and(path(p))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("stripe-version", DEFAULT_API_VERSION))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(body))
        .respond_with(ok(answer))
        .expect(1)
        .mount(server)
        .await;
}

async fn expect_get(server: &MockServer, m: &str, p: &str, answer: &str) {
    Mock::given(method(m))
        .and(path(p))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("stripe-version", DEFAULT_API_VERSION))
        .respond_with(ok(answer))
        .expect(1)
        .mount(server)
        .await;
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

fn idempotency_key(r: &wiremock::Request) -> Option<String> {
    r.headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn is_uuid_v4(key: &str) -> bool {
    let b = key.as_bytes();
    key.len() == 36
        && b[14] == b'4'
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && key
            .chars()
            .filter(|c| *c != '-')
            .all(|c| c.is_ascii_hexdigit())
}

#[tokio::test]
async fn customers_create_sends_form_and_a_fresh_uuid_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("stripe-version", DEFAULT_API_VERSION))
        .and(body_string(
            "email=jenny%40example.com&name=Jenny+Rosen&metadata[order_id]=6735",
        ))
        .respond_with(ok("customer"))
        .expect(2)
        .mount(&server)
        .await;
    let stripe = client(&server);
    let params = CustomerCreateParams {
        email: Some("jenny@example.com".into()),
        name: Some("Jenny Rosen".into()),
        metadata: BTreeMap::from([("order_id".into(), "6735".into())]),
        ..Default::default()
    };
    let c = stripe.customers().create(&params).await.unwrap();
    assert_eq!(c.id, "cus_QXg1o8vcGmoR32");
    stripe.customers().create(&params).await.unwrap();
    let seen = requests(&server).await;
    let keys: Vec<String> = seen.iter().filter_map(idempotency_key).collect();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| is_uuid_v4(k)), "{keys:?}");
    assert_ne!(keys[0], keys[1], "each call gets its own key");
    assert!(seen[0].url.query().is_none());
}

#[tokio::test]
async fn caller_idempotency_key_and_update_with_clears() {
    let server = MockServer::start().await;
    expect_post(
        &server,
        "/v1/customers/cus_1",
        "description=&metadata[old]=&metadata[tier]=gold",
        "customer",
    )
    .await;
    let stripe = client(&server);
    let params = CustomerUpdateParams {
        description: Some(Clearable::Clear),
        metadata: Some(Clearable::Set(BTreeMap::from([
            ("old".into(), String::new()),
            ("tier".into(), "gold".into()),
        ]))),
        ..Default::default()
    };
    stripe
        .customers()
        .idempotency_key("upgrade-cus_1-gold")
        .update("cus_1", &params)
        .await
        .unwrap();
    let seen = requests(&server).await;
    assert_eq!(
        idempotency_key(&seen[0]).as_deref(),
        Some("upgrade-cus_1-gold")
    );
}

#[tokio::test]
async fn customers_get_expand_delete_and_no_idempotency_on_get() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers/cus_1"))
        .and(query_param("expand[]", "default_source"))
        .respond_with(ok("customer"))
        .expect(1)
        .mount(&server)
        .await;
    expect_get(&server, "DELETE", "/v1/customers/cus_1", "deleted_customer").await;
    let stripe = client(&server);
    stripe
        .customers()
        .expand("default_source")
        .get("cus_1")
        .await
        .unwrap();
    let deleted = stripe.customers().delete("cus_1").await.unwrap();
    assert!(deleted.deleted);
    let seen = requests(&server).await;
    assert!(seen.iter().all(|r| idempotency_key(r).is_none()));
    assert!(seen.iter().all(|r| r.body.is_empty()));
}

#[tokio::test]
async fn payment_intents_lifecycle() {
    let server = MockServer::start().await;
    expect_post(
        &server,
        "/v1/payment_intents",
        "amount=1099&currency=usd&customer=cus_1&payment_method_types[]=card\
         &capture_method=manual&metadata[order]=A1",
        "payment_intent",
    )
    .await;
    expect_post(
        &server,
        "/v1/payment_intents/pi_1/confirm",
        "payment_method=pm_card_visa&return_url=https%3A%2F%2Fshop.example%2Fdone",
        "payment_intent",
    )
    .await;
    expect_post(
        &server,
        "/v1/payment_intents/pi_1/capture",
        "amount_to_capture=500",
        "payment_intent",
    )
    .await;
    expect_post(
        &server,
        "/v1/payment_intents/pi_1/cancel",
        "cancellation_reason=requested_by_customer",
        "payment_intent",
    )
    .await;
    expect_post(
        &server,
        "/v1/payment_intents/pi_1",
        "description=&expand[]=latest_charge",
        "payment_intent",
    )
    .await;
    expect_get(&server, "GET", "/v1/payment_intents/pi_1", "payment_intent").await;
    let stripe = client(&server);
    let mut create = PaymentIntentCreateParams::new(1099, "USD");
    create.customer = Some("cus_1".into());
    create.payment_method_types = vec!["card".into()];
    create.capture_method = Some(atom_stripe::models::CaptureMethod::Manual);
    create.metadata.insert("order".into(), "A1".into());
    let pis = stripe.payment_intents();
    let pi = pis.create(&create).await.unwrap();
    assert_eq!(pi.amount, 1099);
    let confirm = PaymentIntentConfirmParams {
        payment_method: Some("pm_card_visa".into()),
        return_url: Some("https://shop.example/done".into()),
        ..Default::default()
    };
    pis.confirm("pi_1", &confirm).await.unwrap();
    let capture = PaymentIntentCaptureParams {
        amount_to_capture: Some(500),
    };
    pis.capture("pi_1", &capture).await.unwrap();
    let cancel = PaymentIntentCancelParams {
        cancellation_reason: Some(atom_stripe::PaymentIntentCancelReason::RequestedByCustomer),
    };
    pis.cancel("pi_1", &cancel).await.unwrap();
    let update = PaymentIntentUpdateParams {
        description: Some(Clearable::Clear),
        ..Default::default()
    };
    stripe
        .payment_intents()
        .expand("latest_charge")
        .update("pi_1", &update)
        .await
        .unwrap();
    pis.get("pi_1").await.unwrap();
}

#[tokio::test]
async fn charges_and_refunds() {
    let server = MockServer::start().await;
    expect_get(&server, "GET", "/v1/charges/ch_1", "charge").await;
    expect_get(&server, "GET", "/v1/refunds/re_1", "refund").await;
    expect_post(
        &server,
        "/v1/refunds",
        "payment_intent=pi_1&amount=500&reason=requested_by_customer",
        "refund",
    )
    .await;
    let stripe = client(&server);
    assert_eq!(stripe.charges().get("ch_1").await.unwrap().amount, 100);
    assert_eq!(stripe.refunds().get("re_1").await.unwrap().amount, 100);
    let refund = RefundCreateParams {
        payment_intent: Some("pi_1".into()),
        amount: Some(500),
        reason: Some(atom_stripe::RefundCreateReason::RequestedByCustomer),
        ..Default::default()
    };
    stripe
        .refunds()
        .idempotency_key("refund-42")
        .create(&refund)
        .await
        .unwrap();
    let seen = requests(&server).await;
    assert_eq!(idempotency_key(&seen[2]).as_deref(), Some("refund-42"));
    // A refund that names nothing is refused before any request.
    let err = stripe
        .refunds()
        .create(&RefundCreateParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn invoices_and_invoice_items() {
    let server = MockServer::start().await;
    expect_post(
        &server,
        "/v1/invoiceitems",
        "customer=cus_1&amount=2500&currency=usd&description=Setup+fee",
        "invoiceitem",
    )
    .await;
    expect_post(
        &server,
        "/v1/invoices",
        "customer=cus_1&auto_advance=false&collection_method=send_invoice&days_until_due=30",
        "invoice",
    )
    .await;
    expect_post(&server, "/v1/invoices/in_1", "footer=Thanks%21", "invoice").await;
    expect_post(&server, "/v1/invoices/in_1/finalize", "", "invoice").await;
    expect_post(
        &server,
        "/v1/invoices/in_1/pay",
        "paid_out_of_band=true",
        "invoice",
    )
    .await;
    expect_post(&server, "/v1/invoices/in_1/void", "", "invoice").await;
    expect_get(&server, "GET", "/v1/invoices/in_1", "invoice").await;
    let stripe = client(&server);
    stripe
        .invoice_items()
        .create(&InvoiceItemCreateParams {
            customer: "cus_1".into(),
            amount: Some(2500),
            currency: Some("usd".into()),
            description: Some("Setup fee".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let inv = stripe.invoices();
    inv.create(&InvoiceCreateParams {
        customer: "cus_1".into(),
        auto_advance: Some(false),
        collection_method: Some(atom_stripe::models::CollectionMethod::SendInvoice),
        days_until_due: Some(30),
        ..Default::default()
    })
    .await
    .unwrap();
    inv.update(
        "in_1",
        &InvoiceUpdateParams {
            footer: Some(Clearable::Set("Thanks!".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    inv.finalize("in_1", &InvoiceFinalizeParams::default())
        .await
        .unwrap();
    inv.pay(
        "in_1",
        &InvoicePayParams {
            paid_out_of_band: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    inv.void("in_1").await.unwrap();
    assert_eq!(inv.get("in_1").await.unwrap().total, 1000);
    let seen = requests(&server).await;
    let posts: Vec<_> = seen
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .collect();
    assert!(posts.iter().all(|r| idempotency_key(r).is_some()));
}

#[tokio::test]
async fn subscriptions_with_indexed_items_and_expand() {
    let server = MockServer::start().await;
    expect_post(
        &server,
        "/v1/subscriptions",
        "customer=cus_1&items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2\
         &items[1][quantity]=1&payment_behavior=default_incomplete\
         &expand[]=latest_invoice.payment_intent",
        "subscription",
    )
    .await;
    expect_post(
        &server,
        "/v1/subscriptions/sub_1",
        "items[0][id]=si_1&items[0][deleted]=true&cancel_at_period_end=true\
         &proration_behavior=always_invoice&payment_behavior=pending_if_incomplete",
        "subscription",
    )
    .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/subscriptions/sub_1"))
        .and(query_param("prorate", "true"))
        .respond_with(ok("subscription"))
        .expect(1)
        .mount(&server)
        .await;
    expect_get(&server, "GET", "/v1/subscriptions/sub_1", "subscription").await;
    let stripe = client(&server);
    let subs = stripe.subscriptions();
    subs.create(&SubscriptionCreateParams {
        customer: "cus_1".into(),
        items: vec![
            SubscriptionItemParams::price("price_1", 2),
            SubscriptionItemParams::price("price_2", 1),
        ],
        payment_behavior: Some(atom_stripe::PaymentBehavior::DefaultIncomplete),
        expand: vec!["latest_invoice.payment_intent".into()],
        ..Default::default()
    })
    .await
    .unwrap();
    subs.update(
        "sub_1",
        &SubscriptionUpdateParams {
            items: vec![SubscriptionItemParams {
                id: Some("si_1".into()),
                deleted: Some(true),
                ..Default::default()
            }],
            cancel_at_period_end: Some(true),
            proration_behavior: Some(atom_stripe::ProrationBehavior::AlwaysInvoice),
            payment_behavior: Some(atom_stripe::PaymentBehavior::PendingIfIncomplete),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    subs.cancel(
        "sub_1",
        &SubscriptionCancelParams {
            prorate: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    subs.get("sub_1").await.unwrap();
}

/// The list filter takes `all` and `ended`, which are not statuses a subscription has.
#[tokio::test]
async fn subscription_list_status_filter_takes_all_and_ended() {
    let server = MockServer::start().await;
    for status in ["all", "ended", "past_due"] {
        Mock::given(method("GET"))
            .and(path("/v1/subscriptions"))
            .and(query_param("status", status))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                r#"{"object":"list","url":"/v1/subscriptions","data":[],"has_more":false}"#,
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let stripe = client(&server);
    for status in [
        atom_stripe::SubscriptionListStatus::All,
        atom_stripe::SubscriptionListStatus::Ended,
        atom_stripe::SubscriptionListStatus::PastDue,
    ] {
        let params = atom_stripe::SubscriptionListParams {
            status: Some(status),
            ..Default::default()
        };
        let got: Vec<_> = stripe
            .subscriptions()
            .list(&params)
            .try_collect()
            .await
            .unwrap();
        assert!(got.is_empty());
    }
}

#[tokio::test]
async fn products_and_prices() {
    let server = MockServer::start().await;
    expect_post(
        &server,
        "/v1/products",
        "name=T-shirt&metadata[sku]=TS-1",
        "product",
    )
    .await;
    expect_post(
        &server,
        "/v1/prices",
        "currency=usd&product=prod_1&unit_amount=2000&recurring[interval]=month",
        "price",
    )
    .await;
    expect_get(&server, "GET", "/v1/products/prod_1", "product").await;
    expect_get(&server, "GET", "/v1/prices/price_1", "price").await;
    let stripe = client(&server);
    stripe
        .products()
        .create(&ProductCreateParams {
            name: "T-shirt".into(),
            metadata: BTreeMap::from([("sku".into(), "TS-1".into())]),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut price = PriceCreateParams::new("prod_1", 2000, "usd");
    price.recurring = Some(RecurringParams {
        interval: atom_stripe::models::Interval::Month,
        interval_count: None,
    });
    stripe.prices().create(&price).await.unwrap();
    stripe.products().get("prod_1").await.unwrap();
    stripe.prices().get("price_1").await.unwrap();
}

#[tokio::test]
async fn events_balance_and_payouts() {
    let server = MockServer::start().await;
    expect_get(&server, "GET", "/v1/events/evt_1", "event").await;
    expect_get(&server, "GET", "/v1/balance", "balance").await;
    expect_get(&server, "GET", "/v1/payouts/po_1", "payout").await;
    expect_get(
        &server,
        "GET",
        "/v1/balance_transactions/txn_1",
        "balance_transaction",
    )
    .await;
    let stripe = client(&server);
    stripe.events().get("evt_1").await.unwrap();
    assert_eq!(stripe.balance().get().await.unwrap().available.len(), 1);
    assert_eq!(stripe.payouts().get("po_1").await.unwrap().amount, 1100);
    let txn = stripe.balance_transactions().get("txn_1").await.unwrap();
    assert_eq!(txn.net, 100);
}

#[tokio::test]
async fn connect_account_per_client_and_per_call_and_version_override() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .and(header("stripe-account", "acct_1"))
        .and(header("stripe-version", "2024-06-20"))
        .respond_with(ok("balance"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .and(header("stripe-account", "acct_2"))
        .respond_with(ok("balance"))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = Client::builder()
        .secret_key(KEY)
        .base_url(server.uri())
        .api_version("2024-06-20")
        .build()
        .unwrap();
    assert_eq!(stripe.api_version(), "2024-06-20");
    let connected = stripe.with_account("acct_1").unwrap();
    connected.balance().get().await.unwrap();
    connected
        .balance()
        .stripe_account("acct_2")
        .get()
        .await
        .unwrap();
    // A malformed account id is refused before any request.
    assert_eq!(
        stripe.with_account("acct_1\r\nx: y").unwrap_err().kind(),
        ErrorKind::Config
    );
    let err = stripe
        .balance()
        .stripe_account("not-an-account")
        .get()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn connector_health_and_raw_request() {
    let server = MockServer::start().await;
    expect_get(&server, "GET", "/v1/balance", "balance").await;
    Mock::given(method("POST"))
        .and(path("/v1/coupons"))
        .and(body_string("percent_off=25&duration=once"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("stripe-version", DEFAULT_API_VERSION))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "co_1"})))
        .expect(1)
        .mount(&server)
        .await;
    let stripe = client(&server);
    let health = stripe.health().await.unwrap();
    assert_eq!(health.request_id.as_deref(), Some("req_test_1"));
    assert_eq!(
        stripe.info().api_version.as_deref(),
        Some(DEFAULT_API_VERSION)
    );
    let raw = Request::post("/v1/coupons")
        .operation("coupons.create")
        .body(atom_core::Body::Form("percent_off=25&duration=once".into()));
    let response = stripe.request(raw).await.unwrap();
    assert_eq!(response.json::<Value>().unwrap()["id"], "co_1");
    let seen = requests(&server).await;
    assert!(is_uuid_v4(&idempotency_key(&seen[1]).unwrap()));
}

#[tokio::test]
async fn bad_ids_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let stripe = client(&server);
    for id in [
        "",
        "cus/1",
        "cus?x=1",
        "cus#1",
        "..",
        "cus_1/../../v1/balance",
        "a b",
    ] {
        let e = stripe.customers().get(id).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{id:?}");
        let e = stripe
            .payment_intents()
            .capture(id, &PaymentIntentCaptureParams::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{id:?}");
    }
    assert!(Client::new("").is_err());
    assert!(requests(&server).await.is_empty());
}
