//! Checks on caller input that reaches a URL path or a query: record ids, object and field
//! names, reference ids. Every check runs before any request is made.

use atom_core::{Error, Result};

use crate::SERVICE;

/// The alphabet of the 18-character id's suffix: a five-bit value per character.
const CHECKSUM_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The three-character case checksum of a 15-character id (ASCII letters and digits).
///
/// Salesforce's algorithm: for each five-character chunk, bit `i` is set when character
/// `i` of the chunk is an upper-case `A`-`Z`; the five-bit value indexes
/// [`CHECKSUM_ALPHABET`]. It is what makes the 18-character id survive case-insensitive
/// handling: two ids that differ only in case get different suffixes.
fn checksum(id15: &[u8]) -> [u8; 3] {
    let mut out = [b'A'; 3];
    for (slot, chunk) in out.iter_mut().zip(id15.chunks(5)) {
        let bits = chunk
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_uppercase())
            .fold(0usize, |acc, (i, _)| acc | (1 << i));
        // `bits` < 32 by construction; `get` keeps the lookup free of panics regardless.
        *slot = CHECKSUM_ALPHABET.get(bits).copied().unwrap_or(b'A');
    }
    out
}

/// Why an id is not a Salesforce id, or `None` when it is one.
fn id_problem(id: &str) -> Option<&'static str> {
    let bytes = id.as_bytes();
    if !matches!(bytes.len(), 15 | 18) || !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return Some("expected 15 or 18 letters and digits");
    }
    let (head, suffix) = bytes.split_at(15.min(bytes.len()));
    if !suffix.is_empty() && suffix != checksum(head) {
        return Some(
            "the last three characters are not the case checksum of the first 15 \
             (was the id's case changed?)",
        );
    }
    None
}

fn invalid_id(id: &str, problem: &str) -> Error {
    Error::config(
        SERVICE,
        format!("invalid Salesforce id {:?}: {problem}", truncate(id)),
    )
}

/// Checks a Salesforce record id: 15 (case-sensitive) or 18 (case-safe) ASCII letters and
/// digits; for 18, the last three characters must be the case checksum of the first 15.
///
/// The check is exact: Salesforce always writes the suffix in upper case and digits, and
/// an 18-character id whose case was changed (lower-cased by a spreadsheet or a
/// case-insensitive store) is refused rather than sent, because its first 15 characters no
/// longer name the record the suffix was computed for.
///
/// ```
/// use atom_salesforce::validate::record_id;
/// assert!(record_id("001D000000JliSTIAZ").is_ok());
/// assert!(record_id("001D000000JliST").is_ok());
/// assert!(record_id("../../x").is_err());
/// assert!(record_id("001D000000JliSTIA").is_err());
/// // One letter's case changed: the checksum no longer matches.
/// assert!(record_id("001D000000JlisTIAZ").is_err());
/// assert!(record_id("001d000000jlistiaz").is_err());
/// ```
pub fn record_id(id: &str) -> Result<&str> {
    match id_problem(id) {
        None => Ok(id),
        Some(problem) => Err(invalid_id(id, problem)),
    }
}

/// The 18-character, case-safe form of an id (Salesforce's `CASESAFEID()`): a 15-character
/// id gets its checksum appended; a valid 18-character id is returned unchanged. Anything
/// [`record_id`] refuses is refused.
///
/// Use it to compare ids from different sources (the REST API answers with 18 characters,
/// reports and formulas often with 15) or to store them where case is not kept.
///
/// ```
/// use atom_salesforce::validate::case_safe_id;
/// assert_eq!(case_safe_id("001D000000IqhSL")?, "001D000000IqhSLIAZ");
/// assert_eq!(case_safe_id("001D000000IqhSLIAZ")?, "001D000000IqhSLIAZ");
/// assert!(case_safe_id("001D000000IqhSLAAA").is_err());
/// # Ok::<(), atom_core::Error>(())
/// ```
pub fn case_safe_id(id: &str) -> Result<String> {
    let id = record_id(id)?;
    let mut out = String::with_capacity(18);
    out.push_str(id);
    if id.len() == 15 {
        out.extend(checksum(id.as_bytes()).iter().map(|b| char::from(*b)));
    }
    Ok(out)
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
        assert!(record_id("0015g00000XyZabAAF").is_ok());
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
