//! Stripe's form encoding: `a[b][c]=`, `items[0][price]=`, `metadata[key]=`, `expand[]=`.
//!
//! A small serde serializer that flattens any `Serialize` value into `(key, value)` pairs the
//! way Stripe reads them, and an encoder that writes them as
//! `application/x-www-form-urlencoded` bytes:
//!
//! * `None` and unit are left out: an optional parameter that is not set is not sent.
//! * Nested structs and maps: `parent[child]`.
//! * Lists of scalars: `key[]=a&key[]=b`; lists of objects: `key[0][field]=`.
//! * An empty list or empty map is sent as `key=` (Stripe's "clear this field").
//! * [`Clearable::Clear`] is sent as `key=` (Stripe's "unset this field").
//! * Booleans are `true`/`false`; brackets in keys are left readable, everything else that is
//!   not unreserved is percent-encoded, spaces as `+`.
//!
//! What it refuses, with a [`FormError`] (a `Config` error from a call, before any request):
//!
//! * a value nested deeper than [`MAX_DEPTH`] levels (a recursive `serde_json::Value`);
//! * a map key that is empty or contains `[` or `]`: in `metadata[a]b]` or `metadata[a][b]`
//!   the key would change the parameter's nesting (Stripe forbids brackets in metadata keys);
//! * under a `metadata` key, more than [`MAX_METADATA_KEYS`] keys, a key over
//!   [`MAX_METADATA_KEY_CHARS`] characters, a value over [`MAX_METADATA_VALUE_CHARS`]
//!   characters or a value that is not a string (Stripe's documented limits);
//! * bytes, a list directly inside a list, tuple structs and variants, NaN and infinities.
//!
//! ```
//! use std::collections::BTreeMap;
//! use atom_stripe::form::{encode, Clearable};
//!
//! #[derive(serde::Serialize)]
//! struct Item { price: &'static str, quantity: u32 }
//! #[derive(serde::Serialize)]
//! struct Params {
//!     customer: &'static str,
//!     items: Vec<Item>,
//!     metadata: BTreeMap<&'static str, &'static str>,
//!     expand: Vec<&'static str>,
//!     description: Clearable<String>,
//!     #[serde(skip_serializing_if = "Option::is_none")]
//!     trial_end: Option<i64>,
//! }
//! let body = encode(&Params {
//!     customer: "cus_1",
//!     items: vec![Item { price: "price_1", quantity: 2 }],
//!     metadata: BTreeMap::from([("order id", "A&B")]),
//!     expand: vec!["latest_invoice"],
//!     description: Clearable::Clear,
//!     trial_end: None,
//! }).unwrap();
//! assert_eq!(
//!     body,
//!     "customer=cus_1&items[0][price]=price_1&items[0][quantity]=2\
//!      &metadata[order+id]=A%26B&expand[]=latest_invoice&description="
//! );
//! ```

use std::fmt;

use serde::ser::{self, Serialize};

mod key;
mod limits;
mod node;

pub use limits::{MAX_DEPTH, MAX_METADATA_KEY_CHARS, MAX_METADATA_KEYS, MAX_METADATA_VALUE_CHARS};
use node::Node;

/// A value that can be set, or cleared by sending an empty string (Stripe's way to unset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clearable<T> {
    /// Set the field to this value.
    Set(T),
    /// Unset the field (`field=`).
    Clear,
}

impl<T: Serialize> Serialize for Clearable<T> {
    fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Set(v) => v.serialize(serializer),
            Self::Clear => serializer.serialize_str(""),
        }
    }
}

impl<T> From<T> for Clearable<T> {
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

/// A value the form encoder cannot represent (bytes, a bare scalar at the top level, a value
/// nested too deep, a map key with brackets, metadata beyond Stripe's limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError(String);

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot form-encode parameters: {}", self.0)
    }
}

impl std::error::Error for FormError {}

