//! Map keys as text (`metadata[<key>]`).

use serde::ser::{self, Impossible, Serialize};

use super::FormError;
use super::limits::{self, MAX_DEPTH};
use super::node::unsupported;

/// Serialises a map key to its text; the number is how many wrappers (`Some`, newtypes)
/// deep it is, bounded like values are.
pub(super) struct KeyName(pub(super) usize);

impl KeyName {
    fn unwrap_level(self) -> Result<Self, FormError> {
        let depth = self.0 + 1;
        if depth > MAX_DEPTH {
            return Err(limits::too_deep(None));
        }
        Ok(Self(depth))
    }
}

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
        value.serialize(self.unwrap_level()?)
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
        value.serialize(self.unwrap_level()?)
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
