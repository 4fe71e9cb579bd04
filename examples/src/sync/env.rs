//! Clients and stores of the runnable programs, from the environment.
//!
//! | Variable | Meaning |
//! |---|---|
//! | `STRIPE_SECRET_KEY` | Stripe secret or restricted key (`sk_…`, `rk_…`) |
//! | `SF_INSTANCE_URL`, `SF_ACCESS_TOKEN` | a Salesforce session, for one-off runs |
//! | `ATOM_TOKEN_DIR`, `SF_ORG_ID`, `SF_CLIENT_ID`, `SF_CLIENT_SECRET` | or a token saved by a `FileTokenStore` in that directory, refreshed through the connected app (`SF_LOGIN_HOST`: `sandbox` or a My Domain URL; default production) |
//! | `ZENDESK_SUBDOMAIN`, `ZENDESK_EMAIL`, `ZENDESK_API_TOKEN` | a Zendesk account and an agent's API token (or `ZENDESK_OAUTH_TOKEN` instead of the last two) |
//! | `ATOM_CHECKPOINT_DIR` | where checkpoints are kept (default `./atom-checkpoints`) |

use std::sync::Arc;

use atom_core::{
    CheckpointStore, FileCheckpointStore, FileTokenStore, Result, Secret, TokenKey, TokenManager,
};
use atom_salesforce::auth::{LoginHost, oauth_client};
use url::Url;

use super::salesforce::config_error;

/// An environment variable, unless unset or blank.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The settings every feed-driven program reads the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Common {
    /// `ATOM_SYNC_SINCE`: where a first run starts (RFC 3339).
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// `ATOM_SYNC_BATCH`: changes per batch, 1 to `max_batch`.
    pub batch: Option<usize>,
    /// `ATOM_SYNC_CONSUMER`: the checkpoint's consumer name.
    pub consumer: Option<String>,
}

/// Reads [`Common`], refusing a bad value by the variable's name.
pub fn common(max_batch: usize) -> Result<Common> {
    let since = match var("ATOM_SYNC_SINCE") {
        Some(v) => Some(
            chrono::DateTime::parse_from_rfc3339(&v)
                .map_err(|e| {
                    config_error(format!("ATOM_SYNC_SINCE is not an RFC 3339 time ({e})"))
                })?
                .with_timezone(&chrono::Utc),
        ),
        None => None,
    };
    let batch = match var("ATOM_SYNC_BATCH") {
        Some(v) => Some(
            v.parse()
                .ok()
                .filter(|n| (1..=max_batch).contains(n))
                .ok_or_else(|| config_error(format!("ATOM_SYNC_BATCH must be 1 to {max_batch}")))?,
        ),
        None => None,
    };
    Ok(Common {
        since,
        batch,
        consumer: var("ATOM_SYNC_CONSUMER"),
    })
}

/// Runs a program once and prints its report as JSON, then again every `--watch` seconds.
pub async fn repeat<F, Fut, R>(mut once: F) -> std::result::Result<(), Box<dyn std::error::Error>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = std::result::Result<R, super::SyncError>>,
    R: serde::Serialize,
{
    let watch = watch_interval()?;
    loop {
        let report = once().await?;
        println!("{}", serde_json::to_string_pretty(&report)?);
        match watch {
            Some(every) => tokio::time::sleep(every).await,
            None => return Ok(()),
        }
    }
}

/// The Stripe client of `STRIPE_SECRET_KEY`.
pub fn stripe() -> Result<atom_stripe::Client> {
    let key = var("STRIPE_SECRET_KEY")
        .ok_or_else(|| config_error("set STRIPE_SECRET_KEY to a secret or restricted key"))?;
    atom_stripe::Client::new(Secret::new(key))
}

/// The Zendesk client of `ZENDESK_SUBDOMAIN` with an API token or an OAuth token.
pub fn zendesk() -> Result<atom_zendesk::Client> {
    let subdomain = var("ZENDESK_SUBDOMAIN")
        .ok_or_else(|| config_error("set ZENDESK_SUBDOMAIN (acme for acme.zendesk.com)"))?;
    let builder = atom_zendesk::Client::builder().subdomain(subdomain);
    let builder = match (
        var("ZENDESK_EMAIL"),
        var("ZENDESK_API_TOKEN"),
        var("ZENDESK_OAUTH_TOKEN"),
    ) {
        (Some(email), Some(token), _) => builder.api_token(email, Secret::new(token)),
        (_, _, Some(token)) => builder.bearer(Secret::new(token)),
        _ => {
            return Err(config_error(
                "set ZENDESK_EMAIL and ZENDESK_API_TOKEN, or ZENDESK_OAUTH_TOKEN",
            ));
        }
    };
    builder.build()
}

/// The Salesforce client of `SF_INSTANCE_URL` + `SF_ACCESS_TOKEN`, or of the token the
/// `FileTokenStore` in `ATOM_TOKEN_DIR` keeps for `SF_ORG_ID` (refreshed, and the rotated
/// token saved back, through the connected app `SF_CLIENT_ID`).
pub fn salesforce() -> Result<atom_salesforce::Client> {
    if let (Some(instance), Some(token)) = (var("SF_INSTANCE_URL"), var("SF_ACCESS_TOKEN")) {
        return atom_salesforce::Client::builder()
            .base_url(instance)
            .access_token(Secret::new(token))
            .build();
    }
    let (Some(dir), Some(org), Some(client_id)) =
        (var("ATOM_TOKEN_DIR"), var("SF_ORG_ID"), var("SF_CLIENT_ID"))
    else {
        return Err(config_error(
            "set SF_INSTANCE_URL and SF_ACCESS_TOKEN, or ATOM_TOKEN_DIR, SF_ORG_ID and \
             SF_CLIENT_ID (and SF_CLIENT_SECRET) for a stored, refreshable token",
        ));
    };
    let host = match var("SF_LOGIN_HOST").as_deref() {
        None | Some("production") => LoginHost::Production,
        Some("sandbox") => LoginHost::Sandbox,
        Some(url) => LoginHost::MyDomain(
            Url::parse(url).map_err(|e| config_error(format!("SF_LOGIN_HOST: {e}")))?,
        ),
    };
    let redirect = var("SF_REDIRECT_URL").unwrap_or_else(|| "http://localhost/callback".into());
    let oauth = oauth_client(
        &host,
        &client_id,
        var("SF_CLIENT_SECRET").map(Secret::new),
        &redirect,
        &["api", "refresh_token"],
    )?;
    let store = FileTokenStore::new(dir)?;
    let manager = TokenManager::new(
        TokenKey::new("salesforce", org),
        Arc::new(store),
        Arc::new(oauth),
    );
    atom_salesforce::Client::new(Arc::new(manager))
}

/// The checkpoint store in `ATOM_CHECKPOINT_DIR` (default `./atom-checkpoints`).
pub fn checkpoints() -> Result<Arc<dyn CheckpointStore>> {
    let dir = var("ATOM_CHECKPOINT_DIR").unwrap_or_else(|| "atom-checkpoints".into());
    Ok(Arc::new(FileCheckpointStore::new(dir)?))
}

/// `--watch <seconds>` from the command line: run again every so often.
pub fn watch_interval() -> Result<Option<std::time::Duration>> {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().position(|a| a == "--watch") {
        None => Ok(None),
        Some(at) => args
            .get(at + 1)
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map(|s| Some(std::time::Duration::from_secs(s)))
            .ok_or_else(|| config_error("--watch takes a number of seconds")),
    }
}
