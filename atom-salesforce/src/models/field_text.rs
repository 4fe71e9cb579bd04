//! Field values into and out of [`Fields`](super::Fields)' text: captured as sent (and
//! checked as `serde_json::Value` would check them) from a JSON text, re-written from any
//! other deserializer, and found again by key.

use std::fmt;
use std::fmt::Write as _;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Number, Value};

use atom_core::model::Key;

/// How deep a field value may nest. Salesforce nests relationship records a few levels;
/// anything deeper is refused while decoding (never by overflowing the stack), and the
/// stored text stays well inside serde_json's own limit of 128 when it is read back.
pub(crate) const MAX_DEPTH: usize = 100;

/// Appends `s` as a JSON string; the common text (nothing to escape) is copied as is.
pub(super) fn push_json_string(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&Value::from(s).to_string());
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// Writes the value it is handed as compact JSON, visiting it the way `serde_json::Value`
/// does (so the same inputs are refused: numbers out of range, lone surrogates, nesting
/// past the limit) without building a tree.
struct Echo<'a> {
    out: &'a mut String,
    depth: usize,
}

impl Echo<'_> {
    fn deeper(&mut self) -> Echo<'_> {
        Echo {
            out: self.out,
            depth: self.depth + 1,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Echo<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "a field value nests deeper than {MAX_DEPTH} levels"
            )));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Echo<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        let _ = write!(self.out, "{v}");
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        match Number::from_f64(v) {
            // The text serde_json writes for it, so reading it back gives what
            // `serde_json::to_string` and `from_str` of the value give.
            Some(n) => {
                let _ = write!(self.out, "{n}");
            }
            // What `serde_json::Value` makes of a non-finite float.
            None => self.out.push_str("null"),
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        push_json_string(self.out, v);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.out.push_str("null");
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        DeserializeSeed::deserialize(self, d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        DeserializeSeed::deserialize(self, d)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        self.out.push('[');
        let mut first = true;
        loop {
            let mark = self.out.len();
            if !first {
                self.out.push(',');
            }
            if seq.next_element_seed(self.deeper())?.is_none() {
                self.out.truncate(mark);
                break;
            }
            first = false;
        }
        self.out.push(']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        self.write_map(None, map)
    }
}

impl<'de> Echo<'_> {
    /// Writes an object whose first key (`first`) may have been read already.
    fn write_map<A: MapAccess<'de>>(
        mut self,
        mut first: Option<Key<'de>>,
        mut map: A,
    ) -> Result<(), A::Error> {
        self.out.push('{');
        let mut comma = false;
        loop {
            let key = match first.take() {
                Some(key) => key,
                None => match map.next_key::<Key<'de>>()? {
                    Some(key) => key,
                    None => break,
                },
            };
            if comma {
                self.out.push(',');
            }
            comma = true;
            push_json_string(self.out, key.as_str());
            self.out.push(':');
            map.next_value_seed(self.deeper())?;
        }
        self.out.push('}');
        Ok(())
    }
}

/// Finds the last field named `.0` in a [`Fields`] text: its place and its JSON text.
struct Find<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for Find<'_> {
    type Value = Option<(usize, &'de RawValue)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Find<'_> {
    type Value = Option<(usize, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut at = 0;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == self.0 {
                // Not the first match: a key sent twice reads as its later value, as
                // `serde_json::Map` keeps it.
                found = Some((at, map.next_value::<&'de RawValue>()?));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            at += 1;
        }
        Ok(found)
    }
}

/// serde_json's raw-value protocol: its deserializers answer `deserialize_newtype_struct`
/// under this name by handing over the value's JSON text (from a `&str`, exactly as sent).
/// A deserializer that does not know it sees an ordinary newtype, and the value is
/// re-written by [`Echo`] instead.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// Appends one field value to a [`Fields`](super::Fields) text: its JSON text as sent when
/// the deserializer can hand it over (after the checks `serde_json::Value` would make),
/// else re-written.
pub(super) struct Capture<'a>(pub(super) &'a mut String);

impl<'de> DeserializeSeed<'de> for Capture<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_newtype_struct(RAW_TOKEN, self)
    }
}

macro_rules! echo {
    ($this:expr) => {
        Echo {
            out: $this.0,
            depth: 0,
        }
    };
}

