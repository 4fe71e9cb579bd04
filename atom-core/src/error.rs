//! One error taxonomy for every provider.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::redact::scrub;

/// What went wrong, independent of the provider.
///
/// Match on this, never on message text. [`ErrorKind::code`] gives the stable upper-case code
/// used in [`crate::Envelope`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The credentials were refused (401) and a refresh did not help.
    Unauthorized,
    /// The refresh token is dead (`invalid_grant`): the user must consent again.
    ReauthorizationRequired,
    /// Authenticated but not allowed (403).
    Forbidden,
    /// The resource does not exist, or is hidden from these credentials (404).
    NotFound,
    /// A conflicting change (409, a stale version such as a QuickBooks `SyncToken`).
    Conflict,
    /// The provider rejected the input (400/422, validation).
    InvalidRequest,
    /// A payment was declined by the card issuer or bank (Stripe `card_error`).
    PaymentDeclined,
    /// Too many requests: see [`Error::retry_after`].
    RateLimited,
    /// The provider failed (5xx).
    Server,
    /// No response within the timeout or the overall deadline.
    Timeout,
    /// The connection failed or broke.
    Network,
    /// The response could not be understood (bad JSON, unexpected shape, paging loop).
    Decode,
    /// The client is set up wrongly (bad base URL, missing credential, invalid id).
    Config,
    /// A webhook signature is missing, malformed, stale or does not match.
    WebhookSignature,
    /// The token store failed or refused a write.
    Storage,
    /// A redirect was not followed: too many hops, a loop, a downgrade to plain http, a
    /// request body bound for another origin, or no usable `Location` (see
    /// [`Error::location`]).
    Redirect,
    /// A change feed cannot resume without losing changes: the checkpoint (or the start
    /// time) is older than what the provider keeps (Stripe's 30 days of events). The
    /// [`crate::feed::FeedGap`] details say what was lost; the caller must resynchronise
    /// and start a new feed, which it does deliberately, never by a silent skip.
    FeedGap,
}

impl ErrorKind {
    /// The stable code used in envelopes, e.g. `RATE_LIMITED`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unauthorized => "UNAUTHORIZED",
            Self::ReauthorizationRequired => "REAUTHORIZATION_REQUIRED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::InvalidRequest => "INVALID_REQUEST",
            Self::PaymentDeclined => "PAYMENT_DECLINED",
            Self::RateLimited => "RATE_LIMITED",
            Self::Server => "SERVER_ERROR",
            Self::Timeout => "TIMEOUT",
            Self::Network => "NETWORK_ERROR",
            Self::Decode => "DECODE_ERROR",
            Self::Config => "CONFIG_ERROR",
            Self::WebhookSignature => "WEBHOOK_SIGNATURE",
            Self::Storage => "STORAGE_ERROR",
            Self::Redirect => "REDIRECT_REFUSED",
            Self::FeedGap => "FEED_GAP",
        }
    }

    /// The kind an HTTP error status means when the provider says nothing more specific.
    pub fn from_status(status: u16) -> Self {
        match status {
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 | 410 => Self::NotFound,
            409 | 412 => Self::Conflict,
            408 | 504 => Self::Timeout,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::InvalidRequest,
        }
    }

    /// Whether a later attempt of the same request can succeed without a change.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Self::RateLimited | Self::Server | Self::Timeout | Self::Network
        )
    }
}

/// Further errors a provider sent with the first (Salesforce sends an array).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProviderDetail {
    /// The provider's code for this entry.
    pub code: Option<String>,
    /// The provider's message.
    pub message: String,
    /// Fields or parameters the entry is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// An error from any connector.
///
/// It keeps what a caller needs to act and to report: the service, the HTTP status, the
/// provider's own code and message, the provider's request id, how long to wait, and whether
/// retrying can help. Its text never holds a token or a secret: text that came from
/// elsewhere (a provider's message, a parser's) is scrubbed of credential-shaped words when
/// it is set (see [`crate::redact::scrub`]), and the request path also scrubs the credential
/// values it sent. The one secret it may carry is a refreshed token set the store could not
/// save ([`Error::unsaved_token`]), which no `Display` shows and whose `Debug` is redacted.
///
/// ```
/// use atom_core::{Error, ErrorKind};
/// let err = Error::new(ErrorKind::PaymentDeclined, "stripe", "Your card was declined.")
///     .with_status(402)
///     .with_provider_code("card_declined")
///     .with_request_id("req_123");
/// assert_eq!(
///     err.to_string(),
///     "stripe: card_declined (402): Your card was declined. [request req_123]"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Error(Box<Inner>);

