//! Program 3: Stripe payouts reconciled with QuickBooks deposits, once or continuously.
//!
//! ```text
//! cargo run -p atom-examples --example reconcile              # one pass
//! cargo run -p atom-examples --example reconcile -- --watch 300   # a pass every 5 minutes
//! ```
//!
//! Environment:
//!
//! * `STRIPE_SECRET_KEY`: a secret or restricted key that can read payouts and balance
//!   transactions (`STRIPE_BASE_URL` points the client elsewhere, a mock);
//! * `QB_REALM_ID`: the QuickBooks company id; `QB_ENVIRONMENT`: `production` (default)
//!   or `sandbox` (`QB_BASE_URL` points the client elsewhere);
//! * QuickBooks credentials, either `QB_ACCESS_TOKEN` (a fixed bearer token), or
//!   `QB_CLIENT_ID`, `QB_CLIENT_SECRET` and `QB_TOKEN_DIR`: the directory of the
//!   `FileTokenStore` an earlier OAuth consent stored the realm's token in (refreshed as
//!   needed; `QB_REDIRECT_URL` is the app's registered redirect URL);
//! * `RECONCILE_BANK_ACCOUNT_ID`, `RECONCILE_INCOME_ACCOUNT_ID`,
//!   `RECONCILE_FEES_ACCOUNT_ID`: QuickBooks account ids (checked before any write);
//!   optional `RECONCILE_HOME_CURRENCY`, `RECONCILE_SINCE`;
//! * `RECONCILE_CHECKPOINT_DIR`: where the checkpoint is kept (default
//!   `.atom-checkpoints`).

use std::sync::Arc;
use std::time::Duration;

use atom_core::{
    Error, ErrorKind, FileCheckpointStore, FileTokenStore, OAuthAuthenticator, Secret,
};
use atom_examples::sync::reconcile::{self, Config, SERVICE};
use atom_examples::sync::{CheckpointSlot, NoHook};
use atom_quickbooks::Environment;
use atom_quickbooks::auth::{self, Endpoints, scopes};

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required(name: &str, what: &str) -> atom_core::Result<String> {
    var(name).ok_or_else(|| Error::config(SERVICE, format!("set {name} ({what})")))
}

fn stripe_client() -> atom_core::Result<atom_stripe::Client> {
    let key = required("STRIPE_SECRET_KEY", "a Stripe secret or restricted key")?;
    let mut builder = atom_stripe::Client::builder().secret_key(Secret::new(key));
    if let Some(url) = var("STRIPE_BASE_URL") {
        builder = builder.base_url(url);
    }
    builder.build()
}

fn quickbooks_client() -> atom_core::Result<atom_quickbooks::Client> {
    let realm = required("QB_REALM_ID", "the QuickBooks company id")?;
    let sandbox = var("QB_ENVIRONMENT").is_some_and(|e| e.eq_ignore_ascii_case("sandbox"));
    let mut builder = atom_quickbooks::Client::builder()
        .realm_id(&realm)
        .environment(if sandbox {
            Environment::Sandbox
        } else {
            Environment::Production
        });
    if let Some(url) = var("QB_BASE_URL") {
        builder = builder.base_url(url);
    }
    if let Some(token) = var("QB_ACCESS_TOKEN") {
        return builder.access_token(Secret::new(token)).build();
    }
    let client_id = required("QB_CLIENT_ID", "or QB_ACCESS_TOKEN")?;
    let secret = required("QB_CLIENT_SECRET", "the app's client secret")?;
    let dir = required(
        "QB_TOKEN_DIR",
        "the token store directory of an earlier consent",
    )?;
    let redirect = var("QB_REDIRECT_URL").unwrap_or_else(|| "http://localhost/callback".into());
    let endpoints = if sandbox {
        Endpoints::sandbox()
    } else {
        Endpoints::production()
    };
    let oauth = auth::oauth_client(
        &endpoints,
        &client_id,
        Secret::new(secret),
        &redirect,
        &[scopes::ACCOUNTING],
    )?;
    let store = Arc::new(FileTokenStore::new(dir)?);
    let manager = auth::token_manager(oauth, store, &realm)?;
    builder
        .authenticator(Arc::new(OAuthAuthenticator::new(manager)))
        .build()
}

/// `--watch <secs>`, or none for one pass.
fn watch_interval() -> atom_core::Result<Option<Duration>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, secs] if flag == "--watch" => secs
            .parse::<u64>()
            .ok()
            .filter(|s| *s > 0)
            .map(|s| Some(Duration::from_secs(s)))
            .ok_or_else(|| Error::config(SERVICE, "--watch takes a number of seconds above 0")),
        _ => Err(Error::config(SERVICE, "usage: reconcile [--watch <secs>]")),
    }
}

async fn main_inner() -> Result<(), Box<dyn std::error::Error>> {
    let interval = watch_interval()?;
    let config = Config::from_env()?;
    let stripe = stripe_client()?;
    let qb = quickbooks_client()?;
    let dir = var("RECONCILE_CHECKPOINT_DIR").unwrap_or_else(|| ".atom-checkpoints".into());
    let store = Arc::new(FileCheckpointStore::new(dir)?);
    let mut slot = CheckpointSlot::load(store, reconcile::checkpoint_key()).await?;
    loop {
        match reconcile::run_once(&stripe, &qb, &config, &mut slot, &NoHook).await {
            Ok(report) => println!("reconcile: {}", report.to_string().trim_end()),
            // A wrong setting or a second worker on the same checkpoint: waiting won't help.
            Err(e) if matches!(e.kind(), Some(ErrorKind::Config | ErrorKind::Conflict)) => {
                return Err(e.into());
            }
            Err(e) if interval.is_some() => eprintln!("reconcile: this pass failed: {e}"),
            Err(e) => return Err(e.into()),
        }
        let Some(interval) = interval else {
            return Ok(());
        };
        tokio::time::sleep(interval).await;
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = main_inner().await {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
