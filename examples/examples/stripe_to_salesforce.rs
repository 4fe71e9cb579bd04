//! Program 1: Stripe payments and paid invoices → Closed Won Opportunities in Salesforce.
//!
//! ```text
//! STRIPE_SECRET_KEY=sk_live_… SF_INSTANCE_URL=https://acme.my.salesforce.com SF_ACCESS_TOKEN=… \
//!   cargo run -p atom-examples --example stripe_to_salesforce [-- --watch 60]
//! ```
//!
//! Settings: `atom_examples::sync::env` (credentials, checkpoint directory) and
//! `atom_examples::sync::stripe_to_salesforce::Config::from_env` (fields, stage, start).
//! The offline tour runs the same program against local mocks.

use atom_examples::sync::stripe_to_salesforce::{Config, run_once};
use atom_examples::sync::{NoHook, env};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("stripe_to_salesforce: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let stripe = env::stripe()?;
    let salesforce = env::salesforce()?;
    let store = env::checkpoints()?;
    env::repeat(|| run_once(&stripe, &salesforce, store.clone(), &config, &NoHook)).await
}
