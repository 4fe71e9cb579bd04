//! The Stripe leg: a customer and a PaymentIntent created with idempotency keys, a list walked
//! page by page and resumed from a checkpoint, a lock timeout retried with the same key, a declined card as an envelope, and
//! a signed webhook verified. Offline against a local mock loaded with Stripe's own fixture
//! objects; with `STRIPE_SECRET_KEY` (a test or restricted key) set, it also makes read-only
//! calls to the real API.

use std::time::Duration;

use atom_core::retry::RetryPolicy;
use atom_core::{Connector as _, Envelope, ErrorKind, Secret};
use atom_stripe::error::StripeErrorInfo;
use atom_stripe::models::EventObject;
use atom_stripe::webhook::{Webhook, sign_header};
use atom_stripe::{
    Client, CustomerCreateParams, CustomerListParams, ListParams, PaymentIntentConfirmParams,
    PaymentIntentCreateParams,
};
use futures::{StreamExt as _, TryStreamExt as _};
use serde_json::{Value, json};
use wiremock::matchers::{body_string, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{LegResult, ensure, section, show, step};

const CUSTOMER: &str = include_str!("../../../atom-stripe/tests/fixtures/customer.json");
const PAYMENT_INTENT: &str =
    include_str!("../../../atom-stripe/tests/fixtures/payment_intent.json");
const BALANCE: &str = include_str!("../../../atom-stripe/tests/fixtures/balance.json");
const CARD_DECLINED: &str = include_str!("../../../atom-stripe/tests/fixtures/card_declined.json");
const EVENT: &str = include_str!("../../../atom-stripe/tests/fixtures/event.json");

fn fixture(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
}

fn customer_with_id(id: &str) -> Result<Value, serde_json::Error> {
    let mut customer = fixture(CUSTOMER)?;
    customer["id"] = json!(id);
    Ok(customer)
}

async fn mount_customer_pages(server: &MockServer) -> LegResult {
    let pages: [(Option<&str>, [&str; 2], bool); 3] = [
        (None, ["cus_A", "cus_B"], true),
        (Some("cus_B"), ["cus_C", "cus_D"], true),
        (Some("cus_D"), ["cus_E", "cus_F"], false),
    ];
    for (after, ids, more) in pages {
        let data = ids
            .iter()
            .map(|id| customer_with_id(id))
            .collect::<Result<Vec<_>, _>>()?;
        let page =
            json!({"object": "list", "url": "/v1/customers", "has_more": more, "data": data});
        let mock = Mock::given(method("GET"))
            .and(path("/v1/customers"))
            .and(query_param("limit", "2"))
            .and(query_param("expand[]", "data.test_clock"));
        let mock = match after {
            Some(a) => mock.and(query_param("starting_after", a)),
            None => mock.and(query_param_is_missing("starting_after")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page))
            .mount(server)
            .await;
    }
    Ok(())
}

async fn mount(server: &MockServer) -> LegResult {
    let ok = |body: Value| {
        ResponseTemplate::new(200)
            .set_body_json(body)
            .insert_header("request-id", "req_tour_ok")
    };
    Mock::given(method("GET"))
        .and(path("/v1/balance"))
        .respond_with(ok(fixture(BALANCE)?))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .and(body_string(
            "email=jenny.rosen%40example.com&name=Jenny+Rosen&metadata[signup]=tour-42",
        ))
        .respond_with(ok(fixture(CUSTOMER)?))
        .mount(server)
        .await;
    // The first create of the PaymentIntent meets a lock timeout; the retry succeeds.
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": {
            "type": "invalid_request_error", "code": "lock_timeout",
            "message": "This object cannot be accessed right now because another API request or Stripe process is currently accessing it."
        }})))
        .up_to_n_times(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/payment_intents"))
        .and(body_string(
            "amount=1099&currency=usd&customer=cus_QXg1o8vcGmoR32&metadata[order]=tour-42",
        ))
        .respond_with(ok(fixture(PAYMENT_INTENT)?))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/v1/payment_intents/pi_1PgafyB7WZ01zgkWSjxsAJo3/confirm",
        ))
        .respond_with(
            ResponseTemplate::new(402)
                .set_body_raw(CARD_DECLINED, "application/json")
                .insert_header("request-id", "req_tour_declined"),
        )
        .mount(server)
        .await;
    mount_customer_pages(server).await
}

