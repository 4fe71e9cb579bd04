//! The serialisable result shape an app hands to its own callers.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::Error;

/// A result in the shape apps return to their callers.
///
/// Success: `{"ok":true,"data":…,"service":"stripe","timestamp":"<RFC 3339>"}`.
/// Failure: `{"ok":false,"error":{"code":"RATE_LIMITED","message":…,"service":…,
/// "provider_code":…,"request_id":…},"timestamp":…}`.
///
/// ```
/// use atom_core::{Envelope, Error, ErrorKind};
/// let failed: Result<u32, Error> =
///     Err(Error::new(ErrorKind::RateLimited, "github", "slow down").with_status(429));
/// let json = serde_json::to_value(Envelope::from_result("github", failed)).unwrap();
/// assert_eq!(json["ok"], false);
/// assert_eq!(json["error"]["code"], "RATE_LIMITED");
/// ```
#[derive(Debug, Clone)]
pub struct Envelope<T> {
    /// The data, or the error.
    pub outcome: Result<T, Error>,
    /// The service the result came from.
    pub service: &'static str,
    /// When the envelope was made.
    pub timestamp: DateTime<Utc>,
}

impl<T> Envelope<T> {
    /// Wraps a result, stamped now.
    pub fn from_result(service: &'static str, outcome: Result<T, Error>) -> Self {
        Self::at(service, outcome, Utc::now())
    }

    /// Wraps a result with a given timestamp (for reproducible output).
    pub fn at(service: &'static str, outcome: Result<T, Error>, timestamp: DateTime<Utc>) -> Self {
        Self {
            outcome,
            service,
            timestamp,
        }
    }

    /// True for a success.
    pub fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }
}

struct ErrorBody<'a>(&'a Error);

impl Serialize for ErrorBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("code", e.kind().code())?;
        map.serialize_entry("message", e.message())?;
        map.serialize_entry("service", e.service())?;
        map.serialize_entry("provider_code", &e.provider_code())?;
        map.serialize_entry("request_id", &e.request_id())?;
        map.end()
    }
}

impl<T: Serialize> Serialize for Envelope<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let timestamp = self.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true);
        match &self.outcome {
            Ok(data) => {
                let mut map = serializer.serialize_map(Some(4))?;
                map.serialize_entry("ok", &true)?;
                map.serialize_entry("data", data)?;
                map.serialize_entry("service", self.service)?;
                map.serialize_entry("timestamp", &timestamp)?;
                map.end()
            }
            Err(error) => {
                let mut map = serializer.serialize_map(Some(3))?;
                map.serialize_entry("ok", &false)?;
                map.serialize_entry("error", &ErrorBody(error))?;
                map.serialize_entry("timestamp", &timestamp)?;
                map.end()
            }
        }
    }
}