/// Boxed so that `Result<T, Error>` stays one pointer wide on the success path.
#[derive(Debug, Clone)]
struct Inner {
    kind: ErrorKind,
    service: &'static str,
    message: String,
    status: Option<u16>,
    provider_code: Option<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    retryable: bool,
    details: Vec<ProviderDetail>,
    provider_fields: Option<serde_json::Map<String, serde_json::Value>>,
    location: Option<String>,
    details_typed: Option<Arc<dyn ProviderDetails>>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    /// A refreshed token set the store could not save (its `Debug` redacts; never displayed).
    unsaved_token: Option<Box<crate::TokenSet>>,
}

/// A provider crate's typed view of its error body (Stripe's `StripeErrorInfo`, GitHub's
/// validation errors, Salesforce's error array), reachable from any [`Error`] with
/// [`Error::provider_details`]. Every `Debug + Send + Sync` type qualifies.
pub trait ProviderDetails: Any + fmt::Debug + Send + Sync {}
impl<T: Any + fmt::Debug + Send + Sync> ProviderDetails for T {}

/// The text of a cause whose own message may quote data (a JSON parser's "invalid type:
/// string \"…\""), scrubbed like every message; kept as the error's `source()`.
#[derive(Debug)]
struct ScrubbedCause(String);

impl fmt::Display for ScrubbedCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScrubbedCause {}

impl Error {
    /// A new error; `retryable` starts from [`ErrorKind::is_transient`].
    pub fn new(kind: ErrorKind, service: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        let message = match scrub(&message, &[]) {
            Cow::Borrowed(_) => message,
            Cow::Owned(scrubbed) => scrubbed,
        };
        Self(Box::new(Inner {
            kind,
            service,
            message,
            status: None,
            provider_code: None,
            request_id: None,
            retry_after: None,
            retryable: kind.is_transient(),
            details: Vec::new(),
            provider_fields: None,
            location: None,
            details_typed: None,
            source: None,
            unsaved_token: None,
        }))
    }

