//! Enums of a provider's string values that survive values added later.

/// Declares an enum of a provider's string values with an `Other(String)` arm, so a value
/// the provider adds later still decodes, and re-encodes exactly as sent. It derives
/// `Debug, Clone, PartialEq, Eq, Hash` and implements `as_str`, `From<&str>`, `Display`,
/// `Serialize` and `Deserialize` (borrowing the input where it can).
///
/// ```
/// atom_core::string_enum! {
///     /// A ticket's status.
///     pub enum Status {
///         /// Waiting for an agent.
///         Open = "open",
///         /// Done.
///         Solved = "solved",
///     }
/// }
/// let parsed: Vec<Status> = serde_json::from_str(r#"["open", "on_hold"]"#).unwrap();
/// assert_eq!(parsed, vec![Status::Open, Status::Other("on_hold".into())]);
/// assert_eq!(serde_json::to_string(&parsed).unwrap(), r#"["open","on_hold"]"#);
/// assert_eq!(Status::Solved.to_string(), "solved");
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the crate does not know, kept as sent.
            Other(::std::string::String),
        }

        impl $name {
            /// The value as the provider writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::__private::serde::Deserializer<'de>,
            {
                struct Visitor;
                impl $crate::__private::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E>(self, text: &str) -> ::std::result::Result<$name, E>
                    where
                        E: $crate::__private::serde::de::Error,
                    {
                        Ok($name::from(text))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}
