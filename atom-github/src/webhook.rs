//! Webhooks: `X-Hub-Signature-256` verification, typed events, and a test signer.
//!
//! GitHub signs the raw body with HMAC-SHA256 under the webhook secret and sends
//! `X-Hub-Signature-256: sha256=<hex>`. [`Webhook::verify`] checks it against one or more
//! secrets (for rotation) in constant time, on the bytes as received, then decodes the
//! event named by `X-GitHub-Event`: typed for `ping`, `push`, `issues`, `issue_comment` and
//! `pull_request`, and [`WebhookEvent::Other`] with the raw JSON for every other event.
//! GitHub signs no timestamp (so there is no tolerance to set): deduplicate replays by
//! `X-GitHub-Delivery` ([`Delivery::id`]).
//!
//! ```
//! use atom_core::Secret;
//! use atom_github::webhook::{self, Webhook, WebhookEvent};
//! let secret = Secret::new("It's a Secret to Everybody");
//! let body = br#"{"zen":"Design for failure.","hook_id":1}"#;
//! let headers = webhook::test_headers(&secret, "ping", "d-1", body);
//! let delivery = Webhook::new([secret]).verify(&headers, body)?;
//! assert!(matches!(delivery.event, WebhookEvent::Ping(_)));
//! # Ok::<(), atom_core::Error>(())
//! ```

use atom_core::webhook::{
    SignatureEncoding, WebhookVerifier, sign as core_sign, verify_hmac_sha256,
};
use atom_core::{Error, ErrorKind, Result, Secret};
use http::{HeaderMap, HeaderValue};
use serde_json::Value;

use crate::error::SERVICE;
use crate::models::{Issue, IssueComment, Label, PullRequest, Repository, SimpleUser, Timestamp};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// The event name header.
pub const EVENT_HEADER: &str = "x-github-event";
/// The delivery id header.
pub const DELIVERY_HEADER: &str = "x-github-delivery";

model! {
    /// `ping`: sent when a webhook is created.
    pub struct PingEvent {
        /// A random line of GitHub zen.
        pub zen: Option<String>,
        /// The webhook's id.
        pub hook_id: Option<u64>,
        /// The webhook's configuration.
        pub hook: Option<Value>,
        /// The repository (repository webhooks).
        pub repository: Option<Repository>,
        /// Who created the webhook.
        pub sender: Option<SimpleUser>,
    }
}

model! {
    /// A git identity in a push.
    pub struct PushActor {
        /// The name.
        pub name: Option<String>,
        /// The e-mail.
        pub email: Option<String>,
        /// The GitHub login, when the e-mail matches an account.
        pub username: Option<String>,
    }
}

model! {
    /// A commit in a push.
    pub struct PushCommit {
        /// The commit id.
        pub id: String,
        /// The message.
        pub message: String,
        /// When it was made.
        pub timestamp: Option<Timestamp>,
        /// The web page.
        pub url: Option<String>,
        /// The author.
        pub author: Option<PushActor>,
        /// Whether it is new to this repository.
        pub distinct: Option<bool>,
        /// Paths added.
        pub added: Vec<String>,
        /// Paths removed.
        pub removed: Vec<String>,
        /// Paths modified.
        pub modified: Vec<String>,
    }
}

model! {
    /// The repository of a push (its timestamps are Unix seconds, unlike elsewhere; they
    /// stay in `extra`).
    pub struct PushRepository {
        /// The numeric id.
        pub id: u64,
        /// The name.
        pub name: String,
        /// `owner/name`.
        pub full_name: String,
        /// Whether it is private.
        pub private: Option<bool>,
        /// The web page.
        pub html_url: Option<String>,
        /// The default branch.
        pub default_branch: Option<String>,
    }
}

model! {
    /// `push`: commits pushed to a branch or tag, or a ref created or deleted.
    pub struct PushEvent {
        /// The full ref (`refs/heads/main`).
        @rename("ref")
        pub git_ref: String,
        /// The ref's commit before the push (zeros when created).
        pub before: String,
        /// The ref's commit after the push (zeros when deleted).
        pub after: String,
        /// Whether the push created the ref.
        pub created: Option<bool>,
        /// Whether the push deleted the ref.
        pub deleted: Option<bool>,
        /// Whether it was a force push.
        pub forced: Option<bool>,
        /// A comparison URL.
        pub compare: Option<String>,
        /// The pushed commits (at most 20).
        pub commits: Vec<PushCommit>,
        /// The newest commit.
        pub head_commit: Option<PushCommit>,
        /// The repository.
        pub repository: PushRepository,
        /// Who pushed.
        pub pusher: Option<PushActor>,
        /// The account that triggered the event.
        pub sender: Option<SimpleUser>,
    }
}

model! {
    /// `issues`: an issue was opened, edited, closed, labeled, ...
    pub struct IssuesEvent {
        /// `opened`, `edited`, `closed`, `reopened`, `labeled`, ...
        pub action: String,
        /// The issue.
        pub issue: Issue,
        /// The label added or removed (`labeled`/`unlabeled`).
        pub label: Option<Label>,
        /// Previous values (`edited`).
        pub changes: Option<Value>,
        /// The repository.
        pub repository: Option<Repository>,
        /// The account that triggered the event.
        pub sender: Option<SimpleUser>,
    }
}

model! {
    /// `issue_comment`: a comment on an issue or pull request was created, edited or deleted.
    pub struct IssueCommentEvent {
        /// `created`, `edited` or `deleted`.
        pub action: String,
        /// The issue (or pull request) commented on.
        pub issue: Issue,
        /// The comment.
        pub comment: IssueComment,
        /// Previous values (`edited`).
        pub changes: Option<Value>,
        /// The repository.
        pub repository: Option<Repository>,
        /// The account that triggered the event.
        pub sender: Option<SimpleUser>,
    }
}

