//! The offline tour of the atom connectors: `cargo run -p atom-examples --example tour`.

use atom_examples::tour;

#[tokio::main]
async fn main() {
    let legs: [(&str, tour::LegResult); 10] = [
        ("core", tour::core::run().await),
        ("stripe", tour::stripe::run().await),
        ("github", tour::github::run().await),
        ("salesforce", tour::salesforce::run().await),
        ("zendesk", tour::zendesk::run().await),
        ("quickbooks", tour::quickbooks::run().await),
        ("hubspot", tour::hubspot::run().await),
        ("sync stripe→salesforce", tour::sync_stripe::run().await),
        ("sync zendesk→salesforce", tour::sync_zendesk::run().await),
        ("sync stripe↔quickbooks", tour::reconcile::run().await),
    ];
    let mut failed = false;
    println!();
    for (name, result) in &legs {
        match result {
            Ok(()) => println!("tour leg {name}: ok"),
            Err(e) => {
                failed = true;
                println!("tour leg {name}: FAILED: {e}");
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
