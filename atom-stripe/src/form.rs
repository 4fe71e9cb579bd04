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

use serde::ser::{self, Impossible, Serialize};

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

/// A value the form encoder cannot represent (bytes, a bare scalar at the top level).
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
    value.serialize(Node {
        out: &mut out,
        key: None,
        index: None,
    })?;
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

/// One position in the value tree: its key (none at the top) and, for a list element,
/// its index.
struct Node<'a> {
    out: &'a mut Vec<(String, String)>,
    key: Option<String>,
    index: Option<usize>,
}

impl<'a> Node<'a> {
    fn scalar(self, value: String) -> Result<(), FormError> {
        let key = match (self.key, self.index) {
            (Some(k), Some(_)) => format!("{k}[]"),
            (Some(k), None) => k,
            (None, _) => {
                return Err(FormError(
                    "parameters must be a struct or a map, not a single value".into(),
                ));
            }
        };
        self.out.push((key, value));
        Ok(())
    }

    /// The prefix children of a struct or map at this position use.
    fn prefix(&self) -> Option<String> {
        match (&self.key, self.index) {
            (Some(k), Some(i)) => Some(format!("{k}[{i}]")),
            (Some(k), None) => Some(k.clone()),
            (None, _) => None,
        }
    }

    fn container(self) -> Container<'a> {
        let prefix = self.prefix();
        let start = self.out.len();
        Container {
            out: self.out,
            prefix,
            start,
            pending_key: None,
            index: 0,
        }
    }
}

/// A struct, map or list being written.
struct Container<'a> {
    out: &'a mut Vec<(String, String)>,
    prefix: Option<String>,
    start: usize,
    pending_key: Option<String>,
    index: usize,
}

impl Container<'_> {
    fn child_key(&self, name: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}[{name}]"),
            None => name.to_owned(),
        }
    }

    /// An empty list or map under a key is sent as `key=` (clear).
    fn finish(self) -> Result<(), FormError> {
        if self.out.len() == self.start
            && let Some(prefix) = self.prefix
        {
            self.out.push((prefix, String::new()));
        }
        Ok(())
    }

    fn finish_struct(self) -> Result<(), FormError> {
        // A struct whose fields are all unset sends nothing (nothing was asked for).
        Ok(())
    }
}

impl ser::SerializeSeq for Container<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let Some(key) = self.prefix.clone() else {
            return Err(FormError("a list cannot be the top-level value".into()));
        };
        let index = self.index;
        self.index += 1;
        value.serialize(Node {
            out: self.out,
            key: Some(key),
            index: Some(index),
        })
    }
    fn end(self) -> Result<(), FormError> {
        self.finish()
    }
}

impl ser::SerializeTuple for Container<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), FormError> {
        self.finish()
    }
}

impl ser::SerializeStruct for Container<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        let key = self.child_key(name);
        value.serialize(Node {
            out: self.out,
            key: Some(key),
            index: None,
        })
    }
    fn end(self) -> Result<(), FormError> {
        self.finish_struct()
    }
}

impl ser::SerializeMap for Container<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        self.pending_key = Some(key.serialize(KeyName)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let name = self
            .pending_key
            .take()
            .ok_or_else(|| FormError("map value without a key".into()))?;
        let key = self.child_key(&name);
        value.serialize(Node {
            out: self.out,
            key: Some(key),
            index: None,
        })
    }
    fn end(self) -> Result<(), FormError> {
        self.finish()
    }
}

fn unsupported(what: &str) -> FormError {
    FormError(format!("{what} cannot be form-encoded"))
}

impl<'a> ser::Serializer for Node<'a> {
    type Ok = ();
    type Error = FormError;
    type SerializeSeq = Container<'a>;
    type SerializeTuple = Container<'a>;
    type SerializeTupleStruct = Impossible<(), FormError>;
    type SerializeTupleVariant = Impossible<(), FormError>;
    type SerializeMap = Container<'a>;
    type SerializeStruct = Container<'a>;
    type SerializeStructVariant = Impossible<(), FormError>;

    fn serialize_bool(self, v: bool) -> Result<(), FormError> {
        self.scalar(if v { "true" } else { "false" }.to_owned())
    }
    fn serialize_i8(self, v: i8) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_f64(self, v: f64) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<(), FormError> {
        self.scalar(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<(), FormError> {
        self.scalar(v.to_owned())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), FormError> {
        Err(unsupported("bytes"))
    }
    fn serialize_none(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), FormError> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), FormError> {
        self.scalar(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Container<'a>, FormError> {
        if self.index.is_some() {
            return Err(unsupported("a list directly inside a list"));
        }
        Ok(self.container())
    }
    fn serialize_tuple(self, len: usize) -> Result<Container<'a>, FormError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(unsupported("a tuple struct"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(unsupported("a tuple variant"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Container<'a>, FormError> {
        Ok(self.container())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Container<'a>, FormError> {
        Ok(self.container())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(unsupported("a struct variant"))
    }
}

/// Serialises a map key to its text.
struct KeyName;

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = FormError;
    type SerializeSeq = Impossible<String, FormError>;
    type SerializeTuple = Impossible<String, FormError>;
    type SerializeTupleStruct = Impossible<String, FormError>;
    type SerializeTupleVariant = Impossible<String, FormError>;
    type SerializeMap = Impossible<String, FormError>;
    type SerializeStruct = Impossible<String, FormError>;
    type SerializeStructVariant = Impossible<String, FormError>;

    fn serialize_bool(self, v: bool) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _v: f32) -> Result<String, FormError> {
        Err(unsupported("a float map key"))
    }
    fn serialize_f64(self, _v: f64) -> Result<String, FormError> {
        Err(unsupported("a float map key"))
    }
    fn serialize_char(self, v: char) -> Result<String, FormError> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, FormError> {
        Ok(v.to_owned())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, FormError> {
        Err(unsupported("a bytes map key"))
    }
    fn serialize_none(self) -> Result<String, FormError> {
        Err(unsupported("an empty map key"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, FormError> {
        Err(unsupported("an empty map key"))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, FormError> {
        Err(unsupported("an empty map key"))
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, FormError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, FormError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, FormError> {
        Err(unsupported("a variant map key"))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, FormError> {
        Err(unsupported("a list map key"))
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, FormError> {
        Err(unsupported("a tuple map key"))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, FormError> {
        Err(unsupported("a tuple map key"))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, FormError> {
        Err(unsupported("a tuple map key"))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, FormError> {
        Err(unsupported("a map map key"))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, FormError> {
        Err(unsupported("a struct map key"))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, FormError> {
        Err(unsupported("a struct map key"))
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
    }
}
