//! The schema the store's tables live in: a checked identifier, so that it can be written
//! into SQL text (identifiers cannot be bound as parameters).

use std::fmt;

use atom_core::{Error, Result};

use crate::SERVICE;

/// PostgreSQL truncates identifiers beyond this many bytes (`NAMEDATALEN - 1`).
const MAX_LEN: usize = 63;

/// A schema name: 1 to 63 bytes of `[a-z0-9_]`, starting with a letter or `_`, and not
/// starting with `pg_` (reserved for the system's schemas).
///
/// Lower case only, so that the quoted name in the store's SQL and the unquoted name a
/// person types in `psql` are the same schema.
///
/// ```
/// use atom_store_postgres::Schema;
/// assert!(Schema::new("atom_tokens").is_ok());
/// assert!(Schema::new("Robert'); DROP TABLE students;--").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Schema(String);

impl Schema {
    /// The default schema, `atom`.
    pub const DEFAULT: &'static str = "atom";

    /// Checks `name`; a refused name is an [`atom_core::ErrorKind::Config`] error.
    pub fn new(name: &str) -> Result<Self> {
        let refuse = |why: &str| {
            // The name is the caller's configuration, not a secret, but it may be anything:
            // quote at most a bounded, escaped prefix of it.
            let shown: String = name.chars().take(MAX_LEN + 1).collect();
            Err(Error::config(
                SERVICE,
                format!("invalid schema name {shown:?}: {why}"),
            ))
        };
        let mut bytes = name.bytes();
        match bytes.next() {
            None => return refuse("it is empty"),
            Some(b) if !(b.is_ascii_lowercase() || b == b'_') => {
                return refuse("it must start with a lower-case letter or `_`");
            }
            Some(_) => {}
        }
        if name.len() > MAX_LEN {
            return refuse("it is longer than 63 bytes");
        }
        if !bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return refuse("only lower-case letters, digits and `_` are allowed");
        }
        if name.starts_with("pg_") {
            return refuse("names starting with `pg_` are reserved for PostgreSQL");
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name quoted for SQL text. The check above leaves nothing to escape; the quotes
    /// keep reserved words (`user`, `order`) usable.
    pub(crate) fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

impl Default for Schema {
    fn default() -> Self {
        Self(Self::DEFAULT.to_owned())
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Schema;

    #[test]
    fn names() {
        for good in ["atom", "_x", "a1", "user", &"a".repeat(63)] {
            assert!(Schema::new(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "1a",
            "Atom",
            "a-b",
            "a b",
            "a\"b",
            "pg_catalog",
            "é",
            &"a".repeat(64),
            "a;",
        ] {
            let err = Schema::new(bad).err();
            assert_eq!(
                err.map(|e| e.kind()),
                Some(atom_core::ErrorKind::Config),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(atom_core::testing::proptest_config(10_000))]

        /// Any string: no panic, and an accepted name needs no escaping inside quotes.
        #[test]
        fn accepted_names_are_plain(name in any::<String>()) {
            if let Ok(schema) = Schema::new(&name) {
                prop_assert!(schema.as_str().len() <= 63);
                prop_assert!(schema.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
                prop_assert_eq!(schema.quoted(), format!("\"{name}\""));
            }
        }

        /// Names from the allowed alphabet are accepted unless reserved.
        #[test]
        fn allowed_alphabet_is_accepted(name in "[a-z_][a-z0-9_]{0,62}") {
            prop_assert_eq!(Schema::new(&name).is_ok(), !name.starts_with("pg_"));
        }
    }
}
