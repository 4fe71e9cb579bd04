//! Help Center: categories, sections, articles and labels.

use atom_core::Extra;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A Help Center category (`category`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Category {
    /// The id.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The locale.
    #[serde(default)]
    pub locale: Option<String>,
    /// The page for readers.
    #[serde(default)]
    pub html_url: Option<String>,
    /// The position.
    #[serde(default)]
    pub position: Option<i64>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Help Center section (`section`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Section {
    /// The id.
    pub id: u64,
    /// The category.
    #[serde(default)]
    pub category_id: Option<u64>,
    /// The parent section, for nested sections.
    #[serde(default)]
    pub parent_section_id: Option<u64>,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// The description.
    #[serde(default)]
    pub description: Option<String>,
    /// The locale.
    #[serde(default)]
    pub locale: Option<String>,
    /// The page for readers.
    #[serde(default)]
    pub html_url: Option<String>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Help Center article (`article`); search results add a `snippet` (in `extra`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Article {
    /// The id.
    pub id: u64,
    /// The API URL.
    #[serde(default)]
    pub url: Option<String>,
    /// The page for readers.
    #[serde(default)]
    pub html_url: Option<String>,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// The HTML body.
    #[serde(default)]
    pub body: Option<String>,
    /// The locale.
    #[serde(default)]
    pub locale: Option<String>,
    /// The source locale.
    #[serde(default)]
    pub source_locale: Option<String>,
    /// The section.
    #[serde(default)]
    pub section_id: Option<u64>,
    /// The author.
    #[serde(default)]
    pub author_id: Option<u64>,
    /// Whether it is a draft.
    #[serde(default)]
    pub draft: Option<bool>,
    /// Whether it is promoted.
    #[serde(default)]
    pub promoted: Option<bool>,
    /// Labels.
    #[serde(default, deserialize_with = "super::common::null_default")]
    pub label_names: Vec<String>,
    /// Net votes.
    #[serde(default)]
    pub vote_sum: Option<i64>,
    /// The search snippet (search results only).
    #[serde(default)]
    pub snippet: Option<String>,
    /// Created.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// Last updated.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An article label (`label`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Label {
    /// The id.
    pub id: u64,
    /// The name.
    #[serde(default)]
    pub name: Option<String>,
    /// Fields this version does not name.
    #[serde(flatten)]
    pub extra: Extra,
}
