//! Checks on caller input that reaches a URL path or a query: record ids, object and field
//! names, reference ids. Every check runs before any request is made.

use atom_core::{Error, Result};

use crate::SERVICE;

/// Checks a Salesforce record id: 15 (case-sensitive) or 18 (case-safe) ASCII letters and
/// digits.
///
/// ```
/// use atom_salesforce::validate::record_id;
/// assert!(record_id("001D000000JliSTIAZ").is_ok());
/// assert!(record_id("001D000000JliST").is_ok());
/// assert!(record_id("../../x").is_err());
/// assert!(record_id("001D000000JliSTIA").is_err());
/// ```
pub fn record_id(id: &str) -> Result<&str> {
    let ok = matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(id)
    } else {
        Err(Error::config(
            SERVICE,
            format!(
                "invalid Salesforce id {:?}: expected 15 or 18 letters and digits",
                truncate(id)
            ),
        ))
    }
}

/// Checks an API name (object, field, external-id field, record type developer name):
/// a letter, then letters, digits and single underscores, not ending in `_` except for
/// the `__c`-style suffixes Salesforce uses (`Foo__c`, `ns__Bar__c`, `Parent__r`).
///
/// ```
/// use atom_salesforce::validate::identifier;
/// assert!(identifier("Account").is_ok());
/// assert!(identifier("ns__Invoice_Total__c").is_ok());
/// assert!(identifier("Name FROM Account --").is_err());
/// assert!(identifier("1Name").is_err());
/// ```
pub fn identifier(name: &str) -> Result<&str> {
    if is_identifier(name) {
        Ok(name)
    } else {
        Err(Error::config(
            SERVICE,
            format!("{:?} is not a valid Salesforce API name", truncate(name)),
        ))
    }
}

/// Checks a field path: identifiers joined by `.` (`Account.Owner.Name`).
pub fn field_path(path: &str) -> Result<&str> {
    if !path.is_empty() && path.split('.').all(is_identifier) && path.split('.').count() <= 6 {
        Ok(path)
    } else {
        Err(Error::config(
            SERVICE,
            format!("{:?} is not a valid field name or path", truncate(path)),
        ))
    }
}

fn is_identifier(name: &str) -> bool {
    let bytes = name.as_bytes();
    let Some(first) = bytes.first() else {
        return false;
    };
    name.len() <= 120
        && first.is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        && !name.contains("___")
        && !name.ends_with('_')
}

/// Checks an API version such as `62.0` (a leading `v` is removed).
///
/// ```
/// use atom_salesforce::validate::api_version;
/// assert_eq!(api_version("v62.0").unwrap(), "62.0");
/// assert!(api_version("62").is_err());
/// ```
pub fn api_version(version: &str) -> Result<String> {
    let v = version.trim().trim_start_matches('v');
    let ok = v
        .split_once('.')
        .is_some_and(|(major, minor)| is_number(major) && is_number(minor));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(Error::config(
            SERVICE,
            format!("{:?} is not an API version like 62.0", truncate(version)),
        ))
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Keeps error messages short when a caller passes something large.
pub(crate) fn truncate(s: &str) -> String {
    s.chars().take(60).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        for ok in [
            "Id",
            "Name",
            "Foo__c",
            "ns__Foo__c",
            "Parent__r",
            "Text_Label",
        ] {
            assert!(identifier(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Name FROM Account --",
            "Name,Id",
            "_x",
            "x_",
            "Foo___c",
            "a'b",
            "Na\nme",
            "Amount)",
        ] {
            assert!(identifier(bad).is_err(), "{bad:?}");
        }
        assert!(field_path("Account.Owner.Name").is_ok());
        assert!(field_path("Account..Name").is_err());
        assert!(field_path(".Name").is_err());
    }

    #[test]
    fn ids() {
        assert!(record_id("0015g00000XyZabAAB").is_ok());
        for bad in [
            "",
            "001",
            "0015g00000XyZab/AB",
            "0015g00000XyZabAA%",
            "0015g00000XyZ ab",
        ] {
            assert!(record_id(bad).is_err(), "{bad:?}");
        }
    }
}
