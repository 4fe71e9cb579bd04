//! Every official example of a modelled schema decodes, and unknown fields are kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use atom_zendesk::models::{
    Comment, CustomStatus, Identity, JobStatus, Organization, OrganizationMembership,
    SatisfactionRating, Ticket, TicketField, TicketStatus, User,
};
use common::example;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn each<T: DeserializeOwned>(name: &str, key: &str) -> Vec<T> {
    let body = example(name);
    let value = body
        .get(key)
        .unwrap_or_else(|| panic!("{name} has no {key}"));
    let items = match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    assert!(!items.is_empty(), "{name}");
    items
        .into_iter()
        .map(|item| {
            serde_json::from_value(item.clone()).unwrap_or_else(|e| panic!("{name}: {e} in {item}"))
        })
        .collect()
}

#[test]
fn every_modelled_example_decodes() {
    let tickets: Vec<Ticket> = each("TicketsResponseExample", "tickets");
    assert!(tickets.iter().all(|t| t.id > 0));
    each::<Ticket>("TicketResponseExample", "ticket");
    each::<Ticket>(
        "CursorBasedExportIncrementalTicketsResponseExample",
        "tickets",
    );
    each::<Comment>("TicketCommentsResponseExample", "comments");
    each::<User>("UsersResponseExample", "users");
    each::<User>("UserResponseExample", "user");
    each::<User>("UserCreateResponseExample", "user");
    each::<User>("SearchUsersResponseExample", "users");
    each::<User>("CursorBasedExportIncrementalUsersResponseExample", "users");
    each::<Identity>("UserIdentitiesResponseExample", "identities");
    each::<Organization>("OrganizationsResponseExample", "organizations");
    each::<Organization>("OrganizationResponseExample", "organization");
    each::<Organization>(
        "ExportIncrementalOrganizationsResponseExample",
        "organizations",
    );
    each::<OrganizationMembership>(
        "OrganizationMembershipsResponseExample",
        "organization_memberships",
    );
    each::<OrganizationMembership>(
        "OrganizationMembershipCreateResponseExample",
        "organization_membership",
    );
    each::<SatisfactionRating>("SatisfactionRatingsResponseExample", "satisfaction_ratings");
    each::<SatisfactionRating>("SatisfactionRatingResponseExample", "satisfaction_rating");
    each::<TicketField>("TicketFieldsResponseExample", "ticket_fields");
    each::<CustomStatus>("CustomStatusesResponseExample", "custom_statuses");
    each::<JobStatus>("JobStatusResponseExample", "job_status");
    each::<JobStatus>("ShowJobStatusResponseExample", "job_status");
}

#[test]
fn unknown_values_and_fields_survive_a_round_trip() {
    let mut raw = example("TicketResponseExample")["ticket"].clone();
    raw["status"] = "archived_by_robot".into();
    raw["brand_new_field"] = serde_json::json!({"nested": [1, 2]});
    let ticket: Ticket = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(
        ticket.status,
        Some(TicketStatus::Other("archived_by_robot".into()))
    );
    assert_eq!(
        ticket.extra.get("brand_new_field").as_ref(),
        Some(&raw["brand_new_field"])
    );
    let back = serde_json::to_value(&ticket).unwrap();
    for (key, value) in raw.as_object().unwrap() {
        if !value.is_null() {
            assert_eq!(&back[key], value, "{key}");
        }
    }
}

#[test]
fn null_lists_decode_as_empty() {
    let t: Ticket = serde_json::from_str(
        r#"{"id":1,"tags":null,"custom_fields":null,"collaborator_ids":null}"#,
    )
    .unwrap();
    assert!(t.tags.is_empty() && t.custom_fields.is_empty());
    let o: Organization =
        serde_json::from_str(r#"{"id":1,"organization_fields":null,"domain_names":null}"#).unwrap();
    assert!(o.organization_fields.is_empty());
}
