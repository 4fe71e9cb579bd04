//! The fields a model does not name, kept as sent, with a `Debug` that hides secrets.

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Fields a typed model does not name, kept as sent so that re-encoding loses nothing.
///
/// Reads and writes like the `serde_json::Map` it wraps. Its `Debug` hides the value of
/// every key that names a secret (`client_secret`, `confirmation_secret`, `password`, any
/// `*token*`), at any depth: providers add such fields to objects over time, and a model
/// printed in a log line must not carry them.
///
/// ```
/// use atom_core::Extra;
/// let extra: Extra = serde_json::from_str(
///     r#"{"client_secret":"seti_1_secret_abc","livemode":false}"#,
/// ).unwrap_or_default();
/// assert_eq!(extra.get("livemode"), Some(&serde_json::json!(false)));
/// let shown = format!("{extra:?}");
/// assert!(!shown.contains("seti_1_secret_abc") && shown.contains("livemode"));
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Extra(pub Map<String, Value>);

impl Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Self(map)
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_map(&self.0, f)
    }
}

/// Shows a JSON value with the values of secret-naming keys hidden, at any depth.
///
/// ```
/// use atom_core::RedactedJson;
/// let object = serde_json::json!({"id": "seti_1", "client_secret": "seti_1_secret_abc"});
/// let shown = format!("{:?}", RedactedJson(&object));
/// assert!(shown.contains("seti_1") && !shown.contains("secret_abc"));
/// ```
pub struct RedactedJson<'a>(pub &'a Value);

impl fmt::Debug for RedactedJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(map) => fmt_map(map, f),
            Value::Array(items) => f
                .debug_list()
                .entries(items.iter().map(RedactedJson))
                .finish(),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

fn fmt_map(map: &Map<String, Value>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut out = f.debug_map();
    for (key, value) in map {
        if names_a_secret(key) && !value.is_null() {
            out.entry(key, &format_args!("[redacted]"));
        } else {
            out.entry(key, &RedactedJson(value));
        }
    }
    out.finish()
}

fn names_a_secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("secret") || key.contains("token") || key.contains("password")
}
