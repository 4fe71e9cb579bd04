//! The `model!` macro: typed provider resources that keep every unknown field as raw JSON,
//! decoded by a hand-written map visitor instead of `#[serde(flatten)]`.
//!
//! `#[serde(flatten)]` buffers every object into serde's private `Content` tree before the
//! fields are read, and builds a `serde_json::Value` tree for each unknown field: several
//! times the CPU of the visitor this macro generates, which decodes known keys straight into
//! their types and keeps the rest as their JSON text ([`RawFields`](crate::RawFields)).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::de::{self, Deserializer, Visitor};

/// What a model field becomes when its key is absent: `None`/empty for optional, list and
/// map fields, a `missing field` decode error for required ones. Provider crates implement it
/// for their own required types with [`model_required!`](crate::model_required).
pub trait Missing: Sized {
    /// The value for an absent key, or the decode error.
    fn missing<E: de::Error>(name: &'static str) -> Result<Self, E>;
}

impl<T> Missing for Option<T> {
    fn missing<E: de::Error>(_: &'static str) -> Result<Self, E> {
        Ok(None)
    }
}

impl<T> Missing for Vec<T> {
    fn missing<E: de::Error>(_: &'static str) -> Result<Self, E> {
        Ok(Vec::new())
    }
}

impl<K, V> Missing for BTreeMap<K, V> {
    fn missing<E: de::Error>(_: &'static str) -> Result<Self, E> {
        Ok(BTreeMap::new())
    }
}

impl<K, V, S: Default> Missing for HashMap<K, V, S> {
    fn missing<E: de::Error>(_: &'static str) -> Result<Self, E> {
        Ok(HashMap::default())
    }
}

/// Marks types whose absence from a model's object is a decode error.
///
/// ```
/// struct Cents(i64);
/// atom_core::model_required!(Cents);
/// ```
#[macro_export]
macro_rules! model_required {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::model::Missing for $t {
            fn missing<E: ::serde::de::Error>(name: &'static str) -> ::std::result::Result<Self, E> {
                ::std::result::Result::Err(E::missing_field(name))
            }
        }
    )*};
}

model_required!(
    u8,
    u16,
    u32,
    u64,
    i32,
    i64,
    f64,
    bool,
    String,
    DateTime<Utc>,
    DateTime<FixedOffset>,
    NaiveDate,
    crate::Decimal
);

/// An object key, borrowed from the input when possible.
#[doc(hidden)]
pub struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key, borrowed when it could be.
    pub fn into_cow(self) -> Cow<'de, str> {
        self.0
    }

    /// The key, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Defines a provider model: the struct with an `extra: RawFields`, a fast `Deserialize`
