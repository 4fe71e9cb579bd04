//! A provider-neutral description of one API call.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::StreamBody;

/// A request body. The in-memory kinds are already encoded, so every retry sends the same
/// bytes; [`Body::Stream`] is produced while it is sent (see [`StreamBody`] for retries).
///
/// `Debug` shows the kind and length only: form bodies carry client secrets and refresh
/// tokens on the way to a token endpoint.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Body {
    /// No body.
    #[default]
    Empty,
    /// `application/json`.
    Json(Bytes),
    /// `application/x-www-form-urlencoded`.
    Form(Bytes),
    /// Any other content type (CSV for bulk uploads, XML for SOAP).
    Raw {
        /// The `Content-Type` header value.
        content_type: Cow<'static, str>,
        /// The bytes.
        bytes: Bytes,
    },
    /// A body streamed from a reader or a stream (large uploads).
    Stream(StreamBody),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self, self.parts()) {
            (Body::Stream(stream), _) => stream.fmt(f),
            (_, None) => f.write_str("Empty"),
            (_, Some((content_type, bytes))) => {
                write!(f, "{content_type} ({} bytes)", bytes.len())
            }
        }
    }
}

impl Body {
    /// The bytes and the content type to send, if the body is held in memory.
    pub fn parts(&self) -> Option<(&str, &Bytes)> {
        match self {
            Body::Empty | Body::Stream(_) => None,
            Body::Json(b) => Some(("application/json", b)),
            Body::Form(b) => Some(("application/x-www-form-urlencoded", b)),
            Body::Raw {
                content_type,
                bytes,
            } => Some((content_type, bytes)),
        }
    }

    /// The `Content-Type` the body is sent with; `None` for no body.
    pub fn content_type(&self) -> Option<&str> {
        match self {
            Body::Stream(stream) => Some(stream.content_type()),
            _ => self.parts().map(|(content_type, _)| content_type),
        }
    }

    /// Whether another attempt can send this body: false only for a one-time stream that
    /// an earlier attempt took.
    pub fn can_send(&self) -> bool {
        match self {
            Body::Stream(stream) => stream.can_send(),
            _ => true,
        }
    }
}

/// One call: method, path, query, body, headers, idempotency key and the operation's name.
///
/// `path` is relative to the client's base URL (`/v1/customers/cus_1`) or, for a next-page
/// link the provider sent, an absolute URL on the same host. `path_template` is what is
/// logged (`/v1/customers/{id}`), so ids and values never reach logs.
///
/// ```
/// use atom_core::Request;
/// let req = Request::get("/v1/customers")
///     .operation("customers.list")
///     .query("limit", "10");
/// assert_eq!(req.query_pairs(), &[("limit".to_string(), "10".to_string())]);
/// ```
///
/// `Debug` shows the method, template, operation, query and header names, and the body's
/// kind and length, never values: they can carry ids, tokens and personal data.
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) path_template: Cow<'static, str>,
    pub(crate) operation: Cow<'static, str>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
    pub(crate) headers: HeaderMap,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) read_only: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) rate_class: Option<&'static str>,
    pub(crate) max_response_bytes: Option<usize>,
    pub(crate) deferred: Option<crate::Error>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query: Vec<&str> = self.query.iter().map(|(name, _)| name.as_str()).collect();
        let headers: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("operation", &self.operation)
            .field("query", &query)
            .field("headers", &headers)
            .field("body", &self.body)
            .field("idempotency_key", &self.idempotency_key.is_some())
            .field("rate_class", &self.rate_class)
            .finish_non_exhaustive()
    }
}

