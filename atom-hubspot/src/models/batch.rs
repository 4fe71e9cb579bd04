//! The outcome of a batch call: one result per input, in input order.

use atom_core::{Error, Result};
use serde::{Deserialize, Serialize};

atom_core::string_enum! {
    /// A batch answer's `status`.
    pub enum BatchStatus {
        /// Done.
        Complete = "COMPLETE",
        /// Queued.
        Pending = "PENDING",
        /// Running.
        Processing = "PROCESSING",
        /// Canceled.
        Canceled = "CANCELED",
    }
}

/// One result per input of a batch call, in the order of the inputs, whatever the number
/// of requests it took (100 inputs per request) and whatever order HubSpot answered in.
/// An input HubSpot refused (a `207 Multi-Status` answer's `errors[]`, or a whole request
/// that failed) holds its error; nothing is dropped.
///
/// ```
/// use atom_hubspot::BatchResult;
/// let outcome: BatchResult<u32> = BatchResult::from_items(vec![
///     Ok(1),
///     Err(atom_core::Error::config("hubspot", "refused")),
///     Ok(3),
/// ]);
/// assert_eq!(outcome.succeeded().count(), 2);
/// assert_eq!(outcome.failed().map(|(i, _)| i).collect::<Vec<_>>(), vec![1]);
/// assert!(outcome.into_result().is_err());
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchResult<T> {
    /// One entry per input, in input order.
    pub items: Vec<std::result::Result<T, Error>>,
    /// How many requests the call made.
    pub requests: usize,
}

impl<T> BatchResult<T> {
    /// A result of these items.
    pub fn from_items(items: Vec<std::result::Result<T, Error>>) -> Self {
        Self { items, requests: 0 }
    }

    /// The results that succeeded, with their input index.
    pub fn succeeded(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().ok().map(|t| (i, t)))
    }

    /// The inputs that failed, with their input index.
    pub fn failed(&self) -> impl Iterator<Item = (usize, &Error)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e)))
    }

    /// True when every input succeeded.
    pub fn is_complete(&self) -> bool {
        self.items.iter().all(std::result::Result::is_ok)
    }

    /// Every result, or the first error.
    pub fn into_result(self) -> Result<Vec<T>> {
        self.items.into_iter().collect()
    }
}

impl<T: Serialize> Serialize for BatchResult<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Item<'a, T> {
            #[serde(skip_serializing_if = "Option::is_none")]
            ok: Option<&'a T>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<String>,
        }
        let items: Vec<Item<'_, T>> = self
            .items
            .iter()
            .map(|r| match r {
                Ok(t) => Item {
                    ok: Some(t),
                    error: None,
                },
                Err(e) => Item {
                    ok: None,
                    error: Some(e.to_string()),
                },
            })
            .collect();
        items.serialize(s)
    }
}

/// A batch answer's body (`BatchResponse…WithErrors`).
#[derive(Debug, Deserialize)]
pub(crate) struct BatchBody<T> {
    #[serde(default = "Vec::new")]
    pub results: Vec<T>,
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
}
