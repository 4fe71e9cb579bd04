//! The "Bad input": object types and property names outside HubSpot's identifier
//! set, ids with `/`, `?`, `#` or `..`, empty batches and oversized searches are refused
//! before any request (the server counts zero), with a `Config` error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_core::ErrorKind;
use atom_hubspot::models::{AssociationBatchInput, CampaignParams};
use atom_hubspot::search::{Filter, SearchParams};
use atom_hubspot::{
    BatchReadParams, BatchUpdateInput, BatchUpsertInput, ObjectCreateParams, ObjectGetParams,
    ObjectListParams, ObjectUpdateParams,
};
use common::{client, requests};
use futures::StreamExt as _;
use wiremock::MockServer;

const BAD_IDS: &[&str] = &[
    "1/2",
    "../owners",
    "..",
    "1?archived=true",
    "1#x",
    "a\\b",
    "",
    "1\n2",
];
const BAD_TYPES: &[&str] = &[
    "contacts/../owners",
    "con tacts",
    "",
    "contacts?x=1",
    "ä",
    "deals#",
];
const BAD_PROPERTIES: &[&str] = &["email,phone", "1st", "", "e-mail", "first name", "x/y"];

fn config(result: atom_core::Result<impl std::fmt::Debug>) {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config, "{err}");
}

#[tokio::test]
async fn bad_ids_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    let get = ObjectGetParams::default();
    let update = ObjectUpdateParams::new().property("firstname", "x");
    for id in BAD_IDS {
        config(c.contacts().get(id, &get).await);
        config(c.contacts().get_by("email", id, &get).await);
        config(c.contacts().update(id, &update).await);
        config(c.contacts().archive(id).await);
        config(c.contacts().merge(id, "1").await);
        config(
            c.associations()
                .create_default("deals", id, "contacts", "1")
                .await,
        );
        config(c.associations().delete("deals", "1", "contacts", id).await);
        let listed: Vec<_> = c
            .associations()
            .list("deals", id, "contacts")
            .collect()
            .await;
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].as_ref().unwrap_err().kind(), ErrorKind::Config);
        config(c.pipelines("deals").get(id).await);
        config(
            c.pipelines("deals")
                .move_to_stage(id, "default", "closedwon")
                .await,
        );
        config(c.owners().get(id).await);
        config(c.campaigns().get(id, &[]).await);
        config(
            c.campaigns()
                .update(id, &CampaignParams::new().property("hs_notes", "x"))
                .await,
        );
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn bad_object_types_and_property_names_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    for kind in BAD_TYPES {
        let objects = c.objects(*kind);
        config(objects.get("1", &ObjectGetParams::default()).await);
        config(
            objects
                .create(&ObjectCreateParams::new().property("name", "x"))
                .await,
        );
        let listed: Vec<_> = objects.list(&ObjectListParams::default()).collect().await;
        assert_eq!(listed[0].as_ref().unwrap_err().kind(), ErrorKind::Config);
        let found: Vec<_> = objects.search(&SearchParams::new()).collect().await;
        assert_eq!(found[0].as_ref().unwrap_err().kind(), ErrorKind::Config);
        config(objects.batch_archive(&["1"]).await);
        config(c.properties(*kind).get("email").await);
        let props: Vec<_> = c.properties(*kind).list().collect().await;
        assert_eq!(props[0].as_ref().unwrap_err().kind(), ErrorKind::Config);
        let pipes: Vec<_> = c.pipelines(*kind).list().collect().await;
        assert_eq!(pipes[0].as_ref().unwrap_err().kind(), ErrorKind::Config);
        config(c.associations().labels("contacts", kind).await);
    }
    for name in BAD_PROPERTIES {
        config(
            c.contacts()
                .create(&ObjectCreateParams::new().property(*name, "x"))
                .await,
        );
        config(
            c.contacts()
                .update("1", &ObjectUpdateParams::new().property(*name, "x"))
                .await,
        );
        config(
            c.contacts()
                .get("1", &ObjectGetParams::properties([*name]))
                .await,
        );
        config(
            c.contacts()
                .get_by(name, "ann@example.com", &ObjectGetParams::default())
                .await,
        );
        config(
            c.contacts()
                .batch_upsert(name, &[BatchUpsertInput::new("a")])
                .await,
        );
        config(c.properties("contacts").get(name).await);
        let found: Vec<_> = c
            .contacts()
            .search(&SearchParams::new().filter(Filter::eq(*name, "x")))
            .collect()
            .await;
        assert_eq!(found[0].as_ref().unwrap_err().kind(), ErrorKind::Config);
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn empty_batches_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let c = client(&server.uri());
    let none: [&str; 0] = [];
    config(
        c.contacts()
            .batch_read(&none, &BatchReadParams::default())
            .await,
    );
    config(c.contacts().batch_create(&[]).await);
    config(c.contacts().batch_update(&[]).await);
    config(c.contacts().batch_upsert("email", &[]).await);
    config(c.contacts().batch_archive(&none).await);
    config(
        c.associations()
            .batch_create("deals", "contacts", &[])
            .await,
    );
    config(
        c.associations()
            .batch_read("deals", "contacts", &none)
            .await,
    );
    config(
        c.associations()
            .batch_delete("deals", "contacts", &[])
            .await,
    );
    // And batches holding a bad input.
    config(
        c.contacts()
            .batch_update(&[BatchUpdateInput::new("1\u{0}")])
            .await,
    );
    config(
        c.associations()
            .batch_create(
                "deals",
                "contacts",
                &[AssociationBatchInput::new("", "1", Vec::new())],
            )
            .await,
    );
    // An update with nothing to change.
    config(c.contacts().update("1", &ObjectUpdateParams::new()).await);
    config(
        c.contacts()
            .list(&ObjectListParams {
                limit: Some(101),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .await
            .remove(0),
    );
    assert!(requests(&server).await.is_empty());
}
