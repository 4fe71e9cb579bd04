//! An exact decimal for money, shared by every provider crate.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal kept as its text (`"1250.50"`), with exact addition, subtraction and comparison.
///
/// Providers send money as JSON numbers (Salesforce, QuickBooks) or as strings (HubSpot
/// properties, CSV). Without serde_json's `arbitrary_precision`, a JSON number reaches us as
/// an `f64`; it is turned back into the shortest text that reads as the same `f64`, which is
/// the text the provider wrote for every value of up to 15 significant digits (amounts beyond
/// 15 significant digits are not exact in any f64-based client). Values that arrive as text
/// are kept verbatim, so `"1000.50"` stays `"1000.50"`.
///
/// Arithmetic works on up to 38 significant digits and returns `None` rather than rounding.
/// Equality (`==`) compares the text; [`Decimal::cmp_value`] compares the numbers
/// (`1.50` and `1.5` are equal values).
///
/// ```
/// use atom_core::Decimal;
/// let d: Decimal = serde_json::from_str("1250.5").unwrap();
/// assert_eq!(d.as_str(), "1250.5");
/// let exact: Decimal = "19999999.99".parse().unwrap();
/// assert_eq!(serde_json::to_string(&exact).unwrap(), "19999999.99");
/// assert!("12,5".parse::<Decimal>().is_err());
/// let sum = Decimal::sum(["0.10", "0.20"].iter().map(|s| s.parse::<Decimal>().unwrap()));
/// assert_eq!(sum.unwrap().as_str(), "0.30");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

/// The text given to [`Decimal::from_str`] is not a plain decimal number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a decimal number (digits, an optional '-' and one optional '.')")]
pub struct ParseDecimalError(String);

/// How much of a bad input the error repeats: enough to recognise it, never a whole
/// hostile body.
const MAX_ERROR_ECHO: usize = 64;

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

impl Decimal {
    /// Zero.
    pub fn zero() -> Self {
        Self("0".to_owned())
    }

    /// The value as an integer mantissa and a count of fractional digits (`"12.50"` is
    /// `(1250, 2)`), or `None` beyond 38 digits.
    pub fn to_parts(&self) -> Option<(i128, u32)> {
        let (negative, body) = match self.0.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, self.0.as_str()),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let scale = u32::try_from(frac.len()).ok()?;
        let mut mantissa: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(b - b'0'))?;
        }
        Some((if negative { -mantissa } else { mantissa }, scale))
    }

    /// The decimal for `mantissa / 10^scale` (`from_parts(1250, 2)` is `"12.50"`).
    pub fn from_parts(mantissa: i128, scale: u32) -> Self {
        let digits = mantissa.unsigned_abs().to_string();
        let scale = scale as usize;
        let padded = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let (int, frac) = padded.split_at(padded.len() - scale);
        let sign = if mantissa < 0 { "-" } else { "" };
        if frac.is_empty() {
            Self(format!("{sign}{int}"))
        } else {
            Self(format!("{sign}{int}.{frac}"))
        }
    }

    /// Both values at the larger of their scales, or `None` on overflow.
    fn aligned(&self, other: &Self) -> Option<(i128, i128, u32)> {
        let (a, sa) = self.to_parts()?;
        let (b, sb) = other.to_parts()?;
        let scale = sa.max(sb);
        let a = a.checked_mul(10i128.checked_pow(scale - sa)?)?;
        let b = b.checked_mul(10i128.checked_pow(scale - sb)?)?;
        Some((a, b, scale))
    }

    /// `self + other`, exact, keeping the larger scale (`1.5 + 0.25 = 1.75`); `None` on
    /// overflow past 38 digits.
    pub fn checked_add(&self, other: &Self) -> Option<Self> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Self::from_parts(a.checked_add(b)?, scale))
    }

    /// `self - other`, exact; `None` on overflow past 38 digits.
    pub fn checked_sub(&self, other: &Self) -> Option<Self> {
        let (a, b, scale) = self.aligned(other)?;
        Some(Self::from_parts(a.checked_sub(b)?, scale))
    }

    /// The exact sum of `values` (`"0"` for none); `None` on overflow past 38 digits.
    pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Option<Self> {
        values
            .into_iter()
            .try_fold(Self::zero(), |acc, v| acc.checked_add(&v))
    }

    /// Compares the numbers, not the text (`1.50` equals `1.5`); `None` beyond 38 digits.
    pub fn cmp_value(&self, other: &Self) -> Option<Ordering> {
        let (a, b, _) = self.aligned(other)?;
        Some(a.cmp(&b))
    }

    /// Whether the value is zero (`0`, `-0.00`).
    pub fn is_zero(&self) -> bool {
        self.0.bytes().all(|b| matches!(b, b'0' | b'.' | b'-'))
    }
}

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if Self::is_valid(s) {
            Ok(Self(s.to_owned()))
        } else {
            let echo: String = s.chars().take(MAX_ERROR_ECHO).collect();
            Err(ParseDecimalError(echo))
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
    fn keeps_the_text_the_provider_wrote() {
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

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap_or_else(|_| Decimal::zero())
    }

    #[test]
    fn adds_and_subtracts_exactly() {
        let add = |a: &str, b: &str| dec(a).checked_add(&dec(b)).map(|d| d.0);
        assert_eq!(add("0.1", "0.2").as_deref(), Some("0.3"));
        assert_eq!(add("1.5", "0.25").as_deref(), Some("1.75"));
        assert_eq!(add("-1.5", "1.5").as_deref(), Some("0.0"));
        assert_eq!(add("-0.05", "0.01").as_deref(), Some("-0.04"));
        assert_eq!(add("170141183460469231731687303715884105727", "1"), None);
        let sub = dec("100").checked_sub(&dec("0.01")).map(|d| d.0);
        assert_eq!(sub.as_deref(), Some("99.99"));
        assert_eq!(
            Decimal::sum(["10.10", "20.20", "-0.30"].map(dec))
                .map(|d| d.0)
                .as_deref(),
            Some("30.00")
        );
        assert_eq!(dec("1.50").cmp_value(&dec("1.5")), Some(Ordering::Equal));
        assert_eq!(dec("-2").cmp_value(&dec("1.5")), Some(Ordering::Less));
        assert!(dec("-0.00").is_zero() && !dec("0.01").is_zero());
        assert_eq!(Decimal::from_parts(5, 3).0, "0.005");
        assert_eq!(Decimal::from_parts(-1250, 2).0, "-12.50");
    }

    #[test]
    fn a_long_bad_input_is_echoed_only_in_part() {
        let long = "x".repeat(10_000);
        let err = long.parse::<Decimal>().err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.len() < 200));
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
