//! The QuickBooks leg: the OAuth code exchange capturing the realm, a customer and an invoice
//! created with a decimal amount and a `requestid`, a stale update refused as a conflict, a
//! payment applied to the invoice, invoices read page by page, a profit and loss report
//! printed as a table, and a webhook verified in both payload forms. Offline against a local
//! mock loaded with Intuit's recorded responses (converted to JSON, see the crate's
//! tests/fixtures/README.md).

use std::sync::Arc;

use atom_core::{Envelope, ErrorKind, MemoryTokenStore, Secret};
use atom_quickbooks::auth::{self, Callback, Endpoints, scopes};
use atom_quickbooks::reports::ReportParams;
use atom_quickbooks::webhook::{SIGNATURE_HEADER, Webhook, sign};
use atom_quickbooks::{
    Client, Customer, Invoice, Line, Op, Payment, Query, QuickBooksErrorInfo, Ref, amount,
};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::{LegResult, ensure, section, show, step};

const REALM: &str = "9130347596843992";
const INVOICE: &str = include_str!("../../../atom-quickbooks/tests/fixtures/invoice.json");
const CUSTOMER: &str = include_str!("../../../atom-quickbooks/tests/fixtures/customer.json");
const PAYMENT: &str = include_str!("../../../atom-quickbooks/tests/fixtures/payment.json");
const COMPANY: &str = include_str!("../../../atom-quickbooks/tests/fixtures/company_info.json");
const STALE: &str = include_str!("../../../atom-quickbooks/tests/fixtures/fault_stale.json");
const PNL: &str =
    include_str!("../../../atom-quickbooks/tests/fixtures/report_profit_and_loss.json");
const HOOK_CLASSIC: &str =
    include_str!("../../../atom-quickbooks/tests/fixtures/webhook_classic.json");
const HOOK_CLOUD: &str =
    include_str!("../../../atom-quickbooks/tests/fixtures/webhook_cloudevents.json");

fn p(rest: &str) -> String {
    format!("/v3/company/{REALM}/{rest}")
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(body)
        .insert_header("intuit_tid", "1-tour-tid")
}

async fn mount(server: &MockServer) -> LegResult {
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/tokens/bearer"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ok(json!({
            "token_type": "bearer", "expires_in": 3600, "access_token": "tour-access",
            "refresh_token": "tour-refresh", "x_refresh_token_expires_in": 8726400
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(p(&format!("companyinfo/{REALM}"))))
        .respond_with(ok(serde_json::from_str(COMPANY)?))
        .mount(server)
        .await;
    let mut customer: Value = serde_json::from_str(CUSTOMER)?;
    customer["Customer"]["DisplayName"] = json!("Acme Ltd");
    Mock::given(method("POST"))
        .and(path(p("customer")))
        .respond_with(ok(customer))
        .mount(server)
        .await;
    let mut invoice: Value = serde_json::from_str(INVOICE)?;
    invoice["Invoice"]["TotalAmt"] = json!(1250.5);
    invoice["Invoice"]["Balance"] = json!(1250.5);
    invoice["Invoice"]["SyncToken"] = json!("0");
    // The create carries a requestid; the sparse update with the old SyncToken is stale.
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .and(body_string_contains("\"sparse\":true"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::from_str::<Value>(STALE)?)
                .insert_header("intuit_tid", "1-tour-stale-tid"),
        )
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("invoice")))
        .respond_with(ok(invoice.clone()))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("payment")))
        .respond_with(ok(serde_json::from_str(PAYMENT)?))
        .mount(server)
        .await;
    for (start, ids) in [(1u64, vec!["1", "2"]), (3, vec!["3"])] {
        let rows: Vec<Value> = ids
            .iter()
            .map(|id| {
                let mut v = invoice["Invoice"].clone();
                v["Id"] = json!(id);
                v
            })
            .collect();
        Mock::given(method("GET"))
            .and(path(p("query")))
            .and(query_param(
                "query",
                format!(
                    "SELECT * FROM Invoice WHERE Balance > 0 STARTPOSITION {start} MAXRESULTS 2"
                ),
            ))
            .respond_with(ok(
                json!({"QueryResponse": {"Invoice": rows, "startPosition": start}}),
            ))
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(p("reports/ProfitAndLoss")))
        .respond_with(ok(serde_json::from_str(PNL)?))
        .mount(server)
        .await;
    Ok(())
}