    /// Shorthand for a [`ErrorKind::Config`] error.
    pub fn config(service: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, service, message)
    }

    /// Shorthand for a [`ErrorKind::Decode`] error.
    pub fn decode(service: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode, service, message)
    }

    /// Sets the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    /// Sets the provider's own error code (`card_declined`, `MALFORMED_QUERY`, `5010`).
    pub fn with_provider_code(mut self, code: impl Into<String>) -> Self {
        let code = code.into();
        self.0.provider_code = Some(scrub(&code, &[]).into_owned());
        self
    }

    /// Sets the request id the provider sent.
    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.0.request_id = Some(id.into());
        self
    }

    /// Sets the request id if one is known.
    pub fn with_request_id_opt(mut self, id: Option<String>) -> Self {
        if id.is_some() {
            self.0.request_id = id;
        }
        self
    }

    /// Sets how long the provider asked us to wait.
    pub fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        self.0.retry_after = wait;
        self
    }

    /// Overrides whether retrying can help.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.0.retryable = retryable;
        self
    }

    /// Replaces the message (scrubbed like every message).
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        let message = message.into();
        self.0.message = scrub(&message, &[]).into_owned();
        self
    }

    /// Sets the service (an error made by shared code on a provider's behalf).
    pub fn with_service(mut self, service: &'static str) -> Self {
        self.0.service = service;
        self
    }

    /// Names `service` when the error still carries the core's placeholder (`"atom"`, from
    /// shared code that cannot know the service), and leaves a provider's name alone.
    pub fn for_service(self, service: &'static str) -> Self {
        if self.0.service == "atom" {
            self.with_service(service)
        } else {
            self
        }
    }

    /// Sets the kind (a provider refining a status-based guess).
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.0.kind = kind;
        self
    }

    /// Adds the further errors the provider sent.
    pub fn with_details(mut self, details: Vec<ProviderDetail>) -> Self {
        self.0.details = details;
        self.scrubbed(&[])
    }

    /// Keeps provider-specific fields of the error body (Stripe `decline_code`, `param`, `doc_url`).
    pub fn with_provider_fields(
        mut self,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        self.0.provider_fields = Some(fields);
        self.scrubbed(&[])
    }

    /// Attaches the provider crate's typed view of the error body. Its `Debug` is part of the
    /// error's `Debug`: pass text that came from the server through
    /// [`crate::redact::scrub`] first, as the error does with its own message.
    ///
    /// ```
    /// use atom_core::{Error, ErrorKind};
    /// #[derive(Debug, PartialEq)]
    /// struct Decline { code: &'static str }
    /// let err = Error::new(ErrorKind::PaymentDeclined, "stripe", "declined")
    ///     .with_provider_details(Decline { code: "insufficient_funds" });
    /// assert_eq!(err.provider_details::<Decline>(), Some(&Decline { code: "insufficient_funds" }));
    /// ```
    pub fn with_provider_details(mut self, details: impl ProviderDetails) -> Self {
        self.0.details_typed = Some(Arc::new(details));
        self
    }

    /// Keeps the error that caused this one (a `reqwest::Error`, an I/O error) as
    /// [`source()`](std::error::Error::source). Its text must hold no secret: use
    /// [`Error::with_cause_text`] for a cause that may quote data.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Arc::new(source));
        self
    }

    /// Keeps a cause as scrubbed text (a parser error that may quote a value).
    pub fn with_cause_text(mut self, cause: impl fmt::Display) -> Self {
        let text = scrub(&cause.to_string(), &[]).into_owned();
        self.0.source = Some(Arc::new(ScrubbedCause(text)));
        self
    }

    /// Sets where a refused redirect pointed (scheme, host and path; no query).
    pub fn with_location(mut self, location: impl Into<String>) -> Self {
        self.0.location = Some(location.into());
        self
    }

    /// Replaces every occurrence of the `known` secret values, and every credential-shaped
    /// word, in all the text the error carries (message, provider code, details, provider
    /// fields).
    ///
    /// ```
    /// use atom_core::{Error, ErrorKind};
    /// let err = Error::new(ErrorKind::InvalidRequest, "example", "bad key k3y-v4lue-123")
    ///     .scrubbed(&["k3y-v4lue-123"]);
    /// assert_eq!(err.message(), "bad key [redacted]");
    /// ```
    pub fn scrubbed(mut self, known: &[&str]) -> Self {
        fn in_place(text: &mut String, known: &[&str]) {
            if let Cow::Owned(scrubbed) = scrub(text, known) {
                *text = scrubbed;
            }
        }
        fn in_value(value: &mut serde_json::Value, known: &[&str]) {
            match value {
                serde_json::Value::String(text) => in_place(text, known),
                serde_json::Value::Array(items) => {
                    items.iter_mut().for_each(|v| in_value(v, known));
                }
                serde_json::Value::Object(map) => {
                    map.values_mut().for_each(|v| in_value(v, known));
                }
                _ => {}
            }
        }
        let inner = &mut *self.0;
        in_place(&mut inner.message, known);
        if let Some(code) = &mut inner.provider_code {
            in_place(code, known);
        }
        for detail in &mut inner.details {
            in_place(&mut detail.message, known);
        }
        if let Some(fields) = &mut inner.provider_fields {
            fields.values_mut().for_each(|v| in_value(v, known));
        }
        self
    }

    /// Attaches a refreshed token set that could not be saved (see [`Error::unsaved_token`]).
    /// `Display` never shows it and `Debug` redacts its secrets.
    pub fn with_unsaved_token(mut self, token: crate::TokenSet) -> Self {
        self.0.unsaved_token = Some(Box::new(token));
        self
    }

    /// The token set a [`crate::TokenManager`] obtained by a refresh but could not save
    /// ([`ErrorKind::Storage`]). Persist this elsewhere: it holds the only valid refresh
    /// token, since the provider has already spent the stored one.
    pub fn unsaved_token(&self) -> Option<&crate::TokenSet> {
        self.0.unsaved_token.as_deref()
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The service id, e.g. `"stripe"`.
    pub fn service(&self) -> &'static str {
        self.0.service
    }
    /// The message (the provider's when it sent one).
    pub fn message(&self) -> &str {
        &self.0.message
    }
    /// The HTTP status, when a response was received.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    /// The provider's own code.
    pub fn provider_code(&self) -> Option<&str> {
        self.0.provider_code.as_deref()
    }
    /// The provider's request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// How long to wait before trying again, when the provider said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }
    /// Whether a later attempt can succeed without a change.
    pub fn is_retryable(&self) -> bool {
        self.0.retryable
    }
    /// Further errors the provider sent after the first.
    pub fn details(&self) -> &[ProviderDetail] {
        &self.0.details
    }
    /// A provider-specific field of the error body.
    pub fn provider_field(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.provider_fields.as_ref()?.get(name)
    }
    /// The provider crate's typed details, when they are of type `T`.
    pub fn provider_details<T: ProviderDetails>(&self) -> Option<&T> {
        let details: &dyn Any = self.0.details_typed.as_deref()?;
        details.downcast_ref::<T>()
    }
    /// Where a refused redirect pointed, for [`ErrorKind::Redirect`] (the query left out).
    pub fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.0.service)?;
        match (&self.0.provider_code, self.0.status) {
            (Some(code), Some(status)) => write!(f, "{code} ({status}): ")?,
            (Some(code), None) => write!(f, "{code}: ")?,
            (None, Some(status)) => write!(f, "{} ({status}): ", self.0.kind.code())?,
            (None, None) => write!(f, "{}: ", self.0.kind.code())?,
        }
        f.write_str(&self.0.message)?;
        if let Some(id) = &self.0.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let source: &(dyn std::error::Error + Send + Sync + 'static) = self.0.source.as_deref()?;
        Some(source)
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