impl<'de> Visitor<'de> for Capture<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(key) = map.next_key::<Key<'de>>()? else {
            self.0.push_str("{}");
            return Ok(());
        };
        if key.as_str() != RAW_TOKEN {
            // A format that ignored the newtype hint: an ordinary object.
            return echo!(self).write_map(Some(key), map);
        }
        let raw: Key<'de> = map.next_value()?;
        if needs_check(raw.as_str()) {
            check(raw.as_str()).map_err(de::Error::custom)?;
        }
        self.0.push_str(raw.as_str());
        Ok(())
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        echo!(self).deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        echo!(self).visit_bool(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        echo!(self).visit_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        echo!(self).visit_u64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        echo!(self).visit_f64(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        echo!(self).visit_str(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        echo!(self).visit_unit()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        echo!(self).visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        echo!(self).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        echo!(self).visit_seq(seq)
    }
}

/// Whether a value's JSON text (valid JSON: serde_json captured it) could hold something a
/// `serde_json::Value` refuses. Most fields cannot, and skip the second parse: a string
/// without escapes, `null`, `true`, `false`, a number without exponent shorter than the
/// 309 digits of `f64::MAX`.
fn needs_check(raw: &str) -> bool {
    match raw.as_bytes().first() {
        Some(b'"') => raw.contains('\\'),
        Some(b'n' | b't' | b'f') => false,
        Some(b'-' | b'0'..=b'9') => raw.len() > 300 || raw.bytes().any(|b| b == b'e' || b == b'E'),
        _ => true,
    }
}

/// Refuses what `serde_json::Value` refuses in a value's JSON text (numbers out of range,
/// lone surrogates, nesting past [`MAX_DEPTH`]), building nothing.
fn check(raw: &str) -> serde_json::Result<()> {
    let mut de = serde_json::Deserializer::from_str(raw);
    Check(0).deserialize(&mut de)?;
    de.end()
}

/// One value of [`check`], at a depth.
struct Check(usize);

impl<'de> DeserializeSeed<'de> for Check {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.0 > MAX_DEPTH {
            return Err(de::Error::custom(format!(
                "a field value nests deeper than {MAX_DEPTH} levels"
            )));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Check {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Check(self.0 + 1))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Keys are parsed too (not skipped), so an escape in one is checked.
        while map.next_key_seed(Check(self.0 + 1))?.is_some() {
            map.next_value_seed(Check(self.0 + 1))?;
        }
        Ok(())
    }
}

/// Where each field of a [`Fields`](super::Fields) text is, found in one pass on the first
/// single-field read, so later reads compare keys instead of scanning the text again.
#[derive(Clone)]
pub(super) struct Index {
    /// Whether every key is kept as sent (no escapes), so `Slot::key` can be compared.
    keyed: bool,
    slots: Box<[Slot]>,
}

/// One field of an [`Index`]: its key and value text as (offset, length) in the text, and
/// the value once decoded.
#[derive(Clone)]
struct Slot {
    key: (u32, u32),
    value: (u32, u32),
    decoded: std::sync::OnceLock<Box<Value>>,
}

fn slice(text: &str, (at, len): (u32, u32)) -> Option<&str> {
    let at = usize::try_from(at).ok()?;
    text.get(at..at.checked_add(usize::try_from(len).ok()?)?)
}

impl Index {
    /// The index of a fields text (`{"key":value,...}` or empty). The text is valid
    /// JSON written by this module, so a byte scan that tracks strings and brackets finds
    /// each entry (about the cost of reading it once, building nothing); should it ever
    /// fail, the index is empty and lookups fall back to parsing.
    pub(super) fn of(text: &str) -> Index {
        let mut slots = Vec::new();
        let keyed = scan(text.as_bytes(), &mut slots).is_some();
        if !keyed {
            slots.clear();
            // Escaped keys (or a text this scan does not follow): places come from a parse.
            if let Ok(entries) = serde_json::from_str::<RawEntries<'_>>(text) {
                let base = text.as_ptr() as usize;
                for (_, value) in entries.0 {
                    let raw = value.get();
                    let at = (raw.as_ptr() as usize).saturating_sub(base);
                    slots.push(Slot {
                        key: (0, 0),
                        value: (
                            u32::try_from(at).unwrap_or(u32::MAX),
                            u32::try_from(raw.len()).unwrap_or(0),
                        ),
                        decoded: std::sync::OnceLock::new(),
                    });
                }
            }
        }
        Index {
            keyed,
            slots: slots.into_boxed_slice(),
        }
    }

    /// Field `key`'s value (the later one of a key sent twice, as `serde_json::Map` keeps
    /// it), decoded on first use.
    pub(super) fn get<'a>(&'a self, text: &str, key: &str) -> Option<&'a Value> {
        let at = if self.keyed {
            self.slots
                .iter()
                .rposition(|s| slice(text, s.key) == Some(key))?
        } else {
            let mut de = serde_json::Deserializer::from_str(text);
            Find(key).deserialize(&mut de).ok()??.0
        };
        let slot = self.slots.get(at)?;
        let raw = slice(text, slot.value)?;
        Some(
            slot.decoded
                .get_or_init(|| Box::new(serde_json::from_str(raw).unwrap_or(Value::Null))),
        )
    }
}

/// Finds every entry of a fields text: `None` when a key has an escape (its text is not
/// the key) or the text is not what [`Fields`](super::Fields) writes.
fn scan(b: &[u8], slots: &mut Vec<Slot>) -> Option<()> {
    if b.is_empty() {
        return Some(());
    }
    let span = |from: usize, to: usize| -> Option<(u32, u32)> {
        Some((
            u32::try_from(from).ok()?,
            u32::try_from(to.checked_sub(from)?).ok()?,
        ))
    };
    let mut i = 1; // after `{`
    loop {
        match b.get(i)? {
            b'}' => return Some(()),
            b',' => i += 1,
            b'"' => {
                let end = string_end(b, i)?;
                let key = b.get(i + 1..end - 1)?;
                if key.contains(&b'\\') {
                    return None;
                }
                if b.get(end) != Some(&b':') {
                    return None;
                }
                let start = end + 1;
                let stop = value_end(b, start)?;
                slots.push(Slot {
                    key: span(i + 1, end - 1)?,
                    value: span(start, stop)?,
                    decoded: std::sync::OnceLock::new(),
                });
                i = stop;
            }
            _ => return None,
        }
    }
}

/// The index just past the string that starts (with `"`) at `i`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The index of the `,` or `}` that ends the value starting at `i`.
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match b.get(i)? {
            b'"' => i = string_end(b, i)?,
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' if depth == 0 => return Some(i),
            b'}' | b']' => {
                depth -= 1;
                i += 1;
            }
            b',' if depth == 0 => return Some(i),
            _ => i += 1,
        }
    }
}

/// The entries of a fields text, borrowed from it.
struct RawEntries<'a>(Vec<(Key<'a>, &'a RawValue)>);

impl<'de> de::Deserialize<'de> for RawEntries<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = RawEntries<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(key) = map.next_key()? {
                    entries.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(RawEntries(entries))
            }
        }
        d.deserialize_map(EntriesVisitor)
    }
}