/// Runs the leg.
pub async fn run() -> LegResult {
    section(
        "atom-quickbooks: OAuth per realm, customer and invoice, stale update, payment, P&L, webhook (local mock)",
    );
    let server = MockServer::start().await;
    mount(&server).await?;

    // OAuth: the redirect brings code, state and realmId; the token is stored per realm.
    let oauth = auth::oauth_client(
        &Endpoints::at(&server.uri())?,
        "tour-client-id",
        Secret::new("tour-client-secret"),
        "https://app.example.com/quickbooks/callback",
        &[scopes::ACCOUNTING, scopes::OPENID],
    )?;
    let pending = oauth.authorize_url()?;
    step(&format!("authorize at {}", pending.url.path()));
    let callback = Callback::from_query(&format!(
        "code=tour-code&state={}&realmId={REALM}",
        pending.state
    ))?;
    let store = Arc::new(MemoryTokenStore::default());
    let key = auth::exchange_and_store(&oauth, &pending, &callback, store.as_ref()).await?;
    step(&format!("code exchanged; token stored under {key}"));
    ensure(
        key.to_string() == format!("quickbooks/{REALM}"),
        "token keyed by realm",
    )?;
    let manager = auth::token_manager(oauth, store, &callback.realm_id)?;
    let qb = Client::builder()
        .base_url(server.uri())
        .realm_id(&callback.realm_id)
        .authenticator(Arc::new(atom_core::OAuthAuthenticator::new(manager)))
        .build()?;
    let company = qb.company_info().await?;
    step(&format!(
        "connected to {}",
        company.company_name.unwrap_or_default()
    ));

    // A customer and an invoice with an exact amount; each create carries a requestid.
    let customer = qb
        .customers()
        .request_id("tour-customer-1")
        .create(&Customer {
            display_name: Some("Acme Ltd".into()),
            ..Default::default()
        })
        .await?;
    step(&format!(
        "customer {} created",
        customer.display_name.unwrap_or_default()
    ));
    let invoice = qb
        .invoices()
        .request_id("tour-order-1042")
        .create(&Invoice {
            customer_ref: customer.id.clone().map(Ref::new),
            line: vec![Line::sales_item(amount("1250.50")?, Ref::new("1"))],
            ..Default::default()
        })
        .await?;
    let total = invoice
        .total_amt
        .clone()
        .unwrap_or_else(atom_core::Decimal::zero);
    step(&format!(
        "invoice {} for {}",
        invoice.id.clone().unwrap_or_default(),
        total
    ));
    ensure(
        total.cmp_value(&amount("1250.50")?) == Some(std::cmp::Ordering::Equal),
        "exact total",
    )?;
    let sent = server.received_requests().await.unwrap_or_default();
    let request_id = sent
        .iter()
        .filter(|r| r.url.path() == p("invoice"))
        .find_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "requestid")
                .map(|(_, v)| v.into_owned())
        });
    ensure(
        request_id.as_deref() == Some("tour-order-1042"),
        "requestid sent",
    )?;

    // Someone else changed the invoice: the update with the old SyncToken is refused.
    let stale = Invoice {
        id: invoice.id.clone(),
        sync_token: invoice.sync_token.clone(),
        private_note: Some("late edit".into()),
        ..Default::default()
    };
    let result = qb.invoices().sparse_update(&stale).await;
    let refused = result.as_ref().err().map(|e| e.kind()) == Some(ErrorKind::Conflict);
    let stale_code = result
        .as_ref()
        .err()
        .and_then(|e| e.provider_details::<QuickBooksErrorInfo>())
        .is_some_and(QuickBooksErrorInfo::is_stale_object);
    step("a stale update comes back as a conflict, nothing overwritten:");
    show(&Envelope::from_result("quickbooks", result));
    ensure(refused && stale_code, "stale update refused")?;

    // A payment applied to the invoice.
    let payment = qb
        .payments()
        .request_id("tour-payment-1")
        .create(&Payment {
            customer_ref: customer.id.clone().map(Ref::new),
            total_amt: Some(amount("1250.50")?),
            line: vec![Line::payment_for_invoice(
                amount("1250.50")?,
                invoice.id.clone().unwrap_or_default(),
            )],
            ..Default::default()
        })
        .await?;
    step(&format!(
        "payment {} recorded",
        payment.id.unwrap_or_default()
    ));

    // Open invoices, page by page.
    let open: Vec<Invoice> = qb
        .invoices()
        .query(
            Query::of::<Invoice>()
                .filter("Balance", Op::Gt, 0)
                .page_size(2),
        )
        .try_collect()
        .await?;
    step(&format!("{} open invoices read in 2 pages", open.len()));
    ensure(open.len() == 3, "query paging")?;

    // The profit and loss report as a table.
    let pnl = qb
        .reports()
        .profit_and_loss(&ReportParams::default())
        .await?;
    step("profit and loss:");
    for line in pnl.render().lines() {
        println!("      {line}");
    }
    ensure(pnl.summary_amount("Income", 1).is_some(), "report totals")?;

    // Webhooks in both payload forms.
    let token = Secret::new("tour-verifier-token");
    let hook = Webhook::new([token.clone()]);
    for body in [HOOK_CLASSIC, HOOK_CLOUD] {
        let mut headers = atom_core::http::HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, sign(&token, body.as_bytes()).parse()?);
        let events = hook.verify(&headers, body.as_bytes())?.events();
        let first = events.first().ok_or("no webhook events")?;
        step(&format!(
            "webhook verified: {} event(s), first {} {} {}",
            events.len(),
            first.operation,
            first.entity,
            first.id
        ));
    }
    let mut forged = atom_core::http::HeaderMap::new();
    forged.insert(
        SIGNATURE_HEADER,
        sign(&Secret::new("wrong"), HOOK_CLASSIC.as_bytes()).parse()?,
    );
    ensure(
        hook.verify(&forged, HOOK_CLASSIC.as_bytes()).is_err(),
        "forged webhook refused",
    )?;
    step("a forged webhook is refused");
    Ok(())
}