impl ser::Error for FormError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// Flattens `value` (a struct or map) into Stripe's `(key, value)` pairs, in field order.
pub fn to_pairs<T: Serialize + ?Sized>(value: &T) -> Result<Vec<(String, String)>, FormError> {
    let mut out = Vec::new();
    value.serialize(Node::root(&mut out))?;
    Ok(out)
}

/// Encodes `value` as a Stripe form body.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, FormError> {
    Ok(encode_pairs(&to_pairs(value)?))
}

/// Writes pairs as `application/x-www-form-urlencoded`, keeping `[` and `]` in keys readable.
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::with_capacity(pairs.len() * 24);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        escape_into(&mut out, k, true);
        out.push('=');
        escape_into(&mut out, v, false);
    }
    out
}

fn escape_into(out: &mut String, text: &str, is_key: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b));
            }
            b'[' | b']' if is_key => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;

    #[derive(Serialize)]
    struct Address {
        line1: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        city: Option<&'static str>,
    }

    #[derive(Serialize)]
    struct Shipping {
        name: &'static str,
        address: Address,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Behavior {
        DefaultIncomplete,
    }

    #[derive(Serialize)]
    struct Params {
        amount: i64,
        confirm: bool,
        shipping: Option<Shipping>,
        payment_method_types: Vec<&'static str>,
        payment_behavior: Behavior,
        tax_rates: Vec<&'static str>,
        metadata: BTreeMap<String, Clearable<String>>,
        unset: Option<i64>,
    }

    #[test]
    fn nested_lists_maps_and_clears() {
        let params = Params {
            amount: 1099,
            confirm: false,
            shipping: Some(Shipping {
                name: "Jenny Rosen",
                address: Address {
                    line1: "1 Main St/Apt #2",
                    city: None,
                },
            }),
            payment_method_types: vec!["card", "link"],
            payment_behavior: Behavior::DefaultIncomplete,
            tax_rates: vec![],
            metadata: BTreeMap::from([
                ("a".to_owned(), Clearable::Set("é=1".to_owned())),
                ("b".to_owned(), Clearable::Clear),
            ]),
            unset: None,
        };
        assert_eq!(
            encode(&params).unwrap_or_default(),
            "amount=1099&confirm=false&shipping[name]=Jenny+Rosen\
             &shipping[address][line1]=1+Main+St%2FApt+%232\
             &payment_method_types[]=card&payment_method_types[]=link\
             &payment_behavior=default_incomplete&tax_rates=\
             &metadata[a]=%C3%A9%3D1&metadata[b]="
        );
    }

    #[test]
    fn lists_of_objects_are_indexed() {
        #[derive(Serialize)]
        struct Item {
            price: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            quantity: Option<u64>,
        }
        #[derive(Serialize)]
        struct P {
            items: Vec<Item>,
        }
        let p = P {
            items: vec![
                Item {
                    price: "price_a",
                    quantity: Some(2),
                },
                Item {
                    price: "price_b",
                    quantity: None,
                },
            ],
        };
        assert_eq!(
            encode(&p).unwrap_or_default(),
            "items[0][price]=price_a&items[0][quantity]=2&items[1][price]=price_b"
        );
    }

    #[test]
    fn refuses_what_it_cannot_encode() {
        assert!(encode(&5).is_err());
        assert!(encode(&vec![1, 2]).is_err());
        #[derive(Serialize)]
        struct Nested {
            grid: Vec<Vec<u8>>,
        }
        assert!(
            encode(&Nested {
                grid: vec![vec![1]]
            })
            .is_err()
        );
        let empty: BTreeMap<String, String> = BTreeMap::new();
        assert_eq!(encode(&empty).unwrap_or_default(), "");
        #[derive(Serialize)]
        struct Unset {
            metadata: Clearable<BTreeMap<String, String>>,
            note: Clearable<String>,
            flag: Option<bool>,
        }
        let clear = Unset {
            metadata: Clearable::Clear,
            note: Clearable::Set("a+b c".into()),
            flag: Some(true),
        };
        assert_eq!(
            encode(&clear).unwrap_or_default(),
            "metadata=&note=a%2Bb+c&flag=true"
        );
    }
}
