//! Encryption at rest of a token row's secret parts (`access_token`, `refresh_token`) with
//! XChaCha20-Poly1305, under a keyring whose one current key encrypts and whose every key
//! decrypts, so keys rotate without a migration.

use std::collections::BTreeMap;
use std::fmt;

use atom_core::{Error, ErrorKind, Result, TokenKey};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde_json::Value;

use crate::SERVICE;

/// The fields of a token set that are encrypted; the rest (type, expiry, scopes) stays
/// readable to an operator.
const SECRET_FIELDS: [&str; 2] = ["access_token", "refresh_token"];
/// Marks an encrypted field's text, and its format's version.
const PREFIX: &str = "xc1.";
const NONCE_LEN: usize = 24;
const MAX_KEY_ID: usize = 64;

/// Keys for encrypting tokens at rest: the current key, which encrypts every save, and older
/// keys, which only decrypt rows not yet saved again. Each row records the id of the key
/// that encrypted it.
///
/// A key is 32 random bytes (XChaCha20-Poly1305); keep it outside the database (a secret
/// manager, an environment variable). The key bytes are wiped from memory when the keyring
/// is dropped, and never appear in `Debug` or in errors: only key ids do.
///
/// Each encrypted field is bound to its key (service and tenant), its field name and its
/// key id (the AEAD's associated data), so a ciphertext copied to another key's row, or
/// into the other field, does not decrypt: the load fails with a storage error.
///
/// To rotate: make the new key current and keep the old one as a decrypting key until
/// every row has been saved again (a refresh saves it).
///
/// ```
/// use atom_store_postgres::Keyring;
/// let new_key = [7u8; 32]; // from your secret manager
/// let old_key = [9u8; 32];
/// let keyring = Keyring::new("2026-11", &new_key)?.with_old_key("2026-05", &old_key)?;
/// assert_eq!(keyring.current_id(), "2026-11");
/// assert!(!format!("{keyring:?}").contains("7, 7"));
/// # Ok::<(), atom_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Keyring {
    current: String,
    /// Every key by id, the current one included. The cipher wipes its key on drop.
    keys: BTreeMap<String, XChaCha20Poly1305>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current)
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// A key id: 1 to 64 bytes of `[A-Za-z0-9._-]`, so it can be shown in errors and logs.
fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= MAX_KEY_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            SERVICE,
            "an encryption key id must be 1 to 64 bytes of letters, digits, `.`, `_` or `-`",
        ))
    }
}

fn cipher(id: &str, key: &[u8]) -> Result<XChaCha20Poly1305> {
    check_id(id)?;
    XChaCha20Poly1305::new_from_slice(key).map_err(|_| {
        Error::config(
            SERVICE,
            format!("encryption key {id:?} must be 32 bytes, not {}", key.len()),
        )
    })
}

impl Keyring {
    /// A keyring whose current key is `key` (32 bytes) with id `id`. A key of another length
    /// or an id outside `[A-Za-z0-9._-]{1,64}` is a [`ErrorKind::Config`] error.
    pub fn new(id: &str, key: &[u8]) -> Result<Self> {
        let mut keys = BTreeMap::new();
        keys.insert(id.to_owned(), cipher(id, key)?);
        Ok(Self {
            current: id.to_owned(),
            keys,
        })
    }

    /// Adds an older key that decrypts rows it encrypted but encrypts nothing. An id already
    /// in the keyring is a [`ErrorKind::Config`] error (two keys under one id would make
    /// rows undecryptable by chance).
    pub fn with_old_key(mut self, id: &str, key: &[u8]) -> Result<Self> {
        let cipher = cipher(id, key)?;
        if self.keys.contains_key(id) {
            return Err(Error::config(
                SERVICE,
                format!("encryption key id {id:?} is in the keyring twice"),
            ));
        }
        self.keys.insert(id.to_owned(), cipher);
        Ok(self)
    }

    /// The id of the key that encrypts new saves.
    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// The associated data of one field: what the ciphertext is bound to.
    fn binding(key: &TokenKey, field: &str, key_id: &str) -> Vec<u8> {
        // Lengths first, so that no two (service, tenant) pairs give the same bytes.
        let mut ad = Vec::new();
        ad.extend_from_slice(b"atom-store-postgres token v1\0");
        for part in [key.service.as_str(), key.tenant.as_str(), field, key_id] {
            ad.extend_from_slice(&(part.len() as u64).to_be_bytes());
            ad.extend_from_slice(part.as_bytes());
        }
        ad
    }

