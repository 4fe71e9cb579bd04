//! Stripe's integer minor units turned into exact decimals, by the currency's exponent.

use atom_core::Decimal;

/// Currencies Stripe counts in whole units (`amount: 500` is ¥500), from Stripe's
/// "Zero-decimal currencies" list.
const ZERO_DECIMAL: [&str; 16] = [
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// Currencies Stripe counts in thousandths (`amount: 5120` is 5.120 KWD), from Stripe's
/// "Three-decimal currencies" list.
const THREE_DECIMAL: [&str; 5] = ["bhd", "jod", "kwd", "omr", "tnd"];

/// The number of decimal places of Stripe's minor unit for `currency` (ISO code, any
/// case): 0 for zero-decimal currencies, 3 for three-decimal ones, 2 for every other.
///
/// ISK, HUF and TWD are 2 here: Stripe's API keeps two decimals for them (for backwards
/// compatibility), even where it only pays out whole units.
///
/// ```
/// use atom_examples::sync::reconcile::exponent;
/// assert_eq!(exponent("JPY"), 0);
/// assert_eq!(exponent("kwd"), 3);
/// assert_eq!(exponent("usd"), 2);
/// ```
pub fn exponent(currency: &str) -> u32 {
    let code = currency.to_ascii_lowercase();
    if ZERO_DECIMAL.contains(&code.as_str()) {
        0
    } else if THREE_DECIMAL.contains(&code.as_str()) {
        3
    } else {
        2
    }
}

/// `minor` units of `currency` as an exact decimal with the currency's places
/// (`1050 usd` is `10.50`, `1050 jpy` is `1050`, `1050 kwd` is `1.050`). No `f64` is
/// involved, so every `i64` (and every sum of them, in `i128`) is exact.
///
/// ```
/// use atom_examples::sync::reconcile::to_decimal;
/// assert_eq!(to_decimal(1050, "usd").as_str(), "10.50");
/// assert_eq!(to_decimal(-5, "usd").as_str(), "-0.05");
/// assert_eq!(to_decimal(i128::from(i64::MAX), "jpy").as_str(), "9223372036854775807");
/// assert_eq!(to_decimal(5120, "KWD").as_str(), "5.120");
/// ```
pub fn to_decimal(minor: i128, currency: &str) -> Decimal {
    Decimal::from_parts(minor, exponent(currency))
}
