//! Stripe's integer minor units turned into exact decimals, by the currency's exponent.

use atom_core::Decimal;

/// The number of decimal places of Stripe's minor unit for `currency` (ISO code, any
/// case): Stripe's own lists, through [`atom_stripe::models::Currency::exponent`].
///
/// ```
/// use atom_examples::sync::reconcile::exponent;
/// assert_eq!(exponent("JPY"), 0);
/// assert_eq!(exponent("kwd"), 3);
/// assert_eq!(exponent("usd"), 2);
/// ```
pub fn exponent(currency: &str) -> u32 {
    atom_stripe::models::Currency::from(currency).exponent()
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
