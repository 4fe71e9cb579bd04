//! Checks of names and ids before they reach a URL or a request body.
//!
//! HubSpot's object type names (`contacts`, `0-3`, `2-1234567`, `p1234_cars`) and property
//! names (`email`, `hs_lastmodifieddate`) are identifiers; anything else is refused with a
//! `Config` error naming the value's role, before any request. Ids go into paths as exactly
//! one segment: `/`, `?`, `#`, `..` and control characters are refused rather than encoded,
//! because no HubSpot id contains them and a caller who passes one has a bug.

use atom_core::{Error, Result};

use crate::SERVICE;

/// The longest name accepted.
pub const MAX_NAME_LEN: usize = 100;
/// The longest id accepted (a unique property value such as an email can be long).
pub const MAX_ID_LEN: usize = 512;

fn refuse(what: &str, value: &str, why: &str) -> Error {
    let shown: String = value.chars().take(40).collect();
    Error::config(SERVICE, format!("{what} {shown:?} {why}"))
}

/// An object type: `[A-Za-z0-9_-]`, 1 to 100 characters.
///
/// ```
/// use atom_hubspot::validate::object_type;
/// assert!(object_type("contacts").is_ok());
/// assert!(object_type("2-1234567").is_ok());
/// assert!(object_type("p1234_cars").is_ok());
/// assert!(object_type("contacts/../owners").is_err());
/// assert!(object_type("").is_err());
/// ```
pub fn object_type(name: &str) -> Result<&str> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(refuse("object type", name, "must be 1 to 100 characters"));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(refuse(
            "object type",
            name,
            "has characters outside HubSpot's identifier set [A-Za-z0-9_-]",
        ));
    }
    Ok(name)
}

/// A property (or property group) name: a letter, then `[A-Za-z0-9_]`, up to 100 characters.
///
/// ```
/// use atom_hubspot::validate::property_name;
/// assert!(property_name("hs_lastmodifieddate").is_ok());
/// assert!(property_name("email,phone").is_err());
/// assert!(property_name("1st").is_err());
/// ```
pub fn property_name(name: &str) -> Result<&str> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(refuse("property name", name, "must be 1 to 100 characters"));
    }
    let mut bytes = name.bytes();
    let first_ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    if !first_ok || !bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(refuse(
            "property name",
            name,
            "must start with a letter and hold only [A-Za-z0-9_]",
        ));
    }
    Ok(name)
}

/// Every name of a list (`properties=a,b`).
pub fn property_names<S: AsRef<str>>(names: &[S]) -> Result<()> {
    names
        .iter()
        .try_for_each(|n| property_name(n.as_ref()).map(|_| ()))
}

/// An id that goes into a path: not empty, at most 512 characters, without `/`, `?`, `#`,
/// `\`, `..` or control characters. Returns it encoded as one path segment.
///
/// ```
/// use atom_hubspot::validate::id;
/// assert_eq!(id("contact id", "5101").unwrap(), "5101");
/// assert_eq!(id("contact id", "ann@example.com").unwrap(), "ann%40example.com");
/// assert!(id("contact id", "../owners").is_err());
/// assert!(id("contact id", "1?archived=true").is_err());
/// ```
pub fn id(what: &str, value: &str) -> Result<String> {
    if value.is_empty() || value.len() > MAX_ID_LEN {
        return Err(refuse(what, value, "must be 1 to 512 characters"));
    }
    if value.contains(['/', '?', '#', '\\']) || value.contains("..") {
        return Err(refuse(
            what,
            value,
            "must not contain '/', '?', '#', '\\' or '..'",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(refuse(what, value, "must not contain control characters"));
    }
    atom_core::http_util::path_segment(SERVICE, value)
}

/// An id that goes into a body: not empty, at most 512 characters, no control characters.
pub fn body_id(what: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_ID_LEN || value.chars().any(char::is_control) {
        return Err(refuse(
            what,
            value,
            "must be 1 to 512 characters without control characters",
        ));
    }
    Ok(())
}