impl Request {
    /// A request with any method.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let path = path.into();
        Self {
            method,
            path_template: Cow::Owned(template_of(&path)),
            path,
            operation: Cow::Borrowed("request"),
            query: Vec::new(),
            body: Body::Empty,
            headers: HeaderMap::new(),
            idempotency_key: None,
            read_only: false,
            timeout: None,
            rate_class: None,
            max_response_bytes: None,
            deferred: None,
        }
    }

    /// A GET.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }
    /// A POST.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new(Method::POST, path)
    }
    /// A PATCH.
    pub fn patch(path: impl Into<String>) -> Self {
        Self::new(Method::PATCH, path)
    }
    /// A PUT.
    pub fn put(path: impl Into<String>) -> Self {
        Self::new(Method::PUT, path)
    }
    /// A DELETE.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Names the operation for logs and metrics (`customers.create`).
    pub fn operation(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.operation = name.into();
        self
    }

    /// Sets the path as logged, with placeholders for ids (`/v1/customers/{id}`).
    pub fn path_template(mut self, template: impl Into<Cow<'static, str>>) -> Self {
        self.path_template = template.into();
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter when the value is present.
    pub fn query_opt<V: ToString>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v.to_string()),
            None => self,
        }
    }

    /// Sets a JSON body. A value that cannot be serialised is kept as this request's error:
    /// sending it returns that error (named for the client's service), and nothing is sent.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = Body::Json(bytes.into()),
            Err(e) => self.defer(
                crate::Error::config("atom", format!("body is not serialisable: {e}"))
                    .with_cause_text(&e),
            ),
        }
        self
    }

    /// Sets an encoded body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = body;
        self
    }

    /// Adds a header. An invalid name or value is kept as this request's `Config` error:
    /// sending it returns that error, and nothing is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            self.defer(crate::Error::config(
                "atom",
                format!("invalid header name {name:?}"),
            ));
            return self;
        };
        let Ok(mut value) = HeaderValue::from_str(value) else {
            self.defer(crate::Error::config(
                "atom",
                format!("invalid value for header {header}"),
            ));
            return self;
        };
        // Credentials set per call (an app JWT, a session) stay out of HTTP-level logs.
        if is_credential_header(&header) {
            value.set_sensitive(true);
        }
        self.headers.insert(header, value);
        self
    }

    /// Keeps the first error met while building, like `reqwest`'s builder: the chain stays
    /// fluent and the error comes back from the send.
    fn defer(&mut self, error: crate::Error) {
        if self.deferred.is_none() {
            self.deferred = Some(error);
        }
    }

    /// The error met while building this request, if any (returned by the send).
    pub fn build_error(&self) -> Option<&crate::Error> {
        self.deferred.as_ref()
    }

    /// Marks the call as safe to retry even if it is a POST or PATCH: the provider
    /// deduplicates by this key, which is sent unchanged on every attempt.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Marks a POST that only reads (a search, a batch read) as safe to resend after a
    /// 5xx or a dropped connection, as a GET is; no header is sent for it.
    ///
    /// ```
    /// let search = atom_core::Request::post("/crm/v3/objects/deals/search").read_only();
    /// assert!(search.is_idempotent());
    /// assert!(!atom_core::Request::post("/crm/v3/objects/deals").is_idempotent());
    /// ```
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Overrides the client's per-attempt timeout for this call (long report queries).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the client's largest response body for this call (a bulk result page, a
    /// file download that is known to be large).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Puts the call in a separately paced class (GitHub search, content creation).
    pub fn rate_class(mut self, class: &'static str) -> Self {
        self.rate_class = Some(class);
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// The path or absolute URL.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The path as logged.
    pub fn template(&self) -> &str {
        &self.path_template
    }
    /// The operation name.
    pub fn operation_name(&self) -> &str {
        &self.operation
    }
    /// The query parameters.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }
    /// The idempotency key, if any.
    pub fn idempotency(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }
    /// The body.
    pub fn body_ref(&self) -> &Body {
        &self.body
    }
    /// Extra headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The pacing class, if any.
    pub fn rate_class_name(&self) -> Option<&'static str> {
        self.rate_class
    }

    /// Whether repeating the call cannot duplicate an effect.
    pub fn is_idempotent(&self) -> bool {
        self.read_only
            || self.idempotency_key.is_some()
            || matches!(
                self.method,
                Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
            )
    }
}

/// Whether a header's name says it carries a credential (`Authorization`, `X-Api-Key`,
/// `X-Auth-Token`, a session header): such values are marked sensitive and never follow a
/// redirect to another origin.
pub(crate) fn is_credential_header(name: &HeaderName) -> bool {
    const MARKERS: &[&str] = &[
        "auth", "cookie", "api-key", "apikey", "api_key", "token", "secret", "session", "password",
    ];
    let name = name.as_str();
    MARKERS.iter().any(|m| name.contains(m))
}

/// A path as logged when no template was given: the query is dropped, so values never leak.
fn template_of(path: &str) -> String {
    let without_query = path.split(['?', '#']).next().unwrap_or_default();
    // A path (what nearly every call has) cannot start a URL with a scheme: no parse.
    if without_query.starts_with('/') {
        return without_query.to_owned();
    }
    match url::Url::parse(without_query) {
        Ok(url) => url.path().to_owned(),
        Err(_) => without_query.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_values() {
        let request = Request::post("/oauth/token?code=c0de")
            .query("client_id", "id-123")
            .header("authorization", "Bearer s3cret-jwt")
            .json(&serde_json::json!({"refresh_token": "r3fresh"}));
        assert!(request.build_error().is_none());
        let shown = format!("{request:?}");
        for secret in ["c0de", "id-123", "s3cret-jwt", "r3fresh"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("client_id"), "{shown}");
        assert!(shown.contains("authorization"), "{shown}");
        assert!(shown.contains("application/json"), "{shown}");
        assert!(request.headers()["authorization"].is_sensitive());
    }

    #[test]
    fn build_errors_are_kept_until_the_send() {
        let request = Request::get("/x")
            .header("bad header", "v")
            .header("x-ok", "line\nbreak");
        let err = request
            .build_error()
            .map(|e| (e.kind(), e.message().to_owned()));
        assert_eq!(
            err,
            Some((
                crate::ErrorKind::Config,
                "invalid header name \"bad header\"".to_owned()
            ))
        );
    }

    #[test]
    fn templates_drop_the_query_of_paths_and_urls() {
        assert_eq!(template_of("/v1/customers?email=a@b.c"), "/v1/customers");
        assert_eq!(template_of("//other.host/x#f"), "//other.host/x");
        assert_eq!(template_of("https://api.example.com/v1/x?page=2"), "/v1/x");
        assert_eq!(template_of("relative?x=1"), "relative");
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config(10_000))]

        /// What lets `template_of` skip the parse: nothing that starts with `/` parses as
        /// a URL on its own (a scheme starts with a letter).
        #[test]
        fn no_slash_path_parses_as_a_url(rest in "\\PC{0,40}") {
            let path = format!("/{rest}");
            proptest::prop_assert!(url::Url::parse(&path).is_err());
        }
    }
}
