//! An exact decimal for money and other Salesforce numbers.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::SERVICE;

/// A decimal kept as its text (`"1250.50"`), never rounded through arithmetic.
///
/// Salesforce sends currency and number fields as JSON numbers. Without serde_json's
/// `arbitrary_precision`, a JSON number reaches us as an `f64`; it is turned back into the
/// shortest text that reads as the same `f64`, which is the text Salesforce wrote for every
/// value of up to 15 significant digits (Salesforce currency fields hold at most 18 digits,
/// and amounts beyond 15 significant digits are not exact in any f64-based client). Values
/// that arrive as text (Bulk API CSV, aggregate strings) are kept verbatim.
///
/// ```
/// use atom_salesforce::Decimal;
/// let d: Decimal = serde_json::from_str("1250.5").unwrap();
/// assert_eq!(d.as_str(), "1250.5");
/// let exact: Decimal = "19999999.99".parse().unwrap();
/// assert_eq!(serde_json::to_string(&exact).unwrap(), "19999999.99");
/// assert!("12,5".parse::<Decimal>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The decimal text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as an `f64`, for display or ratios (never for sums of money).
    pub fn to_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }

    fn is_valid(s: &str) -> bool {
        let body = s.strip_prefix('-').unwrap_or(s);
        let mut parts = body.splitn(2, '.');
        let int = parts.next().unwrap_or_default();
        let frac = parts.next();
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        digits(int) && frac.is_none_or(digits)
    }

    fn from_f64(value: f64) -> Option<Self> {
        if !value.is_finite() {
            return None;
        }
        // `{}` prints the shortest text that parses back to the same f64, never exponent form.
        let text = format!("{value}");
        Self::is_valid(&text).then_some(Self(text))
    }
}

impl FromStr for Decimal {
    type Err = atom_core::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if Self::is_valid(s) {
            Ok(Self(s.to_owned()))
        } else {
            Err(atom_core::Error::config(
                SERVICE,
                format!("{s:?} is not a decimal number"),
            ))
        }
    }
}

impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Self(value.to_string())
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Integers go out as integers; other values as a JSON number when the f64 prints back
        // as the same number (trailing zeros aside), else as text so that no digit is lost.
        if let Ok(i) = self.0.parse::<i64>() {
            return serializer.serialize_i64(i);
        }
        match self.0.parse::<f64>() {
            Ok(f)
                if Decimal::from_f64(f)
                    .is_some_and(|d| normalized(&d.0) == normalized(&self.0)) =>
            {
                serializer.serialize_f64(f)
            }
            _ => serializer.serialize_str(&self.0),
        }
    }
}

/// The same number without trailing fractional zeros (`1000.50` → `1000.5`, `2.0` → `2`).
fn normalized(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or numeric string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        let d = Decimal::from_f64(v).ok_or_else(|| E::custom("number is not finite"))?;
        // 300.0 prints as "300": keep integers as integers.
        Ok(d)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.parse().map_err(|_| E::custom("string is not a decimal"))
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DecimalVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_text_salesforce_wrote() {
        for (json, text) in [
            ("300.0", "300"),
            ("23.1", "23.1"),
            ("0.1", "0.1"),
            ("123456789012.35", "123456789012.35"),
            ("-5", "-5"),
            ("\"1000.50\"", "1000.50"),
        ] {
            let d: Result<Decimal, _> = serde_json::from_str(json);
            assert_eq!(d.ok().map(|d| d.0), Some(text.to_owned()), "{json}");
        }
        for bad in ["", "-", "1.", ".5", "1e5", "1,5", "abc"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
    }

    #[test]
    fn serialises_as_a_number_when_exact() {
        let out = |s: &str| {
            s.parse::<Decimal>()
                .ok()
                .and_then(|d| serde_json::to_string(&d).ok())
        };
        assert_eq!(out("1000.5").as_deref(), Some("1000.5"));
        assert_eq!(out("42").as_deref(), Some("42"));
        assert_eq!(out("1000.50").as_deref(), Some("1000.5"));
        assert_eq!(
            out("12345678901234567.89").as_deref(),
            Some("\"12345678901234567.89\"")
        );
    }
}
