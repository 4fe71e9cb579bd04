//! Program 2: Zendesk tickets → Cases (or Tasks) in Salesforce, on the requester's Contact.
//!
//! ```text
//! ZENDESK_SUBDOMAIN=acme ZENDESK_EMAIL=agent@acme.com ZENDESK_API_TOKEN=… \
//! SF_INSTANCE_URL=https://acme.my.salesforce.com SF_ACCESS_TOKEN=… \
//!   cargo run -p atom-examples --example zendesk_to_salesforce [-- --watch 60]
//! ```
//!
//! Settings: `atom_examples::sync::env` (credentials, checkpoint directory) and
//! `atom_examples::sync::zendesk_to_salesforce::Config::from_env` (object, fields, status
//! maps, start). The offline tour runs the same program against local mocks.

use atom_examples::sync::zendesk_to_salesforce::{Config, run_once};
use atom_examples::sync::{NoHook, env};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("zendesk_to_salesforce: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let zendesk = env::zendesk()?;
    let salesforce = env::salesforce()?;
    let store = env::checkpoints()?;
    env::repeat(|| run_once(&zendesk, &salesforce, store.clone(), &config, &NoHook)).await
}
