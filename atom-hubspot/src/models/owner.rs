//! Owners: the users records are assigned to.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::object::id_text;
use super::time::lenient;

/// An owner (`GET /crm/v3/owners`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Owner {
    /// The owner id (the value of `hubspot_owner_id`).
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// First name.
    #[serde(rename = "firstName", default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(rename = "lastName", default)]
    pub last_name: Option<String>,
    /// The user id behind the owner.
    #[serde(rename = "userId", default)]
    pub user_id: Option<i64>,
    /// Teams.
    #[serde(default)]
    pub teams: Vec<Team>,
    /// Whether the owner is archived (deactivated user).
    #[serde(default)]
    pub archived: bool,
    /// When created.
    #[serde(rename = "createdAt", default, deserialize_with = "lenient")]
    pub created_at: Option<DateTime<Utc>>,
    /// When last changed.
    #[serde(rename = "updatedAt", default, deserialize_with = "lenient")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Fields the crate does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A team an owner belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Team {
    /// The team id.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Whether it is the owner's primary team.
    #[serde(default)]
    pub primary: bool,
}