/// (known keys straight into their types, unknown keys kept as JSON text), `Serialize` (the
/// same shape back) and `from_map` for visitors that already hold a map.
///
/// Each field may carry, in this order: `@rename("json")` (another JSON key),
/// `@with(module::path)` (a serde `with` module), `@deserialize_with(function::path)` (a
/// serde `deserialize_with` function), `@default(expr)` (the value when the key is absent;
/// without it, [`Missing`] decides) and `@skip_if(path)` (left out when serialising).
///
/// ```
/// atom_core::model! {
///     /// A thing.
///     pub struct Thing {
///         /// The id.
///         pub id: u64,
///         /// Its kind.
///         @rename("type")
///         pub kind: Option<String>,
///         /// Whether it is gone.
///         @default(false)
///         @skip_if(std::ops::Not::not)
///         pub deleted: bool,
///     }
/// }
/// let t: Thing = serde_json::from_str(r#"{"id":1,"type":"a","color":"red"}"#).unwrap();
/// assert_eq!((t.id, t.kind.as_deref(), t.deleted), (1, Some("a"), false));
/// assert_eq!(t.extra.get("color"), Some(serde_json::json!("red")));
/// assert_eq!(
///     serde_json::to_string(&t).unwrap(),
///     r#"{"id":1,"type":"a","color":"red"}"#
/// );
/// ```
#[macro_export]
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $(@rename($json:literal))?
                $(@with($($with:ident)::+))?
                $(@deserialize_with($($de:ident)::+))?
                $(@default($default:expr))?
                $(@skip_if($($skip:ident)::+))?
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
            /// Every field the provider sent that this type does not name, kept as the JSON
            /// text it sent and decoded only when read.
            pub extra: $crate::RawFields,
        }

        impl $name {
            /// Decodes the fields of an object whose map the caller's visitor already holds.
            #[allow(dead_code)]
            pub(crate) fn from_map<'de, A: ::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::std::result::Result<Self, A::Error> {
                $( let mut $field: ::std::option::Option<$ty> = None; )*
                let mut extra = $crate::RawFields::default();
                while let Some(key) = map.next_key::<$crate::model::Key<'de>>()? {
                    match key.as_str() {
                        $( $crate::__model_key!($field $(, $json)?) => {
                            $field = Some($crate::__model_value!(
                                map, $ty $(, fn $($with)::+::deserialize)? $(, fn $($de)::+)?
                            ));
                        } )*
                        _ => extra.insert_next_value(key.as_str(), &mut map)?,
                    }
                }
                Ok(Self {
                    $( $field: match $field {
                        Some(v) => v,
                        None => $crate::__model_missing!(
                            $ty, $crate::__model_key!($field $(, $json)?) $(, $default)?
                        ),
                    }, )*
                    extra,
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                struct ModelVisitor;
                impl<'de> ::serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $name;
                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        $name::from_map(map)
                    }
                }
                d.deserialize_map(ModelVisitor)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                let mut m = s.serialize_map(None)?;
                $(
                    $crate::__model_serialize!(
                        m,
                        $crate::__model_key!($field $(, $json)?),
                        &self.$field,
                        $ty
                        $(, with $($with)::+)?
                        $(, skip $($skip)::+)?
                    );
                )*
                for (k, v) in self.extra.iter() {
                    m.serialize_entry(&k, v)?;
                }
                m.end()
            }
        }

        impl $crate::model::Missing for $name {
            fn missing<E: ::serde::de::Error>(
                name: &'static str,
            ) -> ::std::result::Result<Self, E> {
                Err(E::missing_field(name))
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_key {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $json:literal) => {
        $json
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_value {
    ($map:ident, $ty:ty) => {
        $map.next_value::<$ty>()?
    };
    ($map:ident, $ty:ty, fn $($de:ident)::+) => {{
        struct Seed;
        impl<'de> ::serde::de::DeserializeSeed<'de> for Seed {
            type Value = $ty;
            fn deserialize<D: ::serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> ::std::result::Result<$ty, D::Error> {
                $($de)::+(d)
            }
        }
        $map.next_value_seed(Seed)?
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_missing {
    ($ty:ty, $key:expr) => {
        <$ty as $crate::model::Missing>::missing($key)?
    };
    ($ty:ty, $key:expr, $default:expr) => {
        $default
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __model_serialize {
    ($m:ident, $key:expr, $value:expr, $ty:ty) => {
        $m.serialize_entry($key, $value)?
    };
    ($m:ident, $key:expr, $value:expr, $ty:ty, skip $($skip:ident)::+) => {
        if !$($skip)::+($value) {
            $m.serialize_entry($key, $value)?
        }
    };
    ($m:ident, $key:expr, $value:expr, $ty:ty, with $($with:ident)::+ $(, skip $($skip:ident)::+)?) => {{
        struct With<'a>(&'a $ty);
        impl ::serde::Serialize for With<'_> {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $($with)::+::serialize(self.0, s)
            }
        }
        $( if !$($skip)::+($value) )? {
            $m.serialize_entry($key, &With($value))?
        }
    }};
}
