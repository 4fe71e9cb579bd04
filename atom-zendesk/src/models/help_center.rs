//! Help Center: categories, sections, articles and labels.

use chrono::{DateTime, Utc};

atom_core::model! {
    /// A Help Center category (`category`).
    pub struct Category {
        /// The id.
        pub id: u64,
        /// The name.
        pub name: Option<String>,
        /// The description.
        pub description: Option<String>,
        /// The locale.
        pub locale: Option<String>,
        /// The page for readers.
        pub html_url: Option<String>,
        /// The position.
        pub position: Option<i64>,
    }
}

atom_core::model! {
    /// A Help Center section (`section`).
    pub struct Section {
        /// The id.
        pub id: u64,
        /// The category.
        pub category_id: Option<u64>,
        /// The parent section, for nested sections.
        pub parent_section_id: Option<u64>,
        /// The name.
        pub name: Option<String>,
        /// The description.
        pub description: Option<String>,
        /// The locale.
        pub locale: Option<String>,
        /// The page for readers.
        pub html_url: Option<String>,
    }
}

atom_core::model! {
    /// A Help Center article (`article`); search results add a `snippet` (in `extra`).
    pub struct Article {
        /// The id.
        pub id: u64,
        /// The API URL.
        pub url: Option<String>,
        /// The page for readers.
        pub html_url: Option<String>,
        /// The title.
        pub title: Option<String>,
        /// The HTML body.
        pub body: Option<String>,
        /// The locale.
        pub locale: Option<String>,
        /// The source locale.
        pub source_locale: Option<String>,
        /// The section.
        pub section_id: Option<u64>,
        /// The author.
        pub author_id: Option<u64>,
        /// Whether it is a draft.
        pub draft: Option<bool>,
        /// Whether it is promoted.
        pub promoted: Option<bool>,
        /// Labels.
        @deserialize_with(super::common::null_default)
        pub label_names: Vec<String>,
        /// Net votes.
        pub vote_sum: Option<i64>,
        /// The search snippet (search results only).
        pub snippet: Option<String>,
        /// Created.
        pub created_at: Option<DateTime<Utc>>,
        /// Last updated.
        pub updated_at: Option<DateTime<Utc>>,
    }
}

atom_core::model! {
    /// An article label (`label`).
    pub struct Label {
        /// The id.
        pub id: u64,
        /// The name.
        pub name: Option<String>,
    }
}