model! {
    /// `pull_request`: a pull request was opened, synchronized, closed, ...
    pub struct PullRequestEvent {
        /// `opened`, `synchronize`, `closed`, `reopened`, `edited`, ...
        pub action: String,
        /// The pull request number.
        pub number: u64,
        /// The pull request.
        pub pull_request: PullRequest,
        /// Previous values (`edited`).
        pub changes: Option<Value>,
        /// The repository.
        pub repository: Option<Repository>,
        /// The account that triggered the event.
        pub sender: Option<SimpleUser>,
    }
}

/// A webhook event.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
#[serde(tag = "event", content = "payload", rename_all = "snake_case")]
pub enum WebhookEvent {
    /// `ping`.
    Ping(Box<PingEvent>),
    /// `push`.
    Push(Box<PushEvent>),
    /// `issues`.
    Issues(Box<IssuesEvent>),
    /// `issue_comment`.
    IssueComment(Box<IssueCommentEvent>),
    /// `pull_request`.
    PullRequest(Box<PullRequestEvent>),
    /// Any other event, raw.
    Other {
        /// The `X-GitHub-Event` value.
        name: String,
        /// The payload.
        payload: Value,
    },
}

/// A verified delivery.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Delivery {
    /// `X-GitHub-Delivery`: a unique id, for deduplication.
    pub id: Option<String>,
    /// `X-GitHub-Event`.
    pub event_name: String,
    /// The event.
    pub event: WebhookEvent,
}

/// GitHub's webhook check, built once with the webhook secrets (several while one is
/// rotated): [`verify`](Self::verify) authenticates a delivery and decodes its event.
#[derive(Clone)]
pub struct Webhook {
    secrets: Vec<Secret>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Webhook {
    /// A check against any of `secrets`.
    pub fn new(secrets: impl IntoIterator<Item = Secret>) -> Self {
        Self {
            secrets: secrets.into_iter().collect(),
        }
    }

    /// Checks `X-Hub-Signature-256` (`sha256=<hex>`) over the raw `body` in constant time
    /// (a missing, malformed or wrong signature is `WebhookSignature`), then decodes the
    /// event named by `X-GitHub-Event` (missing: `InvalidRequest`; a body that does not
    /// decode: `Decode`).
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        check_signature(&self.secrets, body, text(SIGNATURE_HEADER))?;
        let event_name = text(EVENT_HEADER)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidRequest,
                    SERVICE,
                    "the X-GitHub-Event header is missing",
                )
            })?
            .to_owned();
        Ok(Delivery {
            id: text(DELIVERY_HEADER).map(str::to_owned),
            event: parse(&event_name, body)?,
            event_name,
        })
    }
}

impl WebhookVerifier for Webhook {
    type Event = Delivery;

    fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Delivery> {
        Webhook::verify(self, headers, body)
    }
}

fn check_signature(secrets: &[Secret], body: &[u8], signature: Option<&str>) -> Result<()> {
    let Some(signature) = signature else {
        return Err(signature_error("the X-Hub-Signature-256 header is missing"));
    };
    let Some(hex) = signature.trim().strip_prefix("sha256=") else {
        return Err(signature_error(
            "X-Hub-Signature-256 must start with `sha256=`",
        ));
    };
    verify_hmac_sha256(SERVICE, secrets, &[body], &[hex], SignatureEncoding::Hex)
}

fn signature_error(message: &str) -> Error {
    Error::new(ErrorKind::WebhookSignature, SERVICE, message).with_retryable(false)
}

fn typed<T: serde::de::DeserializeOwned>(name: &str, body: &[u8]) -> Result<Box<T>> {
    serde_json::from_slice(body).map(Box::new).map_err(|e| {
        Error::decode(
            SERVICE,
            format!("`{name}` webhook payload did not decode: {e}"),
        )
    })
}

/// Decodes a payload by its `X-GitHub-Event` name. This proves nothing about the sender:
/// use [`Webhook::verify`] on deliveries, this on payloads already authenticated.
pub fn parse(event_name: &str, body: &[u8]) -> Result<WebhookEvent> {
    Ok(match event_name {
        "ping" => WebhookEvent::Ping(typed(event_name, body)?),
        "push" => WebhookEvent::Push(typed(event_name, body)?),
        "issues" => WebhookEvent::Issues(typed(event_name, body)?),
        "issue_comment" => WebhookEvent::IssueComment(typed(event_name, body)?),
        "pull_request" => WebhookEvent::PullRequest(typed(event_name, body)?),
        other => WebhookEvent::Other {
            name: other.to_owned(),
            payload: serde_json::from_slice(body).map_err(|e| {
                Error::decode(
                    SERVICE,
                    format!("`{other}` webhook payload is not JSON: {e}"),
                )
            })?,
        },
    })
}

/// The `X-Hub-Signature-256` value for `body` under `secret` (test signer).
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    format!(
        "sha256={}",
        core_sign(secret, &[body], SignatureEncoding::Hex)
    )
}

/// The headers GitHub would send with `body` (test signer).
pub fn test_headers(
    secret: &Secret,
    event_name: &str,
    delivery_id: &str,
    body: &[u8],
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    put(SIGNATURE_HEADER, &sign(secret, body));
    put(EVENT_HEADER, event_name);
    put(DELIVERY_HEADER, delivery_id);
    put("user-agent", "GitHub-Hookshot/atom-test");
    put("content-type", "application/json");
    headers
}
