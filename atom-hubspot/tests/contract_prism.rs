//! Contract test: every typed call whose endpoint HubSpot's official OpenAPI descriptions
//! cover, against Stoplight Prism serving them. Prism validates each request (a request
//! that breaks the description gets 422, or 400 for bad query parameters) and answers from
//! the description's schemas, which must decode.
//!
//! The description is `tests/fixtures/hubspot-contract.json`: the CRM objects, contacts
//! merge, associations v4, pipelines and OAuth v1 paths this crate calls, merged from
//! HubSpot's per-API descriptions and prepared for Prism by `tests/contract/make_contract.py`
//! (see `tests/fixtures/README.md`). Owners, properties, campaigns and email statistics have
//! no description in that collection and are covered by the wiremock tests only.
//!
//! Needs node and npm, so plain `cargo test` skips it (`#[ignore]`). Run it with
//! `cargo test -p atom-hubspot --test contract_prism -- --ignored`, or with `bash .ci/run`.
//! Prism is started on a free loopback port by `tools/prism-mock` and killed by PID when the
//! test ends, also on failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use atom_core::testing::PrismMock;

use atom_core::{Connector as _, Secret};
use atom_hubspot::auth::OAuthApp;
use atom_hubspot::models::{
    AssociationBatchInput, AssociationInput, AssociationSpec, PipelineCreateParams,
    PipelineUpdateParams, StageCreateParams, types,
};
use atom_hubspot::search::{Filter, FilterGroup, SearchParams};
use atom_hubspot::{
    BatchReadParams, BatchUpdateInput, BatchUpsertInput, Client, ObjectCreateParams,
    ObjectGetParams, ObjectListParams, ObjectUpdateParams,
};
use futures::TryStreamExt as _;

/// Prism serving the trimmed description, on a free port.
fn start_prism() -> (PrismMock, u16) {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let prism = PrismMock::start(
        &manifest.join("../tools/prism-mock"),
        &manifest.join("tests/fixtures/hubspot-contract.json"),
    )
    .unwrap();
    let port = prism.port();
    (prism, port)
}