    /// The token set's JSON with its secret fields encrypted under the current key.
    pub(crate) fn seal(&self, key: &TokenKey, json: Value) -> Result<Value> {
        let failed = |why: &str| {
            Error::new(
                ErrorKind::Storage,
                SERVICE,
                format!("cannot encrypt the token of {key}: {why}"),
            )
        };
        let Value::Object(mut fields) = json else {
            return Err(failed("a token set is not a JSON object"));
        };
        let cipher = self
            .keys
            .get(&self.current)
            .ok_or_else(|| failed("the current key is missing"))?;
        for field in SECRET_FIELDS {
            let Some(Value::String(plain)) = fields.get(field) else {
                continue;
            };
            let mut nonce = [0u8; NONCE_LEN];
            getrandom::fill(&mut nonce).map_err(|_| failed("no random numbers for a nonce"))?;
            let ad = Self::binding(key, field, &self.current);
            let sealed = cipher
                .encrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: plain.as_bytes(),
                        aad: &ad,
                    },
                )
                .map_err(|_| failed("the cipher refused the input"))?;
            let mut bytes = nonce.to_vec();
            bytes.extend_from_slice(&sealed);
            let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            fields.insert(field.to_owned(), Value::String(format!("{PREFIX}{text}")));
        }
        Ok(Value::Object(fields))
    }

    /// The token set's JSON with its secret fields decrypted, checked against the key,
    /// field and key id they were bound to. Errors name the key, the field and the key id.
    pub(crate) fn open(
        &self,
        key: &TokenKey,
        table: &str,
        key_id: &str,
        json: Value,
    ) -> Result<Value> {
        let shown_id: String = key_id.chars().take(MAX_KEY_ID).collect();
        let corrupt = |why: String| {
            Error::new(
                ErrorKind::Storage,
                SERVICE,
                format!("corrupt token row for {key} in {table}: {why}"),
            )
        };
        let Some(cipher) = self.keys.get(key_id) else {
            return Err(corrupt(format!(
                "encrypted with key id {shown_id:?}, which the keyring does not hold \
                 (add it with Keyring::with_old_key)"
            )));
        };
        let Value::Object(mut fields) = json else {
            return Err(corrupt("not a token set (not a JSON object)".to_owned()));
        };
        for field in SECRET_FIELDS {
            let Some(value) = fields.get(field) else {
                continue;
            };
            let refused =
                |why: &str| corrupt(format!("the {field} under key id {shown_id:?} {why}"));
            let text = match value {
                Value::String(text) => text
                    .strip_prefix(PREFIX)
                    .ok_or_else(|| refused("is not encrypted"))?,
                Value::Null => continue,
                _ => return Err(refused("is not a string")),
            };
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(text)
                .map_err(|_| refused("is not valid base64"))?;
            let Some((nonce, sealed)) = bytes.split_at_checked(NONCE_LEN) else {
                return Err(refused("is too short"));
            };
            let ad = Self::binding(key, field, key_id);
            let plain = cipher
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: sealed,
                        aad: &ad,
                    },
                )
                .map_err(|_| {
                    refused(
                        "does not decrypt: the ciphertext was changed, or the row was \
                         copied from another key or encrypted by another key of the same id",
                    )
                })?;
            let plain = String::from_utf8(plain).map_err(|_| refused("is not UTF-8"))?;
            fields.insert(field.to_owned(), Value::String(plain));
        }
        Ok(Value::Object(fields))
    }
}

/// A token set as row text and key id: encrypted under the keyring's current key when there
/// is a keyring, else plain JSON with no key id.
pub(crate) fn encode_row(
    keyring: Option<&Keyring>,
    key: &TokenKey,
    token: &atom_core::TokenSet,
) -> Result<(String, Option<String>)> {
    let failed = |e: serde_json::Error| {
        Error::new(
            ErrorKind::Storage,
            SERVICE,
            format!(
                "cannot encode the token of {key}: {}",
                crate::error::json_damage(&e)
            ),
        )
    };
    match keyring {
        None => Ok((serde_json::to_string(token).map_err(failed)?, None)),
        Some(ring) => {
            let sealed = ring.seal(key, serde_json::to_value(token).map_err(failed)?)?;
            Ok((sealed.to_string(), Some(ring.current.clone())))
        }
    }
}

