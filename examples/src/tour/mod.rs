//! The offline tour, one leg per connector. Each leg is self-contained: it starts its own
//! local mock server and prints what a user would see.

use serde::Serialize;

pub mod core;
pub mod github;
pub mod hubspot;
pub mod quickbooks;
pub mod reconcile;
pub mod salesforce;
pub mod stripe;
pub mod sync_stripe;
pub mod sync_zendesk;
pub mod zendesk;

/// What a leg returns: any error ends the tour with a non-zero exit.
pub type LegResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Prints a section heading.
pub fn section(title: &str) {
    println!("\n== {title} ==");
}

/// Prints one step.
pub fn step(text: &str) {
    println!("  - {text}");
}

/// Prints a value as indented, pretty JSON (an envelope, a model).
pub fn show<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(json) => {
            for line in json.lines() {
                println!("    {line}");
            }
        }
        Err(e) => println!("    (not printable: {e})"),
    }
}

/// Fails the leg with a message when a tour expectation does not hold.
pub fn ensure(condition: bool, what: &str) -> LegResult {
    if condition {
        Ok(())
    } else {
        Err(format!("tour check failed: {what}").into())
    }
}
