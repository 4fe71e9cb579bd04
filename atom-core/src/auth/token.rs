//! Tokens and where they belong.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Secret;

/// An OAuth token set: access token, refresh token, expiry, scopes and provider extras
/// (Salesforce `instance_url`, `issued_at`; QuickBooks `realm_id`).
///
/// `Debug` shows neither token nor the values of the extras.
///
/// ```
/// use atom_core::{Secret, TokenSet};
/// let t = TokenSet::bearer(Secret::new("00Dxx!AQ4AQ.secret"));
/// assert!(!format!("{t:?}").contains("secret"));
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenSet {
    /// The access token.
    pub access_token: Secret,
    /// The refresh token, when the provider issued one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// When the access token expires; `None` when the provider does not say (Salesforce).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Granted scopes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Every other field of the token response, kept as sent.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

impl TokenSet {
    /// A token set with only an access token.
    pub fn bearer(access_token: Secret) -> Self {
        Self {
            access_token,
            refresh_token: None,
            expires_at: None,
            scopes: Vec::new(),
            extra: Map::new(),
        }
    }

    /// An extra field as text (`instance_url`, `realm_id`).
    pub fn extra_str(&self, name: &str) -> Option<&str> {
        self.extra.get(name).and_then(Value::as_str)
    }

    /// True when the access token expires within `margin` of `now`.
    pub fn expires_within(&self, margin: std::time::Duration, now: DateTime<Utc>) -> bool {
        match self.expires_at {
            Some(at) => {
                let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::MAX);
                now.checked_add_signed(margin)
                    .is_none_or(|limit| limit >= at)
            }
            None => false,
        }
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("extra_keys", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Where a token belongs: a service and a tenant or user (`"salesforce"`, `"org-00D..."`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TokenKey {
    /// The service id.
    pub service: String,
    /// The tenant or user the token acts for.
    pub tenant: String,
}

impl TokenKey {
    /// A key.
    pub fn new(service: impl Into<String>, tenant: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            tenant: tenant.into(),
        }
    }
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.service, self.tenant)
    }
}

/// A token with the store's version of it (for compare-and-swap saves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredToken {
    /// The version, increased by every save.
    pub version: u64,
    /// The token.
    pub token: TokenSet,
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use proptest::prelude::*;
    use proptest::test_runner::{Config as ProptestConfig, RngSeed};

    use super::TokenSet;
    use crate::Secret;

    fn any_time() -> impl Strategy<Value = DateTime<Utc>> {
        let (min, max) = (
            DateTime::<Utc>::MIN_UTC.timestamp(),
            DateTime::<Utc>::MAX_UTC.timestamp(),
        );
        prop_oneof![
            Just(DateTime::<Utc>::MIN_UTC),
            Just(DateTime::<Utc>::MAX_UTC),
            (min..=max, 0..1_000_000_000u32)
                .prop_map(move |(s, n)| DateTime::from_timestamp(s, n)
                    .unwrap_or(DateTime::<Utc>::MAX_UTC)),
        ]
    }

    fn any_margin() -> impl Strategy<Value = std::time::Duration> {
        prop_oneof![
            Just(std::time::Duration::ZERO),
            Just(std::time::Duration::MAX),
            (any::<u64>(), 0..1_000_000_000u32).prop_map(|(s, n)| std::time::Duration::new(s, n)),
            (0..100_000u64).prop_map(std::time::Duration::from_millis),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 10_000,
            rng_seed: RngSeed::Fixed(0x5eed),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Extreme dates and margins never panic; a wider margin never makes a token look
        /// fresher; a token without expiry never expires; an expired token always does.
        #[test]
        fn expires_within_is_total_and_monotonic(
            at in proptest::option::of(any_time()),
            now in any_time(),
            small in any_margin(),
            large in any_margin(),
        ) {
            let (small, large) = if small <= large { (small, large) } else { (large, small) };
            let token = TokenSet { expires_at: at, ..TokenSet::bearer(Secret::new("a")) };
            let narrow = token.expires_within(small, now);
            let wide = token.expires_within(large, now);
            prop_assert!(!narrow || wide);
            match at {
                None => prop_assert!(!wide),
                Some(at) if at <= now => prop_assert!(narrow),
                Some(_) => {}
            }
        }
    }
}
