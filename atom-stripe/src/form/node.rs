//! The serializer that flattens a value into Stripe's `(key, value)` pairs.

use serde::ser::{self, Impossible, Serialize};

use super::FormError;
use super::key::KeyName;
use super::limits::{self, MAX_DEPTH};

/// One position in the value tree: its key (none at the top), for a list element its
/// index, and how deep it is.
pub(super) struct Node<'a> {
    out: &'a mut Vec<(String, String)>,
    key: Option<String>,
    index: Option<usize>,
    depth: usize,
}

impl<'a> Node<'a> {
    /// The top of a value tree.
    pub(super) fn root(out: &'a mut Vec<(String, String)>) -> Self {
        Self {
            out,
            key: None,
            index: None,
            depth: 0,
        }
    }

    /// A position one level down. Every struct, map, list, `Some` and newtype is a level,
    /// so a recursive value (5 000 nested maps) stops here with an error instead of
    /// overflowing the stack.
    fn child(
        out: &'a mut Vec<(String, String)>,
        key: Option<String>,
        index: Option<usize>,
        parent_depth: usize,
    ) -> Result<Self, FormError> {
        let depth = parent_depth + 1;
        if depth > MAX_DEPTH {
            return Err(limits::too_deep(key.as_deref()));
        }
        Ok(Self {
            out,
            key,
            index,
            depth,
        })
    }

    /// The same position, one level down (`Some`, newtypes).
    fn unwrap_level(self) -> Result<Self, FormError> {
        Self::child(self.out, self.key, self.index, self.depth)
    }

    fn scalar(self, value: String) -> Result<(), FormError> {
        let key = match (self.key, self.index) {
            (Some(mut k), Some(_)) => {
                k.push_str("[]");
                k
            }
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

    fn container(self) -> Container<'a> {
        let start = self.out.len();
        // Stripe's `metadata` (at any level: `subscription_data[metadata]`) has its own limits.
        let metadata = self.index.is_none()
            && self
                .key
                .as_deref()
                .is_some_and(|k| k == "metadata" || k.ends_with("[metadata]"));
        // The prefix the children of this struct or map use.
        let prefix = match (self.key, self.index) {
            (Some(k), Some(i)) => Some(format!("{k}[{i}]")),
            (Some(k), None) => Some(k),
            (None, _) => None,
        };
        Container {
            out: self.out,
            prefix,
            start,
            pending_key: None,
            index: 0,
            depth: self.depth,
            metadata,
            entries: 0,
        }
    }
}

/// A struct, map or list being written.
pub(super) struct Container<'a> {
    out: &'a mut Vec<(String, String)>,
    prefix: Option<String>,
    start: usize,
    pending_key: Option<String>,
    index: usize,
    depth: usize,
    /// Whether this is a `metadata` map (checked against Stripe's metadata limits).
    metadata: bool,
    entries: usize,
}

impl Container<'_> {
    fn child_key(&self, name: &str) -> String {
        match &self.prefix {
            Some(p) => {
                let mut key = String::with_capacity(p.len() + name.len() + 2);
                key.push_str(p);
                key.push('[');
                key.push_str(name);
                key.push(']');
                key
            }
            None => name.to_owned(),
        }
    }

    /// Writes one named member (a struct field or a map entry), enforcing the metadata
    /// limits when this is a `metadata` map.
    fn member<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), FormError> {
        let key = self.child_key(name);
        if !self.metadata {
            return value.serialize(Node::child(self.out, Some(key), None, self.depth)?);
        }
        let before = self.out.len();
        self.entries += 1;
        limits::check_metadata_entry(name, self.entries)?;
        value.serialize(Node::child(self.out, Some(key.clone()), None, self.depth)?)?;
        let written = self.out.get(before..).unwrap_or_default();
        limits::check_metadata_value(&key, written)
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
        value.serialize(Node::child(self.out, Some(key), Some(index), self.depth)?)
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
        self.member(name, value)
    }
    fn end(self) -> Result<(), FormError> {
        self.finish_struct()
    }
}

impl ser::SerializeMap for Container<'_> {
    type Ok = ();
    type Error = FormError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), FormError> {
        let name = key.serialize(KeyName(0))?;
        limits::check_map_key(&name)?;
        self.pending_key = Some(name);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), FormError> {
        let name = self
            .pending_key
            .take()
            .ok_or_else(|| FormError("map value without a key".into()))?;
        self.member(&name, value)
    }
    fn end(self) -> Result<(), FormError> {
        self.finish()
    }
}

pub(super) fn unsupported(what: &str) -> FormError {
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
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), FormError> {
        // `NaN`/`inf` would go out as text Stripe reads as a string, not a number.
        if !v.is_finite() {
            return Err(unsupported("a NaN or infinite number"));
        }
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
        value.serialize(self.unwrap_level()?)
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
        value.serialize(self.unwrap_level()?)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), FormError> {
        value.serialize(self.unwrap_level()?)
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