/// Runs the Stripe leg.
pub async fn run() -> LegResult {
    section("atom-stripe: payments, paging, declines and webhooks (local mock)");
    let server = MockServer::start().await;
    mount(&server).await?;
    let stripe = Client::builder()
        .secret_key("sk_test_tour")
        .base_url(server.uri())
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(20)))
        .build()?;

    let health = stripe.health().await?;
    step(&format!(
        "health: GET /v1/balance answered (request id {:?}), Stripe-Version {}",
        health.request_id,
        stripe.api_version()
    ));

    let customer = stripe
        .customers()
        .idempotency_key("signup-tour-42")
        .create(&CustomerCreateParams {
            email: Some("jenny.rosen@example.com".into()),
            name: Some("Jenny Rosen".into()),
            metadata: [("signup".to_owned(), "tour-42".to_owned())].into(),
            ..Default::default()
        })
        .await;
    step("create a customer (Idempotency-Key: signup-tour-42):");
    show(&Envelope::from_result("stripe", customer.clone()));
    let customer = customer?;

    let mut params = PaymentIntentCreateParams::new(1099, "usd");
    params.customer = Some(customer.id.clone());
    params.metadata.insert("order".into(), "tour-42".into());
    let intent = stripe.payment_intents().create(&params).await?;
    let keys: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/v1/payment_intents")
        .filter_map(|r| {
            r.headers
                .get("idempotency-key")?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .collect();
    step(&format!(
        "create a PaymentIntent of 10.99 USD: 429 lock_timeout, retried with the same key ({} attempts, keys equal: {})",
        keys.len(),
        keys.windows(2).all(|w| w[0] == w[1])
    ));
    ensure(
        keys.len() == 2 && keys[0] == keys[1],
        "lock timeout retried with one key",
    )?;
    show(
        &json!({"id": intent.id, "amount": intent.amount, "currency": intent.currency, "status": intent.status}),
    );

    let list = CustomerListParams {
        page: ListParams::new().limit(2).expand("data.test_clock"),
        ..Default::default()
    };
    let all: Vec<_> = stripe.customers().list(&list).try_collect().await?;
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    step(&format!(
        "list customers, 2 per page, expand kept on every page: {ids:?}"
    ));
    ensure(all.len() == 6, "three pages walked")?;

    // Stop after three customers, keep the checkpoint (it serialises), resume later.
    let mut stream = stripe.customers().list(&list);
    for _ in 0..3 {
        stream.try_next().await?;
    }
    let checkpoint = stream.checkpoint();
    drop(stream);
    let rest: Vec<_> = stripe
        .customers()
        .list_from(&list, checkpoint.clone())
        .try_collect()
        .await?;
    let ids: Vec<&str> = rest.iter().map(|c| c.id.as_str()).collect();
    step(&format!(
        "resume the list from checkpoint {}: {ids:?}",
        serde_json::to_string(&checkpoint)?
    ));
    ensure(
        ids == ["cus_D", "cus_E", "cus_F"],
        "list_from resumed after the third customer",
    )?;

    let declined = stripe
        .payment_intents()
        .confirm(
            &intent.id,
            &PaymentIntentConfirmParams {
                payment_method: Some("pm_card_chargeDeclinedInsufficientFunds".into()),
                ..Default::default()
            },
        )
        .await;
    step("confirm with a card that is declined:");
    if let Err(e) = &declined {
        let decline = e
            .provider_details::<StripeErrorInfo>()
            .and_then(|i| i.decline_code.as_deref());
        step(&format!(
            "kind {:?}, code {:?}, decline_code {decline:?}, not retried",
            e.kind(),
            e.provider_code()
        ));
        ensure(
            e.kind() == ErrorKind::PaymentDeclined,
            "declined card is PaymentDeclined",
        )?;
    }
    ensure(declined.is_err(), "the confirm fails")?;
    let confirms = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/confirm"))
        .count();
    ensure(
        confirms == 1,
        "the declined confirm was sent once, not retried",
    )?;
    show(&Envelope::from_result("stripe", declined));

    let secret = Secret::new("whsec_tour");
    let mut event = fixture(EVENT)?;
    event["type"] = json!("payment_intent.succeeded");
    event["data"]["object"] = fixture(PAYMENT_INTENT)?;
    let body = serde_json::to_vec(&event)?;
    // `reqwest::header::HeaderMap` is `http::HeaderMap`, what a web framework hands over.
    let mut headers = atom_core::reqwest::header::HeaderMap::new();
    headers.insert(
        "stripe-signature",
        sign_header(&secret, chrono::Utc::now().timestamp(), &body).parse()?,
    );
    let hook = Webhook::new([Secret::new("whsec_old"), secret]);
    let verified = hook.verify(&headers, &body)?;
    let typed = matches!(verified.data.object, EventObject::PaymentIntent(_));
    step(&format!(
        "webhook {} verified (second secret of two): {}, object typed as PaymentIntent: {typed}",
        verified.id, verified.event_type
    ));
    ensure(typed, "webhook object typed")?;
    let mut tampered = body.clone();
    tampered.extend_from_slice(b" ");
    let refused = hook.verify(&headers, &tampered);
    step("the same webhook with one byte added:");
    ensure(refused.is_err(), "tampered webhook refused")?;
    show(&Envelope::from_result("stripe", refused.map(|e| e.id)));

    live().await
}

/// With a real test or restricted key in `STRIPE_SECRET_KEY`: read-only calls.
async fn live() -> LegResult {
    let Ok(key) = std::env::var("STRIPE_SECRET_KEY") else {
        step("STRIPE_SECRET_KEY not set: skipping the live read-only calls");
        return Ok(());
    };
    section("atom-stripe: live read-only calls");
    let stripe = Client::new(key)?;
    let health = stripe.health().await;
    show(&Envelope::from_result("stripe", health));
    let list = CustomerListParams {
        page: ListParams::new().limit(3),
        ..Default::default()
    };
    let first: Vec<_> = stripe
        .customers()
        .list(&list)
        .take(3)
        .try_collect::<Vec<_>>()
        .await
        .map(|cs| cs.into_iter().map(|c| c.id).collect::<Vec<_>>())
        .map_err(|e| e.to_string())?;
    step(&format!("first customers: {first:?}"));
    Ok(())
}