/// A row's text back into a token set. An encrypted row needs its key in the keyring; a
/// plain row under a keyring is refused unless `accept_plain` (a migration to encryption).
pub(crate) fn decode_row(
    keyring: Option<&Keyring>,
    accept_plain: bool,
    key: &TokenKey,
    table: &str,
    text: &str,
    key_id: Option<&str>,
) -> Result<atom_core::TokenSet> {
    let corrupt = |why: String| {
        Error::new(
            ErrorKind::Storage,
            SERVICE,
            format!("corrupt token row for {key} in {table}: {why}"),
        )
    };
    match (keyring, key_id) {
        (None, None) => crate::error::decode_token(key, table, text),
        (Some(_), None) if accept_plain => crate::error::decode_token(key, table, text),
        (Some(_), None) => Err(corrupt(
            "stored unencrypted, and this store encrypts tokens (to read rows written \
             before encryption was turned on, set accept_unencrypted_rows)"
                .to_owned(),
        )),
        (None, Some(id)) => {
            let id: String = id.chars().take(MAX_KEY_ID).collect();
            Err(corrupt(format!(
                "encrypted with key id {id:?}, and this store has no keyring"
            )))
        }
        (Some(ring), Some(id)) => {
            let json: Value = serde_json::from_str(text).map_err(|e| {
                corrupt(format!(
                    "{} at line {} column {}",
                    crate::error::json_damage(&e),
                    e.line(),
                    e.column()
                ))
            })?;
            let opened = ring.open(key, table, id, json)?;
            serde_json::from_value(opened).map_err(|e| {
                corrupt(format!(
                    "not a token set ({})",
                    crate::error::json_damage(&e)
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn ring() -> Keyring {
        Keyring::new("k1", &[1; 32]).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn bad_keys_and_ids_are_config_errors_without_the_key() {
        for (id, len) in [("k", 31), ("k", 33), ("", 32), ("a b", 32), ("ü", 32)] {
            let err = Keyring::new(id, &vec![0xAB; len]).err();
            assert_eq!(err.as_ref().map(Error::kind), Some(ErrorKind::Config));
        }
        let long = "k".repeat(65);
        assert!(Keyring::new(&long, &[0; 32]).is_err());
        let twice = ring().with_old_key("k1", &[2; 32]).err();
        assert_eq!(twice.map(|e| e.kind()), Some(ErrorKind::Config));
    }

    proptest! {
        #![proptest_config(atom_core::testing::proptest_config(2_000))]

        /// Sealed fields open again, and only under the same key, field and key id.
        #[test]
        fn seal_open_round_trip(access in "\\PC{0,64}", refresh in proptest::option::of("\\PC{0,64}"), tenant in "\\PC{0,16}") {
            let ring = ring();
            let key = TokenKey::new("svc", tenant.clone());
            let mut token = json!({"access_token": access, "token_type": "Bearer"});
            if let Some(r) = &refresh {
                token["refresh_token"] = json!(r);
            }
            let sealed = ring.seal(&key, token.clone()).unwrap_or_default();
            prop_assert_ne!(&sealed["access_token"], &json!(access));
            prop_assert_eq!(&sealed["token_type"], &json!("Bearer"));
            prop_assert_eq!(ring.open(&key, "t", "k1", sealed.clone()).ok(), Some(token));
            let moved = TokenKey::new("svc", format!("{tenant}x"));
            prop_assert!(ring.open(&moved, "t", "k1", sealed).is_err());
        }

        /// Arbitrary field text never panics and is refused without being quoted.
        #[test]
        fn arbitrary_fields_are_refused_without_their_content(text in "\\PC{0,80}") {
            let ring = ring();
            let key = TokenKey::new("svc", "t");
            let row = json!({"access_token": format!("{PREFIX}{text}MARK")});
            if let Err(e) = ring.open(&key, "t", "k1", row) {
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains("MARK"), "{}", shown);
            }
        }
    }
}