/// The first page of a list (Prism's generated page may name a next cursor, which it
/// would answer again: only the first page is checked).
async fn first<T: Send + 'static>(mut stream: atom_core::Paginator<T>) -> Option<T> {
    stream.try_next().await.unwrap()
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "needs node/npm and Prism: run by .ci/run"]
async fn every_typed_call_passes_prism_validation_and_decodes() {
    let (prism, port) = start_prism();
    let uri = format!("http://127.0.0.1:{port}");
    let hs: Client = common::builder(&uri).build().unwrap();
    let get = ObjectGetParams {
        properties: vec!["email".into(), "firstname".into()],
        properties_with_history: vec!["lifecyclestage".into()],
        associations: vec!["companies".into()],
        archived: false,
    };

    // Records.
    hs.health().await.unwrap();
    let contacts = hs.contacts();
    contacts
        .create(
            &ObjectCreateParams::new()
                .property("email", "ann@example.com")
                .associate(AssociationInput::new(
                    "77",
                    AssociationSpec::hubspot(types::CONTACT_TO_COMPANY_PRIMARY),
                )),
        )
        .await
        .unwrap();
    contacts.get("512", &get).await.unwrap();
    contacts
        .get_by("email", "ann@example.com", &get)
        .await
        .unwrap();
    contacts
        .update(
            "512",
            &ObjectUpdateParams::new().property("firstname", "Ann"),
        )
        .await
        .unwrap();
    contacts
        .update_by(
            "email",
            "ann@example.com",
            &ObjectUpdateParams::new().property("firstname", "Ann"),
        )
        .await
        .unwrap();
    contacts.archive("512").await.unwrap();
    first(contacts.list(&ObjectListParams {
        limit: Some(10),
        properties: vec!["email".into()],
        properties_with_history: vec!["lifecyclestage".into()],
        associations: vec!["companies".into()],
        archived: true,
    }))
    .await;
    contacts.merge("1", "2").await.unwrap();
    hs.objects("2-1234567")
        .get("9", &ObjectGetParams::default())
        .await
        .unwrap();

    // Batch.
    contacts
        .batch_read(
            &["1", "2"],
            &BatchReadParams {
                properties: vec!["email".into()],
                properties_with_history: vec!["lifecyclestage".into()],
                id_property: None,
                archived: false,
            },
        )
        .await
        .unwrap();
    contacts
        .batch_read(
            &["ann@example.com"],
            &BatchReadParams {
                id_property: Some("email".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    contacts
        .batch_create(&[ObjectCreateParams::new().property("email", "b@example.com")])
        .await
        .unwrap();
    contacts
        .batch_update(&[BatchUpdateInput::new("1").property("firstname", "B")])
        .await
        .unwrap();
    contacts
        .batch_upsert(
            "email",
            &[BatchUpsertInput::new("c@example.com").property("firstname", "C")],
        )
        .await
        .unwrap();
    contacts.batch_archive(&["1", "2"]).await.unwrap();

    // Search (no sorts: the description types `sorts` as strings, HubSpot takes objects).
    let params = SearchParams::new()
        .group(
            FilterGroup::new()
                .and(Filter::eq("email", "ann@example.com"))
                .and(Filter::between(
                    "createdate",
                    "1704067200000",
                    "1711929599999",
                )),
        )
        .group(FilterGroup::new().and(Filter::is_in("lifecyclestage", ["lead", "customer"])))
        .properties(["email"])
        .query("ann")
        .limit(50);
    first(hs.deals().search(&params)).await;
    hs.analytics().count("contacts", &params).await.unwrap();

    // Associations v4.
    let links = hs.associations();
    first(links.list("deals", "512", "contacts")).await;
    links
        .create_default("deals", "512", "contacts", "101")
        .await
        .unwrap();
    links
        .create(
            "deals",
            "512",
            "contacts",
            "101",
            &[AssociationSpec::user(36)],
        )
        .await
        .unwrap();
    links
        .delete("deals", "512", "contacts", "101")
        .await
        .unwrap();
    links
        .batch_create(
            "deals",
            "contacts",
            &[AssociationBatchInput::new(
                "1",
                "2",
                vec![AssociationSpec::hubspot(3)],
            )],
        )
        .await
        .unwrap();
    links
        .batch_create(
            "deals",
            "contacts",
            &[AssociationBatchInput::new("1", "2", Vec::new())],
        )
        .await
        .unwrap();
    links.batch_read("deals", "contacts", &["1"]).await.unwrap();
    links
        .batch_delete("deals", "contacts", &[("1".into(), vec!["2".into()])])
        .await
        .unwrap();

    // Pipelines.
    let pipelines = hs.pipelines("deals");
    first(pipelines.list()).await;
    pipelines.get("default").await.unwrap();
    let stage = StageCreateParams::deal_stage("Qualified", 1, "0.3");
    pipelines
        .create(&PipelineCreateParams {
            label: "New business".into(),
            display_order: 1,
            stages: vec![stage.clone()],
        })
        .await
        .unwrap();
    pipelines
        .update(
            "default",
            &PipelineUpdateParams {
                label: Some("Sales".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    pipelines.create_stage("default", &stage).await.unwrap();
    pipelines
        .update_stage("default", "qualified", &stage)
        .await
        .unwrap();

    // OAuth v1: token exchange, metadata, revocation.
    let app = OAuthApp::with_hosts(
        "client-id",
        Secret::new("client-secret"),
        "https://app.example.com/callback",
        &["crm.objects.contacts.read"],
        &format!("{uri}/oauth/authorize"),
        &uri,
    )
    .unwrap();
    let pending = app.authorize_url().unwrap();
    app.exchange_code(&pending, &pending.state.clone(), "code")
        .await
        .unwrap();
    app.token_info(&Secret::new("access-token")).await.unwrap();
    app.revoke_refresh_token(&Secret::new("refresh-token"))
        .await
        .unwrap();

    // Prism does validate: a body that breaks the description is refused.
    let refused = hs
        .send(
            atom_core::Request::post("/crm/v3/objects/contacts/batch/read")
                .json(&serde_json::json!({"inputs": "not a list"})),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(422), "{refused}");

    drop(prism);
}
