//! Example programs for the atom connectors.
//!
//! [`tour`] is the offline tour: with no credentials in the environment it starts local mock
//! servers loaded with payloads from the providers' official API descriptions and walks every
//! connector through its main paths, printing envelopes. Run it with
//! `cargo run -p atom-examples --example tour`.

pub mod mock;
pub mod sync;
pub mod tour;

/// The README's code, compiled by `cargo test --doc` so that it cannot go stale.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
