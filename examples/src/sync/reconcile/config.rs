//! What the reconciliation needs to know about the QuickBooks company, from the caller or
//! from the environment.

use atom_core::{Error, Result};
use chrono::{DateTime, Utc};

/// The service named in this program's own errors.
pub const SERVICE: &str = "reconcile";

/// Env var: the QuickBooks `Id` of the bank account payouts arrive in.
pub const ENV_BANK_ACCOUNT: &str = "RECONCILE_BANK_ACCOUNT_ID";
/// Env var: the QuickBooks `Id` of the account the gross charges and refunds come from
/// (an income account, or an undeposited-funds / Stripe clearing account).
pub const ENV_INCOME_ACCOUNT: &str = "RECONCILE_INCOME_ACCOUNT_ID";
/// Env var: the QuickBooks `Id` of the expense account Stripe's fees are booked to.
pub const ENV_FEES_ACCOUNT: &str = "RECONCILE_FEES_ACCOUNT_ID";
/// Env var (optional): the company's home currency, for deposits that carry no
/// `CurrencyRef` (single-currency companies); default `USD`.
pub const ENV_HOME_CURRENCY: &str = "RECONCILE_HOME_CURRENCY";
/// Env var (optional): reconcile only payouts created at or after this time (RFC 3339 or
/// Unix seconds) when no checkpoint exists yet.
pub const ENV_SINCE: &str = "RECONCILE_SINCE";

/// The program's settings. The account ids are QuickBooks `Account.Id` values; they are
/// checked against QuickBooks before anything is written.
///
/// ```
/// use atom_examples::sync::reconcile::Config;
/// let config = Config::new("35", "79", "80");
/// assert_eq!(config.home_currency, "USD");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The bank account the deposits go to ([`ENV_BANK_ACCOUNT`]).
    pub bank_account: String,
    /// The account gross charges, refunds and other Stripe activity come from
    /// ([`ENV_INCOME_ACCOUNT`]).
    pub income_account: String,
    /// The expense account of Stripe's fees ([`ENV_FEES_ACCOUNT`]).
    pub fees_account: String,
    /// The currency of deposits without a `CurrencyRef` ([`ENV_HOME_CURRENCY`]).
    pub home_currency: String,
    /// Without a checkpoint, start at payouts created at or after this time ([`ENV_SINCE`]).
    pub since: Option<DateTime<Utc>>,
    /// Items per Stripe list page (1 to 100).
    pub stripe_page_size: u32,
    /// Payouts whose existing deposits are looked up by one QuickBooks query.
    pub chunk: usize,
    /// Print what the run does, line by line.
    pub verbose: bool,
    /// How a run rides out a provider storm longer than one request's retries.
    pub recovery: crate::sync::Recovery,
}

impl Config {
    /// Settings with these three account ids and the defaults for the rest.
    pub fn new(
        bank_account: impl Into<String>,
        income_account: impl Into<String>,
        fees_account: impl Into<String>,
    ) -> Self {
        Self {
            bank_account: bank_account.into(),
            income_account: income_account.into(),
            fees_account: fees_account.into(),
            home_currency: "USD".to_owned(),
            since: None,
            stripe_page_size: 100,
            chunk: 100,
            verbose: true,
            recovery: crate::sync::Recovery::default(),
        }
    }

    /// Sets the start time used when no checkpoint exists.
    pub fn since(mut self, since: DateTime<Utc>) -> Self {
        self.since = Some(since);
        self
    }

    /// Turns the line-by-line printing on or off.
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.verbose = verbose;
        self
    }

    /// Reads the settings from the environment: [`ENV_BANK_ACCOUNT`],
    /// [`ENV_INCOME_ACCOUNT`] and [`ENV_FEES_ACCOUNT`] are required (a missing one is a
    /// `Config` error naming it); [`ENV_HOME_CURRENCY`] and [`ENV_SINCE`] are optional.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] over any lookup (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let required = |name: &str, what: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| {
                    Error::config(
                        SERVICE,
                        format!("set {name} to the QuickBooks Id of {what}"),
                    )
                })
        };
        let mut config = Self::new(
            required(
                ENV_BANK_ACCOUNT,
                "the bank account Stripe payouts arrive in",
            )?,
            required(
                ENV_INCOME_ACCOUNT,
                "the income (or Stripe clearing) account charges and refunds come from",
            )?,
            required(ENV_FEES_ACCOUNT, "the expense account for Stripe fees")?,
        );
        if let Some(currency) = lookup(ENV_HOME_CURRENCY).filter(|v| !v.trim().is_empty()) {
            let currency = currency.trim().to_ascii_uppercase();
            if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(Error::config(
                    SERVICE,
                    format!("{ENV_HOME_CURRENCY} must be a three-letter ISO code (USD)"),
                ));
            }
            config.home_currency = currency;
        }
        if let Some(since) = lookup(ENV_SINCE).filter(|v| !v.trim().is_empty()) {
            config.since = Some(parse_since(since.trim())?);
        }
        Ok(config)
    }
}

fn parse_since(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(secs) = text.parse::<i64>() {
        return DateTime::from_timestamp(secs, 0)
            .ok_or_else(|| Error::config(SERVICE, format!("{ENV_SINCE} is out of range")));
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            Error::config(
                SERVICE,
                format!("{ENV_SINCE} must be RFC 3339 (2026-01-01T00:00:00Z) or Unix seconds"),
            )
        })
}
